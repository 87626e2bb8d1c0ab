"""Render the kiosk's screens to PNG against a temporary dispatcher: ``python -m devtools.screenshots.kiosk OUTDIR``.

Start screen, number entry with an error, the ticket screen and out of service; Chinese and English;
portrait 1080×1920 and landscape 1920×1080. Runs offscreen; nothing is left behind but the PNGs.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, QEventLoop
from PySide6.QtWidgets import QApplication

from devtools.live import LiveDispatcher
from devtools.wait import wait_until
from kiosk.app import DEFAULTS, build
from kiosk.window import SIZES
from qtclient import Backoff, DeviceConfig
from qtclient.theme import apply_theme

IMPORT_NO = "220120241000012345"


def until_shown(condition) -> None:
    """Pump Qt until the screen shows what the shot needs."""
    pump = lambda: QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)  # noqa: E731
    if not wait_until(condition, 15.0, every=0.01, pump=pump):
        raise TimeoutError("screen did not appear")


def settle() -> None:
    for _ in range(5):
        QCoreApplication.processEvents()


def render(out: Path) -> list[Path]:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    apply_theme(app)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="fairq-shots-") as tmp, LiveDispatcher(Path(tmp) / "d") as hall:
        kiosk_token = hall.add_device("kiosk", "kiosk-shots")
        # some traffic so that queues and estimates are not all zero
        for n in range(4):
            hall.service.run(lambda h, n=n: h.issue_ticket(category="C", idempotency_key=f"s{n}"))
        hall.service.run(
            lambda h: h.issue_ticket(category="B", declaration_no="220120240000000001", idempotency_key="b")
        )
        for orientation in ("portrait", "landscape"):
            for language in ("zh", "en"):
                values = {
                    **DEFAULTS,
                    "url": hall.url,
                    "token": kiosk_token,
                    "printer": f"sim://{Path(tmp) / 'printer'}",
                    "printer_poll_ms": 200,
                    "language": language,
                    "orientation": orientation,
                    "ticket_timeout": 600,
                    "idle_timeout": 600,
                }
                kiosk = build(DeviceConfig(Path(tmp) / "kiosk.toml", values))
                kiosk.link.backoff = Backoff(0.05, cap=0.3)
                window, controller = kiosk.window, kiosk.controller
                window.resize(*SIZES[orientation])
                window.show()
                controller.start()

                def shot(name: str, o=orientation, lang=language, window=window) -> None:
                    settle()
                    path = out / f"kiosk-{name}-{lang}-{o}.png"
                    window.grab().save(str(path))
                    written.append(path)

                until_shown(lambda c=controller: c.phase == "start")
                shot("start")
                controller.choose("A")
                for key in IMPORT_NO[:8] + "0":  # an export flag at the import category
                    controller.key(key)
                shot("entry-error")
                for _ in range(9):
                    controller.key("back")
                for key in IMPORT_NO[:9] + f"{len(written) + 1:09d}":
                    controller.key(key)
                controller.confirm()
                until_shown(lambda c=controller: c.phase == "ticket")
                shot("ticket")
                controller.home()
                kiosk.printer._poll.stop()
                controller.printer.stateChanged.emit("paper_out", "out of paper")
                until_shown(lambda c=controller: c.phase == "out_of_service")
                shot("out-of-service")
                kiosk.stop()
                window.close()
                window.deleteLater()
                settle()
    return written


if __name__ == "__main__":
    for path in render(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")):
        print(path)

"""A four-digit label on the hall screen and the counter: ``python -m devtools.screenshots.four_digit OUTDIR``.

Issues (and cancels) 999 C tickets so that the next one is C1000, calls it at counter 8, and writes
``display-four-digit-1920x1080.png`` (the hall screen) and ``counter-four-digit.png`` (the counter
client, whose simulated LED must show ``C1000`` before the shot is taken).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from devtools.screenshots.counter import _settle, _wait


def render(outdir: Path) -> list[Path]:
    """Make both screenshots; returns their paths."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from counter_client.app import build as build_counter
    from counter_client.window import LAYOUT_SIZE
    from devtools.live import LiveDispatcher
    from display.announcer import NullSink
    from display.app import DEFAULTS
    from display.app import build as build_display
    from hardware import EvaluatorSim, KeypadSim, LedSim, LineSimulator
    from qtclient import Backoff, DeviceConfig
    from qtclient.theme import apply_theme

    qapp = QApplication.instance() or QApplication([])
    apply_theme(qapp)
    outdir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp, LineSimulator([LedSim(), KeypadSim(), EvaluatorSim()]) as line:
        hall = LiveDispatcher(Path(tmp) / "dispatcher").start()
        try:
            hall.add_officer("1001", "张三", "123456")
            svc = hall.service
            for _ in range(999):  # C001 … C999 come and go: the day's next C ticket is C1000
                ticket, _ = svc.run(lambda h: h.issue_ticket(category="C"))
                svc.run(lambda h, t=ticket.id: h.cancel_ticket(t, reason="screenshot set-up"))
            for _ in range(3):
                svc.run(lambda h: h.issue_ticket(category="C"))
            values = {"url": hall.url, "token": hall.add_device("counter", "pc-8", counter=8), "devices": line.path}
            counter = build_counter(
                DeviceConfig(Path(tmp) / "counter.toml", values),
                link_options={"backoff": Backoff(0.05, cap=0.3), "refresh_ms": 50},
            )
            counter.window.resize(*LAYOUT_SIZE)
            counter.window.show()
            counter.start()
            _wait(qapp, lambda: counter.session.can_login() and all(counter.devices.online.values()))
            counter.window.login.staff_edit.setText("1001")
            counter.window.login.pin_edit.setText("123456")
            counter.window.login.submit()
            _wait(qapp, lambda: counter.window.page == "service")
            _wait(qapp, lambda: counter.session.can("next"))
            counter.controller.trigger("next")
            _wait(qapp, lambda: counter.session.ticket is not None)
            label = counter.session.ticket["label"]
            if len(label) != 5:
                raise RuntimeError(f"expected a four-digit label, got {label}")
            _wait(qapp, lambda: line.device(1).text == label)
            print(f"counter LED shows {line.device(1).text!r}")

            token = hall.add_device("display", "screen-four-digit")
            config = DeviceConfig(Path(tmp) / "display.toml", {**DEFAULTS, "url": hall.url, "token": token})
            display = build_display(config, sink=NullSink(), link_kw={"backoff": Backoff(0.1, cap=0.5)})
            display.window.resize(1920, 1080)
            display.window.show()
            display.start()
            _wait(qapp, lambda: display.link.is_up and display.window.latest.call is not None)
            _settle(qapp, 1.5)
            path = outdir / "display-four-digit-1920x1080.png"
            display.window.grab().save(str(path))
            written.append(path)
            _settle(qapp)
            path = outdir / "counter-four-digit.png"
            counter.window.grab().save(str(path))
            written.append(path)
            display.stop()
            counter.stop()
        finally:
            hall.stop()
    return written


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m devtools.screenshots.four_digit", description=__doc__.splitlines()[0])
    p.add_argument("outdir", type=Path)
    args = p.parse_args(argv)
    for path in render(args.outdir):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())

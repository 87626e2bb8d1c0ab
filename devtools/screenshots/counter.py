"""Render the counter client's screens offscreen against a temporary dispatcher.

``python -m devtools.screenshots.counter OUTDIR [--size 1080p|768p] [--lang zh|en]``

Writes ``counter-login.png``, ``counter-serving.png``, ``counter-paused.png`` and ``counter-link-lost.png``
(1920×1080 unless ``--size 768p``), with simulated LED, keypad and evaluator on a pseudo-terminal.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path


def _wait(app, predicate, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise RuntimeError("the counter client did not get there in time")
        app.processEvents()
        time.sleep(0.01)


def _settle(app, seconds: float = 0.3) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def render(outdir: Path, *, size: str = "1080p", language: str = "zh") -> list[Path]:
    """Make the four screenshots; returns their paths."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from counter_client.window import LAYOUT_SIZE, scale_for

    if not QApplication.instance():
        os.environ["QT_SCALE_FACTOR"] = f"{scale_for(size):.4f}"

    from counter_client.app import build
    from devtools.live import LiveDispatcher
    from hardware import EvaluatorSim, KeypadSim, LedSim, LineSimulator
    from qtclient import Backoff, DeviceConfig
    from qtclient.theme import apply_theme

    qapp = QApplication.instance() or QApplication([])
    apply_theme(qapp)
    outdir.mkdir(parents=True, exist_ok=True)
    suffix = "" if size == "1080p" else f"-{size}"
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp, LineSimulator([LedSim(), KeypadSim(), EvaluatorSim()]) as line:
        hall = LiveDispatcher(Path(tmp) / "dispatcher").start()
        try:
            hall.add_officer("1001", "张三", "123456")
            token = hall.add_device("counter", "pc-5", counter=5)
            svc = hall.service
            for i in range(1, 5):
                svc.run(
                    lambda h, i=i: h.issue_ticket(
                        category="B", declaration_no=f"22332024000000{i:04d}", enterprise_code=f"33019600{i:02d}"
                    )
                )
            values = {"url": hall.url, "token": token, "devices": line.path, "language": language}
            config = DeviceConfig(Path(tmp) / "counter.toml", values)
            app = build(config, link_options={"backoff": Backoff(0.05, cap=0.3), "refresh_ms": 50})
            window = app.window
            window.resize(*LAYOUT_SIZE)  # logical pixels; the scale factor makes it the screen's size
            window.show()
            app.start()

            def shot(name: str) -> None:
                _settle(qapp)
                path = outdir / f"counter-{name}{suffix}.png"
                window.grab().save(str(path))
                written.append(path)

            _wait(qapp, lambda: app.session.can_login() and all(app.devices.online.values()))
            window.login.staff_edit.setText("1001")
            shot("login")
            window.login.pin_edit.setText("123456")
            window.login.submit()
            _wait(qapp, lambda: window.page == "service")
            # a served ticket and one no-show first, so that the figures are not all zero
            for action in ("next", "start", "done", "next", "no_show", "next", "start"):
                _wait(qapp, lambda a=action: app.session.can(a))
                app.controller.trigger(action)
                _wait(qapp, lambda: app.session.pending is None)
            window.service.outcome.setEditText("已受理")
            _wait(qapp, lambda: line.device(1).text == app.session.ticket["label"] and not line.device(1).blinking)
            shot("serving")
            window.service.outcome.setEditText("")
            app.controller.trigger("done")
            _wait(qapp, lambda: app.session.state == "idle" and app.session.pending is None)
            app.controller.trigger("pause")
            _wait(qapp, lambda: app.session.state == "paused")
            shot("paused")
            app.controller.trigger("pause")  # resume
            _wait(qapp, lambda: app.session.state == "idle" and app.session.pending is None)
            app.controller.trigger("next")
            _wait(qapp, lambda: app.session.ticket is not None)
            app.controller.trigger("start")
            _wait(qapp, lambda: (app.session.ticket or {}).get("state") == "serving")
            hall.stop()
            _wait(qapp, lambda: not app.session.online)
            shot("link-lost")
            app.stop()
        finally:
            hall.stop()
    return written


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m devtools.screenshots.counter", description=__doc__.splitlines()[0])
    p.add_argument("outdir", type=Path)
    p.add_argument("--size", choices=["1080p", "768p"], default="1080p")
    p.add_argument("--lang", choices=["zh", "en"], default="zh")
    args = p.parse_args(argv)
    for path in render(args.outdir, size=args.size, language=args.lang):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())

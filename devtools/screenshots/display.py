"""Screenshots of the hall screen against a temporary dispatcher: ``python -m devtools.screenshots.display OUTDIR``.

Renders offscreen: list mode at 1920x1080, grid mode with 20 counters, portrait 1080x1920, link lost.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from devtools.wait import wait_until

NOTICE = "今日下午 14:00–14:30 系统维护，请提前取号。 Counters pause for maintenance 14:00–14:30 today."


def until_shown(app, condition: Callable[[], bool]) -> None:
    """Pump Qt until the screen shows what the shot needs."""
    if not wait_until(condition, 15.0, every=0.01, pump=app.processEvents):
        raise RuntimeError("screenshot set-up timed out")


def settle(app, seconds: float = 0.3) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m devtools.screenshots.display", description=__doc__.splitlines()[0])
    p.add_argument("outdir", type=Path)
    args = p.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from PySide6.QtWidgets import QApplication

    from devtools.halldriver import HallDriver, hall_toml
    from devtools.live import LiveDispatcher
    from display.announcer import NullSink
    from display.app import DEFAULTS, build
    from qtclient import Backoff, DeviceConfig
    from qtclient.theme import apply_theme

    app = QApplication.instance() or QApplication(sys.argv[:1])
    apply_theme(app)
    args.outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        live = LiveDispatcher(Path(tmp) / "data", config=hall_toml(Path(tmp) / "hall.toml", counters=20)).start()
        driver = HallDriver(live)
        try:
            driver.notice(NOTICE)
            for category, count in (("A", 30), ("B", 22), ("C", 12)):
                driver.issue(category, count)
            called = []
            for counter in [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16, 17, 18, 19]:
                called.append(driver.next(counter))
            driver.act(4, "recall")
            driver.act(6, "no-show")
            driver.login(15)
            driver.act(15, "pause")
            driver.next(9)

            def make(mode: str, size: tuple[int, int]):
                token = live.add_device("display", f"screen-{mode}-{size[0]}x{size[1]}")
                config = DeviceConfig(Path(tmp) / f"{mode}.toml", {**DEFAULTS, "url": live.url, "token": token})
                config.update(mode=mode)
                display = build(config, sink=NullSink(), link_kw={"backoff": Backoff(0.1, cap=0.5)})
                display.window.resize(*size)
                display.window.show()
                display.start()
                until_shown(app, lambda: display.link.is_up and display.window.latest.call is not None)
                settle(app, 1.5)  # the refreshed snapshot (queues, estimates) comes a moment later
                display.window.flash_call(display.window.latest.call)  # as it looks just after a call
                ticker = display.window.ticker
                ticker.offset = ticker.width() * 0.5 - ticker.height() * 0.3  # the notice's start in view
                return display

            shots = [
                ("display-list-1920x1080.png", "list", (1920, 1080)),
                ("display-grid-20-counters.png", "grid", (1920, 1080)),
                ("display-portrait-1080x1920.png", "list", (1080, 1920)),
            ]
            displays = []
            for name, mode, size in shots:
                display = make(mode, size)
                displays.append(display)
                display.window.grab().save(str(args.outdir / name))
                print(args.outdir / name)
            lost = displays[0]
            live.stop()
            until_shown(app, lambda: lost.window.banner_shown and lost.window.banner.key == "link_lost")
            lost.window.latest.flasher.stop()
            lost.window.ticker.offset = lost.window.ticker.width() * 0.5 - lost.window.ticker.height() * 0.3
            lost.window.grab().save(str(args.outdir / "display-link-lost.png"))
            print(args.outdir / "display-link-lost.png")
            for display in displays:
                display.stop()
                display.window.close()
        finally:
            live.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

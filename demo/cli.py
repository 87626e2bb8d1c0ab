"""`fairq demo`: the whole hall on this machine — dispatcher, kiosk, two counters, display — on simulated hardware.

Everything runs as real processes talking over loopback, exactly as in a hall; printed tickets
land as PNG previews in the demo directory. With `--traders N`, simulated traders take tickets
and the keypad simulators press the officers' keys, so the hall moves by itself.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path

from .bots import officers, traders
from .hall import OFFICERS, PIN, start_apps, start_hall
from .processes import Processes
from .screen import screenshots, start_xvfb


def parse(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="fairq demo", description=__doc__.splitlines()[0])
    p.add_argument("--dir", help="demo directory (default: a fresh one under /tmp)")
    p.add_argument("--port", type=int, help="dispatcher port (default: a free one)")
    p.add_argument("--counters", type=lambda s: [int(x) for x in s.split(",")], default=[7, 3])
    p.add_argument("--traders", type=int, default=0, help="simulated traders who take tickets by themselves")
    p.add_argument("--lang", choices=["zh", "en"], default="zh")
    p.add_argument("--quiet", action="store_true", help="no voice announcements")
    p.add_argument(
        "--screenshot-after", type=float, help="after this many seconds save screen.png and each window's PNG"
    )
    p.add_argument("--duration", type=float, help="stop by itself after this many seconds")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the demo until Ctrl-C (or --duration)."""
    args = parse(argv)
    procs = Processes(Path(tempfile.gettempdir()))
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        if not os.environ.get("DISPLAY") and os.environ.get("QT_QPA_PLATFORM") != "offscreen":
            os.environ["DISPLAY"] = start_xvfb(procs)
            print(f"fairq demo: no screen here, so the hall runs on a virtual one ({os.environ['DISPLAY']})")
        hall = start_hall(args, procs)
        start_apps(hall, procs, args)
        print(f"fairq demo: dispatcher {hall.url}  (admin token in {hall.root}/admin.token)")
        (hall.root / "admin.token").write_text(hall.tokens["admin"] + "\n")
        print(f"fairq demo: officers {', '.join(f'{s} {n}' for s, n in OFFICERS)}; PIN {PIN}")
        print(f"fairq demo: printed tickets appear in {hall.printer_dir}; logs in {hall.root / 'logs'}")
        print("fairq demo: Ctrl-C stops everything.")
        if args.traders:
            ready = threading.Event()
            threading.Thread(target=traders, args=(hall, procs, args.traders, stop, ready), daemon=True).start()
            threading.Thread(target=officers, args=(hall, procs, stop, ready), daemon=True).start()
        started = time.monotonic()
        shot_taken = False
        while not stop.wait(0.5):
            elapsed = time.monotonic() - started
            if args.screenshot_after and not shot_taken and elapsed >= args.screenshot_after:
                shot_taken = screenshots(hall.root, procs)
                print(f"fairq demo: screenshots {'saved' if shot_taken else 'failed'} in {hall.root}")
            if args.duration and elapsed >= args.duration:
                break
            dead = [name for name in procs.dead() if name != "xvfb"]
            if dead:
                print(f"fairq demo: {', '.join(dead)} stopped; see {hall.root / 'logs'}", file=sys.stderr)
                return 1
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        procs.stop()
        print("fairq demo: stopped.")
    return 0

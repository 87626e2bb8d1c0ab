"""Start-up time and memory of each Qt app, against a real dispatcher, on the offscreen platform."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .common import ROOT, Dispatcher, emit

APPS = {
    "kiosk": ("kiosk.app:main", "kiosk", ["--printer", "sim://", "--windowed"]),
    "counter": ("counter_client.app:main", "counter", ["--windowed"]),
    "display": ("display.app:main", "display", ["--windowed", "--voice", "off"]),
}


def measure(server: Dispatcher, app: str, runs: int) -> dict:
    target, role, extra = APPS[app]
    token = server.device(role, f"bench-{app}-{time.monotonic_ns()}", counter=1 if role == "counter" else None)
    times, rss_shown, rss_settled = [], [], []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "probe.json"
            config = Path(tmp) / f"{app}.toml"
            cmd = [sys.executable, "-m", "bench.qt_probe", str(out), target, "--config", str(config)]
            cmd += ["--url", server.url, "--token", token, *extra]
            env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
            t0 = time.time()
            subprocess.run(cmd, cwd=ROOT, env=env, timeout=120, check=False, capture_output=True)
            if not out.exists():
                return {"bench": "qt_startup", "app": app, "error": "no window was shown"}
            probe = json.loads(out.read_text())
            times.append(probe["shown_at"] - t0)
            rss_shown.append(probe["rss_kb_shown"])
            rss_settled.append(probe["rss_kb_settled"])
    return {
        "bench": "qt_startup",
        "app": app,
        "runs": runs,
        "start_to_window_s": round(min(times), 2),
        "rss_mb_at_window": round(min(rss_shown) / 1024, 1),
        "rss_mb_after_2s": round(min(rss_settled) / 1024, 1),
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--apps", default="kiosk,counter,display")
    p.add_argument("--runs", type=int, default=3)
    args = p.parse_args()
    server = Dispatcher()
    server.start()
    try:
        for app in args.apps.split(","):
            emit(measure(server, app, args.runs))
    finally:
        server.stop()


if __name__ == "__main__":
    main()

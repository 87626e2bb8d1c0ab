"""The whole hall as real processes under Xvfb, used as a person would: click, type, press keys.

`fairq serve`, `fairq kiosk`, `fairq counter` and `fairq display` run as separate processes with
the printer and counter-device simulators; xdotool clicks the kiosk and types at the counter.
Set FAIRQ_E2E_SCREENSHOTS=DIR to keep the windows' screenshots.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from demo.cli import parse
from demo.hall import PIN, DemoHall, start_apps, start_hall
from demo.processes import Processes
from demo.screen import click, start_xvfb, type_login, window_geometry


def wait_for(what: str, check, seconds: float = 60, every: float = 0.2, *, log=None):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    ends = f"; the app's log ends:\n{log()[-3000:]}" if log else ""
    raise AssertionError(f"timed out waiting for {what}{ends}")


def xdo(*args: str) -> str:
    return subprocess.run(["xdotool", *args], capture_output=True, text=True, check=False).stdout.strip()


def window_of(pid: int) -> str:
    return wait_for(f"a window of pid {pid}", lambda: xdo("search", "--onlyvisible", "--pid", str(pid)).split()[:1])[0]


def log_text(hall: DemoHall, name: str) -> str:
    path = hall.root / "logs" / f"{name}.log"
    return path.read_text(errors="replace") if path.exists() else ""


@pytest.fixture
def hall(tmp_path, monkeypatch):
    procs = Processes(tmp_path)
    monkeypatch.setenv("DISPLAY", start_xvfb(procs))
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)  # real windows on the X server
    args = parse(["--dir", str(tmp_path / "hall"), "--counters", "7"])
    try:
        running = start_hall(args, procs)
        start_apps(running, procs, args)
        running.procs = procs
        yield running
    finally:
        procs.stop()


def test_a_trader_takes_a_ticket_and_an_officer_calls_it(hall):
    procs = hall.procs.children
    with hall.api(hall.tokens["admin"]) as admin:
        # 1. the trader touches "C 其他业务" on the kiosk (the lowest of three buttons in portrait)
        kiosk = window_of(procs["kiosk"].pid)
        wait_for("the kiosk to link up and report its printer", lambda: _printer_reported(admin, "kiosk-1"))
        # the hall screen is on and linked before anyone is called (one started later shows calls in its list only)
        wait_for(
            "the display to link up",
            lambda: "link up:" in log_text(hall, "display"),
            120,
            log=lambda: log_text(hall, "display") or "(the display wrote no log)",
        )
        time.sleep(1)  # let the start screen settle
        x, y, w, h = window_geometry(kiosk)
        click(x + w // 2, y + int(h * 0.8))
        ticket = wait_for("a ticket", lambda: _issued(admin))
        assert ticket["category"] == "C" and ticket["kiosk"] == "kiosk-1"
        label = ticket["label"]
        wait_for("the printed ticket's preview", lambda: list(hall.printer_dir.glob("ticket-*.png")))

        # 2. the officer logs in at counter 7 with the keyboard and presses F1 (Next)
        counter = window_of(procs["counter-7"].pid)
        type_login(counter, "1001", PIN)
        wait_for("the officer's login", lambda: _counter(admin, 7)["state"] == "idle")
        xdo("windowfocus", "--sync", counter)
        xdo("key", "F1")
        wait_for("the call", lambda: (_counter(admin, 7).get("ticket") or {}).get("label") == label)

        # 3. the LED above counter 7 blinks the label; the display shows and announces it
        def led() -> dict:
            state = json.loads(hall.device_state(7).read_text())
            return state["devices"]["1"]

        wait_for("the LED to show the label", lambda: led()["text"] == label and led()["blinking"])

        def display_log() -> str:
            return log_text(hall, "display")

        shown = f"showing call {label} at counter 7"
        wait_for("the display to show the call", lambda: shown in display_log(), log=display_log)
        announced = f"announcing {label} at counter 7"
        wait_for("the announcement", lambda: announced in display_log(), log=display_log)

    shots = Path(os.environ.get("FAIRQ_E2E_SCREENSHOTS") or hall.root / "screenshots")
    shots.mkdir(parents=True, exist_ok=True)
    for name in ("kiosk", "counter-7", "display"):
        window = window_of(procs[name].pid)
        subprocess.run(["import", "-window", window, str(shots / f"e2e-{name}.png")], check=True)
        assert (shots / f"e2e-{name}.png").stat().st_size > 10_000


def _issued(admin: httpx.Client) -> dict | None:
    for event in reversed(admin.get("/events").json()):
        if event["kind"] == "ticket.issued":
            return event["data"]["ticket"]
    return None


def _printer_reported(admin: httpx.Client, name: str) -> bool:
    return any(d["name"] == name and d["printer_state"] for d in admin.get("/admin/devices").json())


def _counter(admin: httpx.Client, number: int) -> dict:
    return next(c for c in admin.get("/counters").json() if c["number"] == number)

"""Simulated traders at the kiosk and officers at their keypads, so the demo hall moves by itself."""

from __future__ import annotations

import contextlib
import json
import random
import subprocess
import threading
import time

import httpx

from .hall import OFFICERS, PIN, DemoHall
from .processes import Processes
from .screen import click, type_login, window_geometry, windows_of


def declaration_number(category: str, rng: random.Random) -> str:
    """A well-formed declaration number: customs 2201, this year, import/export flag, sequence."""
    flag = "1" if category == "A" else "0"
    return f"2201{time.localtime().tm_year}{flag}{rng.randrange(10**9):09d}"


def traders(hall: DemoHall, procs: Processes, count: int, stop: threading.Event, ready: threading.Event) -> None:
    """Simulated traders use the kiosk as a person would: touch C, or scan a declaration form (A, B)."""
    rng = random.Random()
    ready.wait()
    windows = windows_of(procs.children["kiosk"].pid)
    for _ in range(count):
        if stop.wait(rng.uniform(2, 6)):
            return
        category = rng.choice("ABC")
        if not windows:  # no X tools: take the ticket straight from the dispatcher
            with hall.api(hall.tokens["traders"]) as kiosk, contextlib.suppress(httpx.HTTPError):
                body = {"category": category}
                if category != "C":
                    body["declaration_no"] = declaration_number(category, rng)
                kiosk.post("/tickets", json=body)
            continue
        window = windows[0]
        x, y, w, h = window_geometry(window)
        if category == "C":
            click(x + w // 2, y + int(h * 0.8))  # the lowest of the three category buttons
        else:
            subprocess.run(["xdotool", "windowfocus", "--sync", window], check=False)
            subprocess.run(["xdotool", "type", "--delay", "20", declaration_number(category, rng)], check=False)
            subprocess.run(["xdotool", "key", "Return"], check=False)  # a keyboard-wedge scanner ends with Enter
        if stop.wait(4):  # the ticket prints
            return
        click(x + w // 2, y + int(h * 0.945))  # "完成": the trader takes the ticket and goes


def officers(hall: DemoHall, procs: Processes, stop: threading.Event, ready: threading.Event) -> None:
    """Simulated officers log in at their screens; then their keypads call, serve and finish tickets."""
    for (staff_id, _), n in zip(OFFICERS, hall.counters, strict=False):
        for window in windows_of(procs.children[f"counter-{n}"].pid)[:1]:
            time.sleep(2)  # let the login form link up
            type_login(window, staff_id, PIN)
    ready.set()

    def work(n: int) -> None:
        rng = random.Random(n)

        def press(line: str, then: float) -> bool:
            with open(hall.device_control(n), "a", encoding="utf-8") as f:
                f.write(line + "\n")
            return stop.wait(then)

        def called() -> bool:
            """The LED above the counter blinks while a ticket is called."""
            with contextlib.suppress(OSError, ValueError, KeyError):
                led = json.loads(hall.device_state(n).read_text())["devices"]["1"]
                return bool(led["text"]) and bool(led["blinking"])
            return False

        idle_since = 0.0
        while not stop.is_set():
            if not called():
                if time.monotonic() - idle_since > 10:  # ready for the next trader (again, if a key was lost)
                    press("press next", 0)
                    idle_since = time.monotonic()
                stop.wait(0.5)
                continue
            rating = rng.choice(["very_satisfied", "very_satisfied", "satisfied", "unsatisfied"])
            steps = [("press start", rng.uniform(8, 25)), ("press done", 1.5), (f"rate {rating}", 1.5)]
            steps.append(("press next", 2))
            time.sleep(rng.uniform(2, 5))  # the trader walks to the counter
            for line, then in steps:
                if press(line, then):
                    return

    for n in hall.counters:
        threading.Thread(target=work, args=(n,), daemon=True).start()

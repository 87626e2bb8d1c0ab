"""The demo's screen: a virtual X display; windows placed, typed into and clicked (xdotool), saved (ImageMagick)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

from .processes import Processes

SCREEN = (3840, 2160)  # the virtual screen the demo makes, and the one the places below are drawn for
WINDOW_PLACES = {  # x, y, width, height on a 3840x2160 screen
    "kiosk": (0, 0, 1080, 1920),
    "display": (1100, 0, 1920, 1080),
    "counter-1": (1100, 1100, 1360, 768),
    "counter-2": (2480, 1100, 1360, 768),
}


def scale_for(width: int, height: int) -> float:
    """How much smaller than the demo's 4K layout a real screen is (1.0 when it is as big or bigger)."""
    return min(width / SCREEN[0], height / SCREEN[1], 1.0)


def places_for(scale: float) -> dict[str, tuple[int, int, int, int]]:
    """The windows' places on a screen `scale` times the 4K one (the apps then run with QT_SCALE_FACTOR=scale)."""

    def scaled(place: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
        x, y, w, h = (round(v * scale) for v in place)
        return x, y, w, h

    return {name: scaled(place) for name, place in WINDOW_PLACES.items()}


def screen_size() -> tuple[int, int]:
    """The size of the X screen the demo runs on (the virtual one's if xdotool cannot tell)."""
    if shutil.which("xdotool"):
        out = subprocess.run(["xdotool", "getdisplaygeometry"], capture_output=True, text=True, check=False)
        parts = out.stdout.split()
        if out.returncode == 0 and len(parts) == 2 and all(p.isdigit() for p in parts):
            return int(parts[0]), int(parts[1])
    return SCREEN


def start_xvfb(procs: Processes) -> str:
    """A virtual 4K screen when there is no display; returns its DISPLAY."""
    read, write = os.pipe()
    # -noreset: by default Xvfb resets when its last client leaves (the screen-size query before the apps start),
    # and an app connecting during that reset fails "could not connect to display"
    screen = f"{SCREEN[0]}x{SCREEN[1]}x24"
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", screen, "-nolisten", "tcp", "-noreset"],
        pass_fds=(write,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    os.close(write)
    with os.fdopen(read) as f:
        number = f.readline().strip()
    procs.children["xvfb"] = proc
    return f":{number}"


def place_window(pid: int, place: tuple[int, int, int, int]) -> None:
    """Move a process's window into its place on the screen (best effort, needs xdotool)."""
    if not shutil.which("xdotool"):
        return
    x, y, w, h = place
    for win in windows_of(pid):
        subprocess.run(["xdotool", "windowsize", win, str(w), str(h)], check=False)
        subprocess.run(["xdotool", "windowmove", win, str(x), str(y)], check=False)


def windows_of(pid: int, seconds: float = 20) -> list[str]:
    """The visible X windows of a process, waiting for the first to appear."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        out = subprocess.run(["xdotool", "search", "--onlyvisible", "--pid", str(pid)], capture_output=True, text=True)
        if out.stdout.split():
            return out.stdout.split()
        time.sleep(0.3)
    return []


def type_login(window: str, staff_id: str, pin: str) -> None:
    """Type an officer's staff id and PIN into a counter window's login form, as a person would."""
    subprocess.run(["xdotool", "windowfocus", "--sync", window], check=False)
    subprocess.run(["xdotool", "type", "--delay", "50", staff_id], check=False)
    subprocess.run(["xdotool", "key", "Tab"], check=False)
    subprocess.run(["xdotool", "type", "--delay", "50", pin], check=False)
    subprocess.run(["xdotool", "key", "Return"], check=False)


def window_geometry(window: str) -> tuple[int, int, int, int]:
    """x, y, width, height of an X window."""
    out = subprocess.run(["xdotool", "getwindowgeometry", "--shell", window], capture_output=True, text=True)
    values = dict(line.split("=", 1) for line in out.stdout.splitlines() if "=" in line)
    return int(values["X"]), int(values["Y"]), int(values["WIDTH"]), int(values["HEIGHT"])


def click(x: int, y: int) -> None:
    # no --sync: it waits for a pointer motion that never comes when the pointer is already there
    subprocess.run(["xdotool", "mousemove", str(x), str(y), "click", "1"], check=False)


def screenshots(root: Path, procs: Processes) -> bool:
    """The whole screen as screen.png and each app's window as <app>.png (needs ImageMagick's import)."""
    if not shutil.which("import"):
        return False
    ok = subprocess.run(["import", "-window", "root", str(root / "screen.png")], check=False).returncode == 0
    for name, proc in procs.children.items():
        if name.startswith(("kiosk", "counter-", "display")):
            for window in windows_of(proc.pid, seconds=2)[:1]:
                subprocess.run(["import", "-window", window, str(root / f"{name}.png")], check=False)
    return ok

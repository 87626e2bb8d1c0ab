"""`fairq demo`: the whole hall on this machine — dispatcher, kiosk, two counters, display — on simulated hardware.

Everything runs as real processes talking over loopback, exactly as in a hall; printed tickets
land as PNG previews in the demo directory. With `--traders N`, simulated traders take tickets
and the keypad simulators press the officers' keys, so the hall moves by itself.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

OFFICERS = [("1001", "张伟"), ("1002", "李娜"), ("1003", "王芳"), ("1004", "刘洋")]
PIN = "1234"
WINDOW_PLACES = {  # x, y, width, height on a 3840x2160 screen
    "kiosk": (0, 0, 1080, 1920),
    "display": (1100, 0, 1920, 1080),
    "counter-1": (1100, 1100, 1360, 768),
    "counter-2": (2480, 1100, 1360, 768),
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Processes:
    """The demo's child processes, each logging to its own file; all stopped together."""

    def __init__(self, log_dir: Path):
        self.log_dir = log_dir
        self.children: dict[str, subprocess.Popen] = {}

    def start(self, name: str, cmd: list[str], env: dict | None = None) -> subprocess.Popen:
        log = open(self.log_dir / f"{name}.log", "ab")  # noqa: SIM115 (kept open for the child's life)
        proc = subprocess.Popen(
            cmd, stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})}, start_new_session=True
        )
        self.children[name] = proc
        return proc

    def dead(self) -> list[str]:
        return [name for name, p in self.children.items() if p.poll() is not None]

    def stop(self) -> None:
        for proc in reversed(list(self.children.values())):
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for proc in self.children.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)


def fairq(*args: str) -> list[str]:
    return [sys.executable, "-m", "dispatcher.cli", *args]


def start_xvfb(procs: Processes) -> str:
    """A virtual 4K screen when there is no display; returns its DISPLAY."""
    read, write = os.pipe()
    proc = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "3840x2160x24", "-nolisten", "tcp"],
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


def wait_http(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            httpx.get(url, timeout=1).raise_for_status()
            return
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer")


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


class Hall:
    """The running demo: where it lives, its URL and tokens."""

    def __init__(self, root: Path, port: int, counters: list[int]):
        self.root = root
        self.port = port
        self.counters = counters
        self.url = f"http://127.0.0.1:{port}"
        self.data = root / "data"
        self.printer_dir = root / "printer"
        self.tokens: dict[str, str] = {}

    def api(self, token: str) -> httpx.Client:
        return httpx.Client(base_url=f"{self.url}/api/v1", headers={"Authorization": f"Bearer {token}"}, timeout=10)

    def device_line(self, counter: int) -> Path:
        return self.root / f"counter-{counter}.tty"

    def device_state(self, counter: int) -> Path:
        return self.root / f"counter-{counter}-devices.json"

    def device_control(self, counter: int) -> Path:
        return self.root / f"counter-{counter}.control"


def make_admin_token(hall: Hall) -> None:
    """The first admin token, made with `fairq admin` on the data directory of the hall just started."""
    admin_out = subprocess.run(
        fairq("admin", "--data-dir", str(hall.data), "device", "add", "--role", "admin", "--name", "demo-admin"),
        capture_output=True,
        text=True,
        check=True,
    )
    hall.tokens["admin"] = admin_out.stdout.strip().splitlines()[-1]


def enrol(hall: Hall) -> None:
    """Devices, officers and the notice, through the real admin API."""
    with hall.api(hall.tokens["admin"]) as admin:

        def device(name: str, role: str, counter: int | None = None) -> str:
            r = admin.post("/admin/devices", json={"name": name, "role": role, "counter": counter})
            r.raise_for_status()
            return r.json()["token"]

        hall.tokens["kiosk"] = device("kiosk-1", "kiosk")
        hall.tokens["traders"] = device("simulated-traders", "kiosk")
        hall.tokens["display"] = device("hall-screen", "display")
        for n in hall.counters:
            hall.tokens[f"counter-{n}"] = device(f"counter-pc-{n}", "counter", n)
        for staff_id, name in OFFICERS:
            admin.post("/admin/officers", json={"staff_id": staff_id, "name": name, "pin": PIN}).raise_for_status()
        admin.put("/admin/notice", json={"text": "欢迎光临 · 请凭号码到窗口办理 · Welcome: please watch the screen"})


def start_hall(args: argparse.Namespace, procs: Processes) -> Hall:
    root = Path(args.dir).resolve() if args.dir else Path(tempfile.mkdtemp(prefix="fairq-demo-"))
    root.mkdir(parents=True, exist_ok=True)
    if any((root / "data").glob("*")):
        raise SystemExit(f"fairq demo: {root / 'data'} is not empty; give a fresh --dir")
    (root / "logs").mkdir(exist_ok=True)
    procs.log_dir = root / "logs"
    hall = Hall(root, args.port or free_port(), args.counters)
    serve = fairq("serve", "--data-dir", str(hall.data), "--port", str(hall.port), "--host", "127.0.0.1")
    serve += ["--zeroconf-interface", "127.0.0.1"]
    procs.start("dispatcher", serve)
    wait_http(f"{hall.url}/api/v1/health")  # the first start creates the hall (the built-in sample)
    make_admin_token(hall)
    enrol(hall)
    for n in hall.counters:
        sim = fairq("hw", "sim", "counter", "--link", str(hall.device_line(n)))
        sim += ["--state", str(hall.device_state(n)), "--control", str(hall.device_control(n))]
        procs.start(f"devices-{n}", sim)
    deadline = time.monotonic() + 20
    while not all(hall.device_line(n).exists() for n in hall.counters) and time.monotonic() < deadline:
        time.sleep(0.1)
    return hall


def start_apps(hall: Hall, procs: Processes, args: argparse.Namespace) -> None:
    common = ["--url", hall.url, "--windowed", "--lang", args.lang, "-v"]
    kiosk = procs.start(
        "kiosk",
        fairq("kiosk", "--config", str(hall.root / "kiosk.toml"), "--token", hall.tokens["kiosk"], *common)
        + ["--printer", f"sim://{hall.printer_dir}", "--orientation", "portrait", "--ticket-timeout", "6"],
    )
    display = procs.start(
        "display",
        fairq("display", "--config", str(hall.root / "display.toml"), "--token", hall.tokens["display"], *common)
        + (["--voice", "off"] if args.quiet else []),
    )
    placements = [(kiosk, WINDOW_PLACES["kiosk"]), (display, WINDOW_PLACES["display"])]
    for i, n in enumerate(hall.counters):
        proc = procs.start(
            f"counter-{n}",
            fairq("counter", "--config", str(hall.root / f"counter-{n}.toml"), "--token", hall.tokens[f"counter-{n}"])
            + common
            + ["--devices", str(hall.device_line(n))],
        )
        placements.append((proc, WINDOW_PLACES[f"counter-{min(i, 1) + 1}"]))
    for proc, place in placements:
        threading.Thread(target=place_window, args=(proc.pid, place), daemon=True).start()


def declaration_number(category: str, rng: random.Random) -> str:
    """A well-formed declaration number: customs 2201, this year, import/export flag, sequence."""
    flag = "1" if category == "A" else "0"
    return f"2201{time.localtime().tm_year}{flag}{rng.randrange(10**9):09d}"


def traders(hall: Hall, procs: Processes, count: int, stop: threading.Event, ready: threading.Event) -> None:
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


def officers(hall: Hall, procs: Processes, stop: threading.Event, ready: threading.Event) -> None:
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

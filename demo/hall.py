"""The demo hall: the dispatcher on a fresh directory, enrolment over the admin API, the devices and the apps."""

from __future__ import annotations

import argparse
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import httpx

from .processes import Processes, fairq, free_port, wait_http
from .screen import place_window, places_for, scale_for, screen_size

OFFICERS = [("1001", "张伟"), ("1002", "李娜"), ("1003", "王芳"), ("1004", "刘洋")]


PIN = "123456"


class DemoHall:
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


def make_admin_token(hall: DemoHall) -> None:
    """The first admin token, made with `fairq admin` on the data directory of the hall just started."""
    admin_out = subprocess.run(
        fairq("admin", "--data-dir", str(hall.data), "device", "add", "--role", "admin", "--name", "demo-admin"),
        capture_output=True,
        text=True,
        check=True,
    )
    hall.tokens["admin"] = admin_out.stdout.strip().splitlines()[-1]


def enrol(hall: DemoHall) -> None:
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


def start_hall(args: argparse.Namespace, procs: Processes) -> DemoHall:
    root = Path(args.dir).resolve() if args.dir else Path(tempfile.mkdtemp(prefix="fairq-demo-"))
    root.mkdir(parents=True, exist_ok=True)
    if any((root / "data").glob("*")):
        raise SystemExit(f"fairq demo: {root / 'data'} is not empty; give a fresh --dir")
    (root / "logs").mkdir(exist_ok=True)
    procs.log_dir = root / "logs"
    hall = DemoHall(root, args.port or free_port(), args.counters)
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


def start_apps(hall: DemoHall, procs: Processes, args: argparse.Namespace) -> None:
    common = ["--url", hall.url, "--windowed", "--lang", args.lang, "-v"]
    scale = scale_for(*screen_size())
    # on a screen smaller than 4K every app is drawn smaller by Qt, so the whole hall fits, laid out the same
    env = {"QT_SCALE_FACTOR": f"{scale:.4f}"} if scale < 1 else {}
    kiosk = procs.start(
        "kiosk",
        fairq("kiosk", "--config", str(hall.root / "kiosk.toml"), "--token", hall.tokens["kiosk"], *common)
        + ["--printer", f"sim://{hall.printer_dir}", "--orientation", "portrait", "--ticket-timeout", "6"],
        env,
    )
    display = procs.start(
        "display",
        fairq("display", "--config", str(hall.root / "display.toml"), "--token", hall.tokens["display"], *common)
        + (["--voice", "off"] if args.quiet else []),
        env,
    )
    places = places_for(scale)
    placements = [(kiosk, places["kiosk"]), (display, places["display"])]
    for i, n in enumerate(hall.counters):
        proc = procs.start(
            f"counter-{n}",
            fairq("counter", "--config", str(hall.root / f"counter-{n}.toml"), "--token", hall.tokens[f"counter-{n}"])
            + common
            + ["--devices", str(hall.device_line(n))],
            env,
        )
        placements.append((proc, places[f"counter-{min(i, 1) + 1}"]))
    for proc, place in placements:
        threading.Thread(target=place_window, args=(proc.pid, place), daemon=True).start()

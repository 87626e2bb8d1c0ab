"""What the benchmarks share: a real `fairq serve` process on loopback, enrolment, JSON output."""

from __future__ import annotations

import json
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def machine() -> dict:
    """Where the numbers came from."""
    return {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(terse=True)}


def emit(result: dict) -> None:
    """One JSON line per benchmark, on stdout."""
    print(json.dumps({**result, "machine": machine()}, ensure_ascii=False), flush=True)


HALL_TOML = """
hall_id = "bench"
name = "基准测试大厅"
k = 3
[[categories]]
code = "A"
name_zh = "进口报关"
name_en = "Import"
[[categories]]
code = "C"
name_zh = "其他业务"
name_en = "Other"
"""


class Dispatcher:
    """`fairq serve` as a child process on a free loopback port with a hall of `counters` counters."""

    def __init__(self, *, counters: int = 8, database_url: str | None = None, data_dir: Path | None = None):
        self.dir = data_dir or Path(tempfile.mkdtemp(prefix="fairq-bench-"))
        self.port = free_port()
        self.database_url = database_url
        hall = self.dir / "hall.toml"
        text = HALL_TOML
        if database_url:  # a fresh hall id per run, so runs on one database do not mix
            text = text.replace('hall_id = "bench"', f'hall_id = "bench-{os.getpid()}-{self.port}"')
        for n in range(1, counters + 1):
            text += f'\n[[counters]]\nnumber = {n}\ncategories = ["A", "C"]\n'
        hall.write_text(text, encoding="utf-8")
        self.common = ["--data-dir", str(self.dir / "data"), "--config", str(hall)]
        if database_url:
            self.common += ["--database-url", database_url]
        self.proc: subprocess.Popen | None = None
        self.admin_token = self.cli_admin("device", "add", "--role", "admin", "--name", "bench-admin")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def cli_admin(self, *args: str) -> str:
        cmd = [sys.executable, "-m", "dispatcher.cli", "admin", *self.common[:2], *self.common[2:], *args]
        out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT)
        return out.stdout.strip().splitlines()[-1]

    def start(self, timeout: float = 30) -> float:
        """Start the server; returns seconds until /health answered."""
        cmd = [sys.executable, "-m", "dispatcher.cli", "serve", *self.common, "--port", str(self.port)]
        cmd += ["--host", "127.0.0.1", "--no-zeroconf"]
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = t0 + timeout
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("fairq serve exited")
            try:
                httpx.get(f"{self.url}/api/v1/health", timeout=1).raise_for_status()
                return time.perf_counter() - t0
            except httpx.HTTPError:
                time.sleep(0.05)
        raise RuntimeError("fairq serve did not answer")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        self.kill(signal.SIGTERM)

    def client(self, token: str | None = None) -> httpx.Client:
        return httpx.Client(
            base_url=f"{self.url}/api/v1",
            headers={"Authorization": f"Bearer {token or self.admin_token}"},
            timeout=30,
        )

    def device(self, role: str, name: str, counter: int | None = None) -> str:
        body = {"role": role, "name": name, "counter": counter}
        with self.client() as c:
            r = c.post("/admin/devices", json=body)
            r.raise_for_status()
            return r.json()["token"]

    def officer_session(self, counter: int) -> str:
        """Enrol officer and counter PC for `counter`, log in, return the session token."""
        staff = f"B{counter}"
        with self.client() as c:
            body = {"staff_id": staff, "name": f"关员{counter}", "pin": "1234"}
            c.post("/admin/officers", json=body).raise_for_status()
        device = self.device("counter", f"bench-pc-{counter}", counter=counter)
        with self.client(device) as c:
            r = c.post(f"/counters/{counter}/login", json={"staff_id": staff, "pin": "1234"})
            r.raise_for_status()
            return r.json()["token"]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]

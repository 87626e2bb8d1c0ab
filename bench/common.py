"""What the benchmarks share: a real `fairq serve` process on loopback, enrolment, JSON output."""

from __future__ import annotations

import json
import os
import platform
import tempfile
import time
from pathlib import Path

import httpx

from devtools.procs import Enrolment, ServeProcess, login

ROOT = Path(__file__).resolve().parent.parent


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
        root = data_dir or Path(tempfile.mkdtemp(prefix="fairq-bench-"))
        root.mkdir(parents=True, exist_ok=True)
        hall = root / "hall.toml"
        text = HALL_TOML
        if database_url:  # a fresh hall id per run, so runs on one database do not mix
            text = text.replace('hall_id = "bench"', f'hall_id = "bench-{os.getpid()}-{time.monotonic_ns()}"')
        for n in range(1, counters + 1):
            text += f'\n[[counters]]\nnumber = {n}\ncategories = ["A", "C"]\n'
        hall.write_text(text, encoding="utf-8")
        self.process = ServeProcess(data_dir=root / "data", config=hall, database_url=database_url)
        self.process.env = {"FAIRQ_ISSUE_PER_MINUTE": "0"}  # a benchmark's kiosk issues far faster than a trader
        enrolment = Enrolment(self.process.settings())  # the first admin token, as `fairq admin` makes it
        try:
            self.admin_token = enrolment.device("admin", "bench-admin")
        finally:
            enrolment.close()

    @property
    def url(self) -> str:
        return self.process.url

    def start(self) -> float:
        """Start the server; returns seconds until /health answered."""
        t0 = time.perf_counter()
        self.process.start()
        return time.perf_counter() - t0

    def kill(self) -> None:
        self.process.kill()

    def stop(self) -> None:
        self.process.stop()

    def client(self, token: str | None = None) -> httpx.Client:
        return self.process.client(token or self.admin_token, timeout=30)

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
            body = {"staff_id": staff, "name": f"关员{counter}", "pin": "123456"}
            c.post("/admin/officers", json=body).raise_for_status()
        return login(self.process, self.device("counter", f"bench-pc-{counter}", counter=counter), counter, staff)

"""`fairq serve` as a real process, so tests can kill -9 it; every process is killed when its test ends."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from dispatcher import admin
from dispatcher.settings import Settings
from dispatcher.wiring import build_service
from protocol.models import DeviceCreate, OfficerCreate

from .live import free_port


@dataclass
class ServeProcess:
    """One dispatcher process on a loopback port; `env` adds FAIRQ_* settings (e.g. FAIRQ_TICK_S)."""

    data_dir: Path
    port: int = field(default_factory=free_port)
    database_url: str | None = None
    config: Path | None = None
    env: dict[str, str] = field(default_factory=dict)
    args: list[str] = field(default_factory=list)
    zeroconf: bool = False  # advertise, on 127.0.0.1 only
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        scheme = "https" if "--tls" in self.args else "http"
        return f"{scheme}://127.0.0.1:{self.port}"

    @property
    def api(self) -> str:
        return f"{self.url}/api/v1"

    @property
    def log_path(self) -> Path:
        return self.data_dir.parent / f"serve-{self.port}.log"

    def settings(self) -> Settings:
        return Settings(data_dir=self.data_dir, database_url=self.database_url, config=self.config, zeroconf=False)

    def command(self) -> list[str]:
        cmd = [sys.executable, "-m", "dispatcher.cli", "serve", "--data-dir", str(self.data_dir)]
        cmd += ["--host", "127.0.0.1", "--port", str(self.port), *self.args]
        cmd += ["--zeroconf-interface", "127.0.0.1"] if self.zeroconf else ["--no-zeroconf"]
        if self.database_url:
            cmd += ["--database-url", self.database_url]
        if self.config:
            cmd += ["--config", str(self.config)]
        return cmd

    def start(self, wait: bool = True) -> ServeProcess:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")
        env = {**os.environ, "PYTHONUNBUFFERED": "1", **self.env}
        self.proc = subprocess.Popen(self.command(), stdout=log, stderr=subprocess.STDOUT, env=env)
        log.close()
        if wait:
            self.wait_ready()
        return self

    def wait_ready(self, seconds: float = 30) -> dict:
        """Wait until /health answers; returns it."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"dispatcher exited {self.proc.returncode}:\n{self.log()}")
            try:
                return httpx.get(f"{self.api}/health", timeout=2, verify=False).json()
            except (httpx.TransportError, ValueError):
                time.sleep(0.05)
        raise AssertionError(f"dispatcher did not answer within {seconds} s:\n{self.log()}")

    def health(self) -> dict | None:
        try:
            return httpx.get(f"{self.api}/health", timeout=2, verify=False).json()
        except (httpx.TransportError, ValueError):
            return None

    def kill(self) -> None:
        """kill -9: no goodbye, no flush, no lock released by the process itself."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:] if self.log_path.exists() else ""

    def client(self, token: str | None = None, timeout: float = 10) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.api, headers=headers, timeout=timeout, verify=False)


class Enrolment:
    """Devices and officers written straight into a dispatcher's database, as `fairq admin` does."""

    def __init__(self, settings: Settings):
        self.svc = build_service(settings)

    def device(self, role: str, name: str, counter: int | None = None) -> str:
        return admin.add_device(self.svc, DeviceCreate(name=name, role=role, counter=counter), by="test").token

    def officer(self, staff_id: str, pin: str = "123456") -> None:
        admin.add_officer(self.svc, OfficerCreate(staff_id=staff_id, name=f"关员{staff_id}", pin=pin), by="test")

    def close(self) -> None:
        self.svc.store.engine.dispose()


def login(server: ServeProcess, device_token: str, counter: int, staff_id: str, pin: str = "123456") -> str:
    """Log an officer in at a counter through the API; returns the session token."""
    with server.client(device_token) as c:
        r = c.post(f"/counters/{counter}/login", json={"staff_id": staff_id, "pin": pin})
        r.raise_for_status()
        return r.json()["token"]

"""A real dispatcher on a free loopback port, in a thread, for tests that talk HTTP and WebSocket."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import uvicorn

from dispatcher import admin
from dispatcher.api import create_app
from dispatcher.settings import Settings
from protocol.models import DeviceCreate, OfficerCreate


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LiveDispatcher:
    """A running dispatcher: its URL, app and service, and helpers to enrol devices and officers."""

    data_dir: Path
    port: int = field(default_factory=free_port)
    config: Path | None = None
    database_url: str | None = None
    server: uvicorn.Server | None = None
    thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/api/v1/stream"

    def start(self, **app_kw) -> LiveDispatcher:
        settings = Settings(
            data_dir=self.data_dir, config=self.config, database_url=self.database_url, zeroconf=False, port=self.port
        )
        self.app = create_app(settings, **app_kw)
        self.svc = self.app.state.service
        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning", ws_max_size=65536)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("dispatcher did not start")
            time.sleep(0.02)
        return self

    def stop(self) -> None:
        if self.server:
            self.server.should_exit = True
            self.thread.join(timeout=20)
            self.server = None

    def device(self, role: str, name: str, counter: int | None = None) -> str:
        """Enrol a device and return its token."""
        return admin.add_device(self.svc, DeviceCreate(name=name, role=role, counter=counter), by="test").token

    def officer(self, staff_id: str, name: str = "测试关员", pin: str = "1234", recusals=()) -> None:
        admin.add_officer(
            self.svc, OfficerCreate(staff_id=staff_id, name=name, pin=pin, recusals=list(recusals)), by="test"
        )

    def client(self, token: str | None = None, **kw) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=f"{self.url}/api/v1", headers=headers, timeout=kw.pop("timeout", 30), **kw)

    def login(self, counter: int, staff_id: str, pin: str = "1234") -> httpx.Client:
        """Enrol counter PC `counter`, log the officer in there, and return a client with the session token."""
        device = self.device("counter", f"counter-pc-{counter}-{staff_id}", counter=counter)
        with self.client(device) as c:
            r = c.post(f"/counters/{counter}/login", json={"staff_id": staff_id, "pin": pin})
            r.raise_for_status()
        return self.client(r.json()["token"])

"""A real dispatcher on a free loopback port, in a thread, with the shorthands the API tests use."""

from __future__ import annotations

from pathlib import Path

import httpx

from devtools.live import LiveDispatcher as _LiveDispatcher
from devtools.live import free_port

__all__ = ["LiveDispatcher", "free_port"]


class LiveDispatcher(_LiveDispatcher):
    """qtclient's live dispatcher, plus httpx clients and one-line enrolment of devices, officers, logins."""

    def __init__(
        self,
        data_dir: Path,
        port: int | None = None,
        config: Path | None = None,
        database_url: str | None = None,
    ) -> None:
        super().__init__(data_dir, port=port, config=config, database_url=database_url)

    @property
    def svc(self):
        return self.service

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/api/v1/stream"

    def device(self, role: str, name: str, counter: int | None = None) -> str:
        """Enrol a device and return its token."""
        return self.add_device(role, name, counter)

    def officer(self, staff_id: str, name: str = "测试关员", pin: str = "123456", recusals=()) -> None:
        self.add_officer(staff_id, name, pin, recusals=list(recusals))

    def client(self, token: str | None = None, **kw) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=f"{self.url}/api/v1", headers=headers, timeout=kw.pop("timeout", 30), **kw)

    def login(self, counter: int, staff_id: str, pin: str = "123456") -> httpx.Client:
        """Enrol counter PC `counter`, log the officer in there, and return a client with the session token."""
        device = self.device("counter", f"counter-pc-{counter}-{staff_id}", counter=counter)
        with self.client(device) as c:
            r = c.post(f"/counters/{counter}/login", json={"staff_id": staff_id, "pin": pin})
            r.raise_for_status()
        return self.client(r.json()["token"])

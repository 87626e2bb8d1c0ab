"""A real dispatcher on loopback for tests and screenshots: start, stop, come back on the same port.

with LiveDispatcher(tmp_path) as hall:
    token = hall.add_device("kiosk", "kiosk-1")
    link = DispatcherLink(hall.url, token)
    hall.restart()          # stop and come back: same port, same data

LiveDispatcher(tmp_path, tls=True) serves HTTPS with the certificate `fairq serve --tls` makes
(kept in DATA_DIR/tls); ``hall.pin`` is its fingerprint.
"""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path
from typing import Any


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveDispatcher:
    """The dispatcher app under uvicorn in a thread, on 127.0.0.1 only (the sample hall by default)."""

    def __init__(self, data_dir: Path | str, *, port: int | None = None, tls: bool = False, **settings: Any) -> None:
        self.data_dir = Path(data_dir)
        self.port = port or free_port()
        self.settings = {"zeroconf": False, **settings}
        self.tls = tls
        self.pin: str | None = None  # with tls: SHA-256 of the DER certificate, lowercase hex
        self.app: Any = None
        self._server: Any = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    @property
    def service(self) -> Any:
        return self.app.state.service

    def start(self, timeout: float = 15.0) -> LiveDispatcher:
        """Build the app on the data directory and serve it; returns when it accepts connections."""
        import uvicorn

        from dispatcher.api import create_app
        from dispatcher.settings import Settings

        self.app = create_app(Settings(data_dir=self.data_dir, **self.settings))
        ssl: dict[str, str] = {}
        if self.tls:
            from dispatcher.tls import ensure_certificate, fingerprint

            cert, key = ensure_certificate(self.data_dir / "tls", ["127.0.0.1"])
            ssl = {"ssl_certfile": str(cert), "ssl_keyfile": str(key)}
            self.pin = fingerprint(cert)
        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on", **ssl)
        self._server = uvicorn.Server(config)
        self._server.install_signal_handlers = lambda: None  # not the main thread
        self._thread = threading.Thread(target=self._server.run, daemon=True, name="dispatcher")
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"dispatcher did not start on port {self.port}")
            time.sleep(0.02)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Stop serving (open streams are closed); the data stays."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)
        self._server = self._thread = None

    def restart(self) -> LiveDispatcher:
        """Stop, then start again on the same port and data."""
        self.stop()
        return self.start()

    def add_device(self, role: str, name: str, counter: int | None = None) -> str:
        """Enrol a device; returns its token."""
        from dispatcher import admin
        from protocol.models import DeviceCreate

        body = DeviceCreate(name=name, role=role, counter=counter)
        return admin.add_device(self.service, body, by="test").token

    def add_officer(self, staff_id: str, name: str, pin: str, **kw: Any) -> None:
        from dispatcher import admin
        from protocol.models import OfficerCreate

        admin.add_officer(self.service, OfficerCreate(staff_id=staff_id, name=name, pin=pin, **kw), by="test")

    def __enter__(self) -> LiveDispatcher:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

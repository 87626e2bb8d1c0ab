"""A stream client that reconnects with `since=` like the Qt link does, recording every sequence number it gets."""

from __future__ import annotations

import json
import threading

from websockets.exceptions import WebSocketException
from websockets.sync.client import connect


class Follower(threading.Thread):
    """Follows /api/v1/stream across restarts; `seqs` is every event it received, in order."""

    def __init__(self, ws_url: str | list[str], token: str, ssl_context=None):
        super().__init__(daemon=True)
        self.ws_urls = [ws_url] if isinstance(ws_url, str) else list(ws_url)
        self.token, self.ssl = token, ssl_context
        self.seqs: list[int] = []
        self.hellos: list[dict] = []
        self.last = 0
        self.halt = threading.Event()

    def run(self) -> None:
        at = 0
        while not self.halt.is_set():
            url = f"{self.ws_urls[at]}?since={self.last}"
            auth = {"Authorization": f"Bearer {self.token}"}
            try:
                with connect(
                    url, additional_headers=auth, open_timeout=3, close_timeout=1, max_size=2**24, ssl=self.ssl
                ) as ws:
                    self._follow(ws)
            except (OSError, TimeoutError, WebSocketException):
                at = (at + 1) % len(self.ws_urls)  # a standby refuses the stream: try the next dispatcher
                self.halt.wait(0.1)

    def _follow(self, ws) -> None:
        while not self.halt.is_set():
            try:
                message = json.loads(ws.recv(timeout=0.3))
            except TimeoutError:
                continue
            if message["type"] == "hello":
                self.hellos.append(message)
            elif message["type"] == "snapshot":
                self.last = message["snapshot"]["seq"]
            elif message["type"] == "event":
                self.seqs.append(message["event"]["seq"])
                self.last = message["event"]["seq"]

    def wait_for(self, seq: int, seconds: float = 20) -> bool:
        """Bounded wait until the follower has seen `seq`."""
        deadline = threading.Event()
        timer = threading.Timer(seconds, deadline.set)
        timer.start()
        try:
            while self.last < seq and not deadline.is_set():
                deadline.wait(0.05)
        finally:
            timer.cancel()
        return self.last >= seq

    def stop(self) -> None:
        self.halt.set()
        self.join(timeout=5)

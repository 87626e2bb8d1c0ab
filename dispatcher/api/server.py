"""How uvicorn serves the app: header-read and keep-alive timeouts, and logs that never show a token."""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

import httptools
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

log = logging.getLogger("fairq.serve")
TOKEN_IN_TEXT = re.compile(r"(?i)\b((?:access_)?token=)[^&\s\"']+")
REDACTED = r"\1[redacted]"


class RedactTokens(logging.Filter):
    """Masks `token=…` in a log record (a client may still put one in a URL; the stream refuses it)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = TOKEN_IN_TEXT.sub(REDACTED, record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(TOKEN_IN_TEXT.sub(REDACTED, a) if isinstance(a, str) else a for a in record.args)
        return True


class HeadTooLarge(httptools.HttpParserError):
    """A request line and headers larger than `max_head_bytes`: answered 400 and closed, as h11 does."""


class HeaderTimeoutHttpTools(HttpToolsProtocol):
    """uvicorn's httptools protocol (the C parser: a fraction of h11's cost per request), plus: a request must
    arrive whole within `header_timeout_s` of its first byte (or of the connection), and its request line and
    headers may take at most `max_head_bytes`. uvicorn closes idle keep-alive connections but waits forever for
    a request that is half sent; here a connection that has not delivered a complete request in time is closed.
    """

    header_timeout_s = 10.0
    max_head_bytes = 16 * 1024

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._head_timer: asyncio.TimerHandle | None = None
        self._complete = False  # the last request that began has arrived whole
        self._head_bytes = 0
        self._arm()

    def _arm(self) -> None:
        if self._head_timer is None:
            self._head_timer = self.loop.call_later(self.header_timeout_s, self._too_slow)

    def _disarm(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _waiting(self) -> bool:
        """A request has not arrived whole (not after an upgrade: the socket is a WebSocket's then)."""
        return self.transport.get_protocol() is self and not self.transport.is_closing() and not self._complete

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._complete = False
        self._head_bytes = 0

    def _count(self, size: int) -> None:
        self._head_bytes += size
        if self._head_bytes > self.max_head_bytes:
            raise HeadTooLarge("request line and headers too large")

    def on_url(self, url: bytes) -> None:
        self._count(len(url))
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._count(len(name) + len(value) + 4)
        super().on_header(name, value)

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._complete = True

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self._waiting():
            self._arm()  # the rest must follow in time
        else:
            self._disarm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._disarm()  # from here the keep-alive timeout applies until the next request starts

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _too_slow(self) -> None:
        self._head_timer = None
        if self._waiting():
            log.info(
                "closing a connection from %s: no complete request within %.0f s", self.client, self.header_timeout_s
            )
            self.transport.close()


def server_options(settings: Any) -> dict[str, Any]:
    """uvicorn's options for `fairq serve`: the timeouts above, small request heads, no stream deflate, the address."""
    protocol = type("FairqHttpTools", (HeaderTimeoutHttpTools,), {"header_timeout_s": settings.header_timeout_s})
    return {
        "host": settings.host,
        "port": settings.port,
        "http": protocol,
        "ws_max_size": 65536,
        "ws_per_message_deflate": False,  # small events on a LAN: a zlib context per stream costs CPU and memory
        "timeout_keep_alive": max(1, int(settings.keep_alive_s)),
        "log_level": "info",
        "access_log": settings.access_log,  # a line per request: off unless asked (FAIRQ_ACCESS_LOG=1)
        "proxy_headers": False,  # nothing stands in front of it: the client address is the socket's
    }


def redact_server_logs() -> None:
    """uvicorn's access and error logs mask any `token=` before a handler sees the record."""
    for name in ("uvicorn.access", "uvicorn.error"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactTokens) for f in logger.filters):
            logger.addFilter(RedactTokens())

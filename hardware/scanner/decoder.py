"""Barcode scanner input as a protocol object: CR/LF-terminated codes, debounced."""

from __future__ import annotations

import time
from collections.abc import Callable

MAX_CODE = 128


class LineDecoder:
    """Feed it bytes; it returns the complete codes they finish (CR, LF or CRLF ends a code)."""

    def __init__(self, max_length: int = MAX_CODE) -> None:
        self.max_length = max_length
        self._buffer = bytearray()
        self._overflow = False

    def data_received(self, data: bytes) -> list[str]:
        """Codes completed by ``data``; blank, over-long and non-printable input is dropped."""
        codes: list[str] = []
        for byte in data:
            if byte in (0x0D, 0x0A):
                if self._buffer and not self._overflow:
                    text = self._buffer.decode("ascii", errors="ignore")
                    code = "".join(ch for ch in text if ch.isprintable()).strip()
                    if code:
                        codes.append(code)
                self._buffer.clear()
                self._overflow = False
            elif len(self._buffer) >= self.max_length:
                self._overflow = True
            else:
                self._buffer.append(byte)
        return codes


class Debouncer:
    """Reports a code once while the same code keeps arriving within ``window`` seconds."""

    def __init__(self, window: float = 0.5, clock: Callable[[], float] = time.monotonic) -> None:
        self.window = window
        self.clock = clock
        self._last: str | None = None
        self._seen = 0.0

    def accept(self, code: str) -> bool:
        """True the first time; False for a repeat inside the window (which extends it)."""
        now = self.clock()
        repeat = code == self._last and now - self._seen < self.window
        self._last, self._seen = code, now
        return not repeat

"""A serial port that opens on first use and again after an unplug: what every serial driver needs."""

from __future__ import annotations

import logging
from typing import Any

import serial

log = logging.getLogger(__name__)


class ReopeningPort:
    """``get()`` opens the port (any ``serial_for_url`` URL) if it is closed; ``lost(exc)`` closes it quietly."""

    def __init__(self, url: str, *, what: str = "serial line", **options: Any) -> None:
        self.url = url
        self.what = what  # how log lines name the device
        self.options = options
        self.port: serial.SerialBase | None = None
        self.opens = 0  # how many times it was opened (tests see the reopen)

    @property
    def is_open(self) -> bool:
        return self.port is not None

    def get(self) -> serial.SerialBase:
        """The open port; raises serial.SerialException (or OSError) while it cannot be opened."""
        if self.port is None:
            self.port = serial.serial_for_url(self.url, **self.options)
            self.opens += 1
        return self.port

    def lost(self, exc: Exception) -> None:
        """The adapter went away: close it; the next `get()` reopens it."""
        if self.port is not None:
            log.warning("%s %s lost: %s", self.what, self.url, exc)
        self.close()

    def close(self) -> None:
        """Release the port (errors while closing are only logged)."""
        if self.port is not None:
            try:
                self.port.close()
            except Exception as exc:
                log.debug("closing %s: %s", self.url, exc)
            self.port = None

"""The kiosk's serial barcode scanner, reopened by itself after an unplug."""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable

import serial

from ..serialport import ReopeningPort
from ..worker import Worker
from .decoder import Debouncer, LineDecoder

log = logging.getLogger(__name__)


class BarcodeScanner:
    """Reads scanned codes from a serial line (any ``serial_for_url`` URL)."""

    def __init__(self, url: str, *, baudrate: int = 9600, debounce: float = 0.5) -> None:
        self.url = url
        self.baudrate = baudrate
        self.decoder = LineDecoder()
        self.debouncer = Debouncer(debounce)
        self._port = ReopeningPort(url, what="scanner", baudrate=baudrate, timeout=0)
        self._codes: deque[str] = deque()
        self._worker: Worker | None = None
        self._lock = threading.Lock()
        self._fill(0)  # open now: codes scanned from here on are kept

    @property
    def online(self) -> bool:
        """Whether the port is open."""
        return self._port.is_open

    def read(self, timeout: float = 1.0) -> str | None:
        """The next new code, or None after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while not self._codes and time.monotonic() < deadline:
                self._fill(min(0.05, max(deadline - time.monotonic(), 0)))
            return self._codes.popleft() if self._codes else None

    def start(self, on_code: Callable[[str], None]) -> BarcodeScanner:
        """Call ``on_code(code)`` from a reader thread for every new code."""

        def run() -> None:
            while not worker.stopping.is_set():
                if (code := self.read(0.2)) is not None:
                    try:
                        on_code(code)
                    except Exception:
                        log.exception("scan handler failed")

        worker = self._worker = Worker(run, name="barcode-scanner")
        worker.start()
        return self

    def stop(self) -> None:
        """Stop the reader thread and close the port."""
        if self._worker is not None:
            self._worker.stop()
        self.close()

    def close(self) -> None:
        """Release the port."""
        self._port.close()

    def _fill(self, wait: float) -> None:
        """Read what is there into the queue of codes; reopen the port if it went away."""
        try:
            port = self._port.get()
            port.timeout = wait
            data = port.read(max(1, port.in_waiting))
        except (serial.SerialException, OSError) as exc:
            self._port.lost(exc)
            time.sleep(wait)
            return
        for code in self.decoder.data_received(data):
            if self.debouncer.accept(code):
                self._codes.append(code)

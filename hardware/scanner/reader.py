"""The kiosk's serial barcode scanner, reopened by itself after an unplug."""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable

import serial

from .decoder import Debouncer, LineDecoder

log = logging.getLogger(__name__)


class BarcodeScanner:
    """Reads scanned codes from a serial line (any ``serial_for_url`` URL)."""

    def __init__(self, url: str, *, baudrate: int = 9600, debounce: float = 0.5) -> None:
        self.url = url
        self.baudrate = baudrate
        self.decoder = LineDecoder()
        self.debouncer = Debouncer(debounce)
        self._port: serial.SerialBase | None = None
        self._codes: deque[str] = deque()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._fill(0)  # open now: codes scanned from here on are kept

    @property
    def online(self) -> bool:
        """Whether the port is open."""
        return self._port is not None

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
            while not self._stop.is_set():
                if (code := self.read(0.2)) is not None:
                    try:
                        on_code(code)
                    except Exception:
                        log.exception("scan handler failed")

        self._thread = threading.Thread(target=run, daemon=True, name="barcode-scanner")
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the reader thread and close the port."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
        self.close()

    def close(self) -> None:
        """Release the port."""
        if self._port is not None:
            try:
                self._port.close()
            except Exception as exc:
                log.debug("closing %s: %s", self.url, exc)
            self._port = None

    def _fill(self, wait: float) -> None:
        """Read what is there into the queue of codes; reopen the port if it went away."""
        try:
            if self._port is None:
                self._port = serial.serial_for_url(self.url, baudrate=self.baudrate, timeout=wait)
            self._port.timeout = wait
            data = self._port.read(max(1, self._port.in_waiting))
        except (serial.SerialException, OSError) as exc:
            if self._port is not None:
                log.warning("scanner %s lost: %s", self.url, exc)
            self.close()
            time.sleep(wait)
            return
        for code in self.decoder.data_received(data):
            if self.debouncer.accept(code):
                self._codes.append(code)

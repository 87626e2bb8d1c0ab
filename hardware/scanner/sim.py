"""A simulated serial barcode scanner on a pseudo-terminal."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from ..ptyport import PtyPort
from ..simctl import ControlFile

log = logging.getLogger(__name__)


class ScannerSimulator:
    """``scan(code)`` sends a code as a real scanner does (code + CR LF by default)."""

    def __init__(self, *, link: str | Path | None = None, control_file: str | Path | None = None) -> None:
        self.port = PtyPort(link)
        self.control = ControlFile(control_file) if control_file else None
        self.terminator = b"\r\n"
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def path(self) -> str:
        """The serial port path a scanner driver opens."""
        return self.port.path

    def scan(self, code: str) -> None:
        """A code is read off a declaration form."""
        self.port.write(code.encode("ascii") + self.terminator)

    def send_garbage(self, data: bytes) -> None:
        """Noise on the line."""
        self.port.write(data)

    def unplug(self) -> None:
        """Pull the scanner's cable."""
        self.port.unplug()

    def replug(self) -> None:
        """Plug it back (same path)."""
        self.port.replug()

    def command(self, line: str) -> None:
        """scan CODE, garbage HEX, unplug, replug."""
        name, _, arg = line.partition(" ")
        if name == "scan":
            self.scan(arg.strip())
        elif name == "garbage":
            self.send_garbage(bytes.fromhex(arg.replace(" ", "")))
        elif name == "unplug":
            self.unplug()
        elif name == "replug":
            self.replug()
        else:
            log.warning("scanner sim: unknown command %r", line)

    def start(self) -> ScannerSimulator:
        """Take control-file commands (and swallow what the driver writes) in a thread."""
        self._thread = threading.Thread(target=self._run, daemon=True, name="scanner-sim")
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop and close the terminal."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
        self.port.close()

    def __enter__(self) -> ScannerSimulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _run(self) -> None:
        while not self._stop.is_set():
            if self.control is not None:
                for line in self.control.poll():
                    self.command(line)
            if not self.port.read(0.05):
                self._stop.wait(0.0 if self.port.is_open else 0.05)

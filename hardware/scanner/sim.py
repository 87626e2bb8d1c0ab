"""A simulated serial barcode scanner on a pseudo-terminal."""

from __future__ import annotations

import logging
from pathlib import Path

from ..simctl import ControlFile
from ..simthread import PtySimulator

log = logging.getLogger(__name__)


class ScannerSimulator(PtySimulator):
    """``scan(code)`` sends a code as a real scanner does (code + CR LF by default)."""

    thread_name = "scanner-sim"

    def __init__(self, *, link: str | Path | None = None, control_file: str | Path | None = None) -> None:
        super().__init__(link)
        self.control = ControlFile(control_file) if control_file else None
        self.terminator = b"\r\n"

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

    def _run(self) -> None:
        while not self._stop.is_set():
            if self.control is not None:
                for line in self.control.poll():
                    self.command(line)
            if not self.port.read(0.05):
                self._stop.wait(0.0 if self.port.is_open else 0.05)

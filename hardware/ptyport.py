"""A pseudo-terminal standing in for a serial device, which a simulator can unplug and plug back."""

from __future__ import annotations

import contextlib
import os
import select
import tty
from pathlib import Path


class PtyPort:
    """The simulator holds the master end; drivers open ``path`` like any serial port.

    With ``link`` set, ``path`` is a symlink to the current slave (like /dev/serial/by-id/...),
    so a driver reopening the same path after ``replug()`` finds the new terminal.
    """

    def __init__(self, link: str | Path | None = None) -> None:
        self.link = Path(link) if link else None
        self._master = -1
        self._slave = -1
        self.tty_name = ""
        self.open()

    @property
    def path(self) -> str:
        """What a driver opens."""
        return str(self.link) if self.link else self.tty_name

    @property
    def is_open(self) -> bool:
        """False while unplugged."""
        return self._master >= 0

    def open(self) -> None:
        """Make a fresh terminal in raw mode (no echo, no line editing) and point the link at it."""
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)
        tty.setraw(self._master)
        os.set_blocking(self._master, False)
        self.tty_name = os.ttyname(self._slave)
        if self.link:
            tmp = self.link.with_name(self.link.name + ".new")
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
            tmp.symlink_to(self.tty_name)
            os.replace(tmp, self.link)

    def read(self, timeout: float) -> bytes:
        """Bytes a driver wrote, or b"" after ``timeout`` seconds (or while unplugged)."""
        if self._master < 0:
            return b""
        try:
            ready, _, _ = select.select([self._master], [], [], timeout)
            return os.read(self._master, 4096) if ready else b""
        except (BlockingIOError, OSError, ValueError):
            return b""

    def write(self, data: bytes) -> None:
        """Send bytes to the driver; dropped while unplugged."""
        if self._master < 0:
            return
        view = memoryview(data)
        while view:
            try:
                n = os.write(self._master, view)
            except BlockingIOError:
                select.select([], [self._master], [], 0.1)
                continue
            except OSError:
                return
            view = view[n:]

    def unplug(self) -> None:
        """Vanish like a USB adapter pulled out: the driver's reads and writes fail."""
        if self.link:
            with contextlib.suppress(FileNotFoundError):
                self.link.unlink()
        for fd in (self._master, self._slave):
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._master = self._slave = -1

    def replug(self) -> None:
        """Come back on a new terminal behind the same link."""
        if self._master < 0:
            self.open()

    def close(self) -> None:
        """Unplug for good."""
        self.unplug()

"""python-escpos printer classes chosen by URL, each able to drop stale replies before a query."""

from __future__ import annotations

import contextlib
import os
import select
import stat
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from escpos.escpos import Escpos
from escpos.printer import File, Network, Serial

from .status import PrinterConfigError

WRITE_TIMEOUT = 10.0  # a whole ticket at 9600 baud takes about a second


class SerialPrinter(Serial):
    """A serial printer; stale bytes are dropped before each status query."""

    _device: Any  # python-escpos keeps False or the pyserial port here

    def open(self, raise_not_found: bool = True) -> None:
        """Open with a write timeout, so a stalled line cannot hold a print forever."""
        super().open(raise_not_found)
        device: Any = self._device  # python-escpos keeps False or the pyserial port here
        if device:
            device.write_timeout = WRITE_TIMEOUT

    def close(self) -> None:
        """Close without draining output nobody is reading (that would block)."""
        device: Any = self._device
        self._device = False
        if device and device.is_open:
            with contextlib.suppress(Exception):
                device.reset_output_buffer()
            device.close()

    def drain(self) -> None:
        """Forget replies that came too late for an earlier query."""
        self.device.reset_input_buffer()

    def _read(self) -> bytes:
        """The reply as soon as its first byte is in (python-escpos waits for 16 bytes)."""
        first = self.device.read(1)
        return first + self.device.read(self.device.in_waiting) if first else b""


class NetworkPrinter(Network):
    """A raw TCP printer (port 9100)."""

    def drain(self) -> None:
        """Forget replies that came too late for an earlier query."""
        self.device.setblocking(False)
        try:
            while self.device.recv(256):
                pass
        except (BlockingIOError, InterruptedError):
            pass
        finally:
            self.device.settimeout(self.timeout)

    def _read(self) -> bytes:
        """A reply, or nothing when none came in time (never a hang)."""
        try:
            return super()._read()
        except TimeoutError:
            return b""


class FilePrinter(File):
    """A printer device file such as /dev/usb/lp0, read back for status when it is a device."""

    def __init__(self, devfile: str, timeout: float = 1.0, **kwargs) -> None:
        super().__init__(devfile, **kwargs)
        self.timeout = timeout

    def open(self, raise_not_found: bool = True) -> None:
        """Open read-write when it is a device (for DLE EOT), write-only otherwise."""
        try:
            is_device = stat.S_ISCHR(os.stat(self.devfile).st_mode)
        except OSError:
            is_device = False
        if not is_device:
            return super().open(raise_not_found)
        fd = os.open(self.devfile, os.O_RDWR | os.O_NONBLOCK)
        os.set_blocking(fd, True)
        self.device = os.fdopen(fd, "r+b", buffering=0)

    def _read(self) -> bytes:
        """A reply within the timeout, or nothing."""
        ready, _, _ = select.select([self.device], [], [], self.timeout)
        if not ready:
            return b""
        try:
            return os.read(self.device.fileno(), 16)
        except BlockingIOError:
            return b""

    def drain(self) -> None:
        """Forget replies that came too late for an earlier query."""
        while select.select([self.device], [], [], 0)[0]:
            try:
                if not os.read(self.device.fileno(), 256):
                    return
            except BlockingIOError:
                return


def _usb_printer(vid: int, pid: int, timeout: float) -> Escpos:
    """A USB printer through pyusb, with a clear message when pyusb is missing."""
    from escpos.printer import Usb

    if not Usb.is_usable():
        raise PrinterConfigError("usb:// printers need pyusb: pip install pyusb")
    return Usb(vid, pid, timeout=int(timeout * 1000))


def parse_printer_url(url: str) -> tuple[str, str, dict[str, str]]:
    """Scheme, location (host:port, path or vid:pid) and query options of a printer URL."""
    parts = urlsplit(url)
    options = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    if parts.scheme in ("tcp", "usb"):
        location = parts.netloc
    else:
        location = unquote(parts.netloc + parts.path)
    if parts.scheme not in ("usb", "serial", "tcp", "file", "sim"):
        raise PrinterConfigError(f"unknown printer URL scheme in {url!r}")
    if parts.scheme != "sim" and not location:
        raise PrinterConfigError(f"printer URL {url!r} names no device")
    return parts.scheme, location, options


def escpos_for(scheme: str, location: str, options: dict[str, str], timeout: float) -> Escpos:
    """The python-escpos printer object for a parsed URL (not opened yet)."""
    try:
        if scheme == "tcp":
            host, _, port = location.rpartition(":") if ":" in location else (location, "", "")
            return NetworkPrinter(host, int(port or 9100), timeout=timeout)
        if scheme == "serial":
            return SerialPrinter(
                location,
                baudrate=int(options.get("baudrate", 9600)),
                timeout=timeout,
                dsrdtr=options.get("dsrdtr", "0") == "1",
            )
        if scheme == "file":
            return FilePrinter(location, timeout=timeout)
        if scheme == "usb":
            vid, _, pid = location.partition(":")
            return _usb_printer(int(vid, 16), int(pid, 16), timeout)
    except ValueError as exc:
        raise PrinterConfigError(f"bad printer URL: {exc}") from exc
    raise PrinterConfigError(f"no escpos transport for {scheme!r}")

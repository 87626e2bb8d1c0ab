"""The ticket printer: check status, send a ticket, check again; typed errors, bounded waits."""

from __future__ import annotations

import logging
import os
import stat
import threading

from escpos.escpos import Escpos

from .escpos_encode import render_escpos
from .layout import TicketLayout
from .status import (
    QUERY_OFFLINE_CAUSE,
    QUERY_PAPER,
    QUERY_PRINTER,
    PrinterConfigError,
    PrinterError,
    PrinterOffline,
    PrinterStatus,
    PrintIncomplete,
    decode_status,
)
from .transports import escpos_for, parse_printer_url

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 1.0
OFFLINE = PrinterStatus(online=False, queried=True)


class TicketPrinter:
    """One ESC/POS printer; every call returns or raises within a few timeouts."""

    def __init__(self, escpos: Escpos, *, paper_mm: int = 80, can_query: bool = True, name: str = "") -> None:
        if paper_mm not in (58, 80):
            raise PrinterConfigError(f"paper width must be 58 or 80 mm, not {paper_mm}")
        self.escpos = escpos
        self.paper_mm = paper_mm
        self.can_query = can_query
        self.name = name
        self._lock = threading.Lock()

    def status(self) -> PrinterStatus:
        """Ask the printer (DLE EOT 1, 2, 4); an unanswered query means offline."""
        if not self.can_query:
            return PrinterStatus(queried=False)
        with self._lock:
            try:
                status = self._query()
            except Exception as exc:  # any transport failure: the printer is not reachable
                log.info("printer %s: status failed: %s", self.name, exc)
                status = OFFLINE
            if status is OFFLINE:  # reconnect next time: it may have been restarted or replugged
                self._reset()
            return status

    def print_ticket(self, layout: TicketLayout) -> PrinterStatus:
        """Print a ticket, or raise before sending (nothing lost) or after (PrintIncomplete)."""
        return self.print_raw(render_escpos(layout, self.paper_mm))

    def print_raw(self, data: bytes) -> PrinterStatus:
        """Send prepared ESC/POS bytes with the same checks as a ticket."""
        self.status().raise_for_problem()
        with self._lock:
            try:
                self.escpos._raw(data)
            except Exception as exc:
                self._reset()
                raise PrintIncomplete("打印中断 / printing interrupted", PrinterOffline(str(exc))) from exc
        after = self.status()
        if (problem := after.problem) is not None:
            raise PrintIncomplete(f"打印未完成 / ticket may not have printed: {problem}", problem)
        return after

    def close(self) -> None:
        """Release the port or connection."""
        with self._lock:
            self._reset()

    def _query(self) -> PrinterStatus:
        """Three real-time queries through python-escpos; the first silence ends it."""
        replies = []
        for query in (QUERY_PRINTER, QUERY_OFFLINE_CAUSE, QUERY_PAPER):
            if self.escpos.device is None:  # the property opens the port on first use
                return OFFLINE
            if hasattr(self.escpos, "drain"):
                self.escpos.drain()
            reply = self.escpos.query_status(query)
            if not reply:
                return OFFLINE
            replies.append(reply[0])
        return decode_status(*replies)

    def _reset(self) -> None:
        """Close the transport so that the next call opens it afresh (replugged, restarted)."""
        try:
            self.escpos.close()
        except Exception as exc:
            log.debug("printer %s: close failed: %s", self.name, exc)
        self.escpos._device = False

    def __enter__(self) -> TicketPrinter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_printer(url: str) -> TicketPrinter:
    """A printer from its URL: usb://, serial://, tcp://, file:// or sim:// (see docs/hardware.md)."""
    scheme, location, options = parse_printer_url(url)
    try:
        timeout = float(options.get("timeout", DEFAULT_TIMEOUT))
        paper_mm = int(options.get("paper", 80))
    except ValueError as exc:
        raise PrinterConfigError(f"bad printer URL {url!r}: {exc}") from exc
    if scheme == "sim":
        from .sim import ensure_simulator

        port = ensure_simulator(location or None, paper_mm)
        scheme, location = "tcp", f"127.0.0.1:{port}"
    escpos = escpos_for(scheme, location, options, timeout)
    can_query = options.get("status", "1") not in ("0", "no", "off")
    if scheme == "file" and "status" not in options:
        can_query = _is_device(location)
    return TicketPrinter(escpos, paper_mm=paper_mm, can_query=can_query, name=url)


def _is_device(path: str) -> bool:
    """True for a character device (a printer that can answer), False for a plain file."""
    try:
        return stat.S_ISCHR(os.stat(path).st_mode)
    except OSError:
        return False


__all__ = ["PrinterError", "TicketPrinter", "open_printer"]

"""Printer status from the DLE EOT replies, and the typed errors a kiosk shows."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from protocol import PrinterState

#: Real-time status queries (DLE EOT n).
QUERY_PRINTER = b"\x10\x04\x01"
QUERY_OFFLINE_CAUSE = b"\x10\x04\x02"
QUERY_ERROR = b"\x10\x04\x03"
QUERY_PAPER = b"\x10\x04\x04"

# Bits of the replies (fixed bits 1 and 4 are always set: 0x12 means "all well").
OFFLINE_BIT = 0x08  # DLE EOT 1
COVER_OPEN_BIT = 0x04  # DLE EOT 2
PAPER_STOP_BIT = 0x20  # DLE EOT 2: printing stopped at paper end
ERROR_BIT = 0x40  # DLE EOT 2
NEAR_END_BITS = 0x0C  # DLE EOT 4
PAPER_OUT_BITS = 0x60  # DLE EOT 4


class Paper(StrEnum):
    """The roll paper sensors' reading."""

    OK = "ok"
    NEAR_END = "near_end"
    OUT = "out"


class PrinterError(Exception):
    """A ticket cannot be printed, or may not have been; the message is for the kiosk screen."""


class PrinterOffline(PrinterError):
    """The printer does not answer, or reports itself offline."""


class PaperOut(PrinterError):
    """The paper roll is empty."""


class CoverOpen(PrinterError):
    """The paper cover is open."""


class PrinterFault(PrinterError):
    """The printer reports an error (cutter, head, ...)."""


class PrinterConfigError(PrinterError, ValueError):
    """The printer URL is wrong or names something unsupported."""


class PrintIncomplete(PrinterError):
    """Bytes were sent but the printer was not well afterwards: the ticket may be lost."""

    def __init__(self, message: str, cause: PrinterError | None = None) -> None:
        super().__init__(message)
        self.cause = cause


@dataclass(frozen=True)
class PrinterStatus:
    """What the printer said about itself; ``queried`` is False when it cannot be asked."""

    online: bool = True
    paper: Paper = Paper.OK
    cover_open: bool = False
    error: bool = False
    queried: bool = True

    @property
    def state(self) -> PrinterState:
        """The one state a kiosk reports to the dispatcher."""
        if self.cover_open:
            return PrinterState.COVER_OPEN
        if self.paper is Paper.OUT:
            return PrinterState.PAPER_OUT
        if self.error:
            return PrinterState.ERROR
        if not self.online:
            return PrinterState.OFFLINE
        if self.paper is Paper.NEAR_END:
            return PrinterState.PAPER_NEAR_END
        return PrinterState.OK

    @property
    def problem(self) -> PrinterError | None:
        """The error that stops printing now, or None when a ticket can be printed."""
        if self.cover_open:
            return CoverOpen("打印机盖未关 / printer cover open")
        if self.paper is Paper.OUT:
            return PaperOut("打印纸用完 / out of paper")
        if self.error:
            return PrinterFault("打印机故障 / printer error")
        if not self.online:
            return PrinterOffline("打印机离线 / printer offline")
        return None

    def raise_for_problem(self) -> None:
        """Raise the typed error that stops printing, if any."""
        if (problem := self.problem) is not None:
            raise problem


def decode_status(printer: int, offline_cause: int, paper: int) -> PrinterStatus:
    """A status from the first byte of the DLE EOT 1, 2 and 4 replies."""
    if paper & PAPER_OUT_BITS:
        level = Paper.OUT
    elif paper & NEAR_END_BITS:
        level = Paper.NEAR_END
    else:
        level = Paper.OK
    return PrinterStatus(
        online=not printer & OFFLINE_BIT,
        paper=level,
        cover_open=bool(offline_cause & COVER_OPEN_BIT),
        error=bool(offline_cause & ERROR_BIT),
    )

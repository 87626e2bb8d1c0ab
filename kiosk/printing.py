"""The ticket printer off the GUI thread: status polls and print jobs, one at a time, as Qt signals."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from hardware.printer import PrinterError, PrintIncomplete, TicketLayout, open_printer
from protocol import PrinterState
from qtclient.timers import timer

log = logging.getLogger("fairq.kiosk.printer")

#: Printer states in which no ticket can be printed: the kiosk is out of service.
BLOCKING_STATES = frozenset({PrinterState.PAPER_OUT, PrinterState.COVER_OPEN, PrinterState.OFFLINE, PrinterState.ERROR})


class _Job(QRunnable):
    def __init__(self, work: Callable[[], None]) -> None:
        super().__init__()
        self.work = work

    def run(self) -> None:
        try:
            self.work()
        except Exception:  # a worker must never take the kiosk down
            log.exception("printer job failed")


class PrinterService(QObject):
    """Owns the printer; every call to it runs on one worker thread, results come back as signals.

    ``stateChanged(state, detail)``: a `protocol.PrinterState` value, on every change (polled every
    ``poll_ms``). ``printed(job)`` / ``printFailed(job, state, message, maybe_printed)`` answer
    ``print_ticket``. ``maybe_printed`` is True when bytes went out before the failure.
    """

    stateChanged = Signal(str, str)
    printed = Signal(int)
    printFailed = Signal(int, str, str, bool)

    def __init__(
        self, url: str, *, poll_ms: int = 3000, opener: Callable[[str], Any] = open_printer, parent=None
    ) -> None:
        super().__init__(parent)
        self.url = url
        self.state = ""
        self.detail = ""
        self._opener = opener
        self._printer: Any = None
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)  # the printer is one device: one call at a time
        self._poll = timer(self, poll_ms, self.check)
        self._jobs = 0
        self._polling = False
        self.stateChanged.connect(self._remember)

    def start(self) -> None:
        self.check()
        self._poll.start()

    def stop(self) -> None:
        self._poll.stop()
        self._pool.waitForDone(5000)
        if self._printer is not None:
            self._printer.close()

    def check(self) -> None:
        """Ask the printer for its status (in the worker); a change comes as ``stateChanged``."""
        if self._polling:
            return
        self._polling = True
        self._pool.start(_Job(self._check_in_worker))

    def print_ticket(self, layout: TicketLayout) -> int:
        """Queue a ticket for printing; returns the job number that ``printed``/``printFailed`` carry."""
        self._jobs += 1
        job = self._jobs
        self._pool.start(_Job(lambda: self._print_in_worker(job, layout)))
        return job

    def _remember(self, state: str, detail: str) -> None:
        self.state, self.detail = state, detail

    # ---- worker thread ----------------------------------------------------------------

    def _device(self) -> Any:
        if self._printer is None:
            self._printer = self._opener(self.url)
        return self._printer

    def _check_in_worker(self) -> None:
        try:
            status = self._device().status()
            state, detail = str(status.state), ""
            if problem := status.problem:
                detail = str(problem)
        except PrinterError as exc:
            state, detail = str(PrinterState.OFFLINE), str(exc)
        finally:
            self._polling = False
        self._publish(state, detail)

    def _publish(self, state: str, detail: str) -> None:
        if state != self.state or detail != self.detail:
            self.state, self.detail = state, detail  # so that the next poll compares with it
            self.stateChanged.emit(state, detail)

    def _print_in_worker(self, job: int, layout: TicketLayout) -> None:
        try:
            status = self._device().print_ticket(layout)
        except PrintIncomplete as exc:
            cause = exc.cause
            state = _state_of(cause) if cause else str(PrinterState.ERROR)
            self._publish(state, str(exc))
            self.printFailed.emit(job, state, str(exc), True)
            return
        except PrinterError as exc:
            state = _state_of(exc)
            self._publish(state, str(exc))
            self.printFailed.emit(job, state, str(exc), False)
            return
        self._publish(str(status.state), "")
        self.printed.emit(job)


def _state_of(error: BaseException) -> str:
    from hardware.printer import CoverOpen, PaperOut, PrinterFault

    for kind, state in ((PaperOut, PrinterState.PAPER_OUT), (CoverOpen, PrinterState.COVER_OPEN)):
        if isinstance(error, kind):
            return str(state)
    if isinstance(error, PrinterFault):
        return str(PrinterState.ERROR)
    return str(PrinterState.OFFLINE)

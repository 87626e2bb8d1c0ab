"""The kiosk's flow: category → numbers → ticket from the dispatcher → printed → take it; and its failures.

All the wiring of the kiosk sits here; the window only shows screens. A ticket is printed only
after the dispatcher committed it; one that could not be printed is cancelled ("print failed").
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

from hardware.printer import TicketLayout
from protocol import PrinterState
from qtclient import ApiResult, DispatcherLink
from qtclient.i18n import Translator
from qtclient.timers import timer

from .model import TicketRequest, category_for_code, service_problem
from .pending import PendingWork
from .printing import PrinterService
from .window import KioskWindow

log = logging.getLogger("fairq.kiosk")

PRINT_FAILED_REASON = "print failed"
ISSUE_RETRIES = 2
INPUT_EVENTS = frozenset(
    {QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin, QEvent.Type.KeyPress, QEvent.Type.TouchUpdate}
)


class KioskController(QObject):
    """Runs one kiosk: the link, the printer, the scanner and the window."""

    phaseChanged = Signal(str)  # start, entry, requesting, printing, ticket, print_failed, out_of_service

    def __init__(
        self,
        *,
        link: DispatcherLink,
        printer: PrinterService,
        window: KioskWindow,
        translator: Translator,
        idle_timeout_s: float = 60.0,
        ticket_timeout_s: float = 15.0,
        failed_timeout_s: float = 10.0,
        pending: PendingWork | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.link, self.printer, self.window, self.translator = link, printer, window, translator
        self.phase = ""
        self.request: TicketRequest | None = None
        self.ticket: dict[str, Any] | None = None
        self.print_job = 0
        self.pending = pending or PendingWork()  # tickets to void, lost requests to look up
        self.reported_printer: tuple[str, str] | None = None
        self.stopped = False
        self.idle = timer(self, int(idle_timeout_s * 1000), self._idle, single_shot=True)
        self.ticket_timer = timer(self, int(ticket_timeout_s * 1000), self.home, single_shot=True)
        self.failed_timer = timer(self, int(failed_timeout_s * 1000), self.home, single_shot=True)
        self._wire()

    def _wire(self) -> None:
        w, link = self.window, self.link
        link.linkUp.connect(self._link_up)
        link.linkDown.connect(lambda reason: self.update_service())
        link.stateChanged.connect(self._state_changed)
        self.printer.stateChanged.connect(self._printer_state)
        self.printer.printed.connect(self._printed)
        self.printer.printFailed.connect(self._print_failed)
        self.translator.languageChanged.connect(w.set_language)
        w.start.header.languageClicked.connect(self.toggle_language)
        w.entry.header.languageClicked.connect(self.toggle_language)
        w.start.categoryChosen.connect(self.choose)
        w.entry.keyPressed.connect(self.key)
        w.entry.fieldChosen.connect(self.focus_field)
        w.entry.cancelled.connect(self.home)
        w.entry.confirmed.connect(self.confirm)
        w.ticket.done.connect(self.home)
        w.scanned.connect(self.scanned)
        app = QApplication.instance()
        assert app is not None, "the kiosk runs inside a QApplication"
        app.installEventFilter(self)

    def start(self) -> None:
        self._set_phase("out_of_service")
        self.window.show_out_of_service("starting")
        self.printer.start()
        self.link.start()

    def stop(self) -> None:
        self.stopped = True  # late signals from the link or the printer thread must not touch a closed window
        for each in (self.idle, self.ticket_timer, self.failed_timer):
            each.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        self.link.stop()
        self.printer.stop()

    # ---- service state ----------------------------------------------------------------

    def problem(self) -> str | None:
        return service_problem(
            link_up=self.link.is_up, day_open=self.link.state.day_open, printer_state=self.printer.state
        )

    def update_service(self) -> None:
        """Go out of service, or back in, as the link, the day and the printer allow."""
        if self.stopped:
            return
        problem = self.problem()
        if problem is not None:
            if self.phase in ("requesting", "printing", "print_failed"):
                return  # finish what is under way first; its end calls this again
            self.request = None
            self._set_phase("out_of_service")
            self.window.show_out_of_service(problem)
        elif self.phase in ("out_of_service", ""):
            self.home()

    def _link_up(self) -> None:
        if self.stopped:
            return
        self.reported_printer = None
        self._report_printer()
        for ticket_id in list(self.pending.cancels):
            self._cancel(ticket_id)
        self._reconcile()
        self.update_service()

    def _state_changed(self) -> None:
        if self.stopped:
            return
        if self.phase == "start":
            self.window.update_categories(self.link.state.category_list())
        self.update_service()

    def _printer_state(self, state: str, detail: str) -> None:
        if self.stopped:
            return
        log.info("printer: %s %s", state, detail)
        self._report_printer()
        self.update_service()

    def _report_printer(self) -> None:
        """Tell the dispatcher (supervisors see it) whenever the printer's state changes."""
        now = (self.printer.state, self.printer.detail)
        if not self.printer.state or now == self.reported_printer or not self.link.is_up:
            return
        self.reported_printer = now

        def done(result: ApiResult) -> None:
            if not result.ok:
                self.reported_printer = None  # try again at the next change or link up

        self.link.report_printer(self.printer.state, self.printer.detail or None, done)

    # ---- the trader's steps -----------------------------------------------------------

    def home(self) -> None:
        """Back to the start screen (or out of service)."""
        if self.stopped:
            return
        self.ticket_timer.stop()
        self.failed_timer.stop()
        self.idle.stop()
        self.request = None
        self.ticket = None
        problem = self.problem()
        if problem is not None:
            self._set_phase("out_of_service")
            self.window.show_out_of_service(problem)
            return
        self._set_phase("start")
        state = self.link.state
        self.window.show_start(state.category_list(), state.hall_name)

    def choose(self, code: str, declaration: str = "") -> None:
        category = self.link.state.category(code)
        if self.phase not in ("start", "entry") or category is None:
            return
        self.request = TicketRequest(category=dict(category))
        if declaration:
            self.request.set("declaration", declaration)
        if not self.request.needs_entry:
            self.issue()
            return
        if not self.request.needs_declaration:
            self.request.active = "enterprise"
        self._set_phase("entry")
        self.window.show_entry(self.request)
        self.idle.start()

    def key(self, key: str) -> None:
        if self.request is not None and self.phase == "entry":
            self.request.press(key)
            self.window.update_entry(self.request)

    def focus_field(self, which: str) -> None:
        if self.request is not None and self.phase == "entry":
            self.request.active = which
            self.window.update_entry(self.request)

    def scanned(self, code: str) -> None:
        """A declaration form's barcode: fill the number (choosing the category by digit 9 if needed)."""
        code = code.strip()
        log.info("scanned %s", code)
        if self.phase == "entry" and self.request is not None and self.request.needs_declaration:
            self.request.set("declaration", code)
            self.request.active = "declaration"
            self.window.update_entry(self.request)
        elif self.phase == "start":
            category = category_for_code(self.link.state.category_list(), code)
            if category is not None:
                self.choose(category["code"], code)

    def confirm(self) -> None:
        if self.request is None or self.phase != "entry":
            return
        if not self.request.ready:
            self.window.update_entry(self.request)
            return
        self.issue()

    def issue(self, attempt: int = 0) -> None:
        """Ask the dispatcher for the ticket; retries reuse the idempotency key (never two tickets)."""
        request = self.request
        assert request is not None
        self._set_phase("requesting")
        self.idle.stop()
        self.link.issue_ticket(
            request.category["code"],
            idempotency_key=request.key,
            declaration_no=request.declaration or None,
            enterprise_code=request.enterprise or None,
            callback=lambda result: self._issued(request, attempt, result),
        )

    def _issued(self, request: TicketRequest, attempt: int, result: ApiResult) -> None:
        if request is not self.request:
            return
        if result.ok:
            self.ticket = result.data
            self._print(result.data)
            return
        if not result.reached and attempt < ISSUE_RETRIES and self.link.is_up:
            QTimer.singleShot(300 * (attempt + 1), lambda: self._retry_issue(request, attempt + 1))
            return
        log.warning("ticket not issued: %s %s", result.code, result.message)
        if not result.reached:  # the dispatcher may have made it: find out, and void it, once it answers
            self.pending.add_unanswered(request.key)
            QTimer.singleShot(1000, self._reconcile)
        if (not result.reached and not self.link.is_up) or result.code == "day_closed":
            self.request = None
            self._set_phase("out_of_service")
            self.window.show_out_of_service("day_closed" if result.code == "day_closed" else "link")
            if result.code == "day_closed":
                self.link.refresh_snapshot()
            return
        if not result.reached:  # no answer although the link is up: tell the trader, do not go back silently
            self.request = None
            self._set_phase("print_failed")
            self.window.show_print_failed()
            self.failed_timer.start()
            return
        if result.code == "issue_rate_limited":  # too many tickets from this kiosk just now: say so, then start over
            self.request = None
            self._set_phase("print_failed")
            self.window.show_refused(self.window.issue_error_text(result.code, result.message))
            self.failed_timer.start()
            return
        if not request.needs_entry:
            self.home()
            return
        self._set_phase("entry")
        self.window.show_entry(request)
        self.window.update_entry(request, self.window.issue_error_text(result.code, result.message))
        self.idle.start()

    def _retry_issue(self, request: TicketRequest, attempt: int) -> None:
        if request is self.request and self.phase == "requesting":
            self.issue(attempt)

    def _print(self, ticket: dict[str, Any]) -> None:
        self._set_phase("printing")
        self.window.show_printing()
        category = self.link.state.category(ticket["category"]) or {}
        layout = TicketLayout(
            hall_name=self.link.state.hall_name,
            label=ticket["label"],
            category_zh=category.get("name_zh", ticket["category"]),
            category_en=category.get("name_en", ticket["category"]),
            waiting_ahead=int(ticket.get("waiting_ahead") or 0),
            issued_at=_local_time(ticket.get("issued_at")),
            ticket_id=f"{ticket.get('day', '')}-{ticket['id']}",
            declaration_no=ticket.get("declaration_no"),
        )
        self.print_job = self.printer.print_ticket(layout)

    def _printed(self, job: int) -> None:
        if job != self.print_job or self.ticket is None:
            return
        self._set_phase("ticket")
        self.window.show_ticket(self.ticket, self.link.state.category(self.ticket["category"]))
        self.ticket_timer.start()

    def _print_failed(self, job: int, state: str, message: str, maybe_printed: bool) -> None:
        if job != self.print_job or self.ticket is None:
            return
        ticket, self.ticket = self.ticket, None
        log.warning("ticket %s not printed (%s): %s", ticket["label"], state, message)
        if not ticket.get("reprint"):  # a reprinted ticket was printed once already: it stays valid
            self.pending.add_cancel(ticket["id"])
            self._cancel(ticket["id"])
        self._set_phase("print_failed")
        self.window.show_print_failed()
        self.failed_timer.start()

    @property
    def unanswered(self) -> list[str]:
        return self.pending.unanswered

    def _reconcile(self) -> None:
        """Ask what each unanswered request got; a ticket it made was never printed, so it is voided."""
        if self.stopped or not self.link.is_up:
            return
        for key in list(self.pending.unanswered):

            def done(result: ApiResult, key: str = key) -> None:
                if not result.reached:
                    return  # ask again when the link is back
                ticket = result.data if result.ok else None
                if ticket and not ticket.get("reprint") and ticket.get("state") in ("waiting", "called"):
                    log.warning("ticket %s was issued but its reply was lost: voiding it", ticket.get("label"))
                    self.pending.add_cancel(ticket["id"])
                    self._cancel(ticket["id"])
                self.pending.drop_unanswered(key)

            self.link.get(f"/tickets/by-key/{key}", done)

    def _cancel(self, ticket_id: int) -> None:
        def done(result: ApiResult) -> None:
            if result.ok or result.reached:  # done, or refused for good (e.g. already called)
                self.pending.drop_cancel(ticket_id)
                if not result.ok:
                    log.warning("cancel of ticket %s refused: %s", ticket_id, result.message)

        self.link.cancel_ticket(ticket_id, PRINT_FAILED_REASON, done)

    # ---- language and idleness --------------------------------------------------------

    def toggle_language(self) -> None:
        self.translator.toggle()
        if self.request is not None and self.phase == "entry":
            self.window.show_entry(self.request)

    def _idle(self) -> None:
        if self.phase == "entry":
            log.info("idle: back to the start")
            self.home()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in INPUT_EVENTS and self.idle.isActive():
            self.idle.start()
        return False

    def _set_phase(self, phase: str) -> None:
        if phase != self.phase:
            self.phase = phase
            self.phaseChanged.emit(phase)


def _local_time(value: str | None) -> datetime:
    try:
        return datetime.fromisoformat(value).astimezone() if value else datetime.now()
    except ValueError:
        return datetime.now()


__all__ = ["PRINT_FAILED_REASON", "KioskController", "PrinterState"]

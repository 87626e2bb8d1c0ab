"""The kiosk window: a stack of screens, and the texts for reasons and problems (translated)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from protocol import Problem
from qtclient.i18n import pick
from qtclient.theme import COLORS

from .model import TicketRequest
from .views import EntryScreen, MessageScreen, Screen, StartScreen, TicketScreen

SIZES = {"portrait": (1080, 1920), "landscape": (1920, 1080)}


class KioskWindow(QWidget):
    """Shows one screen at a time; ``scanned(code)`` for keyboard-wedge scanners typing digits + Enter."""

    scanned = Signal(str)

    def __init__(self, *, orientation: str = "portrait", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("fairq kiosk")
        self.orientation = orientation
        self.language = "zh"
        self.start = StartScreen()
        self.entry = EntryScreen()
        self.ticket = TicketScreen()
        self.message = MessageScreen()
        self.stack = QStackedWidget()
        for screen in (self.start, self.entry, self.ticket, self.message):
            self.stack.addWidget(screen)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self.message_kind = ""
        self._wedge = ""
        self._reason = ""
        self.set_orientation(orientation)

    # ---- layout and language ----------------------------------------------------------

    def set_orientation(self, orientation: str) -> None:
        self.orientation = orientation
        self.start.columns = 1 if orientation == "portrait" else min(3, max(1, len(self.start.buttons) or 3))
        self.entry.set_orientation(orientation)

    def set_language(self, language: str) -> None:
        """Called after the translator switched: dispatcher texts follow the language too."""
        self.language = language
        for screen in (self.start, self.entry, self.ticket, self.message):
            screen.language = language
            screen.retranslate()
        if self.message_kind == "out_of_service":
            self.show_out_of_service(self._reason)

    @property
    def current(self) -> Screen:
        shown = self.stack.currentWidget()
        assert isinstance(shown, Screen), "the stack holds only screens"
        return shown

    # ---- screens ----------------------------------------------------------------------

    def show_start(self, categories: list[dict[str, Any]], hall_name: str) -> None:
        self.message_kind = ""
        self.start.header.hall.setText(hall_name)
        self.entry.header.hall.setText(hall_name)
        columns = 1 if self.orientation == "portrait" else min(3, max(1, len(categories)))
        if columns != self.start.columns:
            self.start.columns = columns
            self.start.set_categories([])
        self.start.set_categories(categories)
        self.stack.setCurrentWidget(self.start)

    def update_categories(self, categories: list[dict[str, Any]]) -> None:
        if [c["code"] for c in categories] == [c["code"] for c in self.start.categories]:
            self.start.set_categories(categories)

    def show_entry(self, request: TicketRequest) -> None:
        self.message_kind = ""
        self.entry.title.setText(pick(self.language, request.category["name_zh"], request.category["name_en"]))
        self.entry.declaration.setVisible(request.needs_declaration)
        self.entry.enterprise.setVisible(request.needs_enterprise)
        self.update_entry(request)
        self.stack.setCurrentWidget(self.entry)

    def update_entry(self, request: TicketRequest, error: str = "") -> None:
        """Redraw the fields, with the reason a value is wrong (or the dispatcher's ``error``)."""
        d, e = self.entry.declaration, self.entry.enterprise
        d.value.setText(group_declaration(request.declaration) or " ")
        e.value.setText(request.enterprise or " ")
        d_problem = request.declaration_problem()
        e_problem = request.enterprise_problem()
        d.set_state(active=request.active == "declaration", error=d_problem is not None or bool(error))
        e.set_state(active=request.active == "enterprise", error=e_problem is not None)
        d.problem.setText(error or (self.problem_text(d_problem) if d_problem else self.declaration_hint(request)))
        e.problem.setText(self.problem_text(e_problem) if e_problem else "")
        self.entry.keypad.set_letters(request.active == "enterprise")
        self.entry.confirm.setEnabled(request.ready)

    def show_ticket(self, ticket: dict[str, Any], category: dict[str, Any] | None) -> None:
        self.message_kind = ""
        self.ticket.show_ticket(ticket, category)
        self.stack.setCurrentWidget(self.ticket)

    def show_printing(self) -> None:
        self.message_kind = "printing"
        self.message.show_message("…", self.tr("Printing your ticket…"), self.tr("Please wait a moment."))
        self.stack.setCurrentWidget(self.message)

    def show_print_failed(self) -> None:
        self.message_kind = "print_failed"
        self.message.show_message(
            "!",
            self.tr("Sorry, your ticket could not be printed"),
            self.tr("No ticket was issued. Please use another kiosk."),
            color=COLORS["error"],
        )
        self.stack.setCurrentWidget(self.message)

    def show_refused(self, text: str) -> None:
        """The dispatcher refused the ticket for now (e.g. this kiosk's rate limit): no ticket, and why."""
        self.message_kind = "refused"
        self.message.show_message("!", self.tr("No ticket was issued"), text, color=COLORS["warning"])
        self.stack.setCurrentWidget(self.message)

    def show_out_of_service(self, reason: str) -> None:
        self.message_kind = "out_of_service"
        self._reason = reason
        self.message.show_message(
            "!",
            self.tr("Out of service"),
            self.tr("Please use another kiosk."),
            self.reason_text(reason),
            color=COLORS["warning"],
        )
        self.stack.setCurrentWidget(self.message)

    # ---- texts ------------------------------------------------------------------------

    def reason_text(self, reason: str) -> str:
        texts = {
            "link": self.tr("The queue system cannot be reached. This kiosk will be back by itself."),
            "day_closed": self.tr("The hall is closed: no tickets are issued now."),
            "printer:paper_out": self.tr("The ticket printer is out of paper."),
            "printer:cover_open": self.tr("The ticket printer cover is open."),
            "printer:offline": self.tr("The ticket printer does not answer."),
            "printer:error": self.tr("The ticket printer reports a fault."),
            "printer:unknown": self.tr("Checking the ticket printer…"),
            "starting": self.tr("Starting…"),
        }
        return texts.get(reason, reason)

    def declaration_hint(self, request: TicketRequest) -> str:
        flag = request.category.get("io_flag")
        if flag == "1":
            return self.tr("18 digits; the 9th is 1 for an import declaration")
        if flag == "0":
            return self.tr("18 digits; the 9th is 0 for an export declaration")
        return self.tr("18 digits")

    def problem_text(self, problem: Problem) -> str:
        texts = {
            "declaration_not_digits": self.tr("A declaration number has digits only."),
            "declaration_too_long": self.tr("A declaration number has 18 digits."),
            "declaration_too_short": self.tr("A declaration number has 18 digits."),
            "declaration_bad_year": self.tr("Digits 5–8 must be a year (e.g. 2024)."),
            "declaration_bad_flag": self.tr("Digit 9 must be 1 (import) or 0 (export)."),
            "declaration_required": self.tr("This business needs a declaration number."),
            "enterprise_bad_customs_code": self.tr("A customs code is 4 digits then 6 digits or letters."),
            "enterprise_bad_characters": self.tr("A credit code uses digits and capitals except I, O, S, V, Z."),
            "enterprise_bad_check": self.tr("The check character of this credit code is wrong."),
            "enterprise_bad_length": self.tr("An enterprise code has 10 or 18 characters."),
            "enterprise_required": self.tr("This business needs an enterprise code."),
        }
        if problem.code == "declaration_wrong_direction":
            if problem.message.find("import") >= 0:
                return self.tr("This is for import declarations: digit 9 must be 1.")
            return self.tr("This is for export declarations: digit 9 must be 0.")
        return texts.get(problem.code, problem.message)

    def issue_error_text(self, code: str, message: str) -> str:
        if code == "issue_rate_limited":
            return self.tr("This kiosk has issued many tickets just now. Please wait a minute and try again.")
        if code == "declaration_in_use":
            return self.tr(
                "This declaration already has a ticket under another enterprise code. Please ask at the help desk."
            )
        if code == "reticket_limit":
            return self.tr(
                "This declaration has already had a new ticket today after a missed call or a cancellation."
                " Please ask at the help desk."
            )
        if code.startswith(("declaration_", "enterprise_")):
            return self.problem_text(Problem(code, message))
        if not code or code in ("network", "timeout"):
            return self.tr("The queue system cannot be reached. Please try again.")
        return self.tr("No ticket could be issued: %1").replace("%1", message)

    # ---- keyboard-wedge scanner -------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            code, self._wedge = self._wedge, ""
            if code:
                self.scanned.emit(code)
            return
        if text and text.isalnum() and text.isascii():
            self._wedge = (self._wedge + text)[-32:]
            return
        super().keyPressEvent(event)


def group_declaration(value: str) -> str:
    """``220120241000012345`` -> ``2201 2024 1 000012345`` (customs code, year, flag, sequence)."""
    parts = [value[:4], value[4:8], value[8:9], value[9:]]
    return " ".join(p for p in parts if p)

"""The counter's screens: login and service (ticket, actions, queue counts, own figures). Views only draw."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from qtclient.i18n import LanguageAware, pick
from qtclient.theme import COLORS, font

from .model import ACTIONS, OUTCOMES, SHORTCUTS, fmt_duration, pause_or_resume

STATE_COLORS = {
    "closed": COLORS["disabled"],
    "idle": COLORS["surface"],
    "ready": COLORS["button"],
    "called": COLORS["accent"],
    "serving": COLORS["ok"],
    "paused": COLORS["warning"],
}


def _label(pixel_size: int, *, bold: bool = False, color: str | None = None, align=None) -> QLabel:
    label = QLabel()
    label.setFont(font(pixel_size, bold=bold))
    if color:
        label.setStyleSheet(f"color: {color}; background: transparent;")
    else:
        label.setStyleSheet("background: transparent;")
    if align is not None:
        label.setAlignment(align)
    return label


class LoginView(LanguageAware):
    """Staff id and PIN; the counter number comes from the device's enrolment."""

    loginRequested = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.counter_name = ""
        self.title = _label(64, bold=True, align=Qt.AlignmentFlag.AlignCenter)
        self.subtitle = _label(32, color=COLORS["muted"], align=Qt.AlignmentFlag.AlignCenter)
        self.staff_label = _label(32)
        self.staff_edit = QLineEdit()
        self.pin_label = _label(32)
        self.pin_edit = QLineEdit()
        self.pin_edit.setEchoMode(QLineEdit.EchoMode.Password)
        for edit in (self.staff_edit, self.pin_edit):
            edit.setFont(font(40))
            edit.setMinimumHeight(80)
        self.login_button = QPushButton()
        self.login_button.setFont(font(40, bold=True))
        self.login_button.setMinimumHeight(110)
        self.status = _label(30, color=COLORS["accent"], align=Qt.AlignmentFlag.AlignCenter)
        self.status.setWordWrap(True)
        form = QGridLayout()
        form.setHorizontalSpacing(24)
        form.setVerticalSpacing(24)
        form.addWidget(self.staff_label, 0, 0)
        form.addWidget(self.staff_edit, 0, 1)
        form.addWidget(self.pin_label, 1, 0)
        form.addWidget(self.pin_edit, 1, 1)
        box = QWidget()
        box.setMaximumWidth(900)
        inner = QVBoxLayout(box)
        inner.setSpacing(32)
        inner.addWidget(self.title)
        inner.addWidget(self.subtitle)
        inner.addLayout(form)
        inner.addWidget(self.login_button)
        inner.addWidget(self.status)
        layout = QHBoxLayout(self)
        layout.addStretch(1)
        column = QVBoxLayout()
        column.addStretch(1)
        column.addWidget(box)
        column.addStretch(2)
        layout.addLayout(column, 3)
        layout.addStretch(1)
        self.login_button.clicked.connect(self.submit)
        self.staff_edit.returnPressed.connect(self.pin_edit.setFocus)
        self.pin_edit.returnPressed.connect(self.submit)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("%1 · Officer login").replace("%1", self.counter_name or self.tr("Counter")))
        self.subtitle.setText(self.tr("Log in with your staff id and PIN"))
        self.staff_label.setText(self.tr("Staff id"))
        self.pin_label.setText(self.tr("PIN"))
        self.staff_edit.setPlaceholderText(self.tr("e.g. 1001"))
        self.pin_edit.setPlaceholderText(self.tr("PIN"))
        self.login_button.setText(self.tr("Log in"))

    def set_counter(self, name: str) -> None:
        if name != self.counter_name:
            self.counter_name = name
            self.retranslate()

    def submit(self) -> None:
        self.loginRequested.emit(self.staff_edit.text(), self.pin_edit.text())

    def reset(self) -> None:
        """Clear the PIN (never kept) and put the cursor in the first empty field."""
        self.pin_edit.clear()
        (self.pin_edit if self.staff_edit.text() else self.staff_edit).setFocus()


class TicketCard(LanguageAware):
    """The current ticket, large: label, category, declaration number, enterprise code, wait and timer."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ticketCard")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(f"#ticketCard {{ background: {COLORS['surface']}; border-radius: 24px; }}")
        self.pages = QStackedWidget()
        self.pages.setStyleSheet("background: transparent;")
        # with a ticket
        shown = QWidget()
        shown.setStyleSheet("background: transparent;")
        self.phase = _label(36, bold=True, align=Qt.AlignmentFlag.AlignCenter)
        self.label = _label(180, bold=True, color=COLORS["accent"], align=Qt.AlignmentFlag.AlignCenter)
        self.category = _label(44, bold=True, align=Qt.AlignmentFlag.AlignCenter)
        self.fields: dict[str, tuple[QLabel, QLabel]] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(30)
        grid.setVerticalSpacing(10)
        for row, key in enumerate(("declaration", "enterprise", "waited", "timer")):
            name = _label(32, color=COLORS["muted"], align=Qt.AlignmentFlag.AlignRight)
            value = _label(40, bold=True)
            self.fields[key] = (name, value)
            grid.addWidget(name, row, 0)
            grid.addWidget(value, row, 1)
        grid.setColumnStretch(1, 1)
        self.recalls = _label(28, color=COLORS["muted"], align=Qt.AlignmentFlag.AlignCenter)
        col = QVBoxLayout(shown)
        col.addWidget(self.phase)
        col.addWidget(self.label)
        col.addWidget(self.category)
        col.addSpacing(16)
        col.addLayout(grid)
        col.addWidget(self.recalls)
        col.addStretch(1)
        # without one
        empty = QWidget()
        empty.setStyleSheet("background: transparent;")
        self.empty_title = _label(72, bold=True, align=Qt.AlignmentFlag.AlignCenter)
        self.empty_hint = _label(34, color=COLORS["muted"], align=Qt.AlignmentFlag.AlignCenter)
        self.empty_hint.setWordWrap(True)
        ecol = QVBoxLayout(empty)
        ecol.addStretch(1)
        ecol.addWidget(self.empty_title)
        ecol.addSpacing(20)
        ecol.addWidget(self.empty_hint)
        ecol.addStretch(1)
        self.pages.addWidget(shown)
        self.pages.addWidget(empty)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(30, 24, 30, 24)
        layout.addWidget(self.pages)
        self._last: tuple[Any, ...] = ()
        self.retranslate()

    def retranslate(self) -> None:
        names = {
            "declaration": self.tr("Declaration No."),
            "enterprise": self.tr("Enterprise code"),
            "waited": self.tr("Waited"),
            "timer": self.tr("Service time"),
        }
        for key, (name, _) in self.fields.items():
            name.setText(names[key])
        if self._last:
            self.show_ticket(*self._last)

    def show_ticket(
        self,
        ticket: dict[str, Any] | None,
        state: str,
        category: dict[str, Any] | None,
        language: str,
        waited_s: float | None,
        timer_s: float | None,
    ) -> None:
        self._last = (ticket, state, category, language, waited_s, timer_s)
        if not ticket:
            self.pages.setCurrentIndex(1)
            title, hint = {
                "idle": (self.tr("Free"), self.tr("Press Next (F1) to call the next trader")),
                "ready": (self.tr("Waiting for a ticket…"), self.tr("The dispatcher will assign the next trader")),
                "paused": (self.tr("On a break"), self.tr("Press Resume (F7) to take traders again")),
            }.get(state, ("", ""))
            self.empty_title.setText(title)
            self.empty_hint.setText(hint)
            return
        self.pages.setCurrentIndex(0)
        serving = ticket.get("state") == "serving"
        self.phase.setText(self.tr("Serving") if serving else self.tr("Called — waiting for the trader"))
        self.phase.setStyleSheet(f"color: {COLORS['ok'] if serving else COLORS['accent']}; background: transparent;")
        self.label.setText(str(ticket.get("label", "")))
        if category:
            name = pick(language, category["name_zh"], category["name_en"])
            self.category.setText(f"{ticket.get('category')} · {name}")
        else:
            self.category.setText(str(ticket.get("category", "")))
        self.fields["declaration"][1].setText(ticket.get("declaration_no") or "—")
        self.fields["enterprise"][1].setText(ticket.get("enterprise_code") or "—")
        self.fields["waited"][1].setText(fmt_duration(waited_s))
        self.fields["timer"][0].setText(self.tr("Service time") if serving else self.tr("Since called"))
        self.fields["timer"][1].setText(fmt_duration(timer_s))
        recalls = int(ticket.get("recalls") or 0)
        self.recalls.setText(self.tr("Recalled %1 time(s)").replace("%1", str(recalls)) if recalls else "")
        self.recalls.setVisible(bool(recalls))


class SidePanel(LanguageAware):
    """Waiting counts of this counter's categories, and the officer's own figures for today."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sidePanel")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(f"#sidePanel {{ background: {COLORS['surface']}; border-radius: 24px; }}")
        self.queue_title = _label(34, bold=True)
        self.queue_rows = QVBoxLayout()
        self.queue_rows.setSpacing(8)
        self.stats_title = _label(34, bold=True)
        self.stat_labels: dict[str, tuple[QLabel, QLabel]] = {}
        stats = QGridLayout()
        stats.setVerticalSpacing(8)
        for row, key in enumerate(("served", "mean", "no_shows", "transfers")):
            name = _label(30, color=COLORS["muted"])
            value = _label(36, bold=True, align=Qt.AlignmentFlag.AlignRight)
            self.stat_labels[key] = (name, value)
            stats.addWidget(name, row, 0)
            stats.addWidget(value, row, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.setSpacing(14)
        layout.addWidget(self.queue_title)
        layout.addLayout(self.queue_rows)
        layout.addSpacing(24)
        layout.addWidget(self.stats_title)
        layout.addLayout(stats)
        layout.addStretch(1)
        self._queue: list[tuple[QLabel, QLabel]] = []
        self._last_queue: tuple[list[dict[str, Any]], str] = ([], "zh")
        self.retranslate()

    def retranslate(self) -> None:
        self.queue_title.setText(self.tr("Waiting for this counter"))
        self.stats_title.setText(self.tr("My figures today"))
        names = {
            "served": self.tr("Served"),
            "mean": self.tr("Average handling time"),
            "no_shows": self.tr("No-shows"),
            "transfers": self.tr("Transfers"),
        }
        for key, (name, _) in self.stat_labels.items():
            name.setText(names[key])
        self.show_queue(*self._last_queue)

    def show_queue(self, categories: list[dict[str, Any]], language: str) -> None:
        self._last_queue = (categories, language)
        while len(self._queue) < len(categories):
            name, count = _label(30), _label(40, bold=True, color=COLORS["accent"], align=Qt.AlignmentFlag.AlignRight)
            row = QHBoxLayout()
            row.addWidget(name, 1)
            row.addWidget(count)
            self.queue_rows.addLayout(row)
            self._queue.append((name, count))
        for i, (name, count) in enumerate(self._queue):
            if i < len(categories):
                cat = categories[i]
                name.setText(f"{cat['code']} · {pick(language, cat['name_zh'], cat['name_en'])}")
                count.setText(self.tr("%1 waiting").replace("%1", str(cat.get("waiting") or 0)))
            name.setVisible(i < len(categories))
            count.setVisible(i < len(categories))

    def show_stats(self, stats: dict[str, Any]) -> None:
        values = {
            "served": str(stats.get("served", "—")),
            "mean": fmt_duration(stats.get("mean_service_s")) if stats else "—",
            "no_shows": str(stats.get("no_shows", "—")),
            "transfers": str(stats.get("transfers", "—")),
        }
        for key, (_, value) in self.stat_labels.items():
            value.setText(values[key])


class TransferPanel(LanguageAware):
    """Where to send the ticket and why; the reason is required (checked before anything is sent)."""

    confirmed = Signal(str, str)  # category, reason
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("transferPanel")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(
            f"#transferPanel {{ background: {COLORS['surface']}; border: 3px solid {COLORS['accent']};"
            " border-radius: 16px; }"
        )
        self.title = _label(32, bold=True)
        self.category = QComboBox()
        self.category.setFont(font(30))
        self.category.setMinimumWidth(380)
        self.reason = QLineEdit()
        self.reason.setFont(font(30))
        self.ok_button = QPushButton()
        self.cancel_button = QPushButton()
        for b in (self.ok_button, self.cancel_button):
            b.setFont(font(30, bold=True))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(20, 12, 20, 12)
        layout.setSpacing(16)
        layout.addWidget(self.title)
        layout.addWidget(self.category)
        layout.addWidget(self.reason, 1)
        layout.addWidget(self.ok_button)
        layout.addWidget(self.cancel_button)
        self.ok_button.clicked.connect(self.confirm)
        self.reason.returnPressed.connect(self.confirm)
        self.cancel_button.clicked.connect(self.cancelled)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.cancelled.emit)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Transfer to"))
        self.reason.setPlaceholderText(self.tr("Reason (required)"))
        self.ok_button.setText(self.tr("Transfer"))
        self.cancel_button.setText(self.tr("Cancel (Esc)"))

    def open(self, targets: list[dict[str, Any]], language: str) -> None:
        self.category.clear()
        for cat in targets:
            self.category.addItem(f"{cat['code']} · {pick(language, cat['name_zh'], cat['name_en'])}", cat["code"])
        self.reason.clear()
        self.reason.setProperty("invalid", False)
        self.show()
        self.reason.setFocus()

    def confirm(self) -> None:
        self.confirmed.emit(str(self.category.currentData() or ""), self.reason.text())

    def mark_invalid(self) -> None:
        """Show the reason field in red (an empty reason was refused)."""
        self.reason.setProperty("invalid", True)
        self.reason.style().unpolish(self.reason)
        self.reason.style().polish(self.reason)
        self.reason.setFocus()


class PinPanel(LanguageAware):
    """Shown after a login with a PIN under 6 digits: the current PIN and a new one, twice."""

    confirmed = Signal(str, str, str)  # current, new, repeated
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pinPanel")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(
            f"#pinPanel {{ background: {COLORS['surface']}; border: 3px solid {COLORS['warning']};"
            " border-radius: 16px; }"
        )
        self.title = _label(30, bold=True)
        self.title.setWordWrap(True)
        self.edits = [QLineEdit() for _ in range(3)]
        for edit in self.edits:
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setFont(font(30))
        self.ok_button = QPushButton()
        self.cancel_button = QPushButton()
        for b in (self.ok_button, self.cancel_button):
            b.setFont(font(30, bold=True))
        row = QHBoxLayout()
        row.setSpacing(16)
        for edit in self.edits:
            row.addWidget(edit, 1)
        row.addWidget(self.ok_button)
        row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 12, 20, 12)
        layout.addWidget(self.title)
        layout.addLayout(row)
        self.ok_button.clicked.connect(self.confirm)
        self.edits[-1].returnPressed.connect(self.confirm)
        for edit, following in zip(self.edits, self.edits[1:], strict=False):
            edit.returnPressed.connect(following.setFocus)
        self.cancel_button.clicked.connect(self.cancelled)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.cancelled.emit)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Your PIN has fewer than 6 digits: please set a new one (6 to 12 digits)."))
        for edit, text in zip(
            self.edits, (self.tr("Current PIN"), self.tr("New PIN"), self.tr("New PIN again")), strict=True
        ):
            edit.setPlaceholderText(text)
        self.ok_button.setText(self.tr("Set PIN"))
        self.cancel_button.setText(self.tr("Later (Esc)"))

    def open(self) -> None:
        for edit in self.edits:
            edit.clear()
        self.show()
        self.edits[0].setFocus()

    def confirm(self) -> None:
        self.confirmed.emit(*(edit.text() for edit in self.edits))


class ServiceView(LanguageAware):
    """The officer's working screen: ticket, queue counts, own figures, outcome, transfer and the actions."""

    actionTriggered = Signal(str)  # one of model.ACTIONS (button or F-key)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.card = TicketCard()
        self.side = SidePanel()
        self.side.setFixedWidth(560)
        self.outcome_label = _label(30, color=COLORS["muted"])
        self.outcome = QComboBox()
        self.outcome.setEditable(True)
        self.outcome.setFont(font(30))
        self.outcome.setMinimumWidth(420)
        self.outcome.addItems(["", *OUTCOMES])
        self.transfer = TransferPanel()
        self.transfer.hide()
        self.pin = PinPanel()
        self.pin.hide()
        self.message = _label(30, color=COLORS["accent"])
        self.message.setWordWrap(True)
        self.buttons: dict[str, QPushButton] = {}
        bar = QHBoxLayout()
        bar.setSpacing(14)
        for action in ACTIONS:
            button = QPushButton()
            button.setFont(font(34, bold=True))
            button.setMinimumHeight(120)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the F-keys, not Tab, drive the buttons
            button.clicked.connect(lambda _=False, a=action: self.actionTriggered.emit(a))
            self.buttons[action] = button
            bar.addWidget(button, 1)
        self.shortcuts = {
            action: QShortcut(
                QKeySequence(SHORTCUTS[action]),
                self,
                lambda a=action: self.actionTriggered.emit(a),
                context=Qt.ShortcutContext.WindowShortcut,
            )
            for action in ACTIONS
        }
        top = QHBoxLayout()
        top.setSpacing(20)
        top.addWidget(self.card, 1)
        top.addWidget(self.side)
        outcome_row = QHBoxLayout()
        outcome_row.addWidget(self.outcome_label)
        outcome_row.addWidget(self.outcome)
        outcome_row.addSpacing(20)
        outcome_row.addWidget(self.message, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(14)
        layout.addLayout(top, 1)
        layout.addLayout(outcome_row)
        layout.addWidget(self.transfer)
        layout.addWidget(self.pin)
        layout.addLayout(bar)
        self._pause_action = "pause"
        self.retranslate()

    def action_names(self) -> dict[str, str]:
        return {
            "next": self.tr("Next"),
            "recall": self.tr("Recall"),
            "start": self.tr("Start"),
            "done": self.tr("Done"),
            "no_show": self.tr("No-show"),
            "transfer": self.tr("Transfer"),
            "pause": self.tr("Pause"),
            "resume": self.tr("Resume"),
            "logout": self.tr("Log out"),
        }

    def retranslate(self) -> None:
        names = self.action_names()
        for action, button in self.buttons.items():
            shown = self._pause_action if action == "pause" else action
            button.setText(f"{names[shown]}\n{SHORTCUTS[action]}")
        self.outcome_label.setText(self.tr("Outcome (optional)"))
        editor = self.outcome.lineEdit()
        if editor is not None:  # an editable combo box always has one
            editor.setPlaceholderText(self.tr("e.g. accepted"))

    def set_pause_mode(self, state: str) -> None:
        action = pause_or_resume(state)
        if action != self._pause_action:
            self._pause_action = action
            self.retranslate()

    def show_message(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet(f"color: {COLORS['error'] if error else COLORS['accent']}; background: transparent;")
        self.message.setText(text)


class StatusBar(LanguageAware):
    """Counter, officer, state, device lamps, clock and the language switch, across the top."""

    languageToggled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.counter = _label(40, bold=True)
        self.officer = _label(32, color=COLORS["muted"])
        self.state = _label(32, bold=True, align=Qt.AlignmentFlag.AlignCenter)
        self.state.setMinimumWidth(220)
        self.devices: dict[str, QLabel] = {k: _label(26) for k in ("led", "keypad", "evaluator")}
        self.clock = _label(36, bold=True)
        self.language = QPushButton()
        self.language.setFont(font(26))
        self.language.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.language.clicked.connect(self.languageToggled)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(20)
        layout.addWidget(self.counter)
        layout.addWidget(self.officer)
        layout.addWidget(self.state)
        layout.addStretch(1)
        for lamp in self.devices.values():
            layout.addWidget(lamp)
        layout.addSpacing(20)
        layout.addWidget(self.clock)
        layout.addWidget(self.language)
        self._devices: dict[str, bool | None] = {}
        self.retranslate()

    def retranslate(self) -> None:
        self.language.setText(self.tr("English"))
        self.show_devices(self._devices)

    def device_names(self) -> dict[str, str]:
        return {"led": self.tr("LED"), "keypad": self.tr("Keypad"), "evaluator": self.tr("Evaluator")}

    def show_devices(self, online: dict[str, bool | None]) -> None:
        """● green online, ● red offline; hidden when the counter has no device line."""
        self._devices = dict(online)
        names = self.device_names()
        for kind, lamp in self.devices.items():
            state = online.get(kind)
            lamp.setVisible(kind in online)
            color = COLORS["ok"] if state else COLORS["error"] if state is False else COLORS["muted"]
            lamp.setText(f"<span style='color:{color}'>●</span> {names[kind]}")

    def show_state(self, key: str, text: str) -> None:
        color = STATE_COLORS.get(key, COLORS["surface"])
        fg = COLORS["background"] if key in ("called", "serving", "paused") else COLORS["text"]
        self.state.setStyleSheet(f"background: {color}; color: {fg}; border-radius: 12px; padding: 4px 16px;")
        self.state.setText(text)


class Banner(QLabel):
    """A full-width strip for what the officer must know now (link lost, a device missing)."""

    def __init__(self, color: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFont(font(32, bold=True))
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        fg = COLORS["text"] if color == COLORS["error"] else COLORS["background"]
        self.setStyleSheet(f"background: {color}; color: {fg}; border-radius: 12px; padding: 10px;")
        self.hide()


class Separator(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.HLine)
        self.setStyleSheet(f"color: {COLORS['surface']};")

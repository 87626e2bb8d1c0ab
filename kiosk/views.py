"""The kiosk's screens: thin widgets that show what the controller tells them and report taps."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from qtclient.i18n import LanguageAware, pick
from qtclient.theme import COLORS, font

QWIDGETSIZE_MAX = (1 << 24) - 1
DIGITS_LETTERS = "ABCDEFGHJKLMNPQRTUWXY"  # those used in enterprise codes (no I, O, S, V, Z)


def label(pixel_size: int, *, bold: bool = False, color: str | None = None, wrap: bool = True) -> QLabel:
    w = QLabel(alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=wrap)
    w.setFont(font(pixel_size, bold=bold))
    if color:
        w.setStyleSheet(f"color: {color}; background: transparent;")
    return w


def big_button(pixel_size: int, *, color: str = COLORS["button"], height: int = 120) -> QPushButton:
    b = QPushButton()
    b.setFont(font(pixel_size, bold=True))
    b.setMinimumHeight(height)
    b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
    b.setStyleSheet(
        f"QPushButton {{ background: {color}; }}"
        f"QPushButton:disabled {{ background: {COLORS['disabled']}; color: {COLORS['muted']}; }}"
    )
    b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return b


def minutes(seconds: int | None) -> int | None:
    """A wait estimate in whole minutes, rounded up; None if unknown."""
    if seconds is None:
        return None
    return max(1, -(-int(seconds) // 60))


class Screen(LanguageAware):
    """Base of the screens: re-set texts on a language change."""

    language = "zh"


class Header(QWidget):
    """Hall name and the language toggle, on top of every screen a trader touches."""

    languageClicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hall = label(40, bold=True, wrap=True)
        self.hall.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.lang = QPushButton()
        self.lang.setFont(font(36, bold=True))
        self.lang.setMinimumSize(220, 96)
        self.lang.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.lang.clicked.connect(self.languageClicked)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.hall, 1)
        row.addWidget(self.lang)

    def set_language(self, language: str) -> None:
        # the button names the other language, in that language
        self.lang.setText("English" if language == "zh" else "中文")


class CategoryButton(QPushButton):
    """A big button for one category: letter, name, how many wait and about how long."""

    def __init__(self, code: str, *, vertical: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.code = code
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(220)
        self.badge = label(96, bold=True, color=COLORS["accent"], wrap=False)
        self.badge.setText(code)
        self.badge.setFixedWidth(150)
        self.name = label(64, bold=True, color=COLORS["button_text"])
        self.info = label(36, color=COLORS["button_text"])
        for w in (self.badge, self.name, self.info):
            w.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        text = QVBoxLayout()
        text.addStretch(1)
        if vertical:  # landscape: narrow, tall buttons side by side
            self.badge.setFixedWidth(QWIDGETSIZE_MAX)
            text.addWidget(self.badge)
        text.addWidget(self.name)
        text.addWidget(self.info)
        text.addStretch(1)
        row = QHBoxLayout(self)
        row.setContentsMargins(24, 16, 24, 16)
        if not vertical:
            row.addWidget(self.badge)
        row.addLayout(text, 1)


class StartScreen(Screen):
    """Category buttons from the dispatcher, with waiting counts and estimates."""

    categoryChosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.header = Header()
        self.prompt = label(56, bold=True)
        self.hint = label(34, color=COLORS["muted"])
        self.grid = QGridLayout()
        self.grid.setSpacing(32)
        self.buttons: dict[str, CategoryButton] = {}
        self.categories: list[dict[str, Any]] = []
        self.columns = 1
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 36, 48, 48)
        layout.setSpacing(32)
        layout.addWidget(self.header)
        layout.addWidget(self.prompt)
        layout.addLayout(self.grid, 1)
        layout.addWidget(self.hint)
        self.retranslate()

    def retranslate(self) -> None:
        self.prompt.setText(self.tr("Please choose your business"))
        self.hint.setText(self.tr("Or scan the barcode on your declaration form"))
        self.header.set_language(self.language)
        self.set_categories(self.categories)

    def set_categories(self, categories: list[dict[str, Any]]) -> None:
        """Show these categories (CategoryView dicts); buttons are kept across updates."""
        self.categories = categories
        codes = [c["code"] for c in categories]
        if list(self.buttons) != codes:
            for button in self.buttons.values():
                self.grid.removeWidget(button)
                button.deleteLater()
            self.buttons = {}
            for i, code in enumerate(codes):
                button = CategoryButton(code, vertical=self.columns > 1)
                button.clicked.connect(lambda _=False, c=code: self.categoryChosen.emit(c))
                self.buttons[code] = button
                self.grid.addWidget(button, i // self.columns, i % self.columns)
        for cat in categories:
            button = self.buttons[cat["code"]]
            button.name.setText(pick(self.language, cat["name_zh"], cat["name_en"]))
            button.info.setText(self.wait_text(cat.get("waiting") or 0, minutes(cat.get("estimated_wait_s"))))

    def wait_text(self, waiting: int, wait_min: int | None) -> str:
        people = self.tr("Waiting: %n", "", waiting)
        if wait_min is None or waiting == 0:
            return people + " · " + self.tr("no wait")
        return people + " · " + self.tr("about %n min", "", wait_min)


class Keypad(QWidget):
    """Big digit keys (and letters when an enterprise code is typed); emits the key pressed."""

    keyPressed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = QGridLayout(self)
        self.grid.setSpacing(16)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.keys: dict[str, QPushButton] = {}
        for i, key in enumerate("123456789"):
            self._add(key, key, i // 3, i % 3)
        self._add("clear", "", 3, 0, COLORS["surface"])
        self._add("0", "0", 3, 1)
        self._add("back", "⌫", 3, 2, COLORS["surface"])
        self.letters = QWidget()
        letters = QGridLayout(self.letters)
        letters.setContentsMargins(0, 0, 0, 0)
        letters.setSpacing(10)
        for i, key in enumerate(DIGITS_LETTERS):
            b = big_button(36, height=72)
            b.setText(key)
            b.clicked.connect(lambda _=False, k=key: self.keyPressed.emit(k))
            letters.addWidget(b, i // 7, i % 7)
            self.keys[key] = b
        self.grid.addWidget(self.letters, 4, 0, 1, 3)
        self.letters.hide()

    def _add(self, key: str, text: str, row: int, col: int, color: str = COLORS["button"]) -> None:
        b = big_button(64, color=color, height=110)
        b.setText(text)
        b.clicked.connect(lambda _=False: self.keyPressed.emit(key))
        self.grid.addWidget(b, row, col)
        self.keys[key] = b

    def set_letters(self, shown: bool) -> None:
        self.letters.setVisible(shown)


class Field(QWidget):
    """A caption, the value being typed (large, grouped) and the reason it is wrong, if it is."""

    clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.caption = label(36, color=COLORS["muted"])
        self.value = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.value.setFont(font(60, bold=True))
        self.value.setMinimumHeight(110)
        self.problem = label(36, bold=True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.caption)
        layout.addWidget(self.value)
        layout.addWidget(self.problem)
        self.set_state(active=True, error=False)

    def set_state(self, *, active: bool, error: bool) -> None:
        border = COLORS["error"] if error else (COLORS["accent"] if active else COLORS["muted"])
        self.value.setStyleSheet(
            f"background: {COLORS['surface']}; border: 5px solid {border}; border-radius: 14px; padding: 8px;"
        )
        self.problem.setStyleSheet(f"color: {COLORS['error'] if error else COLORS['muted']}; background: transparent;")

    def mousePressEvent(self, event) -> None:
        self.clicked.emit()
        super().mousePressEvent(event)


class EntryScreen(Screen):
    """Declaration number (and enterprise code) for a category, checked as it is typed."""

    confirmed = Signal()
    cancelled = Signal()
    keyPressed = Signal(str)
    fieldChosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.header = Header()
        self.title = label(60, bold=True, color=COLORS["accent"])
        self.declaration = Field()
        self.enterprise = Field()
        self.keypad = Keypad()
        self.back = big_button(44, color=COLORS["surface"], height=120)
        self.confirm = big_button(48, color=COLORS["ok"], height=120)
        self.declaration.clicked.connect(lambda: self.fieldChosen.emit("declaration"))
        self.enterprise.clicked.connect(lambda: self.fieldChosen.emit("enterprise"))
        self.keypad.keyPressed.connect(self.keyPressed)
        self.back.clicked.connect(self.cancelled)
        self.confirm.clicked.connect(self.confirmed)
        self.fields_box = QVBoxLayout()
        self.fields_box.setSpacing(24)
        self.fields_box.addWidget(self.title)
        self.fields_box.addWidget(self.declaration)
        self.fields_box.addWidget(self.enterprise)
        self.fields_box.addStretch(1)
        actions = QHBoxLayout()
        actions.setSpacing(24)
        actions.addWidget(self.back, 1)
        actions.addWidget(self.confirm, 2)
        self.body = QGridLayout()
        self.body.setSpacing(36)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 36, 48, 48)
        layout.setSpacing(28)
        layout.addWidget(self.header)
        layout.addLayout(self.body, 1)
        layout.addLayout(actions)
        self.set_orientation("portrait")
        self.retranslate()

    def set_orientation(self, orientation: str) -> None:
        self.body.removeItem(self.fields_box)
        self.body.removeWidget(self.keypad)
        if orientation == "landscape":
            self.body.addLayout(self.fields_box, 0, 0)
            self.body.addWidget(self.keypad, 0, 1)
            self.body.setColumnStretch(0, 3)
            self.body.setColumnStretch(1, 2)
        else:
            self.body.addLayout(self.fields_box, 0, 0)
            self.body.addWidget(self.keypad, 1, 0)
            self.body.setColumnStretch(0, 1)
            self.body.setColumnStretch(1, 0)

    def retranslate(self) -> None:
        self.declaration.caption.setText(self.tr("Declaration number (18 digits): type it or scan it"))
        self.enterprise.caption.setText(self.tr("Enterprise code (10 or 18 characters)"))
        self.keypad.keys["clear"].setText(self.tr("Clear"))
        self.back.setText(self.tr("Back"))
        self.confirm.setText(self.tr("Take a ticket"))
        self.header.set_language(self.language)


class TicketScreen(Screen):
    """Take your ticket: the label, people ahead, the estimated wait."""

    done = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ticket: dict[str, Any] | None = None
        self.category_names = ("", "")
        self.take = label(64, bold=True)
        self.number_caption = label(40, color=COLORS["muted"])
        self.number = label(260, bold=True, color=COLORS["accent"], wrap=False)
        self.category = label(48, bold=True)
        self.ahead = label(52, bold=True)
        self.wait = label(44)
        self.reprint = label(38, bold=True, color=COLORS["warning"])
        self.watch = label(38, color=COLORS["muted"])
        self.ok = big_button(48, color=COLORS["ok"], height=120)
        self.ok.clicked.connect(self.done)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 72, 48, 48)
        layout.setSpacing(24)
        layout.addWidget(self.take)
        layout.addStretch(1)
        for w in (self.number_caption, self.number, self.category, self.ahead, self.wait, self.reprint):
            layout.addWidget(w)
        layout.addStretch(1)
        layout.addWidget(self.watch)
        layout.addWidget(self.ok)
        self.retranslate()

    def show_ticket(self, ticket: dict[str, Any], category: dict[str, Any] | None) -> None:
        self.ticket = ticket
        self.category_names = (category or {}).get("name_zh", ""), (category or {}).get("name_en", "")
        self.retranslate()

    def retranslate(self) -> None:
        self.take.setText(self.tr("Please take your ticket"))
        self.number_caption.setText(self.tr("Your number"))
        self.watch.setText(self.tr("Please watch the hall screen: your number will be called."))
        self.ok.setText(self.tr("Done"))
        t = self.ticket or {}
        self.number.setText(t.get("label", ""))
        self.category.setText(pick(self.language, *self.category_names))
        ahead = int(t.get("waiting_ahead") or 0)
        self.ahead.setText(self.tr("People ahead of you: %n", "", ahead) if ahead else self.tr("You are next"))
        wait = minutes(t.get("estimated_wait_s"))
        self.wait.setText(self.tr("Estimated wait: about %n min", "", wait) if wait else "")
        self.wait.setVisible(bool(wait))
        self.reprint.setText(self.tr("This declaration already had a ticket: it was printed again."))
        self.reprint.setVisible(bool(t.get("reprint")))


class MessageScreen(Screen):
    """A full-screen message: printing, out of service, print failed."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.icon = label(150, bold=True, wrap=False)
        self.icon.setFixedSize(240, 240)
        self.title = label(80, bold=True)
        self.body = label(48)
        self.detail = label(34, color=COLORS["muted"])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(64, 64, 64, 64)
        layout.setSpacing(40)
        layout.addStretch(2)
        layout.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignHCenter)
        for w in (self.title, self.body, self.detail):
            layout.addWidget(w)
        layout.addStretch(3)

    def show_message(self, icon: str, title: str, body: str, detail: str = "", color: str = COLORS["text"]) -> None:
        self.icon.setText(icon)
        self.icon.setStyleSheet(
            f"color: {color}; background: transparent; border: 12px solid {color}; border-radius: 120px;"
        )
        self.title.setText(title)
        self.title.setStyleSheet(f"color: {color}; background: transparent;")
        self.body.setText(body)
        self.detail.setText(detail)
        self.detail.setVisible(bool(detail))

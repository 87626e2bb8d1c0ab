"""The hall screen: header, latest call, recent calls or counter grid, queues, notice, link banner.

Parts are placed by proportions of the window on every resize (landscape or portrait); each part sizes
its fonts from its own rectangle. The window only shows a `ScreenModel`; `DisplayController` feeds it.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QKeyEvent, QResizeEvent
from PySide6.QtWidgets import QWidget

from .model import CallItem, ScreenModel
from .widgets import Banner, CallList, CounterGrid, HeaderBar, LatestCall, NoticeTicker, QueueStrip

MODES = ("list", "grid")
FLASH_S = 6.0


class DisplayWindow(QWidget):
    """Everything on the hall screen; ``mode`` is ``list`` (recent calls) or ``grid`` (a tile per counter)."""

    def __init__(self, *, mode: str = "list", lang: str = "zh", now=datetime.now, flash_s: float = FLASH_S) -> None:
        super().__init__()
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        self.setWindowTitle("fairq 叫号屏 · Hall display")
        self.setCursor(Qt.CursorShape.BlankCursor)
        self.mode = mode
        self.flash_s = flash_s
        self.header = HeaderBar(self, now=now)
        self.latest = LatestCall(self)
        self.calls = CallList(self)
        self.grid = CounterGrid(self)
        self.queues = QueueStrip(self)
        self.ticker = NoticeTicker(self)
        self.banner = Banner(self)
        self.banner.hide()
        self.set_language(lang)
        self._set_mode_visibility()

    # ---- content ------------------------------------------------------------------------

    def parts(self):
        return (self.header, self.latest, self.calls, self.grid, self.queues, self.ticker, self.banner)

    def set_language(self, lang: str) -> None:
        """Which language comes first (both are always shown)."""
        for part in self.parts():
            part.lang = lang
            part.update()

    def set_mode(self, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        self.mode = mode
        self._set_mode_visibility()
        self._place()

    def show_model(self, model: ScreenModel) -> None:
        """Draw the model as it is now (no flashing: that is for new calls)."""
        self.header.set_content(model.hall_name, model.short_commitment, model.day_open or not model.day)
        self.latest.set_call(model.latest)
        self.calls.set_calls(model.history)
        self.grid.set_tiles(model.tiles)
        self.queues.set_queues(model.queues)
        self.ticker.set_notice(model.notice)

    def flash_call(self, call: CallItem | None) -> None:
        """A new call (or recall) came: make it blink."""
        if call is None:
            return
        self.latest.set_call(call, flash_s=self.flash_s)
        self.grid.flash(call.counter, self.flash_s)

    def show_banner(self, key: str | None, detail: str = "") -> None:
        """``link_lost``, ``connecting``, ``auth_failed`` or ``tls_refused``; None hides it."""
        if key is None:
            self.banner.hide()
        else:
            self.banner.set_message(key, detail)
            self.banner.show()
            self.banner.raise_()
        self._place()

    @property
    def banner_shown(self) -> bool:
        return not self.banner.isHidden()

    # ---- layout -------------------------------------------------------------------------

    def _set_mode_visibility(self) -> None:
        self.calls.setVisible(self.mode == "list")
        self.grid.setVisible(self.mode == "grid")

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """G switches list/grid; Esc leaves full screen (for set-up; a hall screen has no keyboard)."""
        if event.key() == Qt.Key.Key_G:
            self.set_mode("grid" if self.mode == "list" else "list")
        elif event.key() == Qt.Key.Key_Escape and self.isFullScreen():
            self.showNormal()
        else:
            super().keyPressEvent(event)

    @property
    def portrait(self) -> bool:
        return self.height() > self.width()

    def _place(self) -> None:
        w, h = self.width(), self.height()
        if w <= 0 or h <= 0:
            return
        portrait = self.portrait
        bands = (
            {"header": 6.5, "banner": 5.5, "main": 77, "queues": 11, "notice": 5}
            if portrait
            else {"header": 10, "banner": 8, "main": 64, "queues": 11, "notice": 7}
        )
        if not self.banner_shown:
            bands.pop("banner")
        total = sum(bands.values())
        y, rects = 0.0, {}
        for name, weight in bands.items():
            height = h * weight / total
            rects[name] = QRect(0, round(y), w, round(y + height) - round(y))
            y += height
        self.header.setGeometry(rects["header"])
        if "banner" in rects:
            self.banner.setGeometry(rects["banner"])
        self.queues.setGeometry(rects["queues"])
        self.ticker.setGeometry(rects["notice"])
        main = rects["main"]
        other = self.calls if self.mode == "list" else self.grid
        if portrait:
            share = 0.36 if self.mode == "list" else 0.3
            top = round(main.height() * share)
            self.latest.setGeometry(QRect(main.left(), main.top(), w, top))
            other.setGeometry(QRect(main.left(), main.top() + top, w, main.height() - top))
            self.calls.visible_rows = 9
        else:
            share = 0.52 if self.mode == "list" else 0.36
            left = round(w * share)
            self.latest.setGeometry(QRect(main.left(), main.top(), left, main.height()))
            other.setGeometry(QRect(left, main.top(), w - left, main.height()))
            self.calls.visible_rows = 6

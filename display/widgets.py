"""The painted parts of the hall screen. Every size comes from the widget's own rectangle, so the screen
looks the same at 1080p, 4K or in portrait. Each part only draws what it was given."""

from __future__ import annotations

import math
from datetime import datetime

from PySide6.QtCore import QRect, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget

from qtclient.theme import COLORS, font
from qtclient.timers import timer

from .model import CallItem, CounterTile, QueueItem, both, format_date, text

ALIGN_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
ALIGN_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
ALIGN_CENTER = Qt.AlignmentFlag.AlignCenter

BANNER_BACKGROUND = "#b3151b"  # dark red: white text on it stays readable (the theme's error red is for text)
STATUS_TAGS = {"no_show": "no_show", "transferred": "transferred", "returned": "returned", "cancelled": "no_show"}


def color(name: str) -> QColor:
    return QColor(COLORS.get(name, name))


def fitted_px(txt: str, rect: QRect | QRectF, max_px: float, *, bold: bool = False, fill: float = 0.8) -> int:
    """The biggest pixel size (at most ``max_px`` and ``fill`` of the height) at which ``txt`` fits the width."""
    px = max(6, int(min(max_px, rect.height() * fill)))
    if not txt:
        return px
    width = QFontMetrics(font(px, bold=bold)).horizontalAdvance(txt)
    if width > rect.width() > 0:
        px = max(6, int(px * rect.width() / width * 0.98))
    return px


def draw_text(
    p: QPainter,
    rect: QRect | QRectF,
    txt: str,
    *,
    max_px: float = 10_000,
    bold: bool = False,
    fg: str = "text",
    align=ALIGN_CENTER,
    fill: float = 0.8,
) -> int:
    """Draw one line of text as large as fits the rectangle; returns the pixel size used."""
    px = fitted_px(txt, rect, max_px, bold=bold, fill=fill)
    p.setFont(font(px, bold=bold))
    p.setPen(color(fg))
    p.drawText(QRectF(rect), int(align), txt)
    return px


def rows(rect: QRectF, *weights: float) -> list[QRectF]:
    """Split a rectangle into horizontal bands by weight."""
    total = sum(weights)
    out, y = [], rect.top()
    for w in weights:
        h = rect.height() * w / total
        out.append(QRectF(rect.left(), y, rect.width(), h))
        y += h
    return out


def cols(rect: QRectF, *weights: float) -> list[QRectF]:
    total = sum(weights)
    out, x = [], rect.left()
    for w in weights:
        width = rect.width() * w / total
        out.append(QRectF(x, rect.top(), width, rect.height()))
        x += width
    return out


def inset(rect: QRectF, fraction: float) -> QRectF:
    d = min(rect.width(), rect.height()) * fraction
    return rect.adjusted(d, d, -d, -d)


class Panel(QWidget):
    """A painted part of the screen; ``lang`` says which language comes first."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lang = "zh"
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    def texts(self, key: str, **kw) -> tuple[str, str]:
        """(first, second) language of a fixed text."""
        zh, en = both(key, **kw)
        return (zh, en) if self.lang == "zh" else (en, zh)

    def names(self, zh: str, en: str) -> tuple[str, str]:
        return (zh, en) if self.lang == "zh" else (en, zh)

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        p.fillRect(self.rect(), color("background"))
        self.draw(p, QRectF(self.rect()))
        p.end()

    def draw(self, p: QPainter, r: QRectF) -> None:
        raise NotImplementedError


class Flasher:
    """Blinks for a few seconds (a count of half-second toggles, so no clock is read)."""

    def __init__(self, widget: QWidget, *, interval_ms: int = 500) -> None:
        self.widget = widget
        self.on = False
        self.remaining = 0
        self.timer = timer(widget, interval_ms, self._tick)

    def start(self, seconds: float) -> None:
        self.remaining = max(0, int(seconds * 1000 / self.timer.interval()))
        self.on = True
        if self.remaining:
            self.timer.start()
        self.widget.update()

    def stop(self) -> None:
        self.timer.stop()
        self.on = False
        self.remaining = 0
        self.widget.update()

    @property
    def active(self) -> bool:
        return self.timer.isActive()

    def _tick(self) -> None:
        self.remaining -= 1
        self.on = not self.on if self.remaining > 0 else False
        if self.remaining <= 0:
            self.timer.stop()
        self.widget.update()


class HeaderBar(Panel):
    """Hall name, today's draw commitment, date and clock."""

    def __init__(self, parent: QWidget | None = None, *, now=datetime.now) -> None:
        super().__init__(parent)
        self.now = now
        self.hall_name = ""
        self.commitment = ""
        self.day_open = True
        self._clock = timer(self, 1000, self.update)
        self._clock.start()

    def set_content(self, hall_name: str, commitment: str, day_open: bool) -> None:
        self.hall_name, self.commitment, self.day_open = hall_name, commitment, day_open
        self.update()

    def clock_text(self) -> str:
        return self.now().strftime("%H:%M:%S")

    def draw(self, p: QPainter, r: QRectF) -> None:
        p.fillRect(r, color("surface"))
        r = inset(r, 0.08)
        portrait = self.width() < self.height() * 8
        name, middle, right = cols(r, 4.2, 3.3, 2.5) if not portrait else cols(r, 4.2, 3.0, 2.8)
        draw_text(p, name, self.hall_name, bold=True, align=ALIGN_LEFT, fill=0.55)
        if self.commitment:
            top, bottom = rows(middle, 1, 1.2)
            first, second = self.texts("commitment")
            draw_text(p, top, f"{first} · {second}", fg="muted", fill=0.7)
            draw_text(p, bottom, self.commitment, fg="accent", bold=True, fill=0.85)
        if not self.day_open:
            draw_text(p, middle.adjusted(0, middle.height() * 0.75, 0, 0), self.texts("day_closed")[0], fg="warning")
        now = self.now()
        date_r, clock_r = rows(right, 1, 1.5)
        draw_text(p, date_r, format_date(now, self.lang), fg="muted", align=ALIGN_RIGHT, fill=0.75)
        draw_text(p, clock_r, now.strftime("%H:%M:%S"), bold=True, align=ALIGN_RIGHT, fill=0.85)


class LatestCall(Panel):
    """The latest call, as big as the panel allows, flashing for a few seconds after it comes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.call: CallItem | None = None
        self.flasher = Flasher(self)

    def set_call(self, call: CallItem | None, *, flash_s: float = 0) -> None:
        self.call = call
        if flash_s and call is not None:
            self.flasher.start(flash_s)
        self.update()

    def draw(self, p: QPainter, r: QRectF) -> None:
        box = inset(r, 0.03)
        flash = self.flasher.on and self.call is not None
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(color("accent") if flash else color("surface"))
        radius = min(box.width(), box.height()) * 0.04
        p.drawRoundedRect(box, radius, radius)
        fg_big = "background" if flash else "accent"
        fg = "background" if flash else "text"
        inner = inset(box, 0.05)
        if self.call is None:
            first, second = self.texts("no_calls")
            a, b = rows(inner, 1.6, 1)
            draw_text(p, a, first, fg="muted", fill=0.5)
            draw_text(p, b, second, fg="muted", fill=0.5)
            return
        head, label, counter, counter_en = rows(inner, 0.9, 3.2, 1.5, 1.0)
        first, second = self.texts("recall" if self.call.recall else "latest")
        draw_text(p, head, f"{first}  {second}", fg=fg, fill=0.7)
        draw_text(p, label, self.call.label, bold=True, fg=fg_big, fill=0.98)
        n = self.call.counter
        zh, en = self.texts("counter", n=n)
        draw_text(p, counter, f"→ {zh}", bold=True, fg=fg, fill=0.85)
        tag = STATUS_TAGS.get(self.call.status)
        extra = f"   [{' '.join(self.texts(tag))}]" if tag else ""
        draw_text(p, counter_en, en + extra, fg="background" if flash else "muted", fill=0.75)


class CallList(Panel):
    """Recent calls before the latest: ticket → counter, newest first."""

    def __init__(self, parent: QWidget | None = None, *, visible_rows: int = 6) -> None:
        super().__init__(parent)
        self.calls: list[CallItem] = []
        self.visible_rows = visible_rows

    def set_calls(self, calls: list[CallItem]) -> None:
        self.calls = list(calls)
        self.update()

    def shown(self) -> list[CallItem]:
        return self.calls[: self.visible_rows]

    def draw(self, p: QPainter, r: QRectF) -> None:
        r = inset(r, 0.02)
        title, body = rows(r, 1, self.visible_rows * 1.5)
        first, second = self.texts("recent")
        draw_text(p, title, f"{first}  {second}", fg="muted", align=ALIGN_LEFT, fill=0.7)
        row_h = body.height() / self.visible_rows
        for i, call in enumerate(self.shown()):
            row = QRectF(body.left(), body.top() + i * row_h, body.width(), row_h)
            if i % 2 == 0:
                p.fillRect(row, color("surface"))
            row = inset(row, 0.08)
            label_r, arrow_r, counter_r = cols(row, 3.2, 1.0, 5.0)
            dim = not call.active and call.status in STATUS_TAGS
            draw_text(p, label_r, call.label, bold=True, fg="muted" if dim else "accent", align=ALIGN_LEFT, fill=0.9)
            draw_text(p, arrow_r, "→", fg="muted", fill=0.8)
            zh, en = self.texts("counter", n=call.counter)
            tag = STATUS_TAGS.get(call.status)
            if tag:
                en = " ".join(self.texts(tag))
            elif call.recall:
                en = " ".join(self.texts("recall"))
            name_r, en_r = cols(counter_r, 1.35, 1.65)
            en_r = en_r.adjusted(en_r.height() * 0.2, 0, 0, 0)
            draw_text(p, name_r, zh, bold=True, fg="muted" if dim else "text", align=ALIGN_LEFT, fill=0.85)
            warn = "warning" if tag else "muted"
            draw_text(p, en_r, en, fg=warn, align=ALIGN_LEFT, fill=0.55)


def grid_shape(n: int, width: float, height: float, aspect: float = 1.5) -> tuple[int, int]:
    """Columns and rows for ``n`` tiles in a ``width`` x ``height`` area, tiles near ``aspect`` (w/h)."""
    if n <= 0:
        return 1, 1
    best: tuple[float, int, int] | None = None
    for columns in range(1, n + 1):
        rows_ = math.ceil(n / columns)
        tile_w, tile_h = width / columns, height / rows_
        size = min(tile_w, tile_h * aspect)  # the usable tile size at that aspect
        if best is None or size > best[0] + 1e-9:
            best = (size, columns, rows_)
    assert best is not None  # n >= 1: the loop ran
    return best[1], best[2]


class CounterGrid(Panel):
    """One tile per counter with the number it is calling or serving; the newest call's tile flashes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tiles: list[CounterTile] = []
        self.flash_counter: int | None = None
        self.flasher = Flasher(self)

    def set_tiles(self, tiles: list[CounterTile]) -> None:
        self.tiles = list(tiles)
        self.update()

    def flash(self, counter: int, seconds: float) -> None:
        self.flash_counter = counter
        self.flasher.start(seconds)

    def tile(self, number: int) -> CounterTile | None:
        return next((t for t in self.tiles if t.number == number), None)

    def draw(self, p: QPainter, r: QRectF) -> None:
        r = inset(r, 0.01)
        columns, rows_ = grid_shape(len(self.tiles), r.width(), r.height())
        w, h = r.width() / columns, r.height() / rows_
        for i, tile in enumerate(self.tiles):
            cell = QRectF(r.left() + (i % columns) * w, r.top() + (i // columns) * h, w, h)
            self.draw_tile(p, inset(cell, 0.04), tile)

    def draw_tile(self, p: QPainter, box: QRectF, tile: CounterTile) -> None:
        flash = self.flasher.on and tile.number == self.flash_counter
        open_ = tile.state not in ("closed",)
        fill = "accent" if flash else ("surface" if open_ else "background")
        p.setBrush(color(fill))
        p.setPen(color("muted") if not flash else color("accent"))
        radius = min(box.width(), box.height()) * 0.08
        p.drawRoundedRect(box, radius, radius)
        inner = inset(box, 0.07)
        head, body = rows(inner, 1, 2.4)
        fg = "background" if flash else "text"
        zh, en = self.texts("counter", n=tile.number)
        draw_text(p, head, f"{zh}  {en}", fg=fg if open_ else "muted", fill=0.75)
        if tile.label:
            draw_text(p, body, tile.label, bold=True, fg="background" if flash else "accent", fill=0.9)
        else:
            key = tile.state if tile.state in ("closed", "paused", "idle", "ready") else "idle"
            first, second = self.texts(key)
            a, b = rows(body, 1.3, 1)
            draw_text(p, a, first, fg="muted", fill=0.6)
            draw_text(p, b, second, fg="muted", fill=0.6)


class QueueStrip(Panel):
    """How many are waiting in each category."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.queues: list[QueueItem] = []

    def set_queues(self, queues: list[QueueItem]) -> None:
        self.queues = list(queues)
        self.update()

    def draw(self, p: QPainter, r: QRectF) -> None:
        r = inset(r, 0.04)
        first, second = self.texts("waiting")
        if r.width() > r.height() * 10:  # a wide strip: the title at the left
            title, cells = cols(r, 1.3, max(1, len(self.queues)) * 3.0)
            t1, t2 = rows(title, 1.3, 1)
            draw_text(p, t1, first, bold=True, fg="muted", align=ALIGN_LEFT, fill=0.7)
            draw_text(p, t2, second, fg="muted", align=ALIGN_LEFT, fill=0.7)
        else:  # portrait: the title above
            title, cells = rows(r, 1, 3)
            draw_text(p, title, f"{first}  {second}", bold=True, fg="muted", align=ALIGN_LEFT, fill=0.9)
        if not self.queues:
            return
        for cell, q in zip(cols(cells, *([1] * len(self.queues))), self.queues, strict=True):
            box = inset(cell, 0.03)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(color("surface"))
            p.drawRoundedRect(box, box.height() * 0.12, box.height() * 0.12)
            wide = box.width() > box.height() * 4
            weights = (0.8, 0.15, 2.8, 0.15, 1.6) if wide else (0.5, 0.12, 2.3, 0.12, 1.4)  # gaps between the three
            code_r, _, names_r, _, count_r = cols(inset(box, 0.08), *weights)
            draw_text(p, code_r, q.code, bold=True, fg="accent", fill=0.8)
            n1, n2 = self.names(q.name_zh, q.name_en)
            a, b = rows(names_r, 1.2, 1)
            draw_text(p, a, n1, bold=True, align=ALIGN_LEFT, fill=0.8)
            draw_text(p, b, n2, fg="muted", align=ALIGN_LEFT, fill=0.7)
            draw_text(p, count_r, text("people", self.lang, n=q.waiting), bold=True, fg="accent", fill=0.8)


class NoticeTicker(Panel):
    """The supervisor's notice, scrolling right to left when it does not fit."""

    def __init__(self, parent: QWidget | None = None, *, interval_ms: int = 33) -> None:
        super().__init__(parent)
        self.notice = ""
        self.offset = 0.0
        self._timer = timer(self, interval_ms, self._step)

    def set_notice(self, notice: str) -> None:
        notice = " ".join(notice.split())
        if notice != self.notice:
            self.notice = notice
            self.offset = 0.0
        if self.notice:
            self._timer.start()
        else:
            self._timer.stop()
        self.update()

    def text_width(self) -> int:
        return QFontMetrics(font(self.px())).horizontalAdvance(self.notice)

    def px(self) -> int:
        return max(8, int(self.height() * 0.6))

    def scrolling(self) -> bool:
        return self.text_width() > self.width() * 0.95

    def _step(self) -> None:
        if not self.scrolling():
            self.offset = 0.0
            return
        self.offset += max(1.0, self.height() * 0.045)
        if self.offset > self.text_width() + self.width():
            self.offset = 0.0
        self.update()

    def draw(self, p: QPainter, r: QRectF) -> None:
        p.fillRect(r, color("surface"))
        if not self.notice:
            return
        p.setFont(font(self.px()))
        p.setPen(color("text"))
        if not self.scrolling():
            p.drawText(r, int(ALIGN_CENTER), self.notice)
            return
        x = r.width() * 0.5 - self.offset  # starts half-way, then enters again from the right edge
        if x + self.text_width() < 0:
            x += self.text_width() + r.width()
        p.drawText(QRectF(x, r.top(), self.text_width() + 10, r.height()), int(ALIGN_LEFT), self.notice)


class Banner(Panel):
    """A red band across the screen: the link is lost (the last known state stays underneath)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = "link_lost"
        self.detail = ""

    def set_message(self, key: str, detail: str = "") -> None:
        self.key, self.detail = key, detail
        self.update()

    def message(self) -> tuple[str, str]:
        return self.texts(self.key)

    def draw(self, p: QPainter, r: QRectF) -> None:
        p.fillRect(r, color(BANNER_BACKGROUND))
        a, b = rows(inset(r, 0.06), 1.2, 1)
        first, second = self.message()
        draw_text(p, a, first, bold=True, fill=0.8)
        draw_text(p, b, second, fill=0.75)

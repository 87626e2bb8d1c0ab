"""A ticket as a short list of print blocks, the one description both renderers draw."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

Align = Literal["left", "center", "right"]

#: Printable width in dots (203 dpi, 8 dots/mm) and font A columns per paper width.
PAPER_DOTS = {80: 576, 58: 384}
PAPER_COLUMNS = {80: 48, 58: 32}


@dataclass(frozen=True)
class Text:
    """One printed line: text, alignment, character size (GS !) and emphasis."""

    text: str
    align: Align = "center"
    width: int = 1
    height: int = 1
    bold: bool = False


@dataclass(frozen=True)
class Qr:
    """A QR code printed by the printer itself (GS ( k), model 2."""

    data: str
    module: int = 6
    ec: int = 1  # 0 L, 1 M, 2 Q, 3 H


@dataclass(frozen=True)
class Feed:
    """Blank paper of ``lines`` text lines (ESC d n)."""

    lines: int = 1


@dataclass(frozen=True)
class Cut:
    """Feed to the cutter and cut (GS V 66 0)."""


Block = Text | Qr | Feed | Cut


@dataclass(frozen=True)
class TicketLayout:
    """What a queue ticket says; the renderers decide how it looks on paper."""

    hall_name: str
    label: str
    category_zh: str
    category_en: str
    waiting_ahead: int
    issued_at: datetime
    ticket_id: str
    declaration_no: str | None = None
    qr_payload: str | None = None
    footer: tuple[str, ...] = field(default=("请留意叫号屏", "Please watch the screen"))

    @property
    def qr_data(self) -> str:
        """The QR content: the explicit payload, else the ticket id."""
        return self.qr_payload or self.ticket_id


def char_columns(ch: str) -> int:
    """Columns a character takes: non-ASCII goes out as a GB18030 double-byte, full width."""
    return 1 if ch.isascii() else 2


def text_columns(text: str) -> int:
    """Columns a string takes on the printer at normal size."""
    return sum(char_columns(ch) for ch in text)


def wrap(text: str, columns: int) -> list[str]:
    """Split text into pieces no wider than ``columns``, preferring spaces as break points."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if text_columns(candidate) <= columns:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = ""
        for ch in word:
            if text_columns(current + ch) > columns:
                lines.append(current)
                current = ""
            current += ch
    lines.append(current)
    return lines


def ticket_blocks(layout: TicketLayout, paper_mm: int = 80) -> list[Block]:
    """Lay a ticket out for one paper width."""
    if paper_mm not in PAPER_COLUMNS:
        raise ValueError(f"paper width must be 58 or 80 mm, not {paper_mm}")
    columns = PAPER_COLUMNS[paper_mm]
    big = 4 if paper_mm == 80 else 3

    def lines(text: str, width: int = 1, height: int = 1, bold: bool = False) -> list[Block]:
        return [Text(piece, "center", width, height, bold) for piece in wrap(text, columns // width)]

    n = layout.waiting_ahead
    people = "person" if n == 1 else "people"
    blocks: list[Block] = [
        *lines(layout.hall_name, bold=True),
        Text("-" * columns),
        *lines(layout.label, big, big, bold=True),
        *lines(layout.category_zh, 2, 2, bold=True),
        *lines(layout.category_en),
        Feed(1),
        *lines(f"前面还有 {n} 人等候"),
        *lines(f"{n} {people} waiting ahead"),
        *lines(f"取号 Issued {layout.issued_at:%Y-%m-%d %H:%M}"),
    ]
    if layout.declaration_no:
        blocks += [*lines("报关单号 Declaration No."), *lines(layout.declaration_no, bold=True)]
    blocks += [Feed(1), Qr(layout.qr_data, 6 if paper_mm == 80 else 5), Feed(1)]
    for line in layout.footer:
        blocks += lines(line)
    blocks += [Feed(2), Cut()]
    return blocks

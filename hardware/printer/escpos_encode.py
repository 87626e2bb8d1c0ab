"""Turn print blocks into ESC/POS bytes with python-escpos; no transport involved."""

from __future__ import annotations

from escpos.printer import Dummy

from .layout import Block, Cut, Feed, Qr, Text, TicketLayout, ticket_blocks

#: Chinese character mode on (FS &) and off (FS .), as Chinese ESC/POS printers expect.
CHINESE_ON = b"\x1c&"
CHINESE_OFF = b"\x1c."


def encode_text(text: str) -> bytes:
    """ASCII as is; anything else as GB18030 wrapped in the printer's Chinese mode."""
    if text.isascii():
        return text.encode("ascii")
    return CHINESE_ON + text.encode("gb18030") + CHINESE_OFF


def encode_blocks(blocks: list[Block]) -> bytes:
    """ESC/POS for a list of blocks, starting with a printer reset (ESC @)."""
    p = Dummy()
    p.hw("INIT")
    for block in blocks:
        if isinstance(block, Text):
            p.set(align=block.align)
            p.set(custom_size=True, width=block.width, height=block.height)
            p.set(bold=block.bold)
            p._raw(encode_text(block.text) + b"\n")
        elif isinstance(block, Qr):
            p.qr(block.data, ec=block.ec, size=block.module, native=True)
        elif isinstance(block, Feed):
            p.print_and_feed(block.lines)
        elif isinstance(block, Cut):
            p.cut(feed=False)
    return p.output


def render_escpos(layout: TicketLayout, paper_mm: int = 80) -> bytes:
    """The exact bytes a ticket printer receives for this ticket."""
    return encode_blocks(ticket_blocks(layout, paper_mm))

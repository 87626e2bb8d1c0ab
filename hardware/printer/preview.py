"""Draw print blocks as a thermal printer would, for previews and the simulator's PNGs."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import qrcode
from PIL import Image, ImageDraw, ImageFont

from .layout import PAPER_DOTS, Block, Cut, Feed, Qr, Text, TicketLayout, char_columns, ticket_blocks

#: Font A cell: 12 x 24 dots per column, lines 30 dots apart (ESC 2 on a 203 dpi head).
CELL_W, CELL_H, LINE_H = 12, 24, 30
MARGIN = 32
FONT_PATHS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)
_QR_EC = [qrcode.ERROR_CORRECT_L, qrcode.ERROR_CORRECT_M, qrcode.ERROR_CORRECT_Q, qrcode.ERROR_CORRECT_H]


@cache
def _font() -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """A CJK font if one is installed, so Chinese renders instead of boxes."""
    for path in FONT_PATHS:
        if Path(path).exists():
            return ImageFont.truetype(path, CELL_H - 2)
    return ImageFont.load_default()


def _text_image(block: Text, max_width: int) -> Image.Image:
    """One line at 1x on the printer's character grid, then scaled like GS ! scales it."""
    columns = sum(char_columns(ch) for ch in block.text)
    img = Image.new("L", (max(columns * CELL_W, 1), CELL_H), 255)
    draw = ImageDraw.Draw(img)
    x = 0
    for ch in block.text:
        w = char_columns(ch) * CELL_W
        for dx in (0, 1) if block.bold else (0,):  # bold as the printer does it: double strike
            draw.text((x + w / 2 + dx, CELL_H / 2), ch, font=_font(), fill=0, anchor="mm")
        x += w
    img = img.resize((img.width * block.width, img.height * block.height), Image.Resampling.NEAREST)
    if img.width > max_width:  # the printer drops what does not fit on the line
        img = img.crop((0, 0, max_width, img.height))
    return img


def _qr_image(block: Qr) -> Image.Image:
    """The QR code as the printer draws it: model 2, no quiet zone, ``module`` dots per module."""
    code = qrcode.QRCode(error_correction=_QR_EC[block.ec & 3], box_size=block.module, border=0)
    code.add_data(block.data.encode("utf-8"))
    code.make(fit=True)
    return code.make_image(fill_color="black", back_color="white").get_image().convert("L")


def _place(canvas: Image.Image, img: Image.Image, y: int, align: str, width: int) -> None:
    """Paste a line onto the paper according to its alignment."""
    x = {"left": 0, "center": (width - img.width) // 2, "right": width - img.width}[align]
    canvas.paste(img, (MARGIN + x, y))


def render_blocks(blocks: list[Block], paper_mm: int = 80) -> Image.Image:
    """A grayscale picture of the printed paper, margins included."""
    width = PAPER_DOTS[paper_mm]
    pieces: list[tuple[Image.Image | None, int, str]] = []  # image, advance, align
    for block in blocks:
        if isinstance(block, Text):
            img = _text_image(block, width)
            pieces.append((img, LINE_H * block.height, block.align))
        elif isinstance(block, Qr):
            img = _qr_image(block)
            pieces.append((img, img.height + LINE_H - CELL_H, "center"))
        elif isinstance(block, Feed):
            pieces.append((None, LINE_H * block.lines, "left"))
        elif isinstance(block, Cut):
            pieces.append((None, -1, "left"))
    height = MARGIN * 2 + sum(max(advance, 0) for _, advance, _ in pieces)
    canvas = Image.new("L", (width + 2 * MARGIN, height), 255)
    draw = ImageDraw.Draw(canvas)
    y = MARGIN
    for piece, advance, align in pieces:
        if piece is not None:
            _place(canvas, piece, y + (advance - piece.height) // 2, align, width)
        if advance < 0:  # cut: a dashed line across the paper
            for x in range(0, canvas.width, 16):
                draw.line((x, y + MARGIN // 2, x + 8, y + MARGIN // 2), fill=128, width=2)
            continue
        y += advance
    return canvas


def render_png(layout: TicketLayout, paper_mm: int = 80) -> Image.Image:
    """The preview of a ticket, drawn from the same blocks as its ESC/POS bytes."""
    return render_blocks(ticket_blocks(layout, paper_mm), paper_mm)

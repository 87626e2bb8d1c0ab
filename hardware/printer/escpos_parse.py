"""Read ESC/POS bytes back into print blocks, as the simulated printer's print head sees them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .layout import Align, Block, Cut, Feed, Qr, Text

_ALIGN: dict[int, Align] = {0: "left", 1: "center", 2: "right", 48: "left", 49: "center", 50: "right"}
# ESC commands that take one parameter byte and do not change what the parser tracks.
_ESC_ONE_ARG = b"!-MtR{VU3JGr"


@dataclass
class _Mode:
    align: Align = "left"
    width: int = 1
    height: int = 1
    bold: bool = False
    chinese: bool = False


def parse_escpos(data: bytes) -> list[Block]:
    """Blocks for the commands fairq sends; other commands are skipped, never fatal."""
    blocks: list[Block] = []
    mode = _Mode()
    line = bytearray()
    qr: dict[str, Any] = {"module": 3, "ec": 0, "data": b""}
    i = 0

    def flush_line() -> None:
        codec = "gb18030" if mode.chinese or not line.isascii() else "ascii"
        text = bytes(line).decode(codec, errors="replace")
        blocks.append(Text(text, mode.align, mode.width, mode.height, mode.bold))
        line.clear()

    def arg(k: int) -> int:
        return data[i + k] if i + k < len(data) else 0

    while i < len(data):
        b = data[i]
        if b == 0x0A:
            flush_line()
            i += 1
        elif b == 0x1B:  # ESC
            cmd = arg(1)
            if cmd == ord("@"):
                mode = _Mode()
                i += 2
            elif cmd == ord("a"):
                mode.align = _ALIGN.get(arg(2), "left")
                i += 3
            elif cmd == ord("E"):
                mode.bold = bool(arg(2) & 1)
                i += 3
            elif cmd == ord("d"):
                if line:
                    flush_line()
                blocks.append(Feed(arg(2)))
                i += 3
            elif cmd == ord("p"):
                i += 5
            elif cmd == ord("c"):
                i += 4
            elif cmd in _ESC_ONE_ARG:
                i += 3
            else:
                i += 2
        elif b == 0x1C:  # FS
            cmd = arg(1)
            if cmd == ord("&"):
                mode.chinese = True
                i += 2
            elif cmd == ord("."):
                mode.chinese = False
                i += 2
            elif cmd in b"!C":
                i += 3
            else:
                i += 2
        elif b == 0x1D:  # GS
            cmd = arg(1)
            if cmd == ord("!"):
                mode.width = (arg(2) >> 4) + 1
                mode.height = (arg(2) & 0x0F) + 1
                i += 3
            elif cmd == ord("V"):
                if line:
                    flush_line()
                blocks.append(Cut())
                i += 4 if arg(2) in (65, 66, 97, 98, 103, 104) else 3
            elif cmd == ord("(") and arg(2) in b"kL":
                size = arg(3) | arg(4) << 8
                body = data[i + 5 : i + 5 + size]
                if arg(2) == ord("k") and len(body) >= 2 and body[0] == ord("1"):
                    fn = body[1]
                    if fn == ord("C"):
                        qr["module"] = body[2]
                    elif fn == ord("E"):
                        qr["ec"] = body[2] - 48
                    elif fn == ord("P"):
                        qr["data"] = body[3:]
                    elif fn == ord("Q"):
                        content = bytes(qr["data"]).decode("utf-8", "replace")
                        blocks.append(Qr(content, int(qr["module"]), int(qr["ec"])))
                i += 5 + size
            elif cmd == ord("v") and arg(2) == ord("0"):  # raster image: skip its data
                width_bytes = arg(4) | arg(5) << 8
                rows = arg(6) | arg(7) << 8
                i += 8 + width_bytes * rows
            else:
                i += 3
        elif b == 0x10 and arg(1) in (0x04, 0x05, 0x14):  # real-time commands
            i += 3
        elif b < 0x20 and b not in (0x09,):
            i += 1
        else:
            line.append(b)
            i += 1
    if line:
        flush_line()
    return blocks

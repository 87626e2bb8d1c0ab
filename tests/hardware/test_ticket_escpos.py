"""Byte-exact ESC/POS of a ticket, both paper widths, GB18030 Chinese, QR code and cut."""

from __future__ import annotations

from dataclasses import replace

import pytest

from hardware.printer import (
    Cut,
    Feed,
    Qr,
    Text,
    encode_text,
    parse_escpos,
    render_escpos,
    ticket_blocks,
)
from hardware.printer.layout import PAPER_COLUMNS, text_columns, wrap

ESC, GS, FS = b"\x1b", b"\x1d", b"\x1c"
INIT = ESC + b"@"
ZH_ON, ZH_OFF = FS + b"&", FS + b"."


def line(text: bytes, size: int = 0x00, bold: int = 0) -> bytes:
    """Centered line: ESC a 1, GS ! size, ESC E bold, text, LF."""
    return ESC + b"a\x01" + GS + b"!" + bytes([size]) + ESC + b"E" + bytes([bold]) + text + b"\n"


def zh(text: str) -> bytes:
    return ZH_ON + text.encode("gb18030") + ZH_OFF


def qr(module: int) -> bytes:
    """GS ( k: model 2, module size, error correction M, store "T-1", print."""
    return (
        GS + b"(k\x04\x001A2\x00"
        + GS + b"(k\x03\x001C" + bytes([module])
        + GS + b"(k\x03\x001E1"
        + GS + b"(k\x06\x001P0T-1"
        + GS + b"(k\x03\x001Q0"
    )  # fmt: skip


HALL_GB18030 = b"\xd1\xf4\xb9\xe2\xbd\xbb\xb5\xa5\xb4\xf3\xcc\xfc"  # 阳光交单大厅
CUT = ESC + b"d\x02" + GS + b"VB\x00"  # feed 2 lines, then feed to the cutter and cut


def expected(columns: int, big: int, module: int) -> bytes:
    return (
        INIT
        + line(ZH_ON + HALL_GB18030 + ZH_OFF, bold=1)
        + line(b"-" * columns)
        + line(b"A023", size=big, bold=1)
        + line(zh("进口报关"), size=0x11, bold=1)
        + line(b"Import")
        + ESC + b"d\x01"
        + line(zh("前面还有 5 人等候"))
        + line(b"5 people waiting ahead")
        + line(zh("取号 Issued 2024-05-01 09:30"))
        + line(zh("报关单号 Declaration No."))
        + line(b"123456789012345678", bold=1)
        + ESC + b"d\x01"
        + qr(module)
        + ESC + b"d\x01"
        + line(zh("请留意叫号屏"))
        + line(b"Please watch the screen")
        + CUT
    )  # fmt: skip


def test_80mm_ticket_bytes(layout):
    assert render_escpos(layout, 80) == expected(columns=48, big=0x33, module=6)


def test_58mm_ticket_bytes(layout):
    assert render_escpos(layout, 58) == expected(columns=32, big=0x22, module=5)


def test_chinese_is_gb18030_in_chinese_mode():
    assert encode_text("请留意叫号屏") == ZH_ON + bytes.fromhex("c7ebc1f4d2e2bdd0bac5c6c1") + ZH_OFF
    assert encode_text("Please watch the screen") == b"Please watch the screen"


@pytest.mark.parametrize(
    ("text", "gb18030"),
    [("——", "a1aaa1aa"), ("：", "a3ba"), ("（）", "a3a8a3a9"), ("／", "a3af"), ("·", "a1a4")],
)
def test_full_width_punctuation_only_lines_use_chinese_mode(text, gb18030):
    assert encode_text(text) == ZH_ON + bytes.fromhex(gb18030) + ZH_OFF


def test_punctuation_footer_line_is_sent_in_chinese_mode(layout):
    data = render_escpos(replace(layout, footer=("————",)), 80)
    assert line(ZH_ON + bytes.fromhex("a1aa") * 4 + ZH_OFF) in data


def test_ticket_without_declaration_number_has_no_such_lines(layout):
    data = render_escpos(replace(layout, declaration_no=None), 80)
    assert zh("报关单号 Declaration No.") not in data


def test_qr_payload_defaults_to_ticket_id_and_can_be_set(layout):
    assert Qr("T-1", 6, 1) in ticket_blocks(layout, 80)
    assert Qr("https://hall/t/T-1", 6, 1) in ticket_blocks(replace(layout, qr_payload="https://hall/t/T-1"), 80)


@pytest.mark.parametrize("paper", [58, 80])
def test_bytes_parse_back_to_the_same_blocks(layout, paper):
    assert parse_escpos(render_escpos(layout, paper)) == ticket_blocks(layout, paper)


@pytest.mark.parametrize("paper", [58, 80])
def test_every_line_fits_the_paper(layout, paper):
    long = replace(layout, hall_name="中华人民共和国某某海关隶属某某办事处阳光交单综合业务大厅")
    for block in ticket_blocks(long, paper):
        if isinstance(block, Text):
            assert text_columns(block.text) * block.width <= PAPER_COLUMNS[paper]


def test_wrap_breaks_long_words_and_prefers_spaces():
    assert wrap("aaaa bbbb", 5) == ["aaaa", "bbbb"]
    assert wrap("进口报关进口", 4) == ["进口", "报关", "进口"]


def test_ticket_ends_with_a_cut(layout):
    blocks = ticket_blocks(layout, 80)
    assert blocks[-2:] == [Feed(2), Cut()]
    assert render_escpos(layout, 80).endswith(GS + b"VB\x00")


def test_unknown_paper_width_is_refused(layout):
    with pytest.raises(ValueError):
        render_escpos(layout, 76)


@pytest.mark.parametrize(("paper", "columns", "big", "module"), [(80, 48, 0x33, 6), (58, 32, 0x22, 5)])
def test_four_digit_label_ticket_bytes(layout, paper, columns, big, module):
    """A1000 prints whole on one line at full size on both papers (issue 16: labels unique in a day)."""
    four = expected(columns=columns, big=big, module=module).replace(
        line(b"A023", size=big, bold=1), line(b"A1000", size=big, bold=1)
    )
    assert render_escpos(replace(layout, label="A1000"), paper) == four

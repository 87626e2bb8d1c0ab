"""The PNG preview: same layout as the bytes, Chinese drawn with a real CJK font."""

from __future__ import annotations

import pytest
from PIL import Image, ImageChops

from hardware.printer import Text, open_printer, printed_tickets, render_blocks, render_png
from hardware.printer.preview import MARGIN, _font


@pytest.mark.parametrize(("paper", "dots"), [(80, 576), (58, 384)])
def test_preview_has_the_paper_width(layout, paper, dots):
    assert render_png(layout, paper).width == dots + 2 * MARGIN


def test_chinese_glyphs_are_real_glyphs_not_boxes():
    a = render_blocks([Text("进口报关")], 80)
    b = render_blocks([Text("出口报关")], 80)
    assert hasattr(_font(), "path") and "wqy" in _font().path.lower()
    assert ImageChops.difference(a, b).getbbox() is not None  # tofu boxes would all be equal
    assert a.getextrema()[0] == 0  # there is ink


def test_simulator_png_equals_the_preview(tmp_path, layout):
    with open_printer(f"sim://{tmp_path}?timeout=0.5") as printer:
        printer.print_ticket(layout)
    (ticket,) = printed_tickets(tmp_path)
    drawn = Image.open(ticket.with_suffix(".png"))
    assert ImageChops.difference(drawn.convert("L"), render_png(layout, 80)).getbbox() is None

"""The kiosk says clearly why a re-ticket is refused (issue 16 item 4)."""

from kiosk.window import KioskWindow


def test_reticket_limit_has_a_clear_message(qtbot):
    window = KioskWindow()
    qtbot.addWidget(window)
    text = window.issue_error_text("reticket_limit", "报关单 … 已达上限")
    assert "help desk" in text and "new ticket today" in text
    assert "No ticket could be issued" not in text

"""The kiosk when the dispatcher refuses a ticket for now: this kiosk issued too many in a minute."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from devtools.live import LiveDispatcher

SHOTS_ENV = "FAIRQ_SCREENSHOTS"  # FAIRQ_SCREENSHOTS=docs/screenshots keeps the pictures for the docs


@pytest.fixture
def hall(tmp_path):
    """The sample hall, whose kiosks may issue one ticket a minute."""
    with LiveDispatcher(tmp_path / "dispatcher", issue_per_minute=1) as live:
        yield live


@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_rate_limited_kiosk_says_so_and_starts_over(qtbot, hall, make_kiosk, printed, language, tmp_path):
    kiosk = make_kiosk(language=language)
    kiosk.controller.ticket_timer.setInterval(300)
    kiosk.controller.failed_timer.setInterval(1500)
    qtbot.mouseClick(kiosk.window.start.buttons["C"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: kiosk.controller.phase == "ticket", timeout=10000)
    qtbot.waitUntil(lambda: kiosk.controller.phase == "start", timeout=10000)
    qtbot.mouseClick(kiosk.window.start.buttons["C"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: kiosk.window.message_kind == "refused", timeout=10000)
    body = kiosk.window.message.body.text()
    assert ("issued many tickets" in body) if language == "en" else ("取号过多" in body)
    assert printed() == 1  # nothing printed for the refusal
    shots = Path(os.environ.get(SHOTS_ENV) or tmp_path)
    assert kiosk.window.grab().save(str(shots / f"kiosk-rate-limited-{language}-portrait.png"))
    qtbot.waitUntil(lambda: kiosk.controller.phase == "start", timeout=10000)  # back by itself

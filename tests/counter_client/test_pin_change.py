"""An officer from before 6-digit PINs is asked for a new one at login, and sets it at the counter."""

from __future__ import annotations

import os
from pathlib import Path

from dispatcher.auth import hash_pin, verify_pin
from dispatcher.store.codec import officer_from_row
from dispatcher.store.tables import OfficerRow
from tests.counter_client.test_app import WAIT, login

SHOTS_ENV = "FAIRQ_SCREENSHOTS"  # FAIRQ_SCREENSHOTS=docs/screenshots keeps the picture for the docs


def old_officer(hall, staff_id: str, pin: str) -> None:
    """The row as the fairq of 4-digit PINs wrote it."""
    svc = hall.service
    row = OfficerRow(hall_id=svc.store.hall_id, staff_id=staff_id, name="李四", pin_hash=hash_pin(pin))
    svc.run(lambda h: h.set_officer(officer_from_row(row)), rows=[row])


def test_a_short_pin_is_changed_at_the_counter(qtbot, hall, make_counter, tmp_path):
    old_officer(hall, "2002", "4321")
    app = make_counter(hall.url, hall.add_device("counter", "pc-5", counter=5))
    app.window.show()
    qtbot.waitExposed(app.window)
    login(qtbot, app, staff="2002", pin="4321")
    panel = app.window.service.pin
    assert not panel.isHidden() and "6" in panel.title.text()
    assert app.window.grab().save(str(Path(os.environ.get(SHOTS_ENV) or tmp_path) / "counter-pin-change.png"))
    current, new, again = panel.edits
    current.setText("4321")
    new.setText("24680")
    again.setText("24680")
    panel.ok_button.click()
    assert "6" in app.window.service.message.text() and not panel.isHidden()  # refused before it is sent
    new.setText("246802")
    again.setText("246802")
    failed: list[str] = []
    app.session.pinFailed.connect(failed.append)
    with qtbot.waitSignal(app.session.pinChanged, timeout=WAIT):
        panel.ok_button.click()
    assert not failed, failed
    assert panel.isHidden() and app.window.service.message.text() == "新口令已设置。"
    assert verify_pin(hall.service.store.officer("2002").pin_hash, "246802")


def test_a_six_digit_pin_is_not_asked_to_change(qtbot, hall, make_counter):
    app = make_counter(hall.url, hall.add_device("counter", "pc-5", counter=5))
    login(qtbot, app)
    assert app.window.service.pin.isHidden()

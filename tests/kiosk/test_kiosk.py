"""The kiosk window driven like a trader would, against a real dispatcher and the printer simulator."""

from __future__ import annotations

from PySide6.QtCore import Qt

from hardware.printer import set_printer_state
from protocol import TicketState

IMPORT_NO = "220120241000012345"  # customs 2201, year 2024, import (1), sequence
EXPORT_NO = "220120240000054321"


def tap(qtbot, widget):
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def type_number(qtbot, kiosk, digits):
    for d in digits:
        tap(qtbot, kiosk.window.entry.keypad.keys[d])


def ticket_in_dispatcher(hall, label):
    tickets = [t for t in hall.service.hall.tickets.values() if t.label == label]
    assert len(tickets) == 1, tickets
    return tickets[0]


def printer_reports(hall):
    return [e.data["state"] for e in hall.service.events_since(0, limit=5000) if e.kind == "device.printer"]


def test_ticket_without_a_declaration_number(qtbot, hall, kiosk, printed):
    kiosk.controller.ticket_timer.setInterval(500)
    assert kiosk.window.start.buttons["C"].name.text() == "Other business"
    tap(qtbot, kiosk.window.start.buttons["C"])
    qtbot.waitUntil(lambda: kiosk.controller.phase == "ticket", timeout=10000)
    assert kiosk.window.ticket.number.text() == "C001"
    assert kiosk.window.ticket.ahead.text() == "You are next"
    assert printed() == 1
    assert ticket_in_dispatcher(hall, "C001").state == TicketState.WAITING
    qtbot.waitUntil(lambda: kiosk.controller.phase == "start", timeout=5000)  # back by itself
    qtbot.waitUntil(lambda: "Waiting: 1" in kiosk.window.start.buttons["C"].info.text(), timeout=5000)


def test_ticket_with_a_declaration_number_and_its_reprint(qtbot, hall, kiosk, printed):
    tap(qtbot, kiosk.window.start.buttons["A"])
    assert kiosk.controller.phase == "entry"
    assert not kiosk.window.entry.confirm.isEnabled()
    type_number(qtbot, kiosk, IMPORT_NO)
    assert kiosk.window.entry.declaration.value.text() == "2201 2024 1 000012345"
    assert kiosk.window.entry.confirm.isEnabled()
    tap(qtbot, kiosk.window.entry.confirm)
    qtbot.waitUntil(lambda: kiosk.controller.phase == "ticket", timeout=10000)
    assert kiosk.window.ticket.number.text() == "A001"
    assert not kiosk.window.ticket.reprint.isVisible()
    assert printed() == 1
    tap(qtbot, kiosk.window.ticket.ok)
    assert kiosk.controller.phase == "start"

    # the same declaration again, scanned this time: the open ticket is printed again
    kiosk.controller.scanned(IMPORT_NO)
    assert kiosk.controller.phase == "entry" and kiosk.controller.request.category["code"] == "A"
    tap(qtbot, kiosk.window.entry.confirm)
    qtbot.waitUntil(lambda: kiosk.controller.phase == "ticket", timeout=10000)
    assert kiosk.window.ticket.number.text() == "A001"
    assert kiosk.window.ticket.reprint.isVisible()
    assert printed() == 2
    ticket = ticket_in_dispatcher(hall, "A001")  # still one ticket
    assert ticket.declaration_no == IMPORT_NO and ticket.state == TicketState.WAITING


def test_an_invalid_number_is_refused_with_its_reason(qtbot, hall, kiosk, printed):
    entry = kiosk.window.entry
    tap(qtbot, kiosk.window.start.buttons["A"])
    type_number(qtbot, kiosk, "22011899")
    assert "year" in entry.declaration.problem.text()
    assert not entry.confirm.isEnabled()
    tap(qtbot, entry.keypad.keys["clear"])
    type_number(qtbot, kiosk, EXPORT_NO[:9])  # an export number at the import category
    assert entry.declaration.problem.text() == "This is for import declarations: digit 9 must be 1."
    tap(qtbot, entry.header.lang)  # the reason in Chinese
    qtbot.waitUntil(lambda: "进口" in entry.declaration.problem.text(), timeout=5000)
    type_number(qtbot, kiosk, EXPORT_NO[9:])
    assert not entry.confirm.isEnabled()
    tap(qtbot, entry.confirm)
    assert kiosk.controller.phase == "entry" and printed() == 0
    tap(qtbot, entry.back)
    assert kiosk.controller.phase == "start"
    assert not hall.service.hall.tickets


def test_dispatcher_down_means_out_of_service_and_nothing_printed(qtbot, hall, kiosk, printed):
    tap(qtbot, kiosk.window.start.buttons["A"])
    hall.stop()
    qtbot.waitUntil(lambda: kiosk.controller.phase == "out_of_service", timeout=15000)
    assert "cannot be reached" in kiosk.window.message.detail.text()
    tap(qtbot, kiosk.window.message)
    kiosk.controller.choose("C")  # nothing a trader does issues or prints anything now
    assert kiosk.controller.phase == "out_of_service" and printed() == 0
    hall.start()
    qtbot.waitUntil(lambda: kiosk.controller.phase == "start", timeout=15000)
    tap(qtbot, kiosk.window.start.buttons["C"])
    qtbot.waitUntil(lambda: kiosk.controller.phase == "ticket", timeout=10000)
    assert kiosk.window.ticket.number.text() == "C001" and printed() == 1


def test_paper_out_cancels_the_issued_ticket_and_recovers(qtbot, hall, make_kiosk, printer_dir, printed):
    kiosk = make_kiosk(poll_ms=60000)  # the kiosk has not seen the paper run out yet
    set_printer_state(printer_dir, "paper_out")
    tap(qtbot, kiosk.window.start.buttons["C"])
    qtbot.waitUntil(lambda: kiosk.controller.phase == "print_failed", timeout=10000)
    assert "another kiosk" in kiosk.window.message.body.text()
    qtbot.waitUntil(lambda: ticket_in_dispatcher(hall, "C001").state == TicketState.CANCELLED, timeout=10000)
    assert ticket_in_dispatcher(hall, "C001").outcome == "print failed"
    assert printed() == 0
    tap(qtbot, kiosk.window.message)
    kiosk.controller.failed_timer.setInterval(10)
    kiosk.controller.failed_timer.start()
    qtbot.waitUntil(lambda: kiosk.controller.phase == "out_of_service", timeout=5000)
    assert "out of paper" in kiosk.window.message.detail.text()
    qtbot.waitUntil(lambda: "paper_out" in printer_reports(hall), timeout=5000)

    kiosk.printer._poll.setInterval(100)
    set_printer_state(printer_dir, "ok")
    qtbot.waitUntil(lambda: kiosk.controller.phase == "start", timeout=10000)
    qtbot.waitUntil(lambda: printer_reports(hall)[-1] == "ok", timeout=5000)
    tap(qtbot, kiosk.window.start.buttons["C"])
    qtbot.waitUntil(lambda: kiosk.controller.phase == "ticket", timeout=10000)
    assert kiosk.window.ticket.number.text() == "C002" and printed() == 1


def test_paper_running_out_during_the_job_voids_the_ticket(qtbot, hall, make_kiosk, printer_dir, printed):
    kiosk = make_kiosk(poll_ms=60000)
    set_printer_state(printer_dir, "runs_out")
    tap(qtbot, kiosk.window.start.buttons["C"])
    qtbot.waitUntil(lambda: kiosk.controller.phase == "print_failed", timeout=10000)
    qtbot.waitUntil(lambda: ticket_in_dispatcher(hall, "C001").state == TicketState.CANCELLED, timeout=10000)
    assert printed() == 0


def test_cover_open_and_offline_are_out_of_service(qtbot, hall, kiosk, printer_dir):
    for state, text in (("cover_open", "cover is open"), ("offline", "does not answer")):
        set_printer_state(printer_dir, state)
        qtbot.waitUntil(lambda: kiosk.controller.phase == "out_of_service", timeout=10000)
        qtbot.waitUntil(lambda t=text: t in kiosk.window.message.detail.text(), timeout=10000)
        set_printer_state(printer_dir, "ok")
        qtbot.waitUntil(lambda: kiosk.controller.phase == "start", timeout=10000)
    qtbot.waitUntil(lambda: printer_reports(hall)[-1] == "ok", timeout=5000)
    assert {"cover_open", "offline"} <= set(printer_reports(hall))


def test_paper_near_end_is_reported_and_the_kiosk_keeps_working(qtbot, hall, kiosk, printer_dir, printed):
    set_printer_state(printer_dir, "paper_near_end")
    qtbot.waitUntil(lambda: "paper_near_end" in printer_reports(hall), timeout=10000)
    assert kiosk.controller.phase == "start"
    tap(qtbot, kiosk.window.start.buttons["C"])
    qtbot.waitUntil(lambda: kiosk.controller.phase == "ticket", timeout=10000)
    assert printed() == 1


def test_an_idle_entry_screen_returns_to_the_start(qtbot, kiosk):
    kiosk.controller.idle.setInterval(300)
    tap(qtbot, kiosk.window.start.buttons["B"])
    type_number(qtbot, kiosk, "2201")
    assert kiosk.controller.phase == "entry"
    qtbot.waitUntil(lambda: kiosk.controller.phase == "start", timeout=5000)
    assert kiosk.controller.request is None


def test_language_toggle(qtbot, make_kiosk):
    kiosk = make_kiosk(language="zh", orientation="landscape")
    start = kiosk.window.start
    assert start.prompt.text() == "请选择业务类型" and start.buttons["A"].name.text() == "进口报关"
    assert start.header.lang.text() == "English"
    tap(qtbot, start.header.lang)
    assert start.prompt.text() == "Please choose your business"
    assert start.buttons["A"].name.text() == "Import declarations" and start.header.lang.text() == "中文"


def test_a_ticket_whose_reply_was_lost_is_found_and_voided(qtbot, hall, kiosk, printed, monkeypatch):
    """The dispatcher made the ticket but the kiosk never heard: nothing is printed and the ticket is voided."""
    import time

    core = hall.service.hall
    original = core.issue_ticket

    def slow_issue(**kw):
        result = original(**kw)
        time.sleep(0.6)  # longer than the kiosk waits for an answer
        return result

    monkeypatch.setattr(core, "issue_ticket", slow_issue)
    kiosk.link.request_timeout_ms = 200
    tap(qtbot, kiosk.window.start.buttons["C"])
    qtbot.waitUntil(lambda: bool(kiosk.controller.unanswered), timeout=10000)
    assert kiosk.controller.phase == "print_failed"  # the trader is told no ticket was issued
    assert "another kiosk" in kiosk.window.message.body.text()
    monkeypatch.setattr(core, "issue_ticket", original)
    kiosk.link.request_timeout_ms = 5000
    qtbot.waitUntil(lambda: ticket_in_dispatcher(hall, "C001").state == TicketState.CANCELLED, timeout=10000)
    assert ticket_in_dispatcher(hall, "C001").outcome == "print failed"
    assert printed() == 0 and not kiosk.controller.unanswered
    assert len(hall.service.hall.tickets) == 1  # the retries made no second ticket


def test_work_owed_to_the_dispatcher_survives_a_kiosk_restart(qtbot, hall, make_kiosk, tmp_path):
    """A ticket to void and a lost request, written down before a restart, are done after it."""
    import json

    never_printed, _ = hall.service.run(lambda h: h.issue_ticket(category="C", kiosk="kiosk-1"))
    lost, _ = hall.service.run(lambda h: h.issue_ticket(category="C", kiosk="kiosk-1", idempotency_key="kiosk-1:k9"))
    pending = tmp_path / "kiosk0-pending.json"
    pending.write_text(json.dumps({"cancels": [never_printed.id], "unanswered": ["k9"]}), encoding="utf-8")
    make_kiosk()  # its config is kiosk0.toml, so it reads kiosk0-pending.json
    qtbot.waitUntil(lambda: never_printed.state == TicketState.CANCELLED, timeout=10000)
    qtbot.waitUntil(lambda: lost.state == TicketState.CANCELLED, timeout=10000)
    assert never_printed.outcome == lost.outcome == "print failed"
    qtbot.waitUntil(lambda: json.loads(pending.read_text()) == {"cancels": [], "unanswered": []}, timeout=5000)

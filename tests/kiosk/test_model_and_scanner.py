"""The kiosk's plain logic, and the serial barcode scanner filling in the declaration number."""

from __future__ import annotations

from hardware.scanner import ScannerSimulator
from kiosk.model import TicketRequest, category_for_code, service_problem

IMPORT = {"code": "A", "requires_declaration": True, "io_flag": "1", "name_zh": "进口", "name_en": "Import"}
EXPORT = {"code": "B", "requires_declaration": True, "io_flag": "0", "name_zh": "出口", "name_en": "Export"}


def test_request_checks_as_typed():
    r = TicketRequest(category=IMPORT)
    for key in "22012024":
        r.press(key)
    assert r.declaration_problem() is None and not r.ready
    r.press("0")
    assert r.declaration_problem().code == "declaration_wrong_direction"
    r.press("back")
    for key in "1000012345X9":  # letters are ignored in a declaration number; at most 18 digits
        r.press(key)
    assert r.declaration == "220120241000012345" and r.ready
    assert TicketRequest(category=IMPORT).key != r.key  # one idempotency key per request


def test_category_by_scanned_number_and_service_problems():
    assert category_for_code([IMPORT, EXPORT], "220120240000054321")["code"] == "B"
    assert category_for_code([IMPORT, EXPORT], "2201") is None
    assert service_problem(link_up=False, day_open=True, printer_state="ok") == "link"
    assert service_problem(link_up=True, day_open=True, printer_state="paper_out") == "printer:paper_out"
    assert service_problem(link_up=True, day_open=True, printer_state="paper_near_end") is None
    assert service_problem(link_up=True, day_open=False, printer_state="ok") == "day_closed"


def test_serial_scanner_starts_the_request(qtbot, make_kiosk, tmp_path):
    with ScannerSimulator(link=tmp_path / "ttyScanner") as scanner:
        kiosk = make_kiosk(scanner=scanner.path)
        scanner.scan("220120240000054321")
        qtbot.waitUntil(lambda: kiosk.controller.phase == "entry", timeout=10000)
        assert kiosk.controller.request.category["code"] == "B"
        assert kiosk.window.entry.declaration.value.text() == "2201 2024 0 000054321"
        assert kiosk.window.entry.confirm.isEnabled()


def test_pending_work_is_kept_on_disk_and_a_broken_file_is_not_fatal(tmp_path):
    from kiosk.pending import PendingWork

    path = tmp_path / "kiosk-pending.json"
    work = PendingWork(path)
    work.add_cancel(7)
    work.add_cancel(7)
    work.add_unanswered("k1")
    again = PendingWork(path)
    assert again.cancels == [7] and again.unanswered == ["k1"]
    again.drop_cancel(7)
    again.drop_unanswered("k1")
    assert PendingWork(path).cancels == [] and PendingWork(path).unanswered == []
    path.write_text("{not json", encoding="utf-8")
    assert PendingWork(path).cancels == []

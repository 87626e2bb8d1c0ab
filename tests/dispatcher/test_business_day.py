"""The business day opens and closes by the clock and by admin command; seeds are committed, then revealed."""

import hashlib
import random
from datetime import UTC, datetime

from dispatcher import admin
from dispatcher.settings import Settings
from dispatcher.wiring import build_service
from protocol.models import OfficerCreate
from tests.dispatcher.core_helpers import FakeClock

HALL = """
hall_id = "h"
name = "测试"
open_at = "08:30"
close_at = "17:30"
[[categories]]
code = "C"
name_zh = "其他"
name_en = "Other"
[[counters]]
number = 1
categories = ["C"]
"""


def service(tmp_path, clock):
    (tmp_path / "hall.toml").write_text(HALL, encoding="utf-8")
    rng = random.Random(5)
    settings = Settings(data_dir=tmp_path / "d", config=tmp_path / "hall.toml", zeroconf=False)
    return build_service(settings, clock=clock, entropy=lambda n: rng.randbytes(n))


def test_day_follows_opening_hours(tmp_path):
    clock = FakeClock(datetime(2026, 11, 27, 0, 0, tzinfo=UTC))  # 08:00 in Shanghai
    svc = service(tmp_path, clock)
    svc.tick()
    assert svc.hall.day is None
    clock.advance(31 * 60)  # 08:31
    svc.tick()
    day = svc.hall.day
    assert day.is_open and day.day == "2026-11-27"
    assert svc.snapshot().day.commitment == hashlib.sha256(day.seed).hexdigest()
    assert svc.snapshot().day.seed is None  # secret while open
    svc.run(lambda hall: hall.issue_ticket(category="C"))
    clock.advance(9 * 3600)  # 17:31
    svc.tick()
    closed = svc.snapshot().day
    assert not closed.is_open and bytes.fromhex(closed.seed) == day.seed
    assert all(t.state == "expired" for t in svc.hall.tickets.values())
    kinds = [e.kind for e in svc.events_since(0) if not e.kind.startswith("admin.")]  # after the hall's creation
    assert kinds[0] == "day.opened" and "day.closed" in kinds
    clock.advance(15 * 3600)  # next morning 08:31
    svc.tick()
    assert svc.hall.day.day == "2026-11-28" and svc.hall.day.commitment != day.commitment


def test_admin_opens_and_closes_the_day_and_it_survives_restart(tmp_path):
    clock = FakeClock(datetime(2026, 11, 27, 2, 0, tzinfo=UTC))
    svc = service(tmp_path, clock)
    svc.tick()
    closed = admin.close_day(svc, by="boss")
    assert not closed.is_open and closed.seed
    again = service(tmp_path, clock)
    again.tick()  # within hours, but today was closed by hand: it stays closed
    assert not again.hall.day.is_open


def test_officer_transfers_count_survives_restart(tmp_path):
    clock = FakeClock(datetime(2026, 11, 27, 2, 0, tzinfo=UTC))
    svc = service(tmp_path, clock)
    svc.tick()
    admin.add_officer(svc, OfficerCreate(staff_id="1", name="甲", pin="123456"), by="t")
    svc.run(lambda hall: hall.set_category(hall.categories["C"].__class__("D", "丁", "D")))
    svc.run(lambda hall: hall.issue_ticket(category="C"))
    svc.run(lambda hall: hall.login(1, "1"))
    svc.run(lambda hall: hall.next(1))
    svc.run(lambda hall: hall.transfer(1, category="D", reason="wrong queue"))
    assert svc.officer_stats("1")["transfers"] == 1
    assert service(tmp_path, clock).officer_stats("1")["transfers"] == 1

"""The store on SQLite and on PostgreSQL: the same code, the same results; several halls share one database."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.exc import IntegrityError

from devtools.hall_file import write_hall
from devtools.pg import fresh_database
from dispatcher import admin
from dispatcher.api.deps import resolve_token
from dispatcher.core import Changes, CoreEvent
from dispatcher.service import HallService
from dispatcher.settings import Settings
from dispatcher.store import Store
from dispatcher.store.repo import EXPIRE_CHUNK, Write
from dispatcher.wiring import build_service
from protocol.models import DeviceCreate, OfficerCreate
from tests.reliability.workload import verify_log

STILL = datetime.now(UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """An empty database of each kind (PostgreSQL: the server scripts/test.sh starts)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fairq.sqlite3'}"
    else:
        with fresh_database() as url:
            yield url


def service(tmp_path, url: str, hall_id: str = "t") -> HallService:
    hall = write_hall(tmp_path / f"{hall_id}.toml", hall_id=hall_id, counters=3)
    settings = Settings(data_dir=tmp_path, database_url=url, config=hall, zeroconf=False)
    # The same draws every run, and a still clock: a snapshot's wait figures must not move between two reads.
    svc = build_service(settings, clock=lambda: STILL, entropy=lambda n: bytes(range(n)))
    svc.tick()
    return svc


def busy_morning(svc: HallService) -> None:
    """Tickets, two logged-in officers, calls, a service, a transfer and a no-show."""
    admin.add_officer(svc, OfficerCreate(staff_id="O1", name="甲", pin="111111"), by="test")
    admin.add_officer(svc, OfficerCreate(staff_id="O2", name="乙", pin="222222"), by="test")
    for cat in "AABCA":
        svc.run(lambda h, c=cat: h.issue_ticket(category=c, kiosk="k1", idempotency_key=f"k1:{svc.seq}"))
    svc.run(lambda h: h.login(1, "O1"))
    svc.run(lambda h: h.login(2, "O2"))
    svc.run(lambda h: h.next(1))
    svc.run(lambda h: h.next(2))
    svc.run(lambda h: h.start(1))
    svc.run(lambda h: h.complete(1, outcome="accepted"))
    svc.run(lambda h: h.transfer(2, category="B", reason="出口业务"))
    svc.run(lambda h: h.next(1))
    svc.run(lambda h: h.no_show(1))


def test_a_day_reads_back_the_same(tmp_path, db_url):
    svc = service(tmp_path, db_url)
    busy_morning(svc)
    before = svc.snapshot().model_dump()
    tickets = {t.id: t.as_dict() for t in svc.hall.tickets.values()}
    seq = svc.seq
    svc.store.engine.dispose()
    again = service(tmp_path, db_url)
    try:
        assert again.seq == seq
        assert {t.id: t.as_dict() for t in again.hall.tickets.values()} == tickets
        assert again.snapshot().model_dump() == before
        assert again.officer_stats("O2")["transfers"] == 1
        assert verify_log(again.store) == seq
        assert [d.draw_no for d in again.store.draws(again.hall.day.day)] == list(range(1, again.hall.day.draws + 1))
    finally:
        again.store.engine.dispose()


def test_two_halls_share_one_database(tmp_path, db_url):
    north, south = service(tmp_path, db_url, "north"), service(tmp_path, db_url, "south")
    try:
        for svc in (north, south):
            for _ in range(3):
                svc.run(lambda h: h.issue_ticket(category="A"))
        north.run(lambda h: h.issue_ticket(category="A"))
        assert sorted(t.label for t in north.hall.tickets.values()) == ["A001", "A002", "A003", "A004"]
        assert sorted(t.label for t in south.hall.tickets.values()) == ["A001", "A002", "A003"]
        assert verify_log(north.store) == north.seq and verify_log(south.store) == south.seq
        assert north.seq == south.seq + 1  # each hall's seq runs on its own, from 1
        kinds = [e.kind for e in north.events_since(0)]
        assert len(kinds) == north.seq and kinds.count("day.opened") == 1 and kinds.count("ticket.issued") == 4
        token = admin.add_device(north, DeviceCreate(name="k", role="kiosk"), by="test").token
        assert resolve_token(north, token) is not None and resolve_token(south, token) is None
        # reloading one hall sees only its own rows
        south.reload()
        assert len(south.hall.tickets) == 3 and south.hall.day.draws == 0
    finally:
        north.store.engine.dispose()
        south.store.engine.dispose()


def test_a_second_writer_is_chained_after(tmp_path, db_url):
    """Another process (the admin CLI) appended events: the next write re-chains after them."""
    svc = service(tmp_path, db_url)
    other = Store(svc.store.engine, "t")
    other.load()
    try:
        svc.run(lambda h: h.issue_ticket(category="C"))
        body = OfficerCreate(staff_id="O9", name="丙", pin="999999")
        admin.add_officer(HallService(other, svc.config), body, by="cli")
        svc.run(lambda h: h.issue_ticket(category="C"))  # its cached tail is stale: IntegrityError, then re-chained
        assert verify_log(svc.store) == svc.seq
    finally:
        svc.store.engine.dispose()


def test_a_duplicate_seq_is_refused_by_the_database(tmp_path, db_url):
    """The log's primary key is the fence: two writers can never both own a sequence number."""
    svc = service(tmp_path, db_url)
    try:
        stale = Store(svc.store.engine, "t")
        stale.load()
        svc.run(lambda h: h.issue_ticket(category="C"))
        late = CoreEvent(kind="hall.notice", at=svc.clock(), data={"text": "late"})
        with pytest.raises(IntegrityError):
            stale._write_once([Write(Changes(), [late])])
    finally:
        svc.store.engine.dispose()


def test_a_close_expires_the_halls_open_tickets_in_the_store_and_no_other_halls(tmp_path, db_url):
    """The close's bulk write (chunks of ids on SQLite, one array on PostgreSQL) reaches its hall's rows only."""
    north, south = service(tmp_path, db_url, "north"), service(tmp_path, db_url, "south")
    try:
        many = EXPIRE_CHUNK + 100  # more than one chunk
        north.run(lambda h: [h.issue_ticket(category="A") for _ in range(many)])
        south.run(lambda h: [h.issue_ticket(category="A") for _ in range(3)])
        admin.add_officer(north, OfficerCreate(staff_id="O1", name="甲", pin="111111"), by="test")
        admin.add_officer(north, OfficerCreate(staff_id="O2", name="乙", pin="222222"), by="test")
        north.run(lambda h: h.login(1, "O1"))
        north.run(lambda h: h.login(2, "O2"))
        called = north.run(lambda h: h.next(1)).id
        serving = north.run(lambda h: h.next(2)).id
        north.run(lambda h: h.start(2))
        north.run(lambda h: h.close_day())
        assert all(c["waiting"] == 0 for c in north.snapshot().model_dump()["categories"])
        stored = {t.id: t for t in Store(north.store.engine, "north").load().tickets}
        assert len(stored) == many
        assert str(stored[serving].state) == "serving" and stored[serving].finished_at is None
        gone = [t for i, t in stored.items() if i != serving]
        assert all(str(t.state) == "expired" for t in gone) and stored[called] in gone
        assert {t.finished_at for t in gone} == {north.hall.day.closed_at}
        assert {str(t.state) for t in Store(south.store.engine, "south").load().tickets} == {"waiting"}
    finally:
        north.store.engine.dispose()
        south.store.engine.dispose()

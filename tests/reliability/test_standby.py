"""Two dispatchers for one hall on one PostgreSQL: one active, one standby; kill -9 the active, the standby serves."""

from __future__ import annotations

import json
import time

import pytest
from sqlalchemy import text
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from devtools.hall_file import write_hall
from devtools.procs import Enrolment, ServeProcess, login
from devtools.wait import wait_until
from tests.support.follower import Follower

from .workload import Workload, check_acknowledged, stored, verify_log

COUNTERS = 4
PAIR_ENV = {"FAIRQ_TICK_S": "0.5", "FAIRQ_LEADER_POLL_S": "0.2"}


def role(server: ServeProcess) -> str | None:
    health = server.health()
    return health and health["role"]


def test_standby_refuses_and_says_so(tmp_path, spawn, pg_db):
    hall = write_hall(tmp_path / "hall.toml", counters=2)
    e = Enrolment(ServeProcess(data_dir=tmp_path / "a", database_url=pg_db, config=hall).settings())
    kiosk, screen = e.device("kiosk", "k"), e.device("display", "s")
    e.close()
    active = spawn(data_dir=tmp_path / "a", database_url=pg_db, config=hall, env=PAIR_ENV)
    standby = spawn(data_dir=tmp_path / "b", database_url=pg_db, config=hall, env=PAIR_ENV)
    assert role(active) == "active" and role(standby) == "standby"
    with standby.client(kiosk) as k:
        r = k.post("/tickets", json={"category": "A"})
        assert r.status_code == 503 and r.json()["error"]["code"] == "standby"
        assert k.get("/snapshot").json()["error"]["code"] == "standby"
    with pytest.raises(InvalidStatus):  # the stream is refused too: the display goes to the active one
        connect(
            f"ws://127.0.0.1:{standby.port}/api/v1/stream",
            additional_headers={"Authorization": f"Bearer {screen}"},
            open_timeout=5,
        ).close()
    with active.client(kiosk) as k:
        assert k.post("/tickets", json={"category": "A"}).status_code == 200
    # a clean stop hands over at once
    active.stop()
    assert wait_until(lambda: role(standby) == "active", 20)
    with standby.client(kiosk) as k:
        assert k.post("/tickets", json={"category": "A"}).json()["label"] == "A002"


def test_kill_9_the_active_and_the_standby_takes_over(tmp_path, spawn, pg_db, record_property):
    hall = write_hall(tmp_path / "hall.toml", counters=COUNTERS)
    e = Enrolment(ServeProcess(data_dir=tmp_path / "a", database_url=pg_db, config=hall).settings())
    kiosks = [e.device("kiosk", f"kiosk-{i}") for i in range(2)]
    pcs = {n: e.device("counter", f"pc-{n}", counter=n) for n in range(1, COUNTERS + 1)}
    for n in pcs:
        e.officer(f"O{n}")
    screen = e.device("display", "screen")
    e.close()
    a = spawn(data_dir=tmp_path / "a", database_url=pg_db, config=hall, env=PAIR_ENV)
    b = spawn(data_dir=tmp_path / "b", database_url=pg_db, config=hall, env=PAIR_ENV)
    assert role(a) == "active" and role(b) == "standby"
    sessions = {n: login(a, pcs[n], n, f"O{n}") for n in pcs}
    follower = Follower([f"ws://127.0.0.1:{s.port}/api/v1/stream" for s in (a, b)], screen)
    follower.start()
    load = Workload([a.url, b.url], kiosks, sessions).start()
    try:
        assert wait_until(lambda: sum(s == "done" for s in load.ledger.state.values()) >= 15), "the hall is not busy"
        acked = len(load.ledger.state)
        a.kill()
        killed = time.monotonic()
        assert wait_until(lambda: role(b) == "active", 30), "the standby never took over"
        active_after = time.monotonic() - killed
        assert wait_until(lambda: len(load.ledger.state) > acked + 10, 30), "nothing served after the takeover"
        with b.client(kiosks[0]) as k:
            r = k.post("/tickets", json={"category": "C"}, headers={"Idempotency-Key": "probe"})
        serving_after = time.monotonic() - killed
        assert r.status_code == 200
        load.ledger.ack(r.json())
    finally:
        load.stop()
    record_property("failover_active_s", round(active_after, 2))
    record_property("failover_serving_s", round(serving_after, 2))
    print(f"\nfailover: standby active {active_after:.2f} s after kill -9, serving at {serving_after:.2f} s")
    head = b.health()["seq"]
    try:
        assert follower.wait_for(head), f"the display resynced only to {follower.last} of {head}"
    finally:
        follower.stop()
    assert follower.seqs == list(range(1, head + 1)), "the display missed or doubled events across the switch"
    store, state = stored(pg_db, "t")
    try:
        assert verify_log(store) == head
        check_acknowledged(load.ledger, state)
        with store.engine.connect() as conn:
            calls = conn.execute(
                text("SELECT data FROM event WHERE hall_id = 't' AND kind = 'ticket.called'")
            ).scalars()
            called = [json.loads(d)["ticket"]["id"] for d in calls]
        assert len(called) == len(set(called)), "a ticket was called twice"
        assert all(len(c) == 1 for c in load.ledger.called_at.values()), "a ticket was handed to two counters"
    finally:
        store.engine.dispose()
    # the old active comes back as the standby
    again = spawn(data_dir=tmp_path / "a", database_url=pg_db, config=hall, env=PAIR_ENV, port=a.port)
    assert role(again) == "standby" and role(b) == "active"


def test_active_cut_off_from_the_database_stops_writing(tmp_path, spawn, pg_db):
    """The lock-holding connection dies while the process lives: it must never write again as active."""
    hall = write_hall(tmp_path / "hall.toml", counters=2)
    e = Enrolment(ServeProcess(data_dir=tmp_path / "a", database_url=pg_db, config=hall).settings())
    kiosk = e.device("kiosk", "k")
    e.close()
    a = spawn(data_dir=tmp_path / "a", database_url=pg_db, config=hall, env=PAIR_ENV)
    b = spawn(data_dir=tmp_path / "b", database_url=pg_db, config=hall, env=PAIR_ENV)
    store, _ = stored(pg_db, "t")
    try:
        with store.engine.connect() as conn:
            holder = conn.execute(text("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted")).scalar()
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": holder})
            conn.commit()
    finally:
        store.engine.dispose()
    assert wait_until(lambda: role(b) == "active", 20)
    assert wait_until(lambda: role(a) == "standby", 20)
    with a.client(kiosk) as k:
        assert k.post("/tickets", json={"category": "A"}).json()["error"]["code"] == "standby"
    with b.client(kiosk) as k:
        assert k.post("/tickets", json={"category": "A"}).json()["label"] == "A001"
    store, state = stored(pg_db, "t")
    try:
        assert verify_log(store) == b.health()["seq"] and len(state.tickets) == 1
    finally:
        store.engine.dispose()

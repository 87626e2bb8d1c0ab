"""Officer sessions die with their counter PC, when idle, at close of day, and when the officer logs in again."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from dispatcher import admin
from dispatcher.auth import token_hash
from dispatcher.settings import Settings
from dispatcher.wiring import build_service
from protocol.models import DeviceCreate, OfficerCreate
from tests.support.live import LiveDispatcher


@contextlib.contextmanager
def stream(live, token: str):
    with connect(live.ws_url, additional_headers={"Authorization": f"Bearer {token}"}, open_timeout=10) as ws:
        ws.recv(timeout=10)  # hello
        ws.recv(timeout=10)  # snapshot
        yield ws


def closed_with(ws) -> int:
    with pytest.raises(ConnectionClosed) as closed:
        for _ in range(100):
            ws.recv(timeout=15)
    return closed.value.rcvd.code


def token_of(client) -> str:
    return client.headers["Authorization"].split()[1]


def test_revoking_the_counter_pc_ends_its_sessions_and_closes_their_streams(live):
    live.officer("1001")
    officer = live.login(3, "1001")
    with live.client(live.device("admin", "boss")) as boss:
        pc = next(d for d in boss.get("/admin/devices").json() if d["name"] == "counter-pc-3-1001")
        with stream(live, token_of(officer)) as ws:
            boss.post(f"/admin/devices/{pc['id']}/revoke").raise_for_status()
            assert closed_with(ws) == 4401
        assert officer.post("/counters/3/next").status_code == 401
        assert next(c for c in boss.get("/counters").json() if c["number"] == 3)["state"] == "closed"
    kinds = [(e.kind, e.data.get("why")) for e in live.svc.events_since(0, limit=5000)]
    assert ("officer.session_ended", "device_revoked") in kinds


def test_close_of_day_ends_every_session(live):
    live.officer("1001")
    live.officer("1002")
    first, second = live.login(1, "1001"), live.login(2, "1002")
    with live.client(live.device("admin", "boss")) as boss, stream(live, token_of(first)) as ws:
        boss.post("/admin/day/close").raise_for_status()
        assert closed_with(ws) == 4401
        for officer, n in ((first, 1), (second, 2)):
            assert officer.get(f"/counters/{n}/stats").status_code == 401
        assert {c["state"] for c in boss.get("/counters").json()} == {"closed"}
    again = live.login(1, "1002")  # the counter is free for anyone
    assert again.get("/counters/1/stats").status_code == 200


def test_a_new_login_ends_the_old_session(live):
    live.officer("1001")
    pcs = {n: live.client(live.device("counter", f"pc-{n}", counter=n)) for n in (1, 2)}

    def login(n: int):
        r = pcs[n].post(f"/counters/{n}/login", json={"staff_id": "1001", "pin": "123456"})
        r.raise_for_status()
        return live.client(r.json()["token"])

    old = login(1)
    with stream(live, token_of(old)) as ws:
        new = login(1)  # the same counter again (a restarted counter app)
        assert closed_with(ws) == 4401
    assert old.get("/counters/1/stats").status_code == 401
    assert new.get("/counters/1/stats").status_code == 200
    elsewhere = login(2)  # another counter: the first one closes
    assert new.get("/counters/1/stats").status_code == 401
    assert elsewhere.get("/counters/2/stats").status_code == 200
    states = {c["number"]: c["state"] for c in elsewhere.get("/counters").json()}
    assert states[1] == "closed" and states[2] == "idle"


@pytest.fixture
def quick_expiry(tmp_path, monkeypatch):
    """A dispatcher whose sessions end after 1 s without a request, checked every 0.2 s."""
    monkeypatch.setenv("FAIRQ_SESSION_IDLE_S", "1")
    monkeypatch.setenv("FAIRQ_TICK_S", "0.2")
    server = LiveDispatcher(data_dir=tmp_path / "data").start()
    yield server
    server.stop()


def test_an_idle_session_expires_and_its_stream_closes(quick_expiry):
    live = quick_expiry
    live.officer("1001")
    officer = live.login(4, "1001")
    with stream(live, token_of(officer)) as ws:
        assert closed_with(ws) == 4401  # no request for a second: the tick ends the session
    assert officer.get("/counters/4/stats").status_code == 401
    ended = [e for e in live.svc.events_since(0, limit=5000) if e.kind == "officer.session_ended"]
    assert ended and ended[-1].data["why"] == "idle"


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


def test_requests_keep_a_session_alive_until_it_is_idle_for_the_setting(tmp_path):
    clock = Clock()
    svc = build_service(Settings(data_dir=tmp_path, session_idle_s=600, zeroconf=False), clock=clock)
    svc.tick()
    admin.add_officer(svc, OfficerCreate(staff_id="1001", name="王", pin="135790"), by="test")
    admin.add_device(svc, DeviceCreate(name="pc-1", role="counter", counter=1), by="test")
    reply = svc.login(counter=1, staff_id="1001", pin="135790", device="device:1")
    digest = token_hash(reply.token)
    for _ in range(5):  # a request every 9 minutes for 45 minutes
        clock.now += timedelta(minutes=9)
        assert svc.sessions.alive(svc.store.session_by_token(digest))
        svc.sessions.touch(digest)
    clock.now += timedelta(minutes=10, seconds=1)
    assert not svc.sessions.alive(svc.store.session_by_token(digest))
    svc.tick()
    assert svc.store.session_by_token(digest).revoked
    assert svc.hall.counter(1).staff_id is None

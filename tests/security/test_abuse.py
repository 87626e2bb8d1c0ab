"""Abuse limits: the kiosk's issuing rate, declaration squatting, reused Idempotency-Keys, bounded replay."""

from __future__ import annotations

import json
import threading
import time

import pytest
from websockets.sync.client import connect

from protocol.events import HallNotice
from tests.support.live import LiveDispatcher

DECLARATION = "220120241000012345"
REAL, BOGUS = "3101000001", "3301960001"


@pytest.fixture
def limited(tmp_path, monkeypatch):
    """A dispatcher whose kiosks may issue 5 tickets a minute and whose streams replay at most 100 events."""
    monkeypatch.setenv("FAIRQ_ISSUE_PER_MINUTE", "5")
    monkeypatch.setenv("FAIRQ_STREAM_MAX_REPLAY", "100")
    server = LiveDispatcher(data_dir=tmp_path / "data").start()
    yield server
    server.stop()


def test_a_kiosk_issuing_too_fast_gets_429_with_retry_after(limited):
    kiosk = limited.client(limited.device("kiosk", "kiosk-1"))
    other = limited.client(limited.device("kiosk", "kiosk-2"))
    first = kiosk.post("/tickets", json={"category": "C"}, headers={"Idempotency-Key": "k0"}).json()
    for n in range(1, 5):
        kiosk.post("/tickets", json={"category": "C"}, headers={"Idempotency-Key": f"k{n}"}).raise_for_status()
    r = kiosk.post("/tickets", json={"category": "C"}, headers={"Idempotency-Key": "k5"})
    assert r.status_code == 429 and r.json()["error"]["code"] == "issue_rate_limited"
    assert 0 < int(r.headers["Retry-After"]) <= 60
    again = kiosk.post("/tickets", json={"category": "C"}, headers={"Idempotency-Key": "k0"})
    assert again.status_code == 200 and again.json()["id"] == first["id"]  # a retry is not a new ticket
    assert other.post("/tickets", json={"category": "C"}).status_code == 200  # other kiosks are not held up


def test_a_declaration_taken_by_another_kiosk_with_another_enterprise_is_refused_and_reported(live):
    squatter = live.client(live.device("kiosk", "kiosk-1"))
    trader = live.client(live.device("kiosk", "kiosk-2"))
    held = squatter.post("/tickets", json={"category": "A", "declaration_no": DECLARATION, "enterprise_code": BOGUS})
    held.raise_for_status()
    r = trader.post("/tickets", json={"category": "A", "declaration_no": DECLARATION, "enterprise_code": REAL})
    assert r.status_code == 409 and r.json()["error"]["code"] == "declaration_in_use"
    assert "help desk" in r.json()["error"]["message"]
    assert len(live.svc.hall.tickets) == 1  # nothing merged, nothing new
    conflicts = [e for e in live.svc.events_since(0, limit=5000) if e.kind == "ticket.declaration_conflict"]
    assert len(conflicts) == 1
    assert conflicts[0].data["held_by"] == "kiosk-1" and conflicts[0].data["enterprise_code"] == REAL
    same = trader.post("/tickets", json={"category": "A", "declaration_no": DECLARATION, "enterprise_code": BOGUS})
    assert same.status_code == 200 and same.json()["reprint"] is True  # the same declaration and enterprise
    supervisor = live.client(live.device("supervisor", "sup-1"))
    report = supervisor.get(f"/reports/{live.svc.hall.day.day}.json").json()
    assert [w["rule"] for w in report["warnings"]].count("declaration_conflict") == 1


def test_an_idempotency_key_reused_with_another_body_gets_422(live):
    kiosk = live.client(live.device("kiosk", "kiosk-1"))
    key = {"Idempotency-Key": "abc-1"}
    first = kiosk.post("/tickets", json={"category": "C"}, headers=key).json()
    assert kiosk.post("/tickets", json={"category": "C"}, headers=key).json()["id"] == first["id"]
    r = kiosk.post("/tickets", json={"category": "B", "declaration_no": "220120240000054321"}, headers=key)
    assert r.status_code == 422 and r.json()["error"]["code"] == "idempotency_mismatch"
    assert len(live.svc.hall.tickets) == 1


def hello(live, token: str, since: int) -> dict:
    url = f"{live.ws_url}?since={since}"
    with connect(url, additional_headers={"Authorization": f"Bearer {token}"}, open_timeout=10) as ws:
        return json.loads(ws.recv(timeout=10))


def test_replay_is_bounded_and_a_far_behind_stream_gets_a_snapshot(limited):
    screen = limited.device("display", "screen-1")
    limited.svc.record(*(HallNotice(by="test", text=str(n)) for n in range(120)))
    head = limited.svc.seq
    assert hello(limited, screen, 0)["mode"] == "snapshot"
    assert hello(limited, screen, head - 100)["mode"] == "replay"
    assert hello(limited, screen, head - 101)["mode"] == "snapshot"


def test_streams_from_zero_on_a_long_day_do_not_slow_a_kiosk(limited):
    """Ten `since=0` streams on a day of 3,000 events: the kiosk's requests stay quick (a generous bound)."""
    live = limited
    screen = live.device("display", "screen-1")
    for _ in range(6):
        live.svc.record(*[HallNotice(by="test", text="x" * 200)] * 500)
    kiosk = live.client(live.device("kiosk", "kiosk-1"))
    received = []

    def follow():
        url = f"{live.ws_url}?since=0"
        with connect(url, additional_headers={"Authorization": f"Bearer {screen}"}, max_size=2**24) as ws:
            n = 0
            while True:
                try:
                    ws.recv(timeout=2)
                    n += 1
                except TimeoutError:
                    break
            received.append(n)

    streams = [threading.Thread(target=follow) for _ in range(10)]
    for t in streams:
        t.start()
    worst = 0.0
    for _ in range(10):
        began = time.perf_counter()
        kiosk.get("/snapshot").raise_for_status()
        worst = max(worst, time.perf_counter() - began)
    for t in streams:
        t.join(30)
    assert received == [2] * 10  # hello and snapshot: not 3,000 events each
    assert worst < 5.0, worst  # generous for a loaded test machine; bench/replay_storm.py measures it

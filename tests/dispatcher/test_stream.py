"""The event stream: snapshot first, or exactly the missed events, then live events without gaps."""

import json

from websockets.sync.client import connect


def recv(ws) -> dict:
    return json.loads(ws.recv(timeout=10))


def test_snapshot_then_live_events(live):
    token = live.device("display", "screen-1")
    kiosk = live.client(live.device("kiosk", "kiosk-1"))
    kiosk.post("/tickets", json={"category": "C"}).raise_for_status()
    with connect(f"{live.ws_url}", additional_headers={"Authorization": f"Bearer {token}"}) as ws:
        hello = recv(ws)
        assert hello["mode"] == "snapshot"
        snap = recv(ws)["snapshot"]
        assert snap["seq"] == hello["seq"] == live.svc.seq
        assert next(c for c in snap["categories"] if c["code"] == "C")["waiting"] == 1
        assert len(snap["day"]["commitment"]) == 64
        kiosk.post("/tickets", json={"category": "C"}).raise_for_status()
        event = recv(ws)["event"]
        assert event["seq"] == snap["seq"] + 1 and event["data"]["ticket"]["label"] == "C002"


def test_replay_since_sends_exactly_what_was_missed(live):
    token = live.device("display", "screen-1")
    kiosk = live.client(live.device("kiosk", "kiosk-1"))
    since = live.svc.seq
    for _ in range(5):
        assert kiosk.post("/tickets", json={"category": "B"}).status_code == 422  # refused: no event
        kiosk.post("/tickets", json={"category": "C"}).raise_for_status()
    with connect(f"{live.ws_url}?since={since}", additional_headers={"Authorization": f"Bearer {token}"}) as ws:
        hello = recv(ws)
        assert hello["mode"] == "replay" and hello["since"] == since
        seqs = [recv(ws)["event"]["seq"] for _ in range(5)]
        assert seqs == list(range(since + 1, since + 6))
        kiosk.post("/tickets", json={"category": "C"}).raise_for_status()
        assert recv(ws)["event"]["seq"] == since + 6


def test_since_from_the_future_gets_a_snapshot(live):
    token = live.device("display", "screen-1")
    with connect(f"{live.ws_url}?since=999999", additional_headers={"Authorization": f"Bearer {token}"}) as ws:
        assert recv(ws)["mode"] == "snapshot"
        assert recv(ws)["type"] == "snapshot"


def test_events_endpoint_pages(live):
    kiosk = live.client(live.device("kiosk", "kiosk-1"))
    for _ in range(7):
        kiosk.post("/tickets", json={"category": "C"}).raise_for_status()
    page = kiosk.get("/events", params={"since": 0, "limit": 3}).json()
    assert [e["seq"] for e in page] == [1, 2, 3]
    rest = kiosk.get("/events", params={"since": 3}).json()
    assert rest[0]["seq"] == 4 and rest[-1]["seq"] == live.svc.seq

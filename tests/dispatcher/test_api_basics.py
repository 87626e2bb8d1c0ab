"""The API over a real uvicorn server: ticket life, idempotency, re-roll, restarts."""

import json
import socket
import time

import httpx

from tests.support.live import LiveDispatcher

DECL_IMPORT = "220120261000012345"


def test_health_and_openapi(live):
    with live.client() as c:
        assert c.get("/health").json()["status"] == "ok"
    spec = httpx.get(f"{live.url}/openapi.json").json()
    assert "/api/v1/tickets" in spec["paths"] and "/api/v1/counters/{number}/next" in spec["paths"]


def test_ticket_through_a_counter(live):
    live.officer("1001", "张伟")
    kiosk = live.client(live.device("kiosk", "kiosk-1"))
    r = kiosk.post("/tickets", json={"category": "C"}, headers={"Idempotency-Key": "a"})
    assert r.status_code == 200, r.text
    ticket = r.json()
    assert ticket["label"] == "C001" and ticket["state"] == "waiting" and ticket["waiting_ahead"] == 0
    officer = live.login(7, "1001")
    got = officer.post("/counters/7/next").json()
    assert got["ticket"]["id"] == ticket["id"] and got["counter"]["state"] == "busy"
    assert officer.post("/counters/7/start").json()["ticket"]["state"] == "serving"
    done = officer.post("/counters/7/complete", json={"outcome": "accepted"}).json()
    assert done["counter"]["state"] == "idle" and done["ticket"] is None
    r = officer.post("/counters/7/rate", json={"ticket_id": ticket["id"], "rating": "very_satisfied"})
    assert r.status_code == 200, r.text
    assert kiosk.get(f"/tickets/{ticket['id']}").json()["rating"] == "very_satisfied"
    stats = officer.get("/counters/7/stats").json()
    assert stats["served"] == 1
    assert officer.post("/counters/7/logout").status_code == 200
    # the session ended with the logout
    assert officer.post("/counters/7/next").status_code == 401


def test_idempotency_key_makes_one_ticket(live):
    kiosk = live.client(live.device("kiosk", "kiosk-1"))
    first = kiosk.post("/tickets", json={"category": "C"}, headers={"Idempotency-Key": "k-1"}).json()
    again = kiosk.post("/tickets", json={"category": "C"}, headers={"Idempotency-Key": "k-1"}).json()
    assert again["id"] == first["id"]
    assert len([t for t in live.svc.hall.tickets.values()]) == 1


def test_retry_after_dropped_reply_makes_one_ticket(live):
    token = live.device("kiosk", "kiosk-1")
    body = json.dumps({"category": "C"}).encode()
    request = (
        f"POST /api/v1/tickets HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: application/json\r\nIdempotency-Key: lost-reply\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    with socket.create_connection(("127.0.0.1", live.port)) as s:
        s.sendall(request)  # and hang up without reading the reply
    deadline = time.monotonic() + 10
    while not live.svc.hall.tickets and time.monotonic() < deadline:
        time.sleep(0.02)
    kiosk = live.client(token)
    retried = kiosk.post("/tickets", json={"category": "C"}, headers={"Idempotency-Key": "lost-reply"}).json()
    assert len(live.svc.hall.tickets) == 1
    assert retried["id"] == next(iter(live.svc.hall.tickets))


def test_open_declaration_returns_same_ticket(live):
    kiosk = live.client(live.device("kiosk", "kiosk-1"))
    one = kiosk.post("/tickets", json={"category": "A", "declaration_no": DECL_IMPORT}).json()
    two = kiosk.post("/tickets", json={"category": "A", "declaration_no": DECL_IMPORT}).json()
    assert two["id"] == one["id"] and two["reprint"] is True and one["reprint"] is False
    other_kiosk = live.client(live.device("kiosk", "kiosk-2"))
    three = other_kiosk.post("/tickets", json={"category": "A", "declaration_no": DECL_IMPORT}).json()
    assert three["id"] == one["id"]


def test_kiosk_cancels_unprinted_ticket(live):
    kiosk = live.client(live.device("kiosk", "kiosk-1"))
    other = live.client(live.device("kiosk", "kiosk-2"))
    t = kiosk.post("/tickets", json={"category": "C"}).json()
    r = other.post(f"/tickets/{t['id']}/cancel", json={"reason": "print failed"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "not_your_ticket"
    r = kiosk.post(f"/tickets/{t['id']}/cancel", json={"reason": "print failed"})
    assert r.json()["state"] == "cancelled"


def test_state_survives_restart(tmp_path):
    server = LiveDispatcher(data_dir=tmp_path / "d").start()
    server.officer("1001")
    kiosk_token = server.device("kiosk", "kiosk-1")
    with server.client(kiosk_token) as kiosk:
        ids = [kiosk.post("/tickets", json={"category": "C"}).json()["id"] for _ in range(3)]
    officer = server.login(8, "1001")
    called = officer.post("/counters/8/next").json()["ticket"]["id"]
    seq = server.svc.seq
    server.stop()
    again = LiveDispatcher(data_dir=tmp_path / "d", port=server.port).start()
    try:
        assert again.svc.seq == seq
        with again.client(kiosk_token) as kiosk:
            states = {i: kiosk.get(f"/tickets/{i}").json()["state"] for i in ids}
            assert states[called] == "called" and sorted(states.values()) == ["called", "waiting", "waiting"]
            snap = kiosk.get("/snapshot").json()
            counter8 = next(c for c in snap["counters"] if c["number"] == 8)
            assert counter8["ticket"]["id"] == called and counter8["state"] == "busy"
            nxt = kiosk.post("/tickets", json={"category": "C"}).json()
            assert nxt["label"] == "C004"
        # the officer's session still works after the restart
        assert officer.post("/counters/8/start").json()["ticket"]["state"] == "serving"
    finally:
        again.stop()


def test_a_kiosk_can_ask_what_a_lost_request_got(live):
    kiosk = live.client(live.device("kiosk", "kiosk-1"))
    other = live.client(live.device("kiosk", "kiosk-2"))
    r = kiosk.get("/tickets/by-key/never-sent")
    assert r.status_code == 404 and r.json()["error"]["code"] == "no_ticket_for_key"
    made = kiosk.post("/tickets", json={"category": "C"}, headers={"Idempotency-Key": "k1"}).json()
    found = kiosk.get("/tickets/by-key/k1").json()
    assert found["id"] == made["id"] and found["reprint"] is False
    assert other.get("/tickets/by-key/k1").status_code == 404  # keys are per kiosk
    kiosk.post("/tickets", json={"category": "A", "declaration_no": DECL_IMPORT}, headers={"Idempotency-Key": "k2"})
    again = other.post(
        "/tickets", json={"category": "A", "declaration_no": DECL_IMPORT}, headers={"Idempotency-Key": "k3"}
    )
    assert again.json()["reprint"] is True
    assert other.get("/tickets/by-key/k3").json()["reprint"] is True  # it got someone else's ticket again
    assert len(live.svc.hall.tickets) == 2


def test_arrived_late_through_the_api(live):
    live.officer("1001", "张伟")
    kiosk = live.client(live.device("kiosk", "kiosk-1"))
    ticket = kiosk.post("/tickets", json={"category": "C"}, headers={"Idempotency-Key": "late"}).json()
    officer = live.login(7, "1001")
    assert officer.post("/counters/7/next").json()["ticket"]["id"] == ticket["id"]
    assert officer.post("/counters/7/no-show").status_code == 200
    r = officer.post("/counters/7/arrived-late", json={"ticket_id": ticket["id"]})
    assert r.status_code == 200, r.text
    again = kiosk.get(f"/tickets/{ticket['id']}").json()
    assert again["state"] == "waiting" and again["label"] == ticket["label"]
    r = officer.post("/counters/7/arrived-late", json={"ticket_id": ticket["id"]})
    assert r.status_code == 409 and r.json()["error"]["code"] == "not_no_show"

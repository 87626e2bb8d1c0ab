"""What the existing security tests leave out: a revoked token's open stream, the audit of every admin action."""

from __future__ import annotations

import json

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from tests.reliability.workload import verify_log


def drain_until_closed(ws) -> int:
    with pytest.raises(ConnectionClosed) as closed:
        for _ in range(50):
            ws.recv(timeout=10)
    return closed.value.rcvd.code


def test_revoking_a_token_closes_its_open_stream(live):
    admin = live.client(live.device("admin", "boss"))
    victim = admin.post("/admin/devices", json={"name": "stolen-screen", "role": "display"}).json()
    other = live.device("display", "screen-2")
    with (
        connect(f"{live.ws_url}", additional_headers={"Authorization": f"Bearer {victim['token']}"}) as stolen,
        connect(f"{live.ws_url}", additional_headers={"Authorization": f"Bearer {other}"}) as fine,
    ):
        for ws in (stolen, fine):
            ws.recv(timeout=10)
            ws.recv(timeout=10)
        admin.post(f"/admin/devices/{victim['device']['id']}/revoke").raise_for_status()
        assert drain_until_closed(stolen) == 4401
        assert json.loads(fine.recv(timeout=10))["event"]["kind"] == "admin.device_revoked"  # still open
    assert live.client(victim["token"]).get("/snapshot").status_code == 401


def test_an_officer_stream_ends_with_the_logout(live):
    live.officer("1001")
    officer = live.login(8, "1001")
    token = officer.headers["Authorization"].split()[1]
    with connect(f"{live.ws_url}", additional_headers={"Authorization": f"Bearer {token}"}) as ws:
        ws.recv(timeout=10)
        ws.recv(timeout=10)
        officer.post("/counters/8/logout").raise_for_status()
        assert drain_until_closed(ws) == 4401


def test_every_admin_action_is_audited(live):
    live.officer("1001")
    admin = live.client(live.device("admin", "boss"))
    steps = [
        ("put", "/admin/categories/D", {"code": "D", "name_zh": "查验", "name_en": "Inspection"}),
        ("put", "/admin/counters/9", {"number": 9, "categories": ["C", "D"]}),
        ("post", "/admin/officers", {"staff_id": "2002", "name": "李娜", "pin": "864208"}),
        ("delete", "/admin/officers/2002", None),
        ("post", "/admin/devices", {"name": "kiosk-9", "role": "kiosk"}),
        ("put", "/admin/notice", {"text": "午休 12:00–13:00"}),
        ("post", "/admin/day/close", None),
        ("post", "/admin/day/open", None),
    ]
    for method, path, body in steps:
        r = admin.request(method, path, json=body)
        assert r.status_code in (200, 409), (path, r.text)
    device_id = admin.get("/admin/devices").json()[-1]["id"]
    admin.post(f"/admin/devices/{device_id}/revoke").raise_for_status()
    live.login(7, "1001")
    admin.post("/counters/7/logout").raise_for_status()  # an admin's forced logout
    by_boss = {e["kind"] for e in admin.get("/events", params={"limit": 5000}).json() if e["data"].get("by") == "boss"}
    for kind in [
        "admin.category",
        "admin.counter",
        "admin.officer",
        "admin.officer_removed",
        "admin.device",
        "admin.device_revoked",
        "hall.notice",
        "admin.day_close",
        "admin.force_logout",
    ]:
        assert kind in by_boss, f"{kind} was not audited with who did it"
    assert verify_log(live.svc.store) == live.svc.seq  # and the audit trail is in the hash chain


def test_login_lockout_holds_even_for_the_right_pin(live):
    live.officer("1001", pin="135713")
    pc = live.client(live.device("counter", "pc-5", counter=5))
    codes = [pc.post("/counters/5/login", json={"staff_id": "1001", "pin": "0000"}).status_code for _ in range(6)]
    assert codes[:5] == [401] * 5 and codes[5] == 429
    r = pc.post("/counters/5/login", json={"staff_id": "1001", "pin": "135713"})
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
    assert live.svc.store.setting("notice") == ""  # nothing else changed
    failed = [e for e in live.svc.events_since(0) if e.kind == "officer.login_failed"]
    assert len(failed) == 5

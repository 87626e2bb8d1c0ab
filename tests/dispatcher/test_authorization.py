"""Every role against every endpoint: allowed, 401 or 403; counter tokens act on their own counter only."""

import pytest

from protocol.models import DeviceCreate

ROLES = ["none", "kiosk", "counter", "display", "supervisor", "admin", "officer", "officer_elsewhere"]
EVERYONE = set(ROLES) - {"none"}
DT = "220120260000012346"  # an export declaration: category B requires one

# (method, path, json body, roles that may call it)
ENDPOINTS = [
    ("GET", "/snapshot", None, EVERYONE),
    ("GET", "/events", None, EVERYONE),
    ("GET", "/tickets/1", None, EVERYONE),
    ("GET", "/counters", None, EVERYONE),
    ("GET", "/devices/me", None, EVERYONE),
    ("POST", "/tickets", {"category": "C"}, {"kiosk", "admin"}),
    ("GET", "/tickets/by-key/some-key", None, {"kiosk"}),
    ("POST", "/tickets/1/cancel", {"reason": "x"}, {"kiosk", "supervisor", "admin"}),
    ("POST", "/counters/1/login", {"staff_id": "O1", "pin": "123456"}, {"counter", "admin"}),
    *[("POST", f"/counters/1/{a}", None, {"officer"}) for a in ("next", "recall", "start", "no-show", "pause")],
    ("POST", "/counters/1/resume", None, {"officer"}),
    ("POST", "/counters/1/complete", {"outcome": "ok"}, {"officer"}),
    ("POST", "/counters/1/transfer", {"category": "B", "reason": "x", "declaration_no": DT}, {"officer"}),
    ("POST", "/counters/1/arrived-late", {"ticket_id": 1}, {"officer"}),
    ("POST", "/counters/1/pin", {"pin": "123456", "new_pin": "246802"}, {"officer"}),
    ("POST", "/counters/1/rate", {"ticket_id": 1, "rating": "satisfied"}, {"officer", "counter"}),
    ("GET", "/counters/1/stats", None, {"officer", "supervisor", "admin"}),
    ("POST", "/counters/1/logout", None, {"officer", "admin"}),
    ("POST", "/devices/me/printer", {"state": "ok"}, {"kiosk"}),
    ("GET", "/admin/categories", None, {"supervisor", "admin"}),
    ("GET", "/admin/counters", None, {"supervisor", "admin"}),
    ("GET", "/admin/officers", None, {"supervisor", "admin"}),
    ("GET", "/admin/devices", None, {"supervisor", "admin"}),
    ("PUT", "/admin/notice", {"text": "欢迎"}, {"supervisor", "admin"}),
    (
        "PUT",
        "/admin/categories/C",
        {"code": "C", "name_zh": "其他业务", "name_en": "Other business"},
        {"admin"},
    ),
    ("PUT", "/admin/counters/8", {"number": 8, "categories": ["C"]}, {"admin"}),
    ("POST", "/admin/officers", {"staff_id": "X9", "name": "新人", "pin": "999999"}, {"admin"}),
    ("DELETE", "/admin/officers/VICTIM", None, {"admin"}),
    ("POST", "/admin/devices", {"name": "new-display", "role": "display"}, {"admin"}),
    ("POST", "/admin/devices/1/revoke", None, {"admin"}),
    ("POST", "/admin/day/open", None, {"admin"}),
    ("POST", "/admin/day/reopen", {"day": "2000-01-01", "reason": "x"}, {"admin"}),
    ("GET", "/warnings", None, {"supervisor", "admin"}),
    ("GET", "/warnings/1", None, {"supervisor", "admin"}),
    ("POST", "/warnings/1/assign", {"department": "K1"}, {"supervisor", "admin"}),
    ("POST", "/warnings/1/explain", {"text": "x"}, {"supervisor", "admin"}),
    ("GET", "/spot-checks", None, {"supervisor", "admin"}),
    ("POST", "/spot-checks", {}, {"supervisor", "admin"}),
    ("POST", "/warnings/1/close", {"note": "x"}, {"supervisor", "admin"}),
    ("POST", "/warnings/1/send-back", {"note": "x"}, {"supervisor", "admin"}),
    ("POST", "/spot-checks/1/draw", None, {"supervisor", "admin"}),
    ("POST", "/spot-checks/1/reviews", {"case": "1", "outcome": "upheld"}, {"supervisor", "admin"}),
]


@pytest.fixture
def tokens(live):
    live.device("display", "victim-device")  # device 1, revoked by the test of that endpoint
    live.officer("O1")
    live.officer("O2")
    live.officer("VICTIM")
    made = {
        "kiosk": live.device("kiosk", "kiosk-1"),
        "counter": live.device("counter", "pc-1", counter=1),
        "display": live.device("display", "screen-1"),
        "supervisor": live.device("supervisor", "sup-1"),
        "admin": live.device("admin", "admin-1"),
    }
    with live.client(made["kiosk"]) as kiosk:
        assert kiosk.post("/tickets", json={"category": "C"}).json()["id"] == 1
    officer_elsewhere = live.login(2, "O2")

    def token(role: str) -> str | None:
        if role == "none":
            return None
        if role == "officer":  # a fresh session each time: logout ends the previous one
            return live.login(1, "O1").headers["Authorization"].split()[1]
        if role == "officer_elsewhere":
            return officer_elsewhere.headers["Authorization"].split()[1]
        return made[role]

    return token


@pytest.mark.parametrize("method,path,body,allowed", ENDPOINTS, ids=[f"{m} {p}" for m, p, _, _ in ENDPOINTS])
def test_role_matrix(live, tokens, method, path, body, allowed):
    for role in ROLES:
        with live.client(tokens(role)) as c:
            r = c.request(method, path, json=body)
        if role == "none":
            assert r.status_code == 401, (role, r.text)
            assert r.json()["error"]["code"] == "unauthorized"
        elif role in allowed:
            assert r.status_code not in (401, 403), (role, r.status_code, r.text)
        else:
            assert r.status_code == 403, (role, r.status_code, r.text)
            assert r.json()["error"]["code"] in ("forbidden", "other_counter")


def test_counter_session_cannot_act_on_another_counter(live):
    live.officer("O1")
    officer = live.login(1, "O1")
    r = officer.post("/counters/2/next")
    assert r.status_code == 403 and r.json()["error"]["code"] == "other_counter"
    device = live.client(live.device("counter", "pc-1", counter=1))
    r = device.post("/counters/2/login", json={"staff_id": "O1", "pin": "123456"})
    assert r.status_code == 403


def test_revoked_token_is_refused(live):
    admin = live.client(live.device("admin", "boss"))
    made = admin.post("/admin/devices", json={"name": "screen", "role": "display"}).json()
    screen = live.client(made["token"])
    assert screen.get("/snapshot").status_code == 200
    admin.post(f"/admin/devices/{made['device']['id']}/revoke").raise_for_status()
    assert screen.get("/snapshot").status_code == 401


def test_a_kiosk_revoked_by_another_process_issues_no_more_tickets(live):
    """The issue path knows the kiosk from memory; its commit asks the store, so the admin CLI's revoke holds."""
    from dispatcher import admin as admin_ops
    from dispatcher.settings import Settings
    from dispatcher.wiring import ADMIN, build_service

    made = admin_ops.add_device(live.svc, DeviceCreate(name="kiosk-x", role="kiosk"), by="test")
    kiosk = live.client(made.token)
    assert kiosk.post("/tickets", json={"category": "C"}).status_code == 200  # now remembered
    other = build_service(Settings(data_dir=live.data_dir, zeroconf=False), purpose=ADMIN)  # as `fairq admin` does
    try:
        admin_ops.revoke_device(other, made.device.id, by="cli")
    finally:
        other.close()
    before = len(live.svc.hall.tickets)
    r = kiosk.post("/tickets", json={"category": "C"})
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized"
    assert len(live.svc.hall.tickets) == before  # refused before it ran: no ticket, no event


def test_an_officer_whose_counter_pc_another_process_revoked_draws_nothing(live):
    """Next knows the officer from memory; its commit asks the store, so a revoke by the admin CLI holds."""
    from dispatcher import admin as admin_ops
    from dispatcher.settings import Settings
    from dispatcher.wiring import ADMIN, build_service

    live.officer("O1")
    officer = live.login(1, "O1")
    assert officer.post("/counters/1/next").status_code == 200
    assert officer.post("/counters/1/pause").status_code == 200
    kiosk = live.client(live.device("kiosk", "kiosk-r"))
    assert kiosk.post("/tickets", json={"category": "C"}).status_code == 200  # waits: the counter is paused
    assert officer.get("/counters/1/stats").status_code == 200  # a read: the session is remembered, nothing written
    pc = next(d for d in admin_ops.list_devices(live.svc) if d.name == "counter-pc-1-O1")
    other = build_service(Settings(data_dir=live.data_dir, zeroconf=False), purpose=ADMIN)  # as `fairq admin` does
    try:
        admin_ops.revoke_device(other, pc.id, by="cli")  # the PC's officer sessions end with it
    finally:
        other.close()
    waiting = [t.id for t in live.svc.hall.tickets.values() if t.state == "waiting"]
    assert waiting
    r = officer.post("/counters/1/next")
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthorized", r.text
    assert [t.id for t in live.svc.hall.tickets.values() if t.state == "waiting"] == waiting  # nothing was drawn

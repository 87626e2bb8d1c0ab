"""The disposition over the API: assign → explain → close (one sent back), who may see and do what,
and `fairq audit verify` locating a disposition row changed behind the log's back."""

from __future__ import annotations

import sqlite3

import pytest
from fastapi.testclient import TestClient

from dispatcher import admin
from dispatcher.api import create_app
from dispatcher.console import accounts
from dispatcher.integrity import cases as rules
from dispatcher.integrity import cli as audit_cli
from dispatcher.settings import Settings
from protocol import Role
from protocol.models import DeviceCreate
from tests.integrity.gen import OPEN, FakeClock

from .hall import HEAD_1, HEAD_2, PASSWORD, SUPERVISOR

DAY = "2026-11-27"


@pytest.fixture
def api(hall_dir):
    clock = FakeClock(OPEN.replace(day=30))  # Monday after the generated Friday
    app = create_app(Settings(data_dir=hall_dir / "data", zeroconf=False), clock=clock)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        svc = app.state.service

        def bearer(staff: str) -> dict[str, str]:
            return {"Authorization": f"Bearer {accounts.login(svc, staff, PASSWORD, source='test').token}"}

        client.bearer = bearer  # type: ignore[attr-defined]
        client.clock = clock  # type: ignore[attr-defined]
        yield client


def _supervisor_device(svc) -> str:
    """A supervisor PC's token (the API's report routes take device tokens)."""
    return admin.add_device(svc, DeviceCreate(name="supervisor-pc", role=Role.SUPERVISOR), by="test").token


def _case(cases: list[dict], rule: str, staff: str) -> dict:
    return next(c for c in cases if c["rule"] == rule and c["staff_id"] == staff)


def test_each_warning_goes_through_assign_explain_close_and_one_is_sent_back(api, hall_dir):
    sup, h1, h2 = api.bearer(SUPERVISOR), api.bearer(HEAD_1), api.bearer(HEAD_2)
    every = api.get(f"/api/v1/warnings?day={DAY}", headers=sup).json()
    withholding, no_shows, pairing = (_case(every, r, s) for r, s in
                                      (("withholding", "O2"), ("no_shows", "O4"), ("pairing", "O5")))  # fmt: skip
    assert {withholding["department"], no_shows["department"], pairing["department"]} == {"K1", "K2"}
    k1 = api.get(f"/api/v1/warnings?day={DAY}", headers=h1).json()
    assert k1 and {c["department"] for c in k1} == {"K1"}
    assert {c["id"] for c in k1} == {c["id"] for c in every if c["department"] == "K1"}

    def step(who, case, name, **body):
        return api.post(f"/api/v1/warnings/{case['id']}/{name}", headers=who, json=body)

    assert step(sup, withholding, "assign", department="K1").json()["state"] == "assigned"
    assert step(sup, no_shows, "assign", department="K2").json()["assignee"] == "department:K2"
    assert step(sup, pairing, "assign", staff=HEAD_2, note="请科长核实").json()["assignee"] == f"staff:{HEAD_2}"
    refused = step(h2, withholding, "explain", text="不是我科的")
    assert refused.status_code == 404  # another department's warning is not even visible
    assert step(h1, withholding, "close").status_code == 403  # a head does not close
    assert step(h1, withholding, "explain", text="关员临时离岗复核单证", reference="K1-2026-031").status_code == 200
    assert step(h2, no_shows, "explain", text="已谈话提醒").status_code == 200
    assert step(h2, pairing, "explain", text="经核实为企业固定报关员").status_code == 200
    assert step(sup, withholding, "close", note="说明属实").json()["state"] == "closed"
    back = step(sup, no_shows, "send-back", note="请附谈话记录")
    assert back.json()["state"] == "sent_back"
    assert step(sup, no_shows, "close").status_code == 409  # not explained again yet
    assert step(h2, no_shows, "explain", text="已谈话提醒，记录附后", reference="K2-谈话-07").status_code == 200
    assert step(sup, no_shows, "close").json()["state"] == "closed"
    assert step(sup, pairing, "close").json()["state"] == "closed"
    assert step(sup, pairing, "explain", text="x").status_code == 403  # not assigned to the supervisor
    svc = api.app.state.service
    kinds = [e.kind for e in svc.events_since(0, limit=100000) if e.kind.startswith("warning.")]
    assert kinds.count("warning.explained") == 4 and kinds.count("warning.sent_back") == 1
    assert kinds.count("warning.closed") == 3
    explained = [e for e in svc.events_since(0, limit=100000) if e.kind == "warning.explained"]
    assert {e.data["by"] for e in explained} == {HEAD_1, HEAD_2}

    heads = {"K1": h1, "K2": h2}
    for case in api.get(f"/api/v1/warnings?day={DAY}", headers=sup).json():  # every other case of the day, too
        if case["state"] == "closed":
            continue
        if case["department"]:
            assert step(sup, case, "assign", department=case["department"]).status_code == 200
        else:  # a long wait names no officer: the hall's superior takes it
            assert step(sup, case, "assign", staff=HEAD_1).status_code == 200
        head = heads[case["department"]] if case["department"] else h1
        assert step(head, case, "explain", text="已回访当事企业").status_code == 200
        assert step(sup, case, "close").status_code == 200
    final = api.get(f"/api/v1/warnings?day={DAY}", headers=sup).json()
    assert len(final) == len(every) and {c["state"] for c in final} == {"closed"}
    device = {"Authorization": f"Bearer {_supervisor_device(svc)}"}
    report = api.get(f"/api/v1/reports/{DAY}.json", headers=device).json()  # the day report shows each disposition
    assert {w["disposition"]["state"] for w in report["warnings"]} == {"closed"}
    assert len(report["dispositions"]) == len(final)
    csv = api.get(f"/api/v1/reports/{DAY}.csv", headers=device).text
    assert csv.count("\ndisposition,") == len(final) and "已回访当事企业" in csv

    assert audit_cli.main(["verify", "--data-dir", str(hall_dir / "data")]) == 0
    with sqlite3.connect(hall_dir / "data" / "fairq.sqlite3") as db:  # someone "closes" a case in the table
        db.execute("UPDATE warning_case SET state = 'closed', explanation = '已整改' WHERE id = ?", (k1[-1]["id"],))
    db.close()
    assert audit_cli.main(["verify", "--data-dir", str(hall_dir / "data")]) == 1


def test_tampering_is_located_by_case_and_field(api, hall_dir, capsys):
    sup = api.bearer(SUPERVISOR)
    case = api.get(f"/api/v1/warnings?day={DAY}", headers=sup).json()[0]
    api.post(f"/api/v1/warnings/{case['id']}/assign", headers=sup, json={"department": "K1"})
    with sqlite3.connect(hall_dir / "data" / "fairq.sqlite3") as db:
        db.execute("UPDATE warning_case SET assignee = 'department:K2' WHERE id = ?", (case["id"],))
    db.close()
    capsys.readouterr()
    assert audit_cli.main(["verify", "--data-dir", str(hall_dir / "data")]) == 1
    out = capsys.readouterr().out
    assert f"FAILED dispositions: warning_case {case['id']}" in out
    assert "assignee is 'department:K2' in the table but 'department:K1' in the log" in out


def test_deny_by_default_and_overdue_in_the_list(api):
    svc = api.app.state.service
    assert api.get("/api/v1/warnings").status_code == 401
    officer = svc.login(counter=1, staff_id="O1", pin="123456", device="counter-1")
    assert api.get("/api/v1/warnings", headers={"Authorization": f"Bearer {officer.token}"}).status_code == 403
    sup = api.bearer(SUPERVISOR)
    every = api.get(f"/api/v1/warnings?day={DAY}", headers=sup).json()
    assert every and not any(c["overdue"] for c in every)
    api.clock.now = OPEN.replace(month=12, day=7)  # Monday a week later: past the 5 working days of conduct rules
    later = api.get(f"/api/v1/warnings?day={DAY}", headers=api.bearer(SUPERVISOR)).json()
    late = {c["rule"] for c in later if c["overdue"]}
    assert "withholding" in late and rules.LOW_RATING not in late
    assert all(c["working_days_late"] == 1 for c in later if c["overdue"])


def test_the_refusals_say_the_same_words(api):
    """No token or an unknown one: 401 asking for a bearer; a token of another role: 403 naming the role."""
    svc = api.app.state.service
    for headers in ({}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic abc"}):
        r = api.get("/api/v1/warnings", headers=headers)
        assert (r.status_code, r.headers.get("WWW-Authenticate")) == (401, "Bearer")
        assert r.json() == {"error": {"code": "unauthorized", "message": "A valid bearer token is required."}}
    kiosk = admin.add_device(svc, DeviceCreate(name="kiosk-9", role=Role.KIOSK), by="test").token
    officer = svc.login(counter=1, staff_id="O1", pin="123456", device="counter-1").token
    for token, role in ((kiosk, "kiosk"), (officer, "officer")):
        r = api.post("/api/v1/warnings/x/close", json={}, headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 403
        assert r.json() == {"error": {"code": "forbidden", "message": f"A {role} token may not see warnings."}}

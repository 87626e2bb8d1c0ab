"""Console accounts on the in-process app: passwords, cookies, CSRF, throttling, idle expiry, logout, roles."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from dispatcher.console import accounts
from dispatcher.core import Invalid

from .conftest import log_in
from .hall import ADMIN, OFFICER, PASSWORD, SUPERVISOR, csrf_of

ADMIN_PAGES = ["officers", "devices", "counters", "categories", "day"]


def events(app, kind: str) -> list[dict]:
    return [e.data for e in app.state.service.events_since(0, limit=5000) if e.kind == kind]


def test_login_sets_a_strict_httponly_cookie_and_is_audited(app, anonymous):
    r = log_in(anonymous, ADMIN)
    assert r.status_code == 303 and r.headers["location"] == "/console/hall"
    cookie = next(c for c in r.headers.get_list("set-cookie") if c.startswith("fairq_console="))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Secure" not in cookie
    assert events(app, "console.login") == [{"staff_id": ADMIN, "role": "admin", "from": "testclient"}]
    page = anonymous.get("/console/hall")
    assert page.status_code == 200 and "王管理" in page.text
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "default-src 'none'" in csp


def test_cookie_is_secure_under_tls(app):
    with TestClient(app, base_url="https://127.0.0.1") as client:
        r = log_in(client, SUPERVISOR)
        cookie = next(c for c in r.headers.get_list("set-cookie") if c.startswith("fairq_console="))
        assert "Secure" in cookie


def test_wrong_password_is_refused_audited_and_throttled(app, anonymous):
    for _ in range(3):  # the app allows 3 attempts
        r = log_in(anonymous, SUPERVISOR, "wrong password!")
        assert r.status_code == 401 and "工号或密码错误" in r.text
    r = log_in(anonymous, SUPERVISOR)  # even the right password waits now
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
    assert "错误次数过多" in r.text
    assert [e["staff_id"] for e in events(app, "console.login_failed")] == [SUPERVISOR] * 3


def test_an_officer_account_has_no_console(anonymous):
    assert log_in(anonymous, OFFICER).status_code == 401
    assert anonymous.get("/console/hall", follow_redirects=False).status_code == 303


def test_password_rules(app):
    svc = app.state.service
    with pytest.raises(Invalid):
        accounts.set_password(svc, ADMIN, "short", by="test")
    accounts.set_password(svc, ADMIN, "another long one", by="test")
    assert events(app, "admin.officer_password")[-1] == {"by": "test", "staff_id": ADMIN}


def test_a_new_password_ends_open_sessions(app, as_supervisor):
    accounts.set_password(app.state.service, SUPERVISOR, "a brand new one", by=ADMIN)
    assert as_supervisor.get("/console/hall", follow_redirects=False).status_code == 303


def test_idle_session_expires(clock, as_admin):
    assert as_admin.get("/console/hall").status_code == 200
    clock.now += timedelta(minutes=29)
    assert as_admin.get("/console/hall").status_code == 200  # used again: the idle time restarts
    clock.now += timedelta(minutes=29)
    assert as_admin.get("/console/hall.json").status_code == 200  # the live page's refresh ...
    clock.now += timedelta(minutes=2)  # ... is not the person at work: idle since the last page
    r = as_admin.get("/console/hall", follow_redirects=False)
    assert r.status_code == 303 and "expired=1" in r.headers["location"]
    assert as_admin.get("/console/hall.json").status_code == 401


def test_logout_ends_the_session(app, as_admin):
    token = as_admin.cookies.get("fairq_console")
    page = as_admin.get("/console/hall")
    r = as_admin.post("/console/logout", data={"csrf": csrf_of(page.text)}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/console/login?out=1"
    with TestClient(app, base_url="http://127.0.0.1", cookies={"fairq_console": token}) as stolen:
        assert stolen.get("/console/hall.json").status_code == 401
    assert events(app, "console.logout") == [{"staff_id": ADMIN}]


def test_forms_without_the_csrf_token_change_nothing(app, as_admin):
    before = len(app.state.service.store.devices())
    r = as_admin.post("/console/admin/devices", data={"action": "enrol", "name": "forged", "role": "kiosk"})
    assert r.status_code == 403 and "校验码" in r.text
    r = as_admin.post(
        "/console/admin/devices", data={"csrf": "guess", "action": "enrol", "name": "forged", "role": "kiosk"}
    )
    assert r.status_code == 403
    page = as_admin.get("/console/admin/devices")
    cross = {"csrf": csrf_of(page.text), "action": "enrol", "name": "forged", "role": "kiosk"}
    r = as_admin.post("/console/admin/devices", data=cross, headers={"Origin": "http://evil.example"})
    assert r.status_code == 403
    assert len(app.state.service.store.devices()) == before
    anonymous_login = as_admin.post("/console/login", data={"staff_id": ADMIN, "password": PASSWORD})
    assert anonymous_login.status_code == 403  # the login form has its own token too


def test_supervisor_is_refused_administration_on_every_request(app, as_supervisor):
    hall = as_supervisor.get("/console/hall")
    assert "/console/admin/" not in hall.text  # not offered ...
    csrf = csrf_of(hall.text)
    for page in ADMIN_PAGES:  # ... and refused by the server, read or write
        assert as_supervisor.get(f"/console/admin/{page}").status_code == 403
        r = as_supervisor.post(f"/console/admin/{page}", data={"csrf": csrf, "action": "open"})
        assert r.status_code == 403 and "仅限管理员" in r.text
    assert events(app, "admin.day_open") == []


def test_supervisor_sets_the_notice_and_cancels_a_ticket(app, as_supervisor):
    svc = app.state.service
    ticket, _ = svc.run(lambda h: h.issue_ticket(category="C"))
    page = as_supervisor.get("/console/actions")
    assert ticket.label in page.text
    csrf = csrf_of(page.text)
    r = as_supervisor.post("/console/actions", data={"csrf": csrf, "action": "notice", "text": "午休 12:00"})
    assert r.status_code == 200 and svc.store.setting("notice") == "午休 12:00"
    r = as_supervisor.post(
        "/console/actions", data={"csrf": csrf, "action": "cancel", "ticket_id": str(ticket.id), "reason": "重复取号"}
    )
    assert r.status_code == 200 and "已完成" in r.text
    assert svc.hall.tickets[ticket.id].state == "cancelled"
    assert events(app, "ticket.cancelled")[-1]["by"] == SUPERVISOR
    assert events(app, "hall.notice")[-1]["by"] == SUPERVISOR
    r = as_supervisor.post("/console/actions", data={"csrf": csrf, "action": "cancel", "ticket_id": "x", "reason": "?"})
    assert r.status_code == 200 and 'id="error"' in r.text  # said in words, not a traceback


def test_admin_changes_are_attributed_to_the_person(app, as_admin):
    csrf = csrf_of(as_admin.get("/console/admin/officers").text)
    r = as_admin.post(
        "/console/admin/officers",
        data={"csrf": csrf, "action": "add", "staff_id": "S002", "name": "赵主管", "role": "supervisor",
              "pin": "432100", "password": "long enough pw", "recusals": ""},
    )  # fmt: skip
    assert r.status_code == 200 and "赵主管" in r.text and 'id="error"' not in r.text
    assert events(app, "admin.officer")[-1]["by"] == ADMIN
    change = {"csrf": csrf, "action": "update", "staff_id": "S002", "name": "赵主管", "role": "officer", "recusals": ""}
    as_admin.post("/console/admin/officers", data=change)
    assert app.state.service.store.officer("S002").role == "officer"
    r = as_admin.post("/console/admin/officers", data={"csrf": csrf, "action": "pin", "staff_id": "S002", "pin": "12"})
    assert 'id="error"' in r.text
    r = as_admin.post("/console/admin/day", data={"csrf": csrf, "action": "close"})
    assert r.status_code == 200 and events(app, "admin.day_close") == [{"by": ADMIN}]


def test_report_views_are_audited(app, as_supervisor):
    day = app.state.service.hall.day.day
    assert as_supervisor.get(f"/console/reports?day={day}").status_code == 200
    frame = as_supervisor.get(f"/console/reports/{day}/page")
    assert frame.status_code == 200 and "廉政监督日报" in frame.text
    assert "script-src" not in frame.headers["content-security-policy"]
    assert as_supervisor.get(f"/console/reports/{day}/report.csv").text.startswith("section,subject,metric,value")
    assert as_supervisor.get(f"/console/reports/{day}/bundle.json").json()["day"] == day
    assert [(e["by"], e["format"]) for e in events(app, "console.report_viewed")] == [
        (SUPERVISOR, "html"), (SUPERVISOR, "csv"), (SUPERVISOR, "bundle"),
    ]  # fmt: skip
    assert as_supervisor.get("/console/reports/1999-01-01/report.csv").status_code == 404
    assert "没有该营业日" in as_supervisor.get("/console/reports?day=<b>").text

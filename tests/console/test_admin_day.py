"""The day page reopens today's day closed by mistake: admins only, with a reason, attributed to the person."""

from __future__ import annotations

from dispatcher import admin
from dispatcher.console.i18n import LANG_COOKIE

from .hall import ADMIN, csrf_of


def events(app, kind: str) -> list[dict]:
    return [e.data for e in app.state.service.events_since(0, limit=5000) if e.kind == kind]


def closed_by_mistake(app) -> str:
    """Today's day, closed; returns its date."""
    svc = app.state.service
    admin.close_day(svc, by=ADMIN)
    assert not svc.hall.day.is_open and svc.hall.day.day == svc.hall.local_date()
    return svc.hall.day.day


def test_a_supervisor_cannot_reopen_the_day(app, as_supervisor):
    today = closed_by_mistake(app)
    csrf = csrf_of(as_supervisor.get("/console/hall").text)
    form = {"csrf": csrf, "action": "reopen", "day": today, "reason": "误操作"}
    r = as_supervisor.post("/console/admin/day", data=form)
    assert r.status_code == 403 and "仅限管理员" in r.text
    assert events(app, "admin.day_reopen") == [] and not app.state.service.hall.day.is_open


def test_an_admin_reopens_todays_day_with_a_reason(app, as_admin):
    today = closed_by_mistake(app)
    page = as_admin.get("/console/admin/day")
    assert 'id="reopen-form"' in page.text and 'id="open-day"' not in page.text  # opening again would be refused
    assert f'name="day" value="{today}"' in page.text and "重新开启营业日" in page.text
    assert f"<code>{app.state.service.hall.day.seed.hex()}</code>" in page.text  # a closed day's seed is revealed
    form = {"csrf": csrf_of(page.text), "action": "reopen", "day": today, "reason": "误点了结束营业日"}
    r = as_admin.post("/console/admin/day", data=form)
    assert r.status_code == 200 and 'id="message"' in r.text and 'id="error"' not in r.text
    assert app.state.service.hall.day.is_open
    assert 'id="close-day"' in r.text and 'id="reopen-form"' not in r.text
    assert events(app, "admin.day_reopen") == [{"by": ADMIN, "day": today, "reason": "误点了结束营业日"}]
    assert events(app, "day.opened")[-1]["reopened"] is True


def test_an_empty_reason_is_refused_with_a_message(app, as_admin):
    today = closed_by_mistake(app)
    csrf = csrf_of(as_admin.get("/console/admin/day").text)
    r = as_admin.post("/console/admin/day", data={"csrf": csrf, "action": "reopen", "day": today, "reason": "  "})
    assert r.status_code == 200 and 'id="error"' in r.text and "须填写原因" in r.text
    as_admin.cookies.set(LANG_COOKIE, "en")
    r = as_admin.post("/console/admin/day", data={"csrf": csrf, "action": "reopen", "day": today, "reason": ""})
    assert "Reopening a day needs a reason" in r.text and 'id="reopen-form"' in r.text  # the form stays to try again
    assert events(app, "admin.day_reopen") == [] and not app.state.service.hall.day.is_open


def test_a_day_other_than_today_is_refused_in_words(app, as_admin):
    today = closed_by_mistake(app)
    csrf = csrf_of(as_admin.get("/console/admin/day").text)
    form = {"csrf": csrf, "action": "reopen", "day": "1999-01-01", "reason": "旧页面"}
    r = as_admin.post("/console/admin/day", data=form)
    assert 'id="error"' in r.text and "只能重新开启今日的营业日" in r.text
    assert events(app, "admin.day_reopen") == [] and app.state.service.hall.day.day == today

"""The console's pages with hostile names (script tags, quotes, formula prefixes): text everywhere, never markup."""

from __future__ import annotations

import csv
import io

import pytest

from dispatcher import admin
from protocol.events import OfficerLoginFailed
from protocol.models import CategoryConfig, CounterConfig, DeviceCreate, OfficerCreate

from .hall import ADMIN

SCRIPT = "<script>alert(1)</script>"
QUOTES = '"\' onfocus=alert(2) x="'
FORMULA = '=HYPERLINK("http://x","y")'
NAMES = [SCRIPT, QUOTES, FORMULA, "@SUM(A1)", "+1+1", "-2+3"]
PAGES = [
    "/console/hall", "/console/actions", "/console/reports", "/console/admin/officers", "/console/admin/devices",
    "/console/admin/counters", "/console/admin/categories", "/console/admin/day",
]  # fmt: skip


@pytest.fixture
def hostile(app):
    """A hall where every name a person can type is hostile, and one of the hostile officers serves."""
    svc = app.state.service
    for i, name in enumerate(NAMES):
        admin.add_officer(svc, OfficerCreate(staff_id=f"H{i}", name=name[:64], pin="123456", recusals=[]), by=ADMIN)
        admin.add_device(svc, DeviceCreate(name=f"{name[:50]}-{i}", role="kiosk"), by=ADMIN)
    admin.put_category(svc, "Z", CategoryConfig(code="Z", name_zh=SCRIPT, name_en=QUOTES), by=ADMIN)
    admin.put_counter(svc, 9, CounterConfig(number=9, name=FORMULA, categories=["Z"]), by=ADMIN)
    admin.set_notice(svc, SCRIPT + QUOTES, by=ADMIN)
    svc.run(lambda h: h.login(9, "H0"))
    svc.run(lambda h: h.issue_ticket(category="Z"))
    svc.run(lambda h: h.next(9))
    svc.run(lambda h: h.complete(9))
    svc.record(OfficerLoginFailed(staff_id=SCRIPT))
    return svc


def test_every_page_escapes_hostile_names(hostile, as_admin):
    for path in PAGES:
        html = as_admin.get(path).text
        assert SCRIPT not in html and QUOTES not in html and "'" + " onfocus" not in html
        assert "<script>" not in html.replace('<script src="/console/static/hall.js" defer></script>', ""), path
    officers = as_admin.get("/console/admin/officers").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in officers and "&#34;&#39; onfocus=alert(2)" in officers
    assert "&lt;script&gt;" in as_admin.get("/console/actions").text  # the notice
    assert "&lt;script&gt;" in as_admin.get("/console/admin/categories").text


def test_the_live_figures_are_json_the_page_puts_in_as_text(hostile, as_admin):
    r = as_admin.get("/console/hall.json")
    assert r.headers["content-type"] == "application/json" and r.headers["x-content-type-options"] == "nosniff"
    view = r.json()
    counter = next(c for c in view["counters"] if c["number"] == 9)
    assert counter["name"] == FORMULA and counter["officer_name"] == SCRIPT
    assert any(SCRIPT in a["text"]["zh"] for a in view["alerts"] if a["kind"] == "failed_logins")
    script = as_admin.get("/console/static/hall.js").text
    assert "innerHTML" not in script and "insertAdjacentHTML" not in script and "textContent" in script


def test_reports_and_downloads_escape_and_defuse(hostile, as_admin):
    day = hostile.hall.day.day
    page = as_admin.get(f"/console/reports/{day}/page").text
    assert SCRIPT not in page and "&lt;script&gt;" in page
    rows = list(csv.reader(io.StringIO(as_admin.get(f"/console/reports/{day}/report.csv").text)))
    cells = [cell for row in rows for cell in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "@") or (c[:1] == "-" and not c[1:2].isdigit())]
    assert any(c.startswith("'=HYPERLINK") or c.startswith("'<") or "H0" in c for c in cells)

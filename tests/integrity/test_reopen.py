"""A day closed by mistake and reopened on its date: a fresh committed seed, both verifiers accept it (issue 16)."""

from __future__ import annotations

import pytest

from dispatcher import admin
from dispatcher.core import Conflict, Invalid
from dispatcher.integrity import HallInfo, build_report, load_day
from dispatcher.integrity.html import render_html
from dispatcher.settings import Settings
from dispatcher.wiring import build_service

from .helpers import package_says, rehash, service_day, standalone_says


def reopened_day(tmp_path):
    """The scripted service day, closed by an admin, reopened, served a while longer and closed again."""
    svc, clock = service_day(tmp_path, close=False)
    day = svc.hall.day.day
    clock.advance(60)
    admin.close_day(svc, by="admin-1")
    first = svc.hall.day.commitment
    clock.advance(300)
    view = admin.reopen_day(svc, day=day, reason="误点结束营业", by="admin-1")
    assert view.is_open and view.seed is None and view.commitment != first
    for staff, counter in (("1001", 7), ("1002", 8)):
        svc.run(lambda h, s=staff, c=counter: h.login(c, s))
        svc.run(lambda h, c=counter: h.next(c))
    svc.reload()  # a restart during the reopened part: the sealed fresh seed is read back and draws go on
    assert svc.hall.day.is_open and svc.hall.day.commitment == view.commitment
    for n in range(10):  # a queue builds again, so the draws choose among several tickets and counters
        clock.advance(20)
        svc.run(lambda h: h.issue_ticket(category="C"))
        if n % 3 == 2:
            for counter in (7, 8):
                if svc.hall.current_ticket(counter) is not None:
                    clock.advance(40)
                    svc.run(lambda h, c=counter: h.complete(c))
                    svc.run(lambda h, c=counter: h.next(c))
    clock.advance(60)
    admin.close_day(svc, by="admin-1")
    return svc, load_day(svc.store, day, svc.config.timezone)


@pytest.fixture
def reopened(tmp_path):
    return reopened_day(tmp_path)


def test_a_reopened_day_is_re_derived_by_both_verifiers(reopened):
    svc, log = reopened
    bundle = log.to_bundle()
    opened = [r for r in bundle["records"] if r["kind"] == "day.opened"]
    closed = [r for r in bundle["records"] if r["kind"] == "day.closed"]
    assert len(opened) == 2 and len(closed) == 2
    assert opened[1]["data"]["reopened"] is True
    assert opened[0]["data"]["commitment"] != opened[1]["data"]["commitment"]
    assert closed[0]["data"]["seed"] != closed[1]["data"]["seed"] == bundle["seed"]
    after = [r for r in bundle["records"] if r["kind"] == "ticket.called" and r["seq"] > opened[1]["seq"]]
    assert len(after) >= 5
    assert any(len(r["data"]["draw"]["ticket_candidates"]) > 1 for r in after)
    numbers = [r["data"]["draw"]["draw_no"] for r in bundle["records"] if r["kind"] == "ticket.called"]
    assert numbers == list(range(1, len(numbers) + 1))  # draw numbers go on across the reopening
    labels = [r["data"]["ticket"]["label"] for r in bundle["records"] if r["kind"] == "ticket.issued"]
    assert len(labels) == len(set(labels))  # and so do the labels
    assert package_says(bundle) == "OK"
    assert standalone_says(bundle).startswith("OK")


def test_the_reopening_is_an_override_in_the_report(reopened):
    svc, log = reopened
    report = build_report(log, HallInfo(name="test"))
    assert report["verification"]["ok"]
    overrides = [w for w in report["warnings"] if w["rule"] == "admin_override"]
    assert any(w["data"]["kind"] == "admin.day_reopen" for w in overrides), overrides
    assert any("误点结束营业" in w["evidence"] for w in overrides)
    first, second = report["segments"]
    assert not first["reopened"] and second["reopened"] and second["reason"] == "误点结束营业"
    assert first["seed"] and second["seed"] == log.seed.hex() and first["commitment"] != second["commitment"]
    html = render_html(report)
    assert "误结束后重新开启" in html and second["commitment"] in html


def doctor_a_draw_after_the_reopen(bundle) -> str:
    """Change who got a ticket after the reopening in the log and the draw table alike, and re-chain."""
    reopen = next(r["seq"] for r in bundle["records"] if r["kind"] == "day.opened" and r["data"].get("reopened"))
    i, r = next(
        (i, r)
        for i, r in enumerate(bundle["records"])
        if r["kind"] == "ticket.called" and r["seq"] > reopen and len(r["data"]["draw"]["ticket_candidates"]) > 1
    )
    draw = r["data"]["draw"]
    other = next(t for t in draw["ticket_candidates"] if t != draw["ticket_id"])
    draw["ticket_id"] = r["data"]["ticket"]["id"] = other
    next(d for d in bundle["draws"] if d["draw_no"] == draw["draw_no"])["ticket_id"] = other
    rehash(bundle, i)
    return f"draw {draw['draw_no']} (event {r['seq']}): the seed chooses ticket"


def doctor_the_first_seed(bundle) -> str:
    """Reveal another seed for the part before the reopening, and re-chain."""
    i, r = next((i, r) for i, r in enumerate(bundle["records"]) if r["kind"] == "day.closed")
    r["data"]["seed"] = "11" * 32
    rehash(bundle, i)
    return f"event {r['seq']}:"


def doctor_the_new_commitment(bundle) -> str:
    """Publish another commitment at the reopening, and re-chain."""
    records = enumerate(bundle["records"])
    i, r = next((i, r) for i, r in records if r["kind"] == "day.opened" and r["data"].get("reopened"))
    r["data"]["commitment"] = "ab" * 32
    rehash(bundle, i)
    return "commitment"


@pytest.mark.parametrize("doctor", [doctor_a_draw_after_the_reopen, doctor_the_first_seed, doctor_the_new_commitment])
def test_a_doctored_reopened_day_is_located_by_both(reopened, doctor):
    _, log = reopened
    bundle = log.to_bundle()
    where = doctor(bundle)
    package, alone = package_says(bundle), standalone_says(bundle)
    assert where in package, package
    assert where in alone, alone


def test_reopening_refuses_another_date_an_open_day_and_no_reason(tmp_path):
    svc, clock = service_day(tmp_path, close=False)
    day = svc.hall.day.day
    with pytest.raises(Conflict, match=f"Business day {day} is open: only a closed day can be reopened"):
        admin.reopen_day(svc, day=day, reason="oops", by="admin-1")
    admin.close_day(svc, by="admin-1")
    with pytest.raises(Conflict, match=f"Only today's business day \\({day}\\) can be reopened, not 2026-11-26"):
        admin.reopen_day(svc, day="2026-11-26", reason="oops", by="admin-1")
    with pytest.raises(Invalid, match="needs a reason"):
        admin.reopen_day(svc, day=day, reason="  ", by="admin-1")
    assert not svc.hall.day.is_open
    clock.advance(86400)  # the next day: yesterday's closed day stays closed
    with pytest.raises(Conflict, match=f"can be reopened, not {day}"):
        admin.reopen_day(svc, day=day, reason="oops", by="admin-1")


def test_reopen_over_the_admin_api(live):
    admin_client = live.client(live.device("admin", "boss"))
    kiosk = live.client(live.device("kiosk", "kiosk-1"))
    day = admin_client.post("/admin/day/close").json()
    assert not day["is_open"] and day["seed"]
    other = admin_client.post("/admin/day/reopen", json={"day": "2000-01-01", "reason": "误点"})
    assert other.status_code == 409 and "Only today's business day" in other.text
    r = admin_client.post("/admin/day/reopen", json={"day": day["day"], "reason": "误点结束营业"})
    assert r.status_code == 200, r.text
    assert r.json()["is_open"] and r.json()["commitment"] != day["commitment"] and r.json()["seed"] is None
    again = admin_client.post("/admin/day/reopen", json={"day": day["day"], "reason": "误点"})
    assert again.status_code == 409 and "only a closed day can be reopened" in again.text
    assert kiosk.post("/tickets", json={"category": "C"}).status_code in (200, 201)
    kinds = [e["kind"] for e in admin_client.get("/events", params={"limit": 5000}).json()]
    assert "admin.day_reopen" in kinds


def test_reopen_with_the_admin_cli_while_no_dispatcher_serves(tmp_path, capsys):
    from dispatcher.admin_cli import main as admin_main
    from dispatcher.maintenance import DataDirLock

    svc = build_service(Settings(data_dir=tmp_path, zeroconf=False))  # the real clock: the CLI's today
    svc.tick()
    day = svc.hall.day.day
    admin.close_day(svc, by="admin-1")
    svc.store.engine.dispose()
    argv = ["day", "reopen", day, "--reason", "误点结束营业", "--data-dir", str(tmp_path)]
    with DataDirLock(tmp_path).acquire("serve"):  # a dispatcher serves: it holds the day, so the CLI must not
        with pytest.raises(SystemExit):
            admin_main(argv)
        assert "POST /admin/day/reopen" in capsys.readouterr().err
    assert admin_main(argv) == 0
    assert f"reopened business day {day}" in capsys.readouterr().out
    assert admin_main(argv) == 1
    assert "only a closed day can be reopened" in capsys.readouterr().err
    again = build_service(Settings(data_dir=tmp_path, zeroconf=False))
    assert again.hall.day.is_open and any(e.kind == "admin.day_reopen" for e in again.events_since(0))
    again.store.engine.dispose()

"""The live hall's figures and each kind of alert, on the in-process app with a clock that moves when told."""

from __future__ import annotations

from datetime import timedelta

from dispatcher import admin
from dispatcher.console.live import hall_view
from protocol.events import OfficerLoginFailed
from protocol.models import DeviceCreate

from .hall import OFFICER, SUPERVISOR


def kinds(view) -> set[str]:
    return {a["kind"] for a in view["alerts"]}


def test_every_alert_of_the_live_hall(app, clock, as_supervisor):
    svc = app.state.service
    assert kinds(hall_view(svc)) == set()
    svc.run(lambda h: h.login(8, OFFICER))  # counter 8 serves C only
    svc.run(lambda h: h.pause(8))
    ticket, _ = svc.run(lambda h: h.issue_ticket(category="C"))
    clock.now += timedelta(minutes=16)  # beyond C's 15 minute target, paused all along, its PC silent
    view = hall_view(svc)
    assert {"wait_over_target", "counter_idle", "device_offline"} <= kinds(view)
    c = next(c for c in view["categories"] if c["code"] == "C")
    assert (c["waiting"], c["oldest_wait_s"], c["target_s"]) == (1, 960, 900)
    idle = next(a for a in view["alerts"] if a["kind"] == "counter_idle")
    assert idle["text"]["zh"].startswith("8 号窗口暂停") and "paused" in idle["text"]["en"]

    svc.run(lambda h: h.resume(8))
    svc.run(lambda h: h.next(8))
    svc.run(lambda h: h.start(8))
    clock.now += timedelta(minutes=5)
    svc.run(lambda h: h.complete(8))
    svc.run(lambda h: h.rate(8, ticket.id, "unsatisfied"))
    svc.record(*[OfficerLoginFailed(staff_id="O9", counter=3)] * 2)
    kiosk = admin.add_device(svc, DeviceCreate(name="kiosk-east", role="kiosk"), by="test").device
    row = svc.store.device(kiosk.id)
    row.printer_state = "paper_near_end"
    svc.run(lambda h: None, rows=[row])
    svc.seen(8)  # the counter PC is heard again
    view = hall_view(svc)
    assert kinds(view) == {"low_rating", "failed_logins", "printer_paper_near_end"}
    failed = next(a for a in view["alerts"] if a["kind"] == "failed_logins")
    assert "O9" in failed["text"]["en"] and "2" in failed["text"]["en"]
    counter = next(c for c in view["counters"] if c["number"] == 8)
    assert (counter["served"], counter["mean_service_s"], counter["ratings"]) == (1, 300, [0, 0, 0, 1, 0])
    assert counter["officer_name"] == "张关员" and counter["state"] == "idle"
    assert view["day"]["commitment"] and view["day"]["seed"] is None

    admin.close_day(svc, by=SUPERVISOR)  # once the day closes, the page shows the seed
    assert hall_view(svc)["day"]["seed"] == svc.hall.day.seed.hex()
    assert as_supervisor.get("/console/hall.json").json()["day"]["seed"] == svc.hall.day.seed.hex()

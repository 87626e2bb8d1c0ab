"""Close of day that loses nothing: a service under way at close is completed and verified (issue 16 item 6)."""

from __future__ import annotations

from dispatcher.integrity import load_day

from .helpers import package_says, service_day, standalone_says


def test_service_under_way_at_close_is_completed_and_both_verifiers_accept(tmp_path):
    svc, clock = service_day(tmp_path, close=False)
    waiting = [svc.run(lambda h: h.issue_ticket(category="C"))[0] for _ in range(4)]
    serving = svc.hall.current_ticket(7)
    assert serving is not None
    svc.run(lambda h: h.start(7))
    called = svc.hall.current_ticket(8)
    assert called is not None and str(called.state) == "called"
    clock.advance(60)
    svc.run(lambda h: h.close_day())
    assert str(svc.hall.ticket(serving.id).state) == "serving"
    assert str(svc.hall.ticket(called.id).state) == "expired"
    clock.advance(120)
    svc.run(lambda h: h.complete(7, outcome="已受理"))
    assert str(svc.hall.ticket(serving.id).state) == "done"
    bundle = load_day(svc.store, svc.hall.day.day, svc.config.timezone).to_bundle()
    closed = next(r["data"] for r in bundle["records"] if r["kind"] == "day.closed")
    reasons = {ticket_id: why for why, ids in closed["expired"].items() for ticket_id in ids}  # one event for all
    assert reasons[called.id] == "called_at_close"
    assert all(reasons[t.id] in ("waiting_at_close", "called_at_close") for t in waiting if t.id in reasons)
    assert serving.id not in reasons
    assert package_says(bundle) == "OK"
    assert standalone_says(bundle).startswith("OK")


def test_a_day_with_a_reticket_is_accepted_by_both_verifiers(tmp_path):
    svc, clock = service_day(tmp_path, close=False)
    decl = "220120261000077777"
    first, _ = svc.run(lambda h: h.issue_ticket(category="A", declaration_no=decl))
    svc.run(lambda h: h.cancel_ticket(first.id, reason="trader left"))
    clock.advance(30)
    again, _ = svc.run(lambda h: h.issue_ticket(category="A", declaration_no=decl))
    clock.advance(60)
    svc.run(lambda h: h.close_day())
    bundle = load_day(svc.store, svc.hall.day.day, svc.config.timezone).to_bundle()
    issued = [r["data"] for r in bundle["records"] if r["kind"] == "ticket.issued"]
    assert next(d for d in issued if d["ticket"]["id"] == again.id)["reticket_of"] == first.id
    assert package_says(bundle) == "OK"
    assert standalone_says(bundle).startswith("OK")


def test_a_day_with_an_arrived_late_ticket_is_accepted_by_both_verifiers(tmp_path):
    svc, clock = service_day(tmp_path, close=False)
    for _ in range(3):
        svc.run(lambda h: h.issue_ticket(category="C"))
    late = svc.hall.current_ticket(7)
    assert late is not None
    svc.run(lambda h: h.no_show(7))
    clock.advance(120)
    svc.run(lambda h: h.arrived_late(late.id, by="1001"))
    for counter in (7, 8, 3):
        svc.run(lambda h, c=counter: h.next(c))
    clock.advance(60)
    svc.run(lambda h: h.close_day())
    bundle = load_day(svc.store, svc.hall.day.day, svc.config.timezone).to_bundle()
    assert any(r["kind"] == "ticket.returned" and r["data"]["why"] == "arrived_late" for r in bundle["records"])
    assert package_says(bundle) == "OK"
    assert standalone_says(bundle).startswith("OK")

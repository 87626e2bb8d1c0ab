"""Each risk rule: a scripted day that triggers it, and a near miss that does not."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dispatcher.integrity import Thresholds

from .gen import OPEN
from .helpers import Act, Script


def only(warnings, rule):
    return [w for w in warnings if w.rule == rule]


@pytest.mark.parametrize(("idle_s", "flagged"), [(400, True), (120, False)])
def test_withholding_idle_counter_while_tickets_wait(idle_s, flagged):
    s = Script(counters=2, login=False)
    s.run(lambda h: h.login(1, "O1"))
    s.run(lambda h: h.login(2, "O2"))
    s.run(lambda h: h.next(2))
    for _ in range(3):
        s.run(lambda h: h.issue_ticket(category="A"))  # O2 takes it at once
        ticket, _ = s.run(lambda h: h.issue_ticket(category="A"))  # this one waits for O1
        s.advance(idle_s)
        assert s.run(lambda h: h.next(1)) is ticket
        s.advance(200)
        s.run(lambda h: h.complete(1))
        s.run(lambda h: h.next(2))
    found = s.warnings(rule="withholding")
    assert [w.staff_id for w in found] == (["O1"] if flagged else [])
    if flagged:
        assert found[0].data["stretches"] == 3 and "1号窗口空闲" in found[0].evidence
        assert found[0].tickets


def test_one_long_stretch_also_counts_as_withholding():
    s = Script(counters=2, login=False)
    s.run(lambda h: h.login(1, "O1"))
    s.run(lambda h: h.issue_ticket(category="A"))
    s.advance(2400)
    s.run(lambda h: h.next(1))
    assert [w.staff_id for w in s.warnings(rule="withholding")] == ["O1"]
    assert s.warnings(Thresholds(withhold_total_s=3600), rule="withholding") == []


def rate_policy(bad: Act, good: Act = Act()):
    return lambda staff: bad if staff == "O1" else good


@pytest.mark.parametrize(
    ("rule", "bad"),
    [
        ("no_shows", Act(outcome="no_show")),
        ("recalls", Act(recall=True)),
        ("transfers", Act(outcome="transfer")),
        ("low_ratings", Act(rating="unsatisfied")),
        ("low_ratings", Act(rating="very_unsatisfied")),
    ],
)
def test_rate_far_above_the_hall(rule, bad):
    s = Script(counters=3, seed=3)
    s.serve(45, rate_policy(bad, Act(rating="satisfied")))
    found = only(s.warnings(), rule)
    assert [w.staff_id for w in found] == ["O1"]
    assert found[0].tickets and found[0].data["p_value"] < 0.001


@pytest.mark.parametrize(
    ("rule", "bad"),
    [
        ("no_shows", Act(outcome="no_show")),
        ("recalls", Act(recall=True)),
        ("transfers", Act(outcome="transfer")),
        ("low_ratings", Act(rating="unsatisfied")),
    ],
)
def test_rate_like_the_hall_is_not_flagged(rule, bad):
    s = Script(counters=3, seed=3)
    calls = {"n": 0}

    def everyone_now_and_then(staff):
        calls["n"] += 1
        return bad if calls["n"] % 9 == 0 else Act(rating="satisfied")

    s.serve(45, everyone_now_and_then)
    assert only(s.warnings(), rule) == []


def test_basically_satisfied_is_not_a_low_rating():
    s = Script(counters=3, seed=3)
    s.serve(45, rate_policy(Act(rating="basically_satisfied"), Act(rating="satisfied")))
    assert only(s.warnings(), "low_ratings") == []


@pytest.mark.parametrize(("o1_s", "rule"), [(50, "service_short"), (1000, "service_long"), (330, None)])
def test_service_time_against_the_other_officers(o1_s, rule):
    s = Script(counters=3, seed=4)
    s.serve(40, lambda staff: Act(service_s=o1_s if staff == "O1" else 300))
    found = [w for w in s.warnings() if w.rule.startswith("service_")]
    assert [(w.staff_id, w.rule) for w in found] == ([("O1", rule)] if rule else [])


@pytest.mark.parametrize(("long_services", "flagged"), [(2, True), (1, False)])
def test_services_beyond_target(long_services, flagged):
    s = Script(counters=1)
    s.serve(long_services, lambda staff: Act(service_s=2400))
    s.serve(3, lambda staff: Act(service_s=300))
    found = s.warnings(rule="service_over_target")
    assert [w.staff_id for w in found] == (["O1"] if flagged else [])
    if flagged:
        assert found[0].tickets == ("A001", "A002")


@pytest.mark.parametrize(("after_call", "flagged"), [(True, True), (False, False)])
def test_cancel_after_call(after_call, flagged):
    s = Script(counters=1, login=False)
    s.run(lambda h: h.login(1, "O1"))
    ticket, _ = s.run(lambda h: h.issue_ticket(category="A"))
    if after_call:
        s.run(lambda h: h.next(1))
    s.run(lambda h: h.cancel_ticket(ticket.id, reason="重复取号", by="sup-1"))
    found = s.warnings(rule="cancel_after_call")
    assert [w.staff_id for w in found] == (["O1"] if flagged else [])
    if flagged:
        assert found[0].tickets == ("A001",) and "sup-1" in found[0].evidence


@pytest.mark.parametrize(("local_hour", "flagged"), [(7, True), (9, False)])
def test_login_outside_opening_hours(local_hour, flagged):
    s = Script(counters=1, login=False, start=OPEN + timedelta(minutes=local_hour * 60 - (8 * 60 + 45)))
    s.run(lambda h: h.login(1, "O1"))
    found = s.warnings(rule="login_hours")
    assert [w.staff_id for w in found] == (["O1"] if flagged else [])


@pytest.mark.parametrize(("failures", "flagged"), [(3, True), (2, False)])
def test_repeated_failed_logins(failures, flagged):
    s = Script(counters=1, login=False)
    for _ in range(failures):
        s.advance(5)
        s.add("officer.login_failed", {"counter": 1, "staff_id": "O9"})
    assert [w.staff_id for w in s.warnings(rule="failed_logins")] == (["O9"] if flagged else [])


def test_admin_force_logout_is_an_override_and_a_notice_is_not():
    s = Script(counters=2)
    s.advance(600)
    s.add("hall.notice", {"by": "admin-1", "text": "午休"})
    s.run(lambda h: h.logout(2))
    s.add("admin.force_logout", {"counter": 2, "by": "admin-1"})
    found = s.warnings(rule="admin_override")
    assert [(w.staff_id, w.data["kind"], w.data["by"]) for w in found] == [("O2", "admin.force_logout", "admin-1")]


def test_admin_configuration_outside_the_day_is_not_an_override():
    s = Script(counters=1)
    s.run(lambda h: h.close_day())
    s.advance(3600)
    s.add("admin.counter", {"by": "admin-1", "counter": {"number": 1, "categories": ["A"]}})
    assert s.warnings(rule="admin_override") == []


@pytest.mark.parametrize(("steered", "flagged"), [(True, True), (False, False)])
def test_officer_and_enterprise_paired_beyond_chance(steered, flagged):
    s = Script(counters=4, seed=9)
    s.serve(40, lambda staff: Act(service_s=200))
    for _ in range(8):
        if steered:  # only O1 is ready when the friend's ticket comes
            for n in (2, 3, 4):
                s.run(lambda h, n=n: h.pause(n))
        s.serve(1, lambda staff: Act(service_s=200), enterprise="3101990001")
        if steered:
            for n in (2, 3, 4):
                s.run(lambda h, n=n: h.next(n))
    found = s.warnings(rule="pairing")
    if flagged:
        assert [w.staff_id for w in found] == ["O1"]
        assert found[0].data["enterprise"] == "3101990001" and found[0].data["count"] == 8
        assert len(found[0].tickets) == 8
    else:
        assert found == []


def test_thresholds_are_configurable():
    s = Script(counters=1, login=False, start=OPEN - timedelta(hours=2, minutes=15))  # 06:30 local
    s.run(lambda h: h.login(1, "O1"))
    assert s.warnings(rule="login_hours")
    assert s.warnings(Thresholds(opening=("06:00", "18:00")), rule="login_hours") == []


@pytest.mark.parametrize(("enterprise_retickets", "flagged"), [(3, True), (2, False)])
def test_retickets_are_listed_and_frequent_enterprises_named(enterprise_retickets, flagged):
    s = Script(counters=1, login=False)
    for n in range(enterprise_retickets + 1):
        decl = f"2201202610000{n:05d}"
        firm = "3101000001" if n < enterprise_retickets else None
        first, _ = s.run(lambda h, d=decl, f=firm: h.issue_ticket(category="A", declaration_no=d, enterprise_code=f))
        s.advance(60)
        s.run(lambda h, t=first: h.cancel_ticket(t.id, reason="left"))
        s.run(lambda h, d=decl, f=firm: h.issue_ticket(category="A", declaration_no=d, enterprise_code=f))
    (listed,) = s.warnings(rule="retickets")
    assert listed.staff_id is None and len(listed.tickets) == enterprise_retickets + 1
    assert "2201202610000" in listed.evidence and "cancelled" in listed.evidence
    frequent = s.warnings(rule="retickets_enterprise")
    assert [w.data["enterprise"] for w in frequent] == (["3101000001"] if flagged else [])


def test_no_retickets_no_warning():
    s = Script(counters=1, login=False)
    s.run(lambda h: h.issue_ticket(category="A", declaration_no="220120261000000001"))
    assert s.warnings(rule="retickets") == []

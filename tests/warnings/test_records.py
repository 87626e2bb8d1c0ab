"""Warnings as records: stored once at close with their evidence, found again on a re-run, live ones at once."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from dispatcher import dispositions
from dispatcher.integrity import Thresholds
from dispatcher.integrity import cases as rules
from dispatcher.sessions import BadCredentials
from dispatcher.store.cases import CaseStore

from .hall import open_hall

DAY = "2026-11-27"


def test_the_generated_days_warnings_are_stored_once_at_close_with_their_evidence(hall_dir):
    svc = open_hall(hall_dir)
    try:
        stored = CaseStore(svc.store).cases(days=[DAY])
        by_rule = {(c.rule, c.staff_id) for c in stored}
        assert ("withholding", "O2") in by_rule and ("no_shows", "O4") in by_rule and ("pairing", "O5") in by_rule
        officer_rules = {c.staff_id for c in stored if c.rule not in (rules.LOW_RATING, rules.LONG_WAIT)}
        assert officer_rules == {"O2", "O4", "O5"}  # the honest officers raise no rule of conduct
        assert all(c.state == "open" and c.evidence and json.loads(c.data) is not None for c in stored)
        assert len({c.id for c in stored}) == len(stored)
        raised = CaseStore(svc.store).case_events([rules.RAISED])
        assert sorted(d["case"] for _, _, d in raised) == sorted(c.id for c in stored)
        k1 = {c.department for c in stored if c.staff_id in ("O1", "O2", "O3")}
        assert k1 <= {"K1"}  # each case knows the officer's department
        again = dispositions.record_day(svc, DAY)
        assert again.new == [] and not again.thresholds_changed
        assert len(CaseStore(svc.store).cases(days=[DAY])) == len(stored)
        assert len(CaseStore(svc.store).case_events([rules.RAISED])) == len(raised)
    finally:
        svc.store.engine.dispose()


def test_a_changed_threshold_is_recorded_and_adds_only_the_new_warnings(hall_dir):
    svc = open_hall(hall_dir)
    try:
        before = len(CaseStore(svc.store).cases(days=[DAY]))
        result = dispositions.record_day(svc, DAY, Thresholds(no_show_min=1, rate_factor=1.01, rate_alpha=0.5))
        assert result.thresholds_changed
        runs = CaseStore(svc.store).case_events([rules.RUN])
        last = runs[-1][2]
        assert last["before"]["changed"]["no_show_min"] == [4, 1]
        assert len(CaseStore(svc.store).cases(days=[DAY])) == before + len(result.new)
        assert all(c.rule in ("no_shows", "recalls", "transfers", "low_ratings") for c in result.new)
        assert dispositions.record_day(svc, DAY, Thresholds(no_show_min=1, rate_factor=1.01, rate_alpha=0.5)).new == []
    finally:
        svc.store.engine.dispose()


def test_a_low_rating_opens_its_case_at_once_with_a_deadline_of_15_working_days(hall_dir):
    svc = open_hall(hall_dir)
    try:
        svc.clock.now += timedelta(days=3)  # Monday 2026-11-30, 08:45 in Shanghai
        svc.run(lambda h: h.open_day())
        for n in range(2, 7):  # counters still staffed from Friday: only 1号窗口 (O1) serves
            svc.run(lambda h, n=n: h.logout(n))
        svc.run(lambda h: h.issue_ticket(category="A"))
        if svc.hall.current_ticket(1) is None:
            svc.run(lambda h: h.next(1))
        ticket = svc.hall.current_ticket(1)
        assert ticket is not None and svc.hall.counters[1].staff_id == "O1"
        svc.run(lambda h: h.start(1))
        svc.run(lambda h: h.complete(1))
        assert CaseStore(svc.store).cases(days=["2026-11-30"]) == []
        svc.run(lambda h: h.rate(1, ticket.id, "very_unsatisfied"))
        (case,) = CaseStore(svc.store).cases(days=["2026-11-30"])
        assert case.rule == rules.LOW_RATING and case.live and case.staff_id == "O1" and case.department == "K1"
        assert case.deadline == "2026-12-21"  # 15 working days after Monday 30 November
        assert ticket.label in json.loads(case.tickets)
    finally:
        svc.store.engine.dispose()


def test_repeated_failed_logins_raise_their_warning_during_the_day(hall_dir):
    svc = open_hall(hall_dir)
    try:
        svc.clock.now += timedelta(days=3)
        svc.run(lambda h: h.open_day())
        for _ in range(3):
            with pytest.raises(BadCredentials):
                svc.login(counter=2, staff_id="O3", pin="000000", device="counter-2")
        (case,) = [c for c in CaseStore(svc.store).cases(days=["2026-11-30"]) if c.rule == "failed_logins"]
        assert case.staff_id == "O3" and case.live
    finally:
        svc.store.engine.dispose()


def test_a_long_wait_raises_its_warning_when_the_ticket_is_called(hall_dir):
    svc = open_hall(hall_dir)
    try:
        svc.clock.now += timedelta(days=3)
        svc.run(lambda h: h.open_day())
        for n in range(1, 7):
            svc.run(lambda h, n=n: h.logout(n))
        ticket, _ = svc.run(lambda h: h.issue_ticket(category="B"))
        svc.clock.now += timedelta(minutes=61)  # beyond long_wait_min (60)
        svc.run(lambda h: h.login(1, "O1"))
        svc.run(lambda h: h.next(1))
        (case,) = CaseStore(svc.store).cases(days=["2026-11-30"])
        assert case.rule == rules.LONG_WAIT and case.live and json.loads(case.tickets) == [ticket.label]
        assert json.loads(case.data)["wait_s"] >= 61 * 60
        assert dispositions.record_day(svc, "2026-11-30").new == []  # the close-time rule finds the same case
    finally:
        svc.store.engine.dispose()

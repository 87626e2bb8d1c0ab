"""Deadlines and overdue in working days: weekends, a holiday list, and weekend days worked instead."""

from __future__ import annotations

from datetime import date

import pytest

from dispatcher.integrity import cases as rules

# 2026: 1 October (Thursday) to 7 October is the National Day holiday; Saturday 10 October is worked instead.
HOLIDAYS = [date(2026, 10, d) for d in (1, 2, 5, 6, 7)]
POLICY = rules.policy_from({"holidays": HOLIDAYS, "workdays": ["2026-10-10"], "deadline_days": {"no_shows": 3}})


def test_fifteen_working_days_for_a_low_rating_skip_weekends():
    plain = rules.Policy()
    assert plain.deadline(rules.LOW_RATING, "2026-11-27") == "2026-12-18"  # Friday + 3 weeks
    assert plain.deadline("withholding", "2026-11-27") == "2026-12-04"  # the default: 5 working days


def test_holidays_do_not_count_and_a_worked_saturday_does():
    # Wednesday 30 September + 3 working days: 8 (Thu), 9 (Fri), 10 (the worked Saturday)
    assert POLICY.deadline("no_shows", "2026-09-30") == "2026-10-10"
    assert POLICY.deadline(rules.LOW_RATING, "2026-09-30") == "2026-10-27"


@pytest.mark.parametrize(
    ("today", "overdue", "late"),
    [
        ("2026-10-10", False, 0),  # the deadline itself
        ("2026-10-11", True, 0),  # Sunday after it: overdue, but no working day lost yet
        ("2026-10-12", True, 1),
        ("2026-10-16", True, 5),
    ],
)
def test_overdue_is_counted_in_working_days(today, overdue, late):
    deadline = POLICY.deadline("no_shows", "2026-09-30")
    assert rules.is_overdue("assigned", deadline, today) is overdue
    assert POLICY.working_days_late(deadline, today) == late
    assert not rules.is_overdue("closed", deadline, today)


def test_unknown_settings_are_refused():
    with pytest.raises(ValueError, match="unknown case settings: deadline"):
        rules.policy_from({"deadline": 3})


def test_steps_follow_the_states():
    state = rules.OPEN
    for step in ("assign", "explain", "send_back", "explain", "close"):
        state = rules.next_state(state, step)
    assert state == rules.CLOSED
    with pytest.raises(rules.CaseError, match="a closed warning cannot be given the step explain"):
        rules.next_state(state, "explain")

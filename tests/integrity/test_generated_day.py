"""Days generated with the domain core: the misbehaving officers are flagged, and nobody else."""

from __future__ import annotations

import pytest

from dispatcher.integrity import replay, run_rules

from .gen import HOURS, generate_day


def flagged(day) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for w in run_rules(day.events, timezone="Asia/Shanghai", opening=HOURS):
        found.setdefault(w.staff_id, set()).add(w.rule)
    return found


def test_withholder_no_show_marker_and_colluder_are_flagged_and_no_honest_officer(mixed_day):
    found = flagged(mixed_day)
    assert set(found) == {"O2", "O4", "O5"}
    assert "withholding" in found["O2"]
    assert "no_shows" in found["O4"]
    assert found["O5"] == {"pairing"}
    assert mixed_day.friend_calls >= 8


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_an_honest_day_raises_no_warning(seed):
    assert flagged(generate_day(seed=seed)) == {}


def test_replay_reproduces_every_candidate_list_of_the_core(mixed_day):
    hall = replay(mixed_day.events)
    assert len(hall.checks) == len(mixed_day.draws) > 300
    for check, draw in zip(hall.checks, mixed_day.draws, strict=True):
        assert check.expected_tickets == list(draw.ticket_candidates)
        assert check.expected_counters == list(draw.counter_candidates)

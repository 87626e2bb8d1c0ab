"""The staffing planner: from hourly counts, and from a scenario."""

import pytest

from dispatcher.sim import erlang
from dispatcher.sim.plan import counters_per_hour, plan_scenario
from dispatcher.sim.scenario import HOUR, load_scenario

from .test_scenario import BUSY_HALL


def test_counters_per_hour_from_counts():
    needed = counters_per_hour([0, 30, 90, 120], 360, target_wait_s=600, target_share=0.9)
    assert needed[0] == 0
    assert needed == sorted(needed)
    for count, c in zip([30, 90, 120], needed[1:], strict=True):
        assert erlang.wait_within(600, c, count / HOUR, 360) >= 0.9
        assert c - 1 <= count * 360 / HOUR or erlang.wait_within(600, c - 1, count / HOUR, 360) < 0.9


def test_a_stricter_target_needs_more_counters():
    loose = counters_per_hour([100], 360, target_wait_s=600, target_share=0.8)
    strict = counters_per_hour([100], 360, target_wait_s=120, target_share=0.95)
    assert strict[0] > loose[0]


def test_plan_for_the_busy_hall():
    scenario = load_scenario(BUSY_HALL)
    rows = plan_scenario(scenario, target_wait_s=600, target_share=0.9)
    assert [r.start_s / HOUR for r in rows] == list(range(8, 17))
    assert rows[0].arrivals_per_hour == pytest.approx(71.0)  # half an hour open: the rate of that half
    for r in rows:
        assert r.load == pytest.approx(r.arrivals_per_hour / HOUR * r.mean_occupancy_s)
        assert r.needed > r.load
        assert (
            r.needed
            == counters_per_hour([r.arrivals_per_hour], r.mean_occupancy_s, target_wait_s=600, target_share=0.9)[0]
        )
    lunch = rows[4]
    peak = max(rows, key=lambda r: r.arrivals_per_hour)
    assert lunch.needed < peak.needed <= 14

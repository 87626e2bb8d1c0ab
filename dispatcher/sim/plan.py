"""Staffing by Erlang C: counters needed per hour so that a share of traders is called in time."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from . import erlang
from .metrics import mean_occupancy_s
from .scenario import HOUR, Scenario


@dataclass(frozen=True)
class PlanRow:
    """One clock hour of the plan."""

    start_s: float
    arrivals_per_hour: float
    mean_occupancy_s: float
    load: float  # Erlangs: counters kept busy on average
    needed: int
    scheduled: float  # counters the scenario has on duty on average
    share_in_time: float | None  # with the scheduled counters (rounded), the share called in time


def counters_per_hour(
    hourly_arrivals: Sequence[float], mean_service_s: float, *, target_wait_s: float, target_share: float
) -> list[int]:
    """Counters needed each hour for hourly arrival counts (e.g. from a past day) and a mean service time."""
    return [
        erlang.servers_needed(arrivals / HOUR, mean_service_s, target_wait=target_wait_s, target_share=target_share)
        for arrivals in hourly_arrivals
    ]


def plan_scenario(scenario: Scenario, *, target_wait_s: float, target_share: float) -> list[PlanRow]:
    """The plan for a scenario's expected load, hour by hour, beside the counters it schedules."""
    rows = []
    first, last = math.floor(scenario.open_s / HOUR), math.ceil(scenario.close_s / HOUR)
    for hour in range(first, last):
        lo, hi = max(hour * HOUR, scenario.open_s), min((hour + 1) * HOUR, scenario.close_s)
        rate = sum(scenario.expected_arrivals(lo, hi).values()) / (hi - lo)
        occupancy = mean_occupancy_s(scenario, lo, hi)
        scheduled = scenario.counters_on_duty(lo, hi)
        needed = erlang.servers_needed(rate, occupancy, target_wait=target_wait_s, target_share=target_share)
        share = erlang.wait_within(target_wait_s, round(scheduled), rate, occupancy) if rate else None
        rows.append(
            PlanRow(
                start_s=hour * HOUR,
                arrivals_per_hour=rate * HOUR,
                mean_occupancy_s=occupancy,
                load=rate * occupancy,
                needed=needed,
                scheduled=scheduled,
                share_in_time=share,
            )
        )
    return rows

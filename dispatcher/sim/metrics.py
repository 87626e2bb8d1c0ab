"""What a simulated day's record means: waits, utilisation, queue length, draws, and the Erlang C yardstick."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from dispatcher.stats import percentile

from . import erlang
from .engine import DayRun, Visit
from .scenario import HOUR, Scenario

WAIT_MARK_S = 600.0  # the "called within 10 minutes" share


@dataclass(frozen=True)
class WaitStats:
    """Waits from ticket to first call, in seconds."""

    count: int
    mean_s: float | None
    p90_s: float | None
    max_s: float | None
    within_mark: float | None  # share called within WAIT_MARK_S

    @classmethod
    def of(cls, waits: Iterable[float]) -> WaitStats:
        values = sorted(waits)
        if not values:
            return cls(0, None, None, None, None)
        p90 = percentile(values, 90)
        within = sum(1 for w in values if w <= WAIT_MARK_S) / len(values)
        return cls(len(values), sum(values) / len(values), p90, values[-1], within)


@dataclass(frozen=True)
class HourRow:
    """One clock hour: traders issued in it and how long they waited, and the hall's state."""

    start_s: float
    arrivals: int
    waits: WaitStats
    counters: float  # on duty (staffed, not on a break) on average while the hall is open, as simulated
    utilisation: float | None
    queue_mean: float
    queue_max: int
    erlang_counters: int  # scheduled counters, rounded, that Erlang C is given
    erlang_wait_s: float | None  # None: the scheduled counters cannot keep up with the expected load


@dataclass(frozen=True)
class Summary:
    """One policy's day in numbers."""

    policy: str
    k: int
    traders: int
    served: int
    no_shows: int
    expired: int
    waits: WaitStats
    by_category: dict[str, WaitStats]
    hours: list[HourRow]
    utilisation: float | None
    draws: int
    multi_ticket_share: float | None  # draws that chose among more than one ticket
    multi_counter_share: float | None  # draws that chose among more than one counter
    last_finish_s: float
    queue: list[tuple[float, int]] = field(repr=False)


def _waits(visits: Iterable[Visit]) -> list[float]:
    """The waits of the visits that were called (the others have none)."""
    return [w for v in visits if (w := v.wait_s) is not None]


def summarise(run: DayRun) -> Summary:
    """Turn a day's raw record into the numbers the report shows."""
    scenario = run.scenario
    called = [v for v in run.visits if v.called_s is not None]
    first = math.floor(scenario.open_s / HOUR)
    last = math.ceil(max(scenario.close_s, run.end_s - 60) / HOUR)  # a minute's overtime gets no row of its own
    hours = [_hour(run, h * HOUR) for h in range(first, last)]
    draws = run.draws
    return Summary(
        policy=run.policy,
        k=run.k,
        traders=len(run.visits),
        served=sum(1 for v in run.visits if v.outcome == "done"),
        no_shows=sum(1 for v in run.visits if v.outcome == "no_show"),
        expired=sum(1 for v in run.visits if v.outcome == "expired"),
        waits=WaitStats.of(_waits(called)),
        by_category={
            c.code: WaitStats.of(_waits(v for v in called if v.trader.category == c.code)) for c in scenario.categories
        },
        hours=[h for h in hours if h.arrivals or h.counters],
        utilisation=_ratio(_total(run.busy), _total(run.duty)),
        draws=len(draws),
        multi_ticket_share=_ratio(sum(1 for d in draws if d.tickets > 1), len(draws)),
        multi_counter_share=_ratio(sum(1 for d in draws if d.counters > 1), len(draws)),
        last_finish_s=max((v.finished_s for v in run.visits if v.finished_s is not None), default=run.end_s),
        queue=run.queue,
    )


def mean_occupancy_s(scenario: Scenario, start: float, end: float) -> float:
    """How long a counter is held per ticket, on average, for the load expected between two times."""
    expected = scenario.expected_arrivals(start, end)
    total = sum(expected.values())
    if total <= 0:
        return 0.0
    service = sum(n * scenario.category(code).service.mean_s for code, n in expected.items()) / total
    behaviour = scenario.traders
    shown = behaviour.walk_s + service
    return (1 - behaviour.no_show_share) * shown + behaviour.no_show_share * behaviour.patience_s


def _hour(run: DayRun, start: float) -> HourRow:
    scenario = run.scenario
    end = start + HOUR
    issued = [v for v in run.visits if start <= v.trader.arrival_s < end]
    duty = _overlap(run.duty, start, end)
    lo, hi = max(start, scenario.open_s), min(end, scenario.close_s)
    staffed = min(end, max(scenario.close_s, run.end_s)) - lo  # the part of the hour the hall is open
    erlang_counters, erlang_wait = 0, None
    if hi > lo:
        rate = sum(scenario.expected_arrivals(lo, hi).values()) / (hi - lo)
        erlang_counters = round(scenario.counters_on_duty(lo, hi))
        wait = erlang.mean_wait(erlang_counters, rate, mean_occupancy_s(scenario, lo, hi))
        erlang_wait = None if math.isinf(wait) else wait
    queue_mean, queue_max = _queue_in(run.queue, start, end)
    return HourRow(
        start_s=start,
        arrivals=len(issued),
        waits=WaitStats.of(v.wait_s for v in issued if v.wait_s is not None),
        counters=duty / staffed if staffed > 0 else 0.0,
        utilisation=_ratio(_overlap(run.busy, start, end), duty),
        queue_mean=queue_mean,
        queue_max=queue_max,
        erlang_counters=erlang_counters,
        erlang_wait_s=erlang_wait,
    )


def _queue_in(steps: list[tuple[float, int]], start: float, end: float) -> tuple[float, int]:
    """Time-average and maximum of the waiting-ticket step function within [start, end)."""
    level, at, area, peak = 0, start, 0.0, None
    for t, n in steps:
        if t >= end:
            break
        if t <= start:
            level = n  # the level the hour starts with
            continue
        peak = level if peak is None else peak
        area += level * (t - at)
        at, level, peak = t, n, max(peak, n)
    area += level * (end - at)
    return area / (end - start), level if peak is None else max(peak, level)


def _overlap(intervals: list[tuple[int, float, float]], start: float, end: float) -> float:
    return sum(max(0.0, min(b, end) - max(a, start)) for _, a, b in intervals)


def _total(intervals: list[tuple[int, float, float]]) -> float:
    return sum(b - a for _, a, b in intervals)


def _ratio(part: float, whole: float) -> float | None:
    return part / whole if whole else None

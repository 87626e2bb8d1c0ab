"""The day on one chart: waits per hour against Erlang C, and the queue through the day, per policy."""

from __future__ import annotations

import math
from pathlib import Path

from dispatcher.charts import Panel, Point, Series, panel_chart

from .metrics import Summary
from .report import clock, policy_name
from .scenario import HOUR, Scenario

COLORS = {"pooled": "#1f6fb4", "fifo": "#2ca02c", "mixed": "#9467bd", "bound": "#d62728"}
ERLANG_COLOR = "#555555"


def day_chart(scenario: Scenario, summaries: list[Summary]) -> str:
    """SVG text for one simulated day under one or more policies."""
    main = summaries[0]
    start = math.floor(scenario.open_s / HOUR) * HOUR
    end = math.ceil(max(scenario.close_s, *(s.last_finish_s for s in summaries)) / HOUR) * HOUR
    waits = Panel(f"Waits, {policy_name(main)}", "minutes, ticket to call")
    waits.series += [
        Series("mean", [_hourly(main, lambda h: h.waits.mean_s)], COLORS[main.policy]),
        Series("p90", [_hourly(main, lambda h: h.waits.p90_s)], COLORS[main.policy], dash="2 3", width=1.5),
        Series("Erlang C mean", _gaps(main, lambda h: h.erlang_wait_s), ERLANG_COLOR, dash="7 4", width=1.5),
    ]
    queue = Panel("Tickets waiting to be called, and counters scheduled", "count")
    for s in summaries:
        queue.series.append(Series(f"waiting, {s.policy}", [_steps(s.queue, end)], COLORS[s.policy], width=1.2))
    queue.series.append(
        Series("counters scheduled", [_duty(scenario, start, end)], ERLANG_COLOR, dash="4 3", width=1.2)
    )
    panels = [waits, queue]
    if len(summaries) > 1:
        compare = Panel("Mean wait per hour by policy", "minutes")
        compare.series += [
            Series(s.policy, [_hourly(s, lambda h: h.waits.mean_s)], COLORS[s.policy]) for s in summaries
        ]
        panels.append(compare)
    ticks: list[tuple[float, str]] = [(t, clock(t)) for t in range(int(start), int(end) + 1, int(HOUR))]
    return panel_chart(panels, title=f"{scenario.name}, {scenario.date}", x_range=(start, end), x_ticks=ticks)


def write_chart(path: str | Path, scenario: Scenario, summaries: list[Summary]) -> None:
    Path(path).write_text(day_chart(scenario, summaries), encoding="utf-8")


def _hourly(summary: Summary, value) -> list[Point]:
    return [(h.start_s + HOUR / 2, value(h) / 60) for h in summary.hours if value(h) is not None]


def _gaps(summary: Summary, value) -> list[list[Point]]:
    """Hourly points split where the value is missing (an overloaded hour has no Erlang C wait)."""
    segments: list[list[Point]] = [[]]
    for h in summary.hours:
        if value(h) is None:
            segments.append([])
        else:
            segments[-1].append((h.start_s + HOUR / 2, value(h) / 60))
    return [s for s in segments if s]


def _steps(steps: list[tuple[float, int]], end: float) -> list[Point]:
    points: list[Point] = []
    for t, n in steps:
        if points:
            points.append((t, points[-1][1]))
        points.append((t, float(n)))
    if points:
        points.append((end, points[-1][1]))
    return points


def _duty(scenario: Scenario, start: float, end: float) -> list[Point]:
    """Scheduled counters on duty, minute by minute."""
    return [(t, float(sum(1 for c in scenario.counters if c.on_duty(t)))) for t in range(int(start), int(end) + 1, 60)]

"""Human tables and JSON for simulated days and staffing plans."""

from __future__ import annotations

from typing import Any

from .engine import HUNT_LIMIT_S
from .fairness import NOISE, Fairness
from .metrics import WAIT_MARK_S, Summary, WaitStats
from .plan import PlanRow
from .scenario import Scenario

POLICY_NAMES = {
    "pooled": "pooled random (the core, k={k})",
    "fifo": "strict FIFO (the core, k=1)",
    "mixed": "mixed random (old rule, k={k})",
    "bound": "bound at issue (a queue per counter)",
}


def clock(seconds: float) -> str:
    """Seconds after midnight as HH:MM (past 24:00 when a run is long)."""
    minutes = round(seconds / 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def policy_name(summary: Summary) -> str:
    return POLICY_NAMES[summary.policy].format(k=summary.k)


def format_day(scenario: Scenario, summaries: list[Summary]) -> str:
    """The first policy in detail, then all policies side by side."""
    main = summaries[0]
    lines = [
        f"{scenario.name}, {scenario.date} {clock(scenario.open_s)}-{clock(scenario.close_s)}: {policy_name(main)}",
        f"{main.traders} tickets: {main.served} served, {main.no_shows} no-shows, {main.expired} never called; "
        f"last trader done at {clock(main.last_finish_s)}. Waits in minutes, ticket to call.",
        "",
        f"{'hour':<6}{'tickets':>8}{'mean':>7}{'p90':>7}{'max':>7}{'counters':>10}{'util':>6}"
        f"{'queue':>7}{'max':>5}{'Erlang C':>10}",
    ]
    for h in main.hours:
        erlang = "overload" if h.erlang_wait_s is None and h.erlang_counters else _min(h.erlang_wait_s)
        lines.append(
            f"{clock(h.start_s):<6}{h.arrivals:>8}{_waits(h.waits)}{h.counters:>10.1f}{_pct(h.utilisation):>6}"
            f"{h.queue_mean:>7.1f}{h.queue_max:>5}{erlang:>10}"
        )
    lines.append(f"{'day':<6}{main.traders:>8}{_waits(main.waits)}{'':>10}{_pct(main.utilisation):>6}")
    lines += ["", f"{'category':<28}{'tickets':>8}{'mean':>7}{'p90':>7}{'max':>7}{'<=10 min':>10}"]
    for cat in scenario.categories:
        stats = main.by_category[cat.code]
        lines.append(f"{cat.code + ' ' + cat.name:<28}{stats.count:>8}{_waits(stats)}{_pct(stats.within_mark):>10}")
    if main.draws:
        lines += [
            "",
            f"{main.draws} draws: {_pct(main.multi_ticket_share)} chose among more than one ticket, "
            f"{_pct(main.multi_counter_share)} among more than one counter.",
        ]
    lines += [
        "Erlang C: the M/M/c mean wait for the hour's expected load on its scheduled counters (rounded),",
        "the optimum a fully pooled queue reaches in steady state.",
    ]
    if len(summaries) > 1:
        lines += ["", f"{'policy':<40}{'mean':>7}{'p90':>7}{'max':>7}{'<=10 min':>10}{'util':>6}{'last out':>10}"]
        for s in summaries:
            lines.append(
                f"{policy_name(s):<40}{_waits(s.waits)}{_pct(s.waits.within_mark):>10}{_pct(s.utilisation):>6}"
                f"{clock(s.last_finish_s):>10}"
            )
    return "\n".join(lines)


def day_json(scenario: Scenario, summaries: list[Summary]) -> dict[str, Any]:
    """Everything in the table, in seconds, for machines."""
    return {
        "scenario": scenario.name,
        "date": scenario.date,
        "open": clock(scenario.open_s),
        "close": clock(scenario.close_s),
        "wait_mark_s": WAIT_MARK_S,
        "policies": {s.policy: _summary_json(s) for s in summaries},
    }


def format_plan(rows: list[PlanRow], *, target_wait_s: float, target_share: float) -> str:
    """Counters per hour, beside what the scenario schedules."""
    lines = [
        f"Counters needed so that {target_share:.0%} of traders are called within {target_wait_s / 60:g} min "
        "(Erlang C, one pooled queue).",
        "",
        f"{'hour':<6}{'tickets/h':>10}{'holds min':>10}{'load':>7}{'needed':>8}{'scheduled':>11}{'in time':>9}",
    ]
    for r in rows:
        lines.append(
            f"{clock(r.start_s):<6}{r.arrivals_per_hour:>10.1f}{r.mean_occupancy_s / 60:>10.1f}{r.load:>7.1f}"
            f"{r.needed:>8}{r.scheduled:>11.1f}{_pct(r.share_in_time):>9}"
        )
    lines += [
        "",
        "holds: minutes a counter is held per ticket (walk, service, no-show patience); load: counters kept busy;",
        "in time: share called within the target with the scheduled counters.",
    ]
    return "\n".join(lines)


def plan_json(rows: list[PlanRow], *, target_wait_s: float, target_share: float) -> dict[str, Any]:
    return {
        "target_wait_s": target_wait_s,
        "target_share": target_share,
        "hours": [
            {
                "hour": clock(r.start_s),
                "arrivals_per_hour": r.arrivals_per_hour,
                "mean_occupancy_s": r.mean_occupancy_s,
                "load": r.load,
                "needed": r.needed,
                "scheduled": r.scheduled,
                "share_in_time": r.share_in_time,
            }
            for r in rows
        ],
    }


def _summary_json(s: Summary) -> dict[str, Any]:
    return {
        "k": s.k,
        "traders": s.traders,
        "served": s.served,
        "no_shows": s.no_shows,
        "expired": s.expired,
        "waits": _stats_json(s.waits),
        "by_category": {code: _stats_json(w) for code, w in s.by_category.items()},
        "utilisation": s.utilisation,
        "draws": s.draws,
        "multi_ticket_share": s.multi_ticket_share,
        "multi_counter_share": s.multi_counter_share,
        "last_finish": clock(s.last_finish_s),
        "hours": [
            {
                "hour": clock(h.start_s),
                "arrivals": h.arrivals,
                "waits": _stats_json(h.waits),
                "counters": h.counters,
                "utilisation": h.utilisation,
                "queue_mean": h.queue_mean,
                "queue_max": h.queue_max,
                "erlang_counters": h.erlang_counters,
                "erlang_wait_s": h.erlang_wait_s,
            }
            for h in s.hours
        ],
    }


def _stats_json(w: WaitStats) -> dict[str, Any]:
    return {"count": w.count, "mean_s": w.mean_s, "p90_s": w.p90_s, "max_s": w.max_s, "within_mark": w.within_mark}


def _waits(w: WaitStats) -> str:
    return f"{_min(w.mean_s):>7}{_min(w.p90_s):>7}{_min(w.max_s):>7}"


def _min(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds / 60:.1f}"


def _pct(share: float | None) -> str:
    return "-" if share is None else f"{share:.0%}"


def format_fairness(f: Fairness) -> str:
    """Per category: FIFO's waits, and each random policy's as a ratio to them; then the timing attack."""
    s = f.scenario
    names = {p: POLICY_NAMES[p].format(k=f.k).split(" (")[0] for p in f.policies} | {NOISE: NOISE}
    columns = [*f.policies, NOISE]
    lines = [
        f"{s.name}: {len(f.seeds)} seed{'s' if len(f.seeds) > 1 else ''} ({f.seeds[0]}–{f.seeds[-1]}), "
        "the same traders under each policy.",
        "Waits ticket to call over all seeds; ratios to strict FIFO (1.000 = no cost, below 1 = shorter);",
        f"'{NOISE}': FIFO with the ready counters drawn from another seed, the noise in these ratios.",
        "",
        f"{'':<28}{'':>8}{'FIFO (min)':>14}" + "".join(f"{names[p] + ' / FIFO':>22}" for p in columns),
        f"{'category':<28}{'tickets':>8}{'mean':>7}{'p90':>7}" + "".join(f"{'mean':>11}{'p90':>11}" for _ in columns),
    ]
    for c in f.categories:
        ratios = "".join(f"{_x(c.mean_ratio[p]):>11}{_x(c.p90_ratio[p]):>11}" for p in columns)
        lines.append(
            f"{c.code + ' ' + c.name:<28}{c.fifo.count:>8}{_min(c.fifo.mean_s):>7}{_min(c.fifo.p90_s):>7}{ratios}"
        )
    lines.append("")
    for p in f.policies:
        lines.append(f"{names[p]}: {POLICY_NAMES[p].format(k=f.k)}")
    if f.attacks:
        lines += [
            "",
            "Timing attack: one officer per seed (each counter in turn) picks the newest waiting ticket it may",
            "serve and holds Next until that ticket is among the draw's candidates (eager) or is the only one",
            f"(patient, a sure draw), then presses; gives up after {HUNT_LIMIT_S / 60:.0f} min. 1/k = {1 / f.k:.0%}.",
            "caught: share of targets caught, all of them and those chosen with k or more tickets waiting for",
            "the counter; per press: share of presses with the target among k or more candidates that caught it.",
            f"{'policy':<16}{'attacker':<9}{'targets':>8}{'caught':>8}{'>=k waiting':>13}{'caught':>8}"
            f"{'presses':>9}{'per press':>10}",
        ]
        for a in f.attacks:
            lines.append(
                f"{names[a.policy]:<16}{'patient' if a.patient else 'eager':<9}{a.targets:>8}{_pct(a.target_rate):>8}"
                f"{a.busy_targets:>13}{_pct(a.busy_rate):>8}{a.full_presses:>9}{_pct(a.full_rate):>10}"
            )
    return "\n".join(lines)


def fairness_json(f: Fairness) -> dict[str, Any]:
    return {
        "scenario": f.scenario.name,
        "seeds": f.seeds,
        "k": f.k,
        "categories": {
            c.code: {
                "fifo": _stats_json(c.fifo),
                "mean_ratio": c.mean_ratio,
                "p90_ratio": c.p90_ratio,
            }
            for c in f.categories
        },
        "attacks": [
            {
                "policy": a.policy,
                "attacker": "patient" if a.patient else "eager",
                "targets": a.targets,
                "presses": a.presses,
                "caught": a.caught,
                "rate": a.rate,
                "full_presses": a.full_presses,
                "full_caught": a.full_caught,
                "full_rate": a.full_rate,
                "target_rate": a.target_rate,
                "busy_targets": a.busy_targets,
                "busy_caught": a.busy_caught,
                "busy_rate": a.busy_rate,
            }
            for a in f.attacks
        ],
    }


def _x(ratio: float | None) -> str:
    return "-" if ratio is None else f"{ratio:.3f}"

"""Entry points for `fairq simulate` and `fairq plan`."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace

from .chart import write_chart
from .engine import POLICIES, run_day
from .fairness import measure_fairness
from .metrics import summarise
from .plan import counters_per_hour, plan_scenario
from .report import day_json, fairness_json, format_day, format_fairness, format_plan, plan_json
from .scenario import ScenarioError, load_scenario
from .workload import draw_traders


def simulate_main(argv: list[str] | None = None) -> int:
    """Simulate a scenario's day through the real core and report waits, load and the Erlang C yardstick."""
    parser = argparse.ArgumentParser(
        prog="fairq simulate", description="Simulate a day of the hall in virtual time, driving the real core."
    )
    parser.add_argument("scenario", help="scenario TOML file, e.g. scenarios/busy_hall.toml")
    parser.add_argument(
        "--policy",
        action="append",
        choices=[*POLICIES, "all"],
        help="pooled (the core with the scenario's k, default), fifo (k=1), mixed (the rule before issue 16: "
        "k oldest of all categories), bound (a queue per counter, bound at issue), or all; repeat to compare",
    )
    parser.add_argument(
        "--seeds",
        type=int,
        metavar="N",
        help="fairness over N seeds instead of one day: each category's pooled and mixed waits as ratios to "
        "strict FIFO's on the same traders, and the timing attack's success rate",
    )
    parser.add_argument("--seed", type=int, help="override the scenario's seed")
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    parser.add_argument("--chart", metavar="PATH", help="write an SVG chart of the day")
    args = parser.parse_args(argv)
    try:
        scenario = load_scenario(args.scenario)
    except ScenarioError as exc:
        print(f"fairq simulate: {exc}", file=sys.stderr)
        return 2
    if args.seed is not None:
        scenario = replace(scenario, seed=args.seed)
    if args.seeds is not None:
        if args.seeds < 1:
            parser.error("--seeds must be at least 1")
        if args.policy or args.chart:
            parser.error("--seeds compares pooled and mixed with FIFO; leave out --policy and --chart")
        fairness = measure_fairness(scenario, seeds=args.seeds)
        print(json.dumps(fairness_json(fairness), indent=2) if args.json else format_fairness(fairness))
        return 0
    chosen = args.policy or ["pooled"]
    policies = list(POLICIES) if "all" in chosen else list(dict.fromkeys(chosen))
    traders = draw_traders(scenario)
    summaries = [summarise(run_day(scenario, p, traders)) for p in policies]
    if args.json:
        print(json.dumps(day_json(scenario, summaries), indent=2))
    else:
        print(format_day(scenario, summaries))
    if args.chart:
        write_chart(args.chart, scenario, summaries)
        if not args.json:
            print(f"\nchart written to {args.chart}")
    return 0


def plan_main(argv: list[str] | None = None) -> int:
    """Counters needed per hour for a waiting-time target, from a scenario or from hourly counts."""
    parser = argparse.ArgumentParser(
        prog="fairq plan",
        description="Counters needed per hour (Erlang C) so that a share of traders wait at most a target.",
    )
    parser.add_argument("scenario", nargs="?", help="scenario TOML file (its arrival rates and service times)")
    parser.add_argument("--target-wait-min", type=float, default=10.0, help="minutes (default 10)")
    parser.add_argument("--target-share", type=float, default=0.9, help="share within the target (default 0.9)")
    parser.add_argument("--arrivals", help="instead of a scenario: tickets per hour, comma separated")
    parser.add_argument("--service-min", type=float, help="with --arrivals: mean minutes a counter is held")
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    args = parser.parse_args(argv)
    if not 0 < args.target_share < 1:
        parser.error("--target-share must lie between 0 and 1, e.g. 0.9")
    if args.target_wait_min < 0:
        parser.error("--target-wait-min must not be negative")
    target_wait_s = args.target_wait_min * 60
    if args.scenario is None:
        if args.arrivals is None or args.service_min is None or args.service_min <= 0:
            parser.error("give a scenario, or --arrivals and a positive --service-min")
        try:
            hourly = [float(x) for x in args.arrivals.split(",")]
        except ValueError:
            parser.error("--arrivals must be numbers separated by commas, e.g. 40,80,95")
        needed = counters_per_hour(
            hourly, args.service_min * 60, target_wait_s=target_wait_s, target_share=args.target_share
        )
        if args.json:
            print(json.dumps({"arrivals_per_hour": hourly, "needed": needed}))
        else:
            print("hour  tickets/h  needed")
            for n, (arrivals, count) in enumerate(zip(hourly, needed, strict=True), start=1):
                print(f"{n:>4}{arrivals:>11g}{count:>8}")
        return 0
    try:
        scenario = load_scenario(args.scenario)
    except ScenarioError as exc:
        print(f"fairq plan: {exc}", file=sys.stderr)
        return 2
    rows = plan_scenario(scenario, target_wait_s=target_wait_s, target_share=args.target_share)
    if args.json:
        print(json.dumps(plan_json(rows, target_wait_s=target_wait_s, target_share=args.target_share), indent=2))
    else:
        print(format_plan(rows, target_wait_s=target_wait_s, target_share=args.target_share))
    return 0


if __name__ == "__main__":
    sys.exit(simulate_main())

"""Dispatch fairness: each category's waits under the pooled draw, before (the mixed rule) and after (category-v2),
as ratios to strict FIFO on the same traders, and the timing attack's success, over many seeds."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from dispatcher.sim.fairness import Fairness, measure_fairness
from dispatcher.sim.scenario import load_scenario

from .common import emit

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


def table(f: Fairness) -> str:
    """The README's table: FIFO's minutes, then before/after ratios of mean and p90."""
    lines = [
        f"{f.scenario.name}, {len(f.seeds)} seeds, k={f.k}: waits ticket to call, ratio to strict FIFO",
        f"{'category':<26}{'FIFO mean':>10}{'p90':>6}{'mean before':>13}{'after':>7}{'p90 before':>12}{'after':>7}",
    ]
    for c in f.categories:
        lines.append(
            f"{c.code + ' ' + c.name:<26}{c.fifo.mean_s / 60:>10.1f}{c.fifo.p90_s / 60:>6.1f}"
            f"{c.mean_ratio['mixed']:>13.3f}{c.mean_ratio['pooled']:>7.3f}"
            f"{c.p90_ratio['mixed']:>12.3f}{c.p90_ratio['pooled']:>7.3f}"
        )
    lines.append(f"timing attack, targets chosen with >= k waiting caught (1/k = {1 / f.k:.0%}):")
    for policy, label in (("mixed", "before"), ("pooled", "after")):
        rates = {a.patient: a.busy_rate for a in f.attacks if a.policy == policy}
        lines.append(f"  {label:<7} eager {_pct(rates.get(False))}, patient {_pct(rates.get(True))}")
    return "\n".join(lines)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("scenarios", nargs="*", default=["busy_hall.toml"], help="files in scenarios/ (default busy hall)")
    p.add_argument("--seeds", type=int, default=12)
    args = p.parse_args()
    for name in args.scenarios:
        t0 = time.perf_counter()
        f = measure_fairness(load_scenario(SCENARIOS / name), seeds=args.seeds)
        print(table(f), flush=True)
        emit(
            {
                "bench": "fairness",
                "scenario": name,
                "seeds": args.seeds,
                "k": f.k,
                "categories": {
                    c.code: {
                        "fifo_mean_s": round(c.fifo.mean_s, 1),
                        "fifo_p90_s": round(c.fifo.p90_s, 1),
                        "mean_before": round(c.mean_ratio["mixed"], 3),
                        "mean_after": round(c.mean_ratio["pooled"], 3),
                        "p90_before": round(c.p90_ratio["mixed"], 3),
                        "p90_after": round(c.p90_ratio["pooled"], 3),
                    }
                    for c in f.categories
                },
                "attack": {
                    f"{a.policy}_{'patient' if a.patient else 'eager'}": {
                        "busy_rate": a.busy_rate,
                        "per_press_full": a.full_rate,
                    }
                    for a in f.attacks
                },
                "elapsed_s": round(time.perf_counter() - t0, 1),
            }
        )


def _pct(share: float | None) -> str:
    return "-" if share is None else f"{share:.0%}"


if __name__ == "__main__":
    main()

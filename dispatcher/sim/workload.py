"""The day's traders, drawn once so that every policy meets exactly the same people."""

from __future__ import annotations

import random
from dataclasses import dataclass

from .scenario import HOUR, Scenario


@dataclass(frozen=True)
class Trader:
    """One trader: when they take a ticket, for what, how long they need, and whether they come when called."""

    id: int
    category: str
    arrival_s: float
    service_s: float
    no_show: bool = False


def draw_traders(scenario: Scenario) -> list[Trader]:
    """Non-homogeneous Poisson arrivals (constant rate between the scenario's rate changes)."""
    arrivals_rng = random.Random(f"{scenario.seed}/arrivals")
    service_rng = random.Random(f"{scenario.seed}/service")
    show_rng = random.Random(f"{scenario.seed}/no-show")
    arrivals: list[tuple[float, str]] = []
    for cat in scenario.categories:
        starts = [max(s, scenario.open_s) for s, _ in cat.rates]
        ends = [*starts[1:], scenario.close_s]
        for (_, per_hour), start, end in zip(cat.rates, starts, ends, strict=True):
            if per_hour <= 0 or end <= start:
                continue
            t = start + arrivals_rng.expovariate(per_hour / HOUR)
            while t < end:
                arrivals.append((t, cat.code))
                t += arrivals_rng.expovariate(per_hour / HOUR)
    arrivals.sort()
    services = {c.code: c.service for c in scenario.categories}
    return [
        Trader(
            id=n,
            category=code,
            arrival_s=t,
            service_s=services[code].sample(service_rng),
            no_show=show_rng.random() < scenario.traders.no_show_share,
        )
        for n, (t, code) in enumerate(arrivals, start=1)
    ]

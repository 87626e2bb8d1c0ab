"""Small scenarios built in code, for tests that need exact control."""

from __future__ import annotations

from dispatcher.sim.scenario import HOUR, CategoryLoad, CounterPlan, Scenario, Traders
from dispatcher.sim.service_times import Exponential


def mmc(
    *, counters: int, rho: float, mean_service_s: float = 300.0, hours: float, seed: int = 1, k: int = 3
) -> Scenario:
    """A stationary M/M/c hall: one category, Poisson arrivals, exponential service, all counters all day."""
    rate = rho * counters / mean_service_s * HOUR
    return Scenario(
        name="M/M/c",
        open_s=0.0,
        close_s=hours * HOUR,
        categories=(CategoryLoad("A", "Import", Exponential(mean_service_s), ((0.0, rate),)),),
        counters=tuple(CounterPlan(n, frozenset({"A"}), ((0.0, hours * HOUR),)) for n in range(1, counters + 1)),
        traders=Traders(),
        seed=seed,
        k=k,
    )

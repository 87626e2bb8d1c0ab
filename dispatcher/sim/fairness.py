"""What randomness costs and what it buys: pooled waits against strict FIFO over many seeds, and the timing attack."""

from __future__ import annotations

from dataclasses import dataclass, replace

from .engine import Attempt, run_day
from .metrics import WaitStats
from .scenario import Scenario
from .workload import draw_traders

RANDOM_POLICIES = ("pooled", "mixed")
NOISE = "fifo again"  # FIFO once more on the same traders, only the ready counter drawn differently
NOISE_SEED_OFFSET = 1_000_003


@dataclass(frozen=True)
class CategoryFairness:
    """One category's waits under strict FIFO and, as ratios to them, under each random policy."""

    code: str
    name: str
    fifo: WaitStats
    mean_ratio: dict[str, float | None]
    p90_ratio: dict[str, float | None]


@dataclass(frozen=True)
class Attack:
    """An officer timing Next to catch a chosen ticket: how often the draw lets them."""

    policy: str
    k: int
    patient: bool  # pressed only when the target was the only candidate (a sure draw)
    targets: int  # tickets an attacker set out to catch
    presses: int  # Next pressed while the target was among the draw's candidates
    caught: int
    full_presses: int  # presses with k or more candidates
    full_caught: int
    busy_targets: int  # targets chosen while k or more tickets waited for the attacker's counter
    busy_caught: int

    @property
    def rate(self) -> float | None:
        return self.caught / self.presses if self.presses else None

    @property
    def target_rate(self) -> float | None:
        return self.caught / self.targets if self.targets else None

    @property
    def busy_rate(self) -> float | None:
        return self.busy_caught / self.busy_targets if self.busy_targets else None

    @property
    def full_rate(self) -> float | None:
        return self.full_caught / self.full_presses if self.full_presses else None


@dataclass(frozen=True)
class Fairness:
    """The table `fairq simulate --seeds N` prints."""

    scenario: Scenario
    seeds: list[int]
    policies: tuple[str, ...]
    k: int
    categories: list[CategoryFairness]
    attacks: list[Attack]


def measure_fairness(
    scenario: Scenario, *, seeds: int, policies: tuple[str, ...] = RANDOM_POLICIES, attack: bool = True
) -> Fairness:
    """Run each seed's traders under FIFO and each policy; with `attack`, two more runs per seed and policy
    in which one counter's officer (each counter in turn) hunts tickets, eagerly and patiently."""
    if seeds < 1:
        raise ValueError("seeds must be at least 1")
    unknown = set(policies) - set(RANDOM_POLICIES)
    if unknown:
        raise ValueError(f"fairness compares {', '.join(RANDOM_POLICIES)} with FIFO, not {', '.join(sorted(unknown))}")
    numbers = [scenario.seed + i for i in range(seeds)]
    counters = [c.number for c in scenario.counters]
    waits: dict[str, dict[str, list[float]]] = {p: {} for p in ("fifo", NOISE, *policies)}
    attempts: dict[tuple[str, bool], list[Attempt]] = {(p, patient): [] for p in policies for patient in (False, True)}
    for i, seed in enumerate(numbers):
        day = replace(scenario, seed=seed)
        traders = draw_traders(day)
        for policy in waits:
            run = (
                run_day(replace(day, seed=seed + NOISE_SEED_OFFSET), "fifo", traders)
                if policy == NOISE
                else run_day(day, policy, traders)
            )
            for v in run.visits:
                if v.wait_s is not None:
                    waits[policy].setdefault(v.trader.category, []).append(v.wait_s)
        if attack:
            for policy, patient in attempts:
                run = run_day(day, policy, traders, attacker=counters[i % len(counters)], patient=patient)
                attempts[policy, patient] += run.attempts
    categories = []
    for cat in scenario.categories:
        fifo = WaitStats.of(waits["fifo"].get(cat.code, []))
        stats = {p: WaitStats.of(waits[p].get(cat.code, [])) for p in (*policies, NOISE)}
        categories.append(
            CategoryFairness(
                code=cat.code,
                name=cat.name,
                fifo=fifo,
                mean_ratio={p: _ratio(s.mean_s, fifo.mean_s) for p, s in stats.items()},
                p90_ratio={p: _ratio(s.p90_s, fifo.p90_s) for p, s in stats.items()},
            )
        )
    attacks = [_attack(p, patient, scenario.k, found) for (p, patient), found in attempts.items()] if attack else []
    return Fairness(scenario, numbers, tuple(policies), scenario.k, categories, attacks)


def _attack(policy: str, patient: bool, k: int, attempts: list[Attempt]) -> Attack:
    pressed = [a for a in attempts if a.pressed_s is not None]
    full = [a for a in pressed if a.candidates >= k]
    busy = [a for a in attempts if a.waiting >= k]
    return Attack(
        policy=policy,
        k=k,
        patient=patient,
        targets=len(attempts),
        presses=len(pressed),
        caught=sum(a.caught for a in pressed),
        full_presses=len(full),
        full_caught=sum(a.caught for a in full),
        busy_targets=len(busy),
        busy_caught=sum(a.caught for a in busy),
    )


def _ratio(value: float | None, base: float | None) -> float | None:
    if value is None or not base:
        return None
    return value / base

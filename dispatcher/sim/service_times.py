"""Service-time distributions a scenario can name: exponential, lognormal, or an empirical table."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Protocol


class ServiceTime(Protocol):
    """Draws one service time in seconds; `mean_s` feeds Erlang C and the planner."""

    @property
    def mean_s(self) -> float: ...

    def sample(self, rng: random.Random) -> float: ...


@dataclass(frozen=True)
class Exponential:
    """Memoryless service: the M/M/c textbook case."""

    mean_s: float

    def sample(self, rng: random.Random) -> float:
        return rng.expovariate(1 / self.mean_s)


@dataclass(frozen=True)
class Lognormal:
    """Right-skewed service, the usual shape of real counter times; given by mean and coefficient of variation."""

    mean_s: float
    cv: float

    def sample(self, rng: random.Random) -> float:
        sigma2 = math.log(1 + self.cv**2)
        return rng.lognormvariate(math.log(self.mean_s) - sigma2 / 2, math.sqrt(sigma2))


@dataclass(frozen=True)
class Empirical:
    """Service times as measured: values in seconds with their weights."""

    values_s: tuple[float, ...]
    weights: tuple[float, ...]

    @property
    def mean_s(self) -> float:
        return sum(v * w for v, w in zip(self.values_s, self.weights, strict=True)) / sum(self.weights)

    def sample(self, rng: random.Random) -> float:
        return rng.choices(self.values_s, self.weights)[0]

"""Builders for a pure Hall with a controllable clock and entropy."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from dispatcher.core import Category, CounterSpec, Hall, Officer

CATEGORIES = [
    Category("A", "进口报关", "Import declarations", requires_declaration=False, io_flag="1"),
    Category("B", "出口报关", "Export declarations", io_flag="0"),
    Category("C", "其他业务", "Other business"),
]


class FakeClock:
    """A clock that moves only when told."""

    def __init__(self, start: datetime | None = None):
        self.now = start or datetime(2026, 11, 27, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def make_hall(*, counters: int = 4, k: int = 3, seed: int = 1, officers: int | None = None, **kw) -> Hall:
    """A hall with categories A/B/C, counters 1..n serving all, officers O1..On, day open."""
    rng = random.Random(seed)
    hall = Hall(
        categories=CATEGORIES,
        counters=[CounterSpec(n, frozenset({"A", "B", "C"})) for n in range(1, counters + 1)],
        officers=[Officer(f"O{n}", f"Officer {n}") for n in range(1, (officers or counters) + 1)],
        clock=kw.pop("clock", FakeClock()),
        entropy=lambda n: rng.randbytes(n),
        k=k,
        **kw,
    )
    hall.open_day()
    hall.take_changes()
    return hall

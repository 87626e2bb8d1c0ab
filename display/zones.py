"""Zones: a screen may show and announce only some categories or some counters of the hall."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


def parse_counters(text: str | Iterable[int] | None) -> frozenset[int] | None:
    """``"1-8,10,12-14"`` -> {1..8, 10, 12, 13, 14}; None or empty -> None (every counter)."""
    if text is None:
        return None
    if not isinstance(text, str):
        return frozenset(int(n) for n in text) or None
    numbers: set[int] = set()
    for part in text.replace(" ", "").split(","):
        if not part:
            continue
        first, dash, last = part.partition("-")
        if dash:
            lo, hi = int(first), int(last)
            if lo > hi:
                raise ValueError(f"bad counter range {part!r}")
            numbers.update(range(lo, hi + 1))
        else:
            numbers.add(int(first))
    if any(n < 1 for n in numbers):
        raise ValueError("counter numbers start at 1")
    return frozenset(numbers) or None


def parse_categories(text: str | Iterable[str] | None) -> frozenset[str] | None:
    """``"A,B"`` -> {"A", "B"}; None or empty -> None (every category)."""
    if text is None:
        return None
    items = text.split(",") if isinstance(text, str) else list(text)
    codes = frozenset(c.strip().upper() for c in items if c.strip())
    return codes or None


@dataclass(frozen=True)
class Zone:
    """Which calls a screen shows: of these categories (None = all) and at these counters (None = all)."""

    categories: frozenset[str] | None = None
    counters: frozenset[int] | None = None

    @classmethod
    def parse(cls, categories: str | Iterable[str] | None = None, counters: str | Iterable[int] | None = None) -> Zone:
        return cls(parse_categories(categories), parse_counters(counters))

    @property
    def everything(self) -> bool:
        return self.categories is None and self.counters is None

    def accepts(self, category: str | None, counter: int | None) -> bool:
        """Whether a call of ``category`` to ``counter`` belongs on this screen."""
        if self.categories is not None and category not in self.categories:
            return False
        return self.counters is None or counter in self.counters

    def accepts_call(self, call: dict[str, Any]) -> bool:
        return self.accepts(call.get("category"), call.get("counter"))

    def counter_numbers(self, counters: dict[int, dict[str, Any]]) -> list[int]:
        """The hall's counters on this screen: those listed, else those serving a listed category."""
        numbers = sorted(counters)
        if self.counters is not None:
            return [n for n in numbers if n in self.counters]
        if self.categories is not None:
            return [n for n in numbers if self.categories & set(counters[n].get("categories") or ())]
        return numbers

    def category_codes(self, categories: list[str], counters: dict[int, dict[str, Any]]) -> list[str]:
        """The categories whose queues this screen shows, in the dispatcher's order."""
        if self.categories is not None:
            wanted = set(self.categories)
        elif self.counters is not None:
            wanted = {c for n in self.counter_numbers(counters) for c in counters[n].get("categories") or ()}
        else:
            return list(categories)
        return [c for c in categories if c in wanted]

    def describe(self) -> str:
        parts = []
        if self.categories is not None:
            parts.append("categories " + ",".join(sorted(self.categories)))
        if self.counters is not None:
            parts.append("counters " + compact_ranges(self.counters))
        return "; ".join(parts) or "whole hall"


def compact_ranges(numbers: Iterable[int]) -> str:
    """{1,2,3,5} -> "1-3,5"."""
    runs: list[list[int]] = []
    for n in sorted(set(numbers)):
        if runs and runs[-1][1] == n - 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    return ",".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)

"""A simulated day as data: hall hours, categories with arrival rates and service times, counters.

Scenario files are TOML (see docs/simulation.md); times of day are "HH:MM", held here as
seconds after midnight.
"""

from __future__ import annotations

import itertools
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .service_times import Empirical, Exponential, Lognormal, ServiceTime

HOUR = 3600.0


class ScenarioError(ValueError):
    """A scenario file that cannot be simulated; the message names the file and the key."""


@dataclass(frozen=True)
class CategoryLoad:
    """One category's demand: traders per hour from each time on, and how long each takes."""

    code: str
    name: str
    service: ServiceTime
    rates: tuple[tuple[float, float], ...]  # (from second of day, traders per hour), sorted
    priority: int = 0

    def rate_at(self, t: float) -> float:
        """Traders per hour at second `t` (piecewise constant)."""
        rate = 0.0
        for start, per_hour in self.rates:
            if start <= t:
                rate = per_hour
        return rate


@dataclass(frozen=True)
class CounterPlan:
    """A counter's day: what it serves, when it is staffed, and its breaks."""

    number: int
    serves: frozenset[str]
    shifts: tuple[tuple[float, float], ...]
    breaks: tuple[tuple[float, float], ...] = ()

    def on_duty(self, t: float) -> bool:
        """Staffed and not on a break at second `t` (by the schedule)."""
        return any(a <= t < b for a, b in self.shifts) and not any(a <= t < b for a, b in self.breaks)


@dataclass(frozen=True)
class Traders:
    """How traders behave once called."""

    no_show_share: float = 0.0
    walk_s: float = 0.0  # from the call until the trader is at the counter
    recall_every_s: float = 60.0
    patience_s: float = 180.0  # the officer marks a no-show this long after the call


@dataclass(frozen=True)
class Scenario:
    """Everything one simulated day needs."""

    name: str
    open_s: float
    close_s: float  # arrivals stop; counters whose shift reaches it serve whoever still waits
    categories: tuple[CategoryLoad, ...]
    counters: tuple[CounterPlan, ...]
    traders: Traders = field(default_factory=Traders)
    k: int = 3
    ageing_s: float | None = None  # a lower priority class waiting this long counts as the top class
    seed: int = 1
    date: str = "2026-11-27"
    timezone: str = "Asia/Shanghai"

    def category(self, code: str) -> CategoryLoad:
        return next(c for c in self.categories if c.code == code)

    def expected_arrivals(self, start: float, end: float) -> dict[str, float]:
        """Expected traders per category issued between two seconds of the day."""
        start, end = max(start, self.open_s), min(end, self.close_s)
        result = {}
        for cat in self.categories:
            edges = sorted({start, end, *(s for s, _ in cat.rates if start < s < end)})
            result[cat.code] = sum(cat.rate_at(a) * (b - a) / HOUR for a, b in itertools.pairwise(edges))
        return result

    def counters_on_duty(self, start: float, end: float) -> float:
        """Counters staffed on average between two seconds, by the schedule."""
        total = 0.0
        for counter in self.counters:
            for a, b in counter.shifts:
                total += max(0.0, min(b, end) - max(a, start))
            for a, b in counter.breaks:
                total -= max(0.0, min(b, end) - max(a, start))
        return total / (end - start) if end > start else 0.0


def load_scenario(path: str | Path) -> Scenario:
    """Read and check a scenario file; every problem is a ScenarioError naming the file."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ScenarioError(f"{path}: no such file") from None
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: not valid TOML: {exc}") from None
    try:
        return parse_scenario(data, default_name=path.stem)
    except ScenarioError as exc:
        raise ScenarioError(f"{path}: {exc}") from None


def parse_scenario(data: dict[str, Any], *, default_name: str = "scenario") -> Scenario:
    """Build a Scenario from parsed TOML."""
    _known(
        data,
        "",
        {
            "name", "date", "timezone", "open", "close", "k", "priority_ageing_min", "seed", "traders",
            "categories", "counters",
        },
    )  # fmt: skip
    open_s = _time(_get(data, "open", str), "open")
    close_s = _time(_get(data, "close", str), "close")
    if close_s <= open_s:
        raise ScenarioError("close: must be after open")
    day = _get(data, "date", str, "2026-11-27")
    try:
        date.fromisoformat(day)
    except ValueError:
        raise ScenarioError(f"date: {day!r} is not a date like 2026-11-27") from None
    timezone = _get(data, "timezone", str, "Asia/Shanghai")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ScenarioError(f"timezone: unknown time zone {timezone!r}") from None
    k = _get(data, "k", int, 3)
    if k < 1:
        raise ScenarioError("k: must be at least 1")
    ageing_min = _get(data, "priority_ageing_min", (int, float), None)
    if ageing_min is not None and ageing_min <= 0:
        raise ScenarioError("priority_ageing_min: must be above 0 minutes")
    categories = tuple(_category(t, f"categories[{i}]", open_s) for i, t in enumerate(_tables(data, "categories")))
    codes = [c.code for c in categories]
    if len(set(codes)) != len(codes):
        raise ScenarioError("categories: a category code appears twice")
    counters = tuple(
        plan
        for i, t in enumerate(_tables(data, "counters"))
        for plan in _counters(t, f"counters[{i}]", set(codes), open_s, close_s)
    )
    numbers = [c.number for c in counters]
    if len(set(numbers)) != len(numbers):
        raise ScenarioError("counters: a counter number appears twice")
    for cat in categories:
        if not any(cat.code in c.serves and c.shifts[-1][1] >= close_s for c in counters):
            raise ScenarioError(f"counters: no counter serving {cat.code} stays until close")
    return Scenario(
        name=_get(data, "name", str, default_name),
        open_s=open_s,
        close_s=close_s,
        categories=categories,
        counters=counters,
        traders=_traders(_get(data, "traders", dict, {})),
        k=k,
        ageing_s=None if ageing_min is None else float(ageing_min) * 60,
        seed=_get(data, "seed", int, 1),
        date=day,
        timezone=timezone,
    )


def _category(table: dict[str, Any], where: str, open_s: float) -> CategoryLoad:
    _known(table, where, {"code", "name", "priority", "service", "arrivals"})
    code = _get(table, "code", str, where=where)
    if not (code.isascii() and code.isalpha() and code.isupper() and len(code) == 1):
        raise ScenarioError(f"{where}.code: {code!r} is not a single capital letter")
    rates = []
    for key, per_hour in _get(table, "arrivals", dict, where=where).items():
        if isinstance(per_hour, bool) or not isinstance(per_hour, int | float) or per_hour < 0:
            raise ScenarioError(f"{where}.arrivals.{key}: must be traders per hour, a number >= 0")
        rates.append((_time(key, f"{where}.arrivals"), float(per_hour)))
    if not rates:
        raise ScenarioError(f'{where}.arrivals: give at least one rate, e.g. {{"08:30" = 40}}')
    rates.sort()
    if rates[0][0] > open_s:
        rates.insert(0, (open_s, 0.0))
    return CategoryLoad(
        code=code,
        name=_get(table, "name", str, code, where=where),
        service=_service(_get(table, "service", dict, where=where), f"{where}.service"),
        rates=tuple(rates),
        priority=_get(table, "priority", int, 0, where=where),
    )


def _service(table: dict[str, Any], where: str) -> ServiceTime:
    dist = _get(table, "dist", str, where=where)
    if dist == "exponential":
        _known(table, where, {"dist", "mean_min"})
        return Exponential(_positive(table, "mean_min", where) * 60)
    if dist == "lognormal":
        _known(table, where, {"dist", "mean_min", "cv"})
        return Lognormal(_positive(table, "mean_min", where) * 60, _positive(table, "cv", where))
    if dist == "empirical":
        _known(table, where, {"dist", "minutes", "weights"})
        minutes = _get(table, "minutes", list, where=where)
        weights = _get(table, "weights", list, where=where)
        numbers = [*minutes, *weights]
        if not minutes or len(minutes) != len(weights) or not all(_is_number(x) and x > 0 for x in numbers):
            raise ScenarioError(f"{where}: minutes and weights must be equally long lists of positive numbers")
        return Empirical(tuple(float(m) * 60 for m in minutes), tuple(float(w) for w in weights))
    raise ScenarioError(f"{where}.dist: {dist!r} is not one of exponential, lognormal, empirical")


def _counters(table: dict[str, Any], where: str, codes: set[str], open_s: float, close_s: float) -> list[CounterPlan]:
    _known(table, where, {"number", "numbers", "serves", "shifts", "breaks"})
    if ("number" in table) == ("numbers" in table):
        raise ScenarioError(f"{where}: give either number or numbers")
    numbers = [_get(table, "number", int, where=where)] if "number" in table else table["numbers"]
    if not isinstance(numbers, list) or not numbers or not all(_is_int(n) and n > 0 for n in numbers):
        raise ScenarioError(f"{where}.numbers: must be a list of positive counter numbers")
    serves = _get(table, "serves", list, where=where)
    unknown = sorted(set(map(str, serves)) - codes)
    if not serves or unknown:
        raise ScenarioError(f"{where}.serves: unknown or missing categories {unknown or serves}")
    shifts = _intervals(table.get("shifts", [["", ""]]), f"{where}.shifts", open_s, close_s)
    breaks = _intervals(table.get("breaks", []), f"{where}.breaks", open_s, close_s)
    for a, b in breaks:
        if not any(s <= a and b <= e for s, e in shifts):
            raise ScenarioError(f"{where}.breaks: a break must lie within a shift")
    return [CounterPlan(n, frozenset(serves), shifts, breaks) for n in numbers]


def _intervals(value: Any, where: str, open_s: float, close_s: float) -> tuple[tuple[float, float], ...]:
    if not isinstance(value, list):
        raise ScenarioError(f'{where}: must be a list of ["HH:MM", "HH:MM"] pairs')
    result = []
    for pair in value:
        if not (isinstance(pair, list) and len(pair) == 2):
            raise ScenarioError(f'{where}: must be a list of ["HH:MM", "HH:MM"] pairs')
        start = _time(pair[0], where) if pair[0] else open_s
        end = _time(pair[1], where) if pair[1] else close_s
        if end <= start:
            raise ScenarioError(f"{where}: {pair} ends before it starts")
        result.append((start, end))
    result.sort()
    if any(b > c for (_, b), (c, _) in itertools.pairwise(result)):
        raise ScenarioError(f"{where}: intervals overlap")
    return tuple(result)


def _traders(table: dict[str, Any]) -> Traders:
    _known(table, "traders", {"no_show_share", "walk_s", "recall_every_s", "patience_s"})
    share = _get(table, "no_show_share", (int, float), 0.0, where="traders")
    if not 0 <= share < 1:
        raise ScenarioError("traders.no_show_share: must be at least 0 and below 1")
    return Traders(
        no_show_share=float(share),
        walk_s=float(_get(table, "walk_s", (int, float), 0.0, where="traders")),
        recall_every_s=_positive(table, "recall_every_s", "traders", 60.0),
        patience_s=_positive(table, "patience_s", "traders", 180.0),
    )


def _time(text: Any, where: str) -> float:
    try:
        hours, minutes = str(text).split(":")
        h, m = int(hours), int(minutes)
        if not (0 <= h <= 24 and 0 <= m < 60 and len(minutes) == 2):
            raise ValueError
    except ValueError:
        raise ScenarioError(f"{where}: {text!r} is not a time of day like 08:30") from None
    return h * HOUR + m * 60.0


def _get(table: dict[str, Any], key: str, kind: Any, default: Any = ..., *, where: str = "") -> Any:
    name = f"{where}.{key}" if where else key
    if key not in table:
        if default is ...:
            raise ScenarioError(f"{name}: missing")
        return default
    value = table[key]
    if isinstance(value, bool) or not isinstance(value, kind):
        kinds = kind if isinstance(kind, tuple) else (kind,)
        raise ScenarioError(f"{name}: expected {' or '.join(k.__name__ for k in kinds)}, got {value!r}")
    return value


def _positive(table: dict[str, Any], key: str, where: str, default: Any = ...) -> float:
    value = _get(table, key, (int, float), default, where=where)
    if value <= 0:
        raise ScenarioError(f"{where}.{key}: must be above 0")
    return float(value)


def _tables(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    tables = data.get(key)
    if not isinstance(tables, list) or not tables or not all(isinstance(t, dict) for t in tables):
        raise ScenarioError(f"{key}: give at least one [[{key}]] table")
    return tables


def _known(table: dict[str, Any], where: str, keys: set[str]) -> None:
    extra = sorted(set(table) - keys)
    if extra:
        raise ScenarioError(f"{where or 'top level'}: unknown key {extra[0]!r} (known: {', '.join(sorted(keys))})")


def _is_number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def _is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)

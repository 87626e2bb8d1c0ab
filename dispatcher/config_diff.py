"""What applying hall.toml to a hall would change, and which changes would be unsafe now: pure, no I/O."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from protocol.models import CategoryConfig, CounterConfig

# Hall-wide settings of hall.toml that the store keeps beside the categories and counters.
HALL_FIELDS = ("hall_id", "name", "timezone", "open_at", "close_at", "k", "priority_ageing_min", "counter_lost_after_s")


@dataclass(frozen=True)
class HallShape:
    """A hall's configuration as compared: hall-wide settings, categories by code, counters by number."""

    settings: dict[str, Any]
    categories: dict[str, dict[str, Any]]
    counters: dict[int, dict[str, Any]]

    @classmethod
    def of(cls, settings: dict[str, Any], categories: list[CategoryConfig], counters: list[CounterConfig]) -> HallShape:
        return cls(
            settings={k: settings[k] for k in HALL_FIELDS if k in settings},
            categories={c.code: c.model_dump(mode="json") for c in categories},
            counters={c.number: _counter_dict(c) for c in counters},
        )

    def revision(self) -> str:
        """A short hash of the normalised configuration: the same hall gives the same revision."""
        body = {
            "settings": self.settings,
            "categories": [self.categories[k] for k in sorted(self.categories)],
            "counters": [self.counters[k] for k in sorted(self.counters)],
        }
        text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:12]


def _counter_dict(c: CounterConfig) -> dict[str, Any]:
    data = c.model_dump(mode="json")
    data["categories"] = sorted(set(c.categories))  # a counter's categories are a set
    return data


@dataclass(frozen=True)
class Change:
    """One difference between the store and the file."""

    action: str  # "add", "change" or "remove"
    what: str  # "category", "counter" or "setting"
    key: str  # category code, counter number or setting name
    before: Any = None
    after: Any = None

    def describe(self) -> str:
        """One line for the operator, e.g. `+ counter 9: serves A, B`."""
        sign = {"add": "+", "change": "~", "remove": "-"}[self.action]
        if self.what == "setting" and self.action == "add":
            return f"{sign} {self.key} = {self.after!r}"
        if self.what == "setting":
            return f"{sign} {self.key}: {self.before!r} -> {self.after!r}"
        if self.action == "remove":
            return f"{sign} {self.what} {self.key}"
        if self.action == "add":
            return f"{sign} {self.what} {self.key}: {_summary(self.what, self.after)}"
        fields = sorted(k for k in self.after if self.before.get(k) != self.after.get(k))
        parts = [f"{k} {self.before.get(k)!r} -> {self.after.get(k)!r}" for k in fields]
        return f"{sign} {self.what} {self.key}: {', '.join(parts)}"


def _summary(what: str, data: dict[str, Any]) -> str:
    if what == "counter":
        name = f"{data['name']!r}, " if data.get("name") else ""
        return f"{name}serves {', '.join(data['categories'])}"
    return f"{data['name_zh']} / {data['name_en']}, priority {data['priority']}"


@dataclass(frozen=True)
class Refusal:
    """A change that would be unsafe while the hall is as it is now, and why."""

    change: Change
    reason: str

    def describe(self) -> str:
        return f"{self.change.describe()}: refused, {self.reason}"


@dataclass(frozen=True)
class HallNow:
    """What is going on in the hall that a change must not disturb."""

    open_tickets: dict[str, list[str]] = field(default_factory=dict)  # category -> labels of open tickets
    counter_tickets: dict[int, str] = field(default_factory=dict)  # counter -> label of its called/served ticket
    counter_officers: dict[int, str] = field(default_factory=dict)  # counter -> staff id logged in there
    day_open: bool = False


@dataclass(frozen=True)
class Plan:
    """The changes to apply, those refused, and the configuration revision before and after."""

    changes: list[Change]
    refused: list[Refusal]
    before: str
    after: str
    target: str  # the file's own revision; equals `after` when nothing was refused

    @property
    def empty(self) -> bool:
        return not self.changes and not self.refused

    def lines(self) -> list[str]:
        """The difference as the operator reads it."""
        return [c.describe() for c in self.changes] + [r.describe() for r in self.refused]


def diff(current: HallShape, wanted: HallShape) -> list[Change]:
    """Every difference from the store to the file: settings, then categories, then counters."""
    changes: list[Change] = []
    for key in HALL_FIELDS[1:]:  # the hall id is how the hall was found: it never differs
        if key not in wanted.settings:
            continue
        if key not in current.settings:
            changes.append(Change("add", "setting", key, None, wanted.settings[key]))
        elif current.settings[key] != wanted.settings[key]:
            changes.append(Change("change", "setting", key, current.settings[key], wanted.settings[key]))
    tables: tuple[tuple[str, dict[Any, Any], dict[Any, Any]], ...] = (
        ("category", current.categories, wanted.categories),
        ("counter", current.counters, wanted.counters),
    )
    for what, now, then in tables:
        for key in sorted(set(now) | set(then)):
            if key not in now:
                changes.append(Change("add", what, str(key), None, then[key]))
            elif key not in then:
                changes.append(Change("remove", what, str(key), now[key], None))
            elif now[key] != then[key]:
                changes.append(Change("change", what, str(key), now[key], then[key]))
    return changes


def plan(current: HallShape, wanted: HallShape, now: HallNow) -> Plan:
    """Split the difference into what can be applied safely now and what must wait, with reasons."""
    refused: list[Refusal] = []
    accepted: list[Change] = []
    for change in diff(current, wanted):
        reason = _unsafe(change, now)
        (refused.append(Refusal(change, reason)) if reason else accepted.append(change))
    # A category may go only if no counter that stays (its removal or change refused) still serves it.
    kept = _apply(current, accepted).counters
    for change in list(accepted):
        if change.what == "category" and change.action == "remove":
            users = sorted(n for n, c in kept.items() if change.key in c["categories"])
            if users:
                accepted.remove(change)
                refused.append(Refusal(change, f"still served by counter {', '.join(map(str, users))}"))
    accepted.sort(key=lambda c: c.what == "category" and c.action == "remove")  # after the counters that served it
    return Plan(
        changes=accepted,
        refused=refused,
        before=current.revision(),
        after=_apply(current, accepted).revision(),
        target=wanted.revision(),
    )


def _unsafe(change: Change, now: HallNow) -> str | None:
    if change.what == "setting" and change.key == "timezone" and change.action == "change" and now.day_open:
        return "the time zone cannot change while a business day is open"
    if change.what == "category" and change.action == "remove":
        labels = now.open_tickets.get(change.key, [])
        if labels:
            shown = ", ".join(labels[:10]) + (f" and {len(labels) - 10} more" if len(labels) > 10 else "")
            return f"{len(labels)} open ticket(s) in it: {shown}"
    if change.what == "counter" and change.action != "add":
        number = int(change.key)
        ticket = now.counter_tickets.get(number)
        if ticket:
            return f"it is serving ticket {ticket}"
        officer = now.counter_officers.get(number)
        if officer and change.action == "remove":
            return f"officer {officer} is logged in there"
    return None


def _apply(current: HallShape, changes: list[Change]) -> HallShape:
    settings, categories, counters = dict(current.settings), dict(current.categories), dict(current.counters)
    for c in changes:
        if c.what == "setting":
            settings[c.key] = c.after
            continue
        table: dict[Any, Any] = categories if c.what == "category" else counters
        key: Any = c.key if c.what == "category" else int(c.key)
        if c.action == "remove":
            table.pop(key, None)
        else:
            table[key] = c.after
    return HallShape(settings, categories, counters)

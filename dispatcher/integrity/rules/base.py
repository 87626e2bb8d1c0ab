"""What every rule shares: the thresholds, the warning it raises, and the day it reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from ..replay import Replay


@dataclass(frozen=True)
class Thresholds:
    """Every rule's knobs, documented in docs/integrity.md; the defaults suit a hall of a few hundred tickets."""

    withhold_min_s: float = 300.0  # idle/paused while an eligible ticket waits this long: one stretch
    withhold_stretches: int = 3  # this many stretches in a day: a warning…
    withhold_total_s: float = 1800.0  # …or this much idle time with tickets waiting, however it is split
    rate_alpha: float = 0.001  # a rate is "far above the hall's" if this unlikely by chance (binomial tail)…
    rate_factor: float = 2.0  # …and at least this many times the rest of the hall's rate
    rate_floor: float = 0.02  # the hall's rate is taken as at least this (a hall with no no-shows at all)
    recall_min: int = 5  # tickets recalled
    no_show_min: int = 4
    transfer_min: int = 4
    low_rating_min: int = 3  # "unsatisfied" ratings
    service_min_tickets: int = 5  # services of a category before an officer's median is judged
    service_short_ratio: float = 0.4  # officer's median below this × the others' median: far shorter
    service_long_ratio: float = 2.5  # above this × the others' median: far longer
    service_target_s: float = 1800.0  # a service longer than this is beyond the target
    service_over_target_min: int = 2
    cancel_after_call_min: int = 1
    reticket_enterprise_min: int = 3  # re-tickets of one enterprise in a day before it is named as frequent
    failed_login_min: int = 3
    pairing_alpha: float = 0.01  # for the whole day: divided by the number of officer-enterprise pairs
    pairing_min: int = 3  # tickets of one enterprise to one officer before pairing is judged
    opening: tuple[str, str] | None = None  # local HH:MM–HH:MM; None: the hall's own hours


@dataclass(frozen=True)
class RiskWarning:
    """One 廉政风险预警: which rule, which officer, which tickets, and the evidence in words and numbers."""

    rule: str
    title: str
    staff_id: str | None
    tickets: tuple[str, ...]
    evidence: str
    data: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "title": self.title,
            "staff_id": self.staff_id,
            "tickets": list(self.tickets),
            "evidence": self.evidence,
            "data": self.data,
        }


@dataclass
class Day:
    """A replayed day as the rules read it."""

    hall: Replay
    tz: ZoneInfo
    opening: tuple[str, str] = ("00:00", "24:00")

    def local(self, at: datetime) -> str:
        return at.astimezone(self.tz).strftime("%H:%M")

    def within_hours(self, at: datetime) -> bool:
        local = at.astimezone(self.tz).time()
        return _hhmm(self.opening[0]) <= local < _hhmm(self.opening[1])

    def labels(self, ticket_ids) -> tuple[str, ...]:
        return tuple(self.hall.tickets[i].label for i in ticket_ids if i in self.hall.tickets)

    def calls_by_officer(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for life in self.hall.tickets.values():
            for _, _, staff, _ in life.calls:
                if staff:
                    counts[staff] = counts.get(staff, 0) + 1
        return counts


def _hhmm(value: str) -> time:
    hours, minutes = (int(v) for v in value.split(":"))
    return time.max if hours == 24 else time(hours, minutes)

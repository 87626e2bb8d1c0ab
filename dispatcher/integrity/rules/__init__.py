"""廉政风险预警: rules over a replayed day, each naming the officer, the tickets and the evidence."""

from __future__ import annotations

from collections.abc import Iterable
from zoneinfo import ZoneInfo

from ..replay import EventLike, Replay, replay
from . import cancels, logins, overrides, pairing, rates, retickets, security, service, withholding
from .base import Day, RiskWarning, Thresholds

RULES = (withholding, rates, service, cancels, logins, overrides, pairing, security, retickets)

__all__ = ["RULES", "Day", "RiskWarning", "Thresholds", "run_rules"]


def run_rules(
    events: Iterable[EventLike] | Replay,
    thresholds: Thresholds | None = None,
    *,
    timezone: str = "Asia/Shanghai",
    opening: tuple[str, str] = ("00:00", "24:00"),
) -> list[RiskWarning]:
    """Every rule's warnings for one day's events (or an already replayed day), officer by officer."""
    t = thresholds or Thresholds()
    hall = events if isinstance(events, Replay) else replay(events)
    day = Day(hall=hall, tz=ZoneInfo(timezone), opening=t.opening or opening)
    warnings = [w for rule in RULES for w in rule.check(day, t)]
    return sorted(warnings, key=lambda w: (w.staff_id or "", w.rule))

"""压单: a counter idle or paused, again and again, while tickets it could serve were waiting."""

from __future__ import annotations

import bisect
from datetime import datetime, timedelta

from ..replay import CounterSpan, TicketLife
from .base import Day, RiskWarning, Thresholds

RULE, TITLE = "withholding", "压单（有号不叫）"


def check(day: Day, t: Thresholds) -> list[RiskWarning]:
    """Per officer: `withhold_stretches` stretches of `withhold_min_s` or more, or `withhold_total_s` in all."""
    stretches: dict[str, list[tuple[CounterSpan, float, list[int]]]] = {}
    waits = Waits(day)
    for span in day.hall.spans:
        if span.state not in ("idle", "paused") or not span.staff_id:
            continue
        if (span.end - span.start).total_seconds() < t.withhold_min_s:
            continue
        waited, tickets = _waiting_overlap(day, span, waits)
        if waited >= t.withhold_min_s:
            stretches.setdefault(span.staff_id, []).append((span, waited, tickets))
    warnings = []
    for staff, found in sorted(stretches.items()):
        total = sum(w for _, w, _ in found)
        if len(found) < t.withhold_stretches and total < t.withhold_total_s:
            continue
        parts = [
            f"{s.counter}号窗口{'暂停' if s.state == 'paused' else '空闲'} {day.local(s.start)}–{day.local(s.end)}"
            f"，有号等待 {waited / 60:.0f} 分钟"
            for s, waited, _ in found
        ]
        tickets = sorted({i for _, _, ids in found for i in ids})
        warnings.append(
            RiskWarning(
                RULE, TITLE, staff, day.labels(tickets),
                f"{len(found)} 次有号不叫，共 {total / 60:.0f} 分钟：" + "；".join(parts[:6])
                + ("；…" if len(parts) > 6 else ""),
                {"stretches": len(found), "waited_s": round(total)},
            )
        )  # fmt: skip
    return warnings


class Waits:
    """Every stretch a ticket waited, per category in order of its start, to find those a span overlaps."""

    def __init__(self, day: Day):
        self.by_category: dict[str, list[tuple[datetime, datetime | None, TicketLife]]] = {}
        for life in day.hall.tickets.values():
            for start, end, category in life.waits:
                self.by_category.setdefault(category, []).append((start, end, life))
        self.starts: dict[str, list[datetime]] = {}
        self.open: dict[str, list[tuple[datetime, datetime | None, TicketLife]]] = {}  # still waiting at the end
        self.longest: dict[str, timedelta] = {}
        for category, found in self.by_category.items():
            found.sort(key=lambda w: w[0])
            self.starts[category] = [w[0] for w in found]
            self.open[category] = [w for w in found if w[1] is None]
            ended = [w[1] - w[0] for w in found if w[1] is not None]
            self.longest[category] = max([timedelta(0), *ended])

    def overlapping(self, category: str, span: CounterSpan) -> list[tuple[datetime, datetime | None, TicketLife]]:
        """Waits of the category that may overlap the span: begun before it ends, ended (if ever) after it begins."""
        found, starts = self.by_category.get(category, []), self.starts.get(category, [])
        first = bisect.bisect_left(starts, span.start - self.longest.get(category, timedelta(0)))
        past = bisect.bisect_left(starts, span.end)
        near = [w for w in found[first:past] if w[1] is not None]
        return near + [w for w in self.open.get(category, []) if w[0] < span.end]


def _waiting_overlap(day: Day, span: CounterSpan, waits: Waits) -> tuple[float, list[int]]:
    """Seconds of the span during which at least one ticket this counter could serve was waiting."""
    pieces, tickets = [], []
    recused = day.hall.recusals.get(span.staff_id or "", frozenset())
    for category in span.categories:
        for start, end, life in waits.overlapping(category, span):
            if life.enterprise and life.enterprise in recused:
                continue
            lo, hi = max(start, span.start), min(end or span.end, span.end)
            if hi > lo:
                pieces.append((lo, hi))
                tickets.append(life.id)
    covered, reach = 0.0, None
    for lo, hi in sorted(pieces):
        if reach is not None and lo < reach:
            lo = reach
        if hi > lo:
            covered += (hi - lo).total_seconds()
            reach = hi
    return covered, sorted(set(tickets))

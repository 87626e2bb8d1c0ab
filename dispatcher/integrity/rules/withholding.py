"""压单: a counter idle or paused, again and again, while tickets it could serve were waiting."""

from __future__ import annotations

from ..replay import CounterSpan
from .base import Day, RiskWarning, Thresholds

RULE, TITLE = "withholding", "压单（有号不叫）"


def check(day: Day, t: Thresholds) -> list[RiskWarning]:
    """Per officer: `withhold_stretches` stretches of `withhold_min_s` or more, or `withhold_total_s` in all."""
    stretches: dict[str, list[tuple[CounterSpan, float, list[int]]]] = {}
    for span in day.hall.spans:
        if span.state not in ("idle", "paused") or not span.staff_id:
            continue
        if (span.end - span.start).total_seconds() < t.withhold_min_s:
            continue
        waited, tickets = _waiting_overlap(day, span)
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


def _waiting_overlap(day: Day, span: CounterSpan) -> tuple[float, list[int]]:
    """Seconds of the span during which at least one ticket this counter could serve was waiting."""
    pieces, tickets = [], []
    recused = day.hall.recusals.get(span.staff_id or "", frozenset())
    for life in day.hall.tickets.values():
        if life.enterprise and life.enterprise in recused:
            continue
        for start, end, category in life.waits:
            if category not in span.categories:
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

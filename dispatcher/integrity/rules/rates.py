"""Rates far above the rest of the hall: recalls, no-shows, transfers, unsatisfied ratings."""

from __future__ import annotations

from collections import Counter

from dispatcher.stats import binomial_tail
from protocol.events import EventKind

from .base import Day, RiskWarning, Thresholds

LOW_RATINGS = frozenset({"unsatisfied", "very_unsatisfied"})  # the two low levels of 好差评 (and of old 3-level days)

# rule -> (title, what is counted, act kind)
RATES = {
    "recalls": ("频繁重呼", "重呼", EventKind.TICKET_RECALLED),
    "no_shows": ("过号率异常", "过号", EventKind.TICKET_NO_SHOW),
    "transfers": ("转办率异常", "转办", EventKind.TICKET_TRANSFERRED),
    "low_ratings": ("多次不满意评价", "不满意评价", EventKind.TICKET_RATED),
}


def check(day: Day, t: Thresholds) -> list[RiskWarning]:
    """Each officer's count against the others' rate: significant, well above, and not a handful."""
    minimum = {"recalls": t.recall_min, "no_shows": t.no_show_min, "transfers": t.transfer_min,
               "low_ratings": t.low_rating_min}  # fmt: skip
    calls = day.calls_by_officer()
    warnings = []
    for rule, (title, noun, kind) in RATES.items():
        hits: dict[str, set[int]] = {}
        for act in day.hall.acts:
            if act.kind != kind or not act.staff_id or act.ticket_id is None:
                continue
            if kind == EventKind.TICKET_RATED and act.data.get("rating") not in LOW_RATINGS:
                continue
            hits.setdefault(act.staff_id, set()).add(act.ticket_id)
        trials = _ratings(day) if kind == EventKind.TICKET_RATED else calls
        warnings += _far_above(day, t, rule, title, noun, hits, trials, minimum[rule])
    return warnings


def _ratings(day: Day) -> dict[str, int]:
    return dict(Counter(a.staff_id for a in day.hall.acts if a.kind == EventKind.TICKET_RATED and a.staff_id))


def _far_above(day, t, rule, title, noun, hits, trials, minimum) -> list[RiskWarning]:
    total_x = sum(len(v) for v in hits.values())
    total_n = sum(trials.values())
    warnings = []
    for staff, tickets in sorted(hits.items()):
        x, n = len(tickets), trials.get(staff, 0)
        if x < minimum or n == 0:
            continue
        others_n = total_n - n
        others = (total_x - x) / others_n if others_n > 0 else 0.0
        base = max(others, t.rate_floor)
        p_value = binomial_tail(x, n, base)
        if x / n >= t.rate_factor * base and p_value < t.rate_alpha:
            warnings.append(
                RiskWarning(
                    rule, title, staff, day.labels(sorted(tickets)),
                    f"{n} 次中{noun} {x} 次（{x / n:.0%}），其他关员 {others:.0%}；偶然出现的概率 p={p_value:.1e}",
                    {"count": x, "of": n, "rate": round(x / n, 4), "hall_rate": round(others, 4),
                     "p_value": p_value},
                )
            )  # fmt: skip
    return warnings

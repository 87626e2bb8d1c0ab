"""叫号后作废: a ticket voided after it was called to an officer (a trader turned away off the record)."""

from __future__ import annotations

from protocol.events import EventKind

from .base import Day, RiskWarning, Thresholds


def check(day: Day, t: Thresholds) -> list[RiskWarning]:
    """One warning per officer with at least `cancel_after_call_min` cancels of tickets called to them."""
    found: dict[str, list] = {}
    for act in day.hall.acts:
        if act.kind == EventKind.TICKET_CANCELLED and act.staff_id:
            found.setdefault(act.staff_id, []).append(act)
    warnings = []
    for staff, acts in sorted(found.items()):
        if len(acts) < t.cancel_after_call_min:
            continue
        warnings.append(
            RiskWarning(
                "cancel_after_call", "叫号后作废", staff, day.labels(a.ticket_id for a in acts),
                "；".join(
                    f"{day.hall.tickets[a.ticket_id].label} {day.local(a.at)} 由 {a.data.get('by') or '?'} 作废："
                    f"{a.data.get('reason', '')}"
                    for a in acts
                ),
                {"count": len(acts)},
            )
        )  # fmt: skip
    return warnings

"""重新取号: declarations re-ticketed after a no-show or cancellation (a trader re-rolling the draw)."""

from __future__ import annotations

from collections import defaultdict

from .base import Day, RiskWarning, Thresholds


def check(day: Day, t: Thresholds) -> list[RiskWarning]:
    """A trader-side list of the day's re-tickets, and one warning per enterprise that re-tickets often."""
    tickets = day.hall.tickets
    again = [life for life in tickets.values() if life.reticket_of is not None]
    if not again:
        return []

    def earlier(life) -> str:
        before = tickets.get(life.reticket_of)
        return f"{before.label}（{before.state}）" if before else f"#{life.reticket_of}"

    warnings = [
        RiskWarning(
            "retickets", "重新取号", None, day.labels(life.id for life in again),
            "；".join(f"报关单 {life.declaration or '?'}：{earlier(life)} → {life.label}" for life in again),
            {"declarations": sorted({life.declaration for life in again if life.declaration})},
        )
    ]  # fmt: skip
    by_enterprise: dict[str, list] = defaultdict(list)
    for life in again:
        if life.enterprise:
            by_enterprise[life.enterprise].append(life)
    for enterprise, lives in sorted(by_enterprise.items()):
        if len(lives) >= t.reticket_enterprise_min:
            warnings.append(
                RiskWarning(
                    "retickets_enterprise", "企业频繁重新取号", None, day.labels(life.id for life in lives),
                    f"企业 {enterprise} 今日重新取号 {len(lives)} 次",
                    {"enterprise": enterprise, "count": len(lives)},
                )
            )  # fmt: skip
    return warnings

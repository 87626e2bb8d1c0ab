"""关员与企业配对异常: one enterprise's tickets landing with one officer more often than the draw allows."""

from __future__ import annotations

from dispatcher.stats import binomial_tail

from .base import Day, RiskWarning, Thresholds


def check(day: Day, t: Thresholds) -> list[RiskWarning]:
    """Binomial tail of an enterprise's calls to an officer, at the officer's share of its categories' calls.

    The share is unconditional on who happened to be ready, so an officer who times Next to catch a
    friend's ticket is caught too. The day's alpha is split over every pair (Bonferroni).
    """
    share: dict[tuple[str, str], int] = {}  # (category, staff) -> calls
    per_category: dict[str, int] = {}
    calls: dict[str, list] = {}  # enterprise -> [(staff, category, ticket)]
    for life in day.hall.tickets.values():
        for _, _, staff, category in life.calls:
            if not staff:
                continue
            share[(category, staff)] = share.get((category, staff), 0) + 1
            per_category[category] = per_category.get(category, 0) + 1
            if life.enterprise:
                calls.setdefault(life.enterprise, []).append((staff, category, life.id))
    pairs = [(e, s) for e, cs in calls.items() for s in {c[0] for c in cs}]
    alpha = t.pairing_alpha / max(1, len(pairs))
    warnings = []
    for enterprise, staff in sorted(pairs):
        mine = [c for c in calls[enterprise] if c[0] == staff]
        x, n = len(mine), len(calls[enterprise])
        if x < t.pairing_min:
            continue
        p = sum(share.get((cat, staff), 0) / per_category[cat] for _, cat, _ in calls[enterprise]) / n
        p_value = binomial_tail(x, n, p)
        if p_value < alpha:
            warnings.append(
                RiskWarning(
                    "pairing", "关员与企业配对异常", staff, day.labels(sorted({c[2] for c in mine})),
                    f"企业 {enterprise} 的 {n} 次叫号中 {x} 次分到该关员，按其接件份额 {p:.0%} 应约 {n * p:.1f} 次；"
                    f"偶然出现的概率 p={p_value:.1e}（阈值 {alpha:.1e}）",
                    {"enterprise": enterprise, "count": x, "of": n, "share": round(p, 4), "p_value": p_value},
                )
            )  # fmt: skip
    return warnings

"""办理时长异常: an officer's services far shorter or longer than usual for the category, or beyond target."""

from __future__ import annotations

from dispatcher.stats import median

from .base import Day, RiskWarning, Thresholds


def check(day: Day, t: Thresholds) -> list[RiskWarning]:
    """Officer median against the median of officers' medians per category; and services over the target."""
    done: dict[str, dict[str, list]] = {}  # category -> staff -> [(seconds, ticket)]
    for life in day.hall.tickets.values():
        if life.service_s is not None and life.staff_id:
            done.setdefault(life.category, {}).setdefault(life.staff_id, []).append((life.service_s, life))
    warnings = []
    for category, by_staff in sorted(done.items()):
        judged = {o: median([s for s, _ in v]) for o, v in by_staff.items() if len(v) >= t.service_min_tickets}
        if len(judged) < 2:
            continue
        usual = median(list(judged.values()))  # one vote per officer, so one outlier cannot move it
        for staff, own in sorted(judged.items()):
            mine = by_staff[staff]
            ratio = own / usual if usual else 1.0
            if t.service_short_ratio <= ratio <= t.service_long_ratio:
                continue
            short = ratio < t.service_short_ratio
            picked = sorted(mine, key=lambda p: p[0], reverse=not short)[:5]
            warnings.append(
                RiskWarning(
                    "service_short" if short else "service_long",
                    "办理时长明显偏短" if short else "办理时长明显偏长",
                    staff,
                    tuple(p[1].label for p in picked),
                    f"{category} 类 {len(mine)} 件，中位办理 {own / 60:.1f} 分钟，各关员中位数 {usual / 60:.1f} 分钟"
                    f"（{ratio:.1f} 倍）",
                    {"category": category, "median_s": round(own), "hall_median_s": round(usual),
                     "ratio": round(ratio, 2), "services": len(mine)},
                )
            )  # fmt: skip
    over: dict[str, list] = {}
    for life in day.hall.tickets.values():
        if life.service_s is not None and life.staff_id and life.service_s > t.service_target_s:
            over.setdefault(life.staff_id, []).append(life)
    for staff, lives in sorted(over.items()):
        if len(lives) < t.service_over_target_min:
            continue
        lives.sort(key=lambda life: life.id)
        warnings.append(
            RiskWarning(
                "service_over_target", "办理超时", staff, tuple(life.label for life in lives),
                f"{len(lives)} 件办理超过 {t.service_target_s / 60:.0f} 分钟："
                + "，".join(f"{life.label} {life.service_s / 60:.0f} 分钟" for life in lives),
                {"count": len(lives), "target_s": t.service_target_s},
            )
        )  # fmt: skip
    return warnings

"""管理员干预: admin actions that bend the day while it runs (forced logouts, configuration, open/close/reopen)."""

from __future__ import annotations

from .base import Day, RiskWarning, Thresholds

OVERRIDES = {
    "admin.force_logout": "强制签退",
    "admin.counter": "修改窗口设置",
    "admin.category": "修改业务类型",
    "admin.category_removed": "删除业务类型",
    "admin.counter_removed": "删除窗口",
    "admin.officer": "修改关员（含回避名单）",
    "admin.officer_removed": "停用关员",
    "admin.day_open": "手动开始营业日",
    "admin.day_close": "手动结束营业日",
    "admin.day_reopen": "重新开启已结束的营业日",
}
ALWAYS = ("admin.day_open", "admin.day_close", "admin.day_reopen")


def check(day: Day, t: Thresholds) -> list[RiskWarning]:
    """Every override during the business day (manual opening, closing and reopening always), one warning each."""
    warnings = []
    for act in day.hall.acts:
        if act.kind not in OVERRIDES:
            continue
        if not act.in_day and act.kind not in ALWAYS:
            continue
        by = act.data.get("by") or "?"
        target = f"，涉及关员 {act.staff_id}" if act.staff_id else ""
        where = f"，{act.counter}号窗口" if act.counter else ""
        if act.data.get("reason"):
            where += f"（原因：{act.data['reason']}）"
        warnings.append(
            RiskWarning(
                "admin_override", "管理员干预", act.staff_id or by, (),
                f"{day.local(act.at)} {by} {OVERRIDES[act.kind]}{where}{target}",
                {"kind": act.kind, "by": by, "at": act.at.isoformat()},
            )
        )  # fmt: skip
    return warnings

"""管理员干预: admin actions that bend the day while it runs (forced logouts, configuration, open/close/reopen)."""

from __future__ import annotations

from protocol.events import EventKind

from .base import Day, RiskWarning, Thresholds

OVERRIDES: dict[str, str] = {
    EventKind.ADMIN_FORCE_LOGOUT: "强制签退",
    EventKind.ADMIN_COUNTER: "修改窗口设置",
    EventKind.ADMIN_CATEGORY: "修改业务类型",
    EventKind.ADMIN_CATEGORY_REMOVED: "删除业务类型",
    EventKind.ADMIN_COUNTER_REMOVED: "删除窗口",
    EventKind.ADMIN_OFFICER: "修改关员（含回避名单）",
    EventKind.ADMIN_OFFICER_REMOVED: "停用关员",
    EventKind.ADMIN_DAY_OPEN: "手动开始营业日",
    EventKind.ADMIN_DAY_CLOSE: "手动结束营业日",
    EventKind.ADMIN_DAY_REOPEN: "重新开启已结束的营业日",
}
ALWAYS = (EventKind.ADMIN_DAY_OPEN, EventKind.ADMIN_DAY_CLOSE, EventKind.ADMIN_DAY_REOPEN)


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

"""登录异常: logins outside opening hours, and repeated wrong PINs for one staff id."""

from __future__ import annotations

from protocol.events import EventKind

from .base import Day, RiskWarning, Thresholds


def check(day: Day, t: Thresholds) -> list[RiskWarning]:
    """Per officer: logins outside the hours, and `failed_login_min` or more failed logins."""
    outside: dict[str, list] = {}
    failed: dict[str, list] = {}
    for act in day.hall.acts:
        if act.kind == EventKind.COUNTER_LOGIN and not act.data.get("resumed") and not day.within_hours(act.at):
            outside.setdefault(act.staff_id or "?", []).append(act)
        if act.kind == EventKind.OFFICER_LOGIN_FAILED:
            failed.setdefault(act.staff_id or "?", []).append(act)
    warnings = []
    hours = f"{day.opening[0]}–{day.opening[1]}"
    for staff, acts in sorted(outside.items()):
        warnings.append(
            RiskWarning(
                "login_hours", "非工作时间登录", staff, (),
                f"营业时间 {hours} 之外登录：" + "，".join(f"{day.local(a.at)} {a.counter}号窗口" for a in acts),
                {"count": len(acts), "times": [a.at.isoformat() for a in acts]},
            )
        )  # fmt: skip
    for staff, acts in sorted(failed.items()):
        if len(acts) < t.failed_login_min:
            continue
        warnings.append(
            RiskWarning(
                "failed_logins", "多次登录失败", staff, (),
                f"{len(acts)} 次口令错误：" + "，".join(f"{day.local(a.at)} {a.counter}号窗口" for a in acts),
                {"count": len(acts)},
            )
        )  # fmt: skip
    return warnings

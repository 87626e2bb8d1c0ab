"""安全告警: a staff id attacked with wrong PINs across the hall, and declarations squatted by another kiosk."""

from __future__ import annotations

from protocol.events import EventKind

from .base import Day, RiskWarning, Thresholds


def check(day: Day, t: Thresholds) -> list[RiskWarning]:
    """One warning per `officer.login_alert` and per `ticket.declaration_conflict` of the day."""
    warnings = []
    for act in day.hall.acts:
        if act.kind == EventKind.OFFICER_LOGIN_ALERT:
            devices = ", ".join(act.data.get("devices", []))
            warnings.append(
                RiskWarning(
                    "login_attack", "口令疑遭猜测", act.staff_id, (),
                    f"{day.local(act.at)} 起 {act.data.get('failures')} 次口令错误，来自 {devices}；"
                    "该关员本人窗口未被锁定，请核实",
                    {"failures": act.data.get("failures"), "devices": act.data.get("devices", [])},
                )
            )  # fmt: skip
        elif act.kind == EventKind.TICKET_DECLARATION_CONFLICT:
            d = act.data
            warnings.append(
                RiskWarning(
                    "declaration_conflict", "报关单号被抢号", None, (str(d.get("label", "")),),
                    f"{day.local(act.at)} 报关单 {d.get('declaration_no')} 已由 {d.get('held_by')} 以企业代码 "
                    f"{d.get('held_enterprise')} 取号；{d.get('kiosk')} 以 {d.get('enterprise_code')} 再取被拒绝",
                    dict(d),
                )
            )  # fmt: skip
    return warnings

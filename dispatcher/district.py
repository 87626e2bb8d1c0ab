"""The district view (关区总览): each hall of a shared database side by side for a day, with the district's warnings.

A person sees the halls where they are a supervisor or an administrator (an officer row with that role in
the hall); being given a second hall is being made its supervisor there. The host's own user (the CLI
without --as) sees every hall of the database.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from dispatcher import dispositions as dp
from dispatcher.core import NotFound
from dispatcher.integrity import cases as rules
from dispatcher.integrity.records import stream_day
from dispatcher.integrity.report import build_report, hall_info
from dispatcher.integrity.rules import Thresholds
from dispatcher.service import HallService, stored_hall_config
from dispatcher.store import hall_ids
from dispatcher.store.cases import CaseStore

SATISFIED = ("very_satisfied", "satisfied", "basically_satisfied")


def halls_for(svc: HallService, staff_id: str | None) -> list[str]:
    """The halls this person is responsible for (None: the host's user, every hall)."""
    if staff_id is None:
        return hall_ids(svc.store.engine)
    return [h for h, role in dp.halls_of(svc, staff_id).items() if role in dp.MANAGERS]


def may_see(svc: HallService, staff_id: str | None, hall_id: str) -> bool:
    return hall_id in halls_for(svc, staff_id)


def hall_report(
    svc: HallService, hall_id: str, day: str, thresholds: Thresholds | None = None
) -> dict[str, Any] | None:
    """One hall's day report (with dispositions), read from the shared database; None if it had no such day."""
    store = dp.hall_store(svc, hall_id)
    config = svc.config if hall_id == svc.store.hall_id else stored_hall_config(store)
    if config is None or store.day_row(day) is None:
        return None
    info = hall_info(SimpleNamespace(config=config, store=store))
    report = build_report(stream_day(store, day, config.timezone), info, thresholds)
    return rules.annotate(report, hall_id, CaseStore(store).cases(days=[day]))


def _figures(hall_id: str, report: dict[str, Any] | None, cases: list[dict[str, Any]]) -> dict[str, Any]:
    if report is None:
        return {"hall_id": hall_id, "name": hall_id, "open": False, "cases": len(cases)}
    cats = report["categories"]
    waits = [(c["mean_wait_s"], c["issued"]) for c in cats if c["mean_wait_s"] is not None]
    rated = sum(report["ratings"].values())
    return {
        "hall_id": hall_id, "name": report["hall_name"] or hall_id, "open": True,
        "issued": sum(c["issued"] for c in cats), "served": sum(c["served"] for c in cats),
        "no_shows": sum(c["no_shows"] for c in cats), "cancelled": sum(c["cancelled"] for c in cats),
        "mean_wait_min": round(sum(w * n for w, n in waits) / max(1, sum(n for _, n in waits)) / 60, 1)
        if waits else None,
        "p90_wait_min": round(max((c["p90_wait_s"] or 0 for c in cats), default=0) / 60, 1),
        "over_target": sum(c["over_target"] for c in cats), "rated": rated,
        "satisfied_pct": round(100 * sum(report["ratings"][r] for r in SATISFIED) / rated, 1) if rated else None,
        "low_ratings": report["ratings"]["unsatisfied"] + report["ratings"]["very_unsatisfied"],
        "warnings": len(report["warnings"]), "verifies": report["verification"]["ok"],
        "cases": len(cases), "open_cases": sum(c["state"] != rules.CLOSED for c in cases),
        "overdue": sum(c["overdue"] for c in cases),
    }  # fmt: skip


def district(svc: HallService, staff_id: str | None, day: str, thresholds: Thresholds | None = None) -> dict[str, Any]:
    """Each hall's figures for a day side by side, and the district's warnings, for the halls this person may see."""
    halls = halls_for(svc, staff_id)
    if not halls:
        raise dp.Forbidden("forbidden", "You are not a supervisor of any hall of this database.")
    today, policy = svc.local_date(), dp.policy_of(svc)
    columns, warnings = [], []
    for hall_id in halls:
        store = dp.hall_store(svc, hall_id)
        cases = [dp.case_dict(svc, c, today, policy) for c in CaseStore(store).cases(days=[day])]
        columns.append(_figures(hall_id, hall_report(svc, hall_id, day, thresholds), cases))
        warnings += cases
    warnings.sort(key=lambda c: (c["state"] == rules.CLOSED, not c["overdue"], c["hall"], c["rule"], c["subject"]))
    return {"day": day, "halls": columns, "warnings": warnings}


def drill_down(svc: HallService, staff_id: str | None, hall_id: str, day: str) -> dict[str, Any]:
    """One hall's whole day report, if the person may see that hall."""
    if not may_see(svc, staff_id, hall_id):
        raise NotFound("hall_not_found", f"No hall {hall_id} that you may see.")
    report = hall_report(svc, hall_id, day)
    if report is None:
        raise NotFound("day_not_found", f"Hall {hall_id} has no business day {day}.")
    return report


# the rows of the side-by-side table: figure, Chinese, English
METRICS = (
    ("issued", "取号", "Tickets issued"),
    ("served", "办结", "Served"),
    ("no_shows", "过号", "No-shows"),
    ("cancelled", "取消", "Cancelled"),
    ("mean_wait_min", "平均等候（分钟）", "Mean wait (min)"),
    ("p90_wait_min", "90% 等候（分钟，最长类别）", "90th percentile wait (min, worst category)"),
    ("over_target", "超出目标等候", "Over the target wait"),
    ("rated", "评价数", "Ratings"),
    ("satisfied_pct", "满意率 %", "Satisfied %"),
    ("low_ratings", "不满意评价", "Low ratings"),
    ("warnings", "廉政风险预警", "Risk warnings"),
    ("cases", "预警处置件", "Cases"),
    ("open_cases", "未办结", "Not closed"),
    ("overdue", "超期", "Overdue"),
    ("verifies", "日志核验", "Log verifies"),
)

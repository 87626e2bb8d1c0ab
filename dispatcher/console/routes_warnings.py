"""The morning page of 预警处置: yesterday's warnings of the halls a person may see, each case's disposition,
and the supervisor's spot check. Department heads see their own department's cases only (checked here,
on every request); every step runs through `dispatcher.dispositions`, so it is an event in the log.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from dispatcher import dispositions as dp
from dispatcher.core import NotFound
from dispatcher.integrity import cases as rules
from dispatcher.service import HallService
from protocol.events import EventKind

from .accounts import Viewer
from .forms import handle_form, run_action
from .i18n import translator
from .pages import language, render
from .security import anyone, checked_form, service

router = APIRouter()
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def actor_of(viewer: Viewer) -> dp.Actor:
    return dp.Actor(viewer.staff_id, viewer.role)


def default_day(days: list[str], today: str) -> str:
    """Yesterday's warnings: the newest day with cases before today (else yesterday by the calendar)."""
    earlier = [d for d in days if d < today]
    return earlier[0] if earlier else (date.fromisoformat(today) - timedelta(days=1)).isoformat()


def _rows(svc: HallService, hall_id: str, cases: list, today: str, policy: rules.Policy) -> list[dict[str, Any]]:
    names = dp.officer_names(svc, hall_id)
    out = []
    for c in cases:
        row = dp.case_dict(svc, c, today, policy)
        row["officer"] = names.get(c.staff_id or "", "")
        out.append(row)
    per_ticket = (rules.LOW_RATING, rules.LONG_WAIT)  # the many small cases after the rules of conduct
    return sorted(out, key=lambda r: (r["state"] == rules.CLOSED, not r["overdue"], r["rule"] in per_ticket,
                                      r["deadline"], r["rule"], r["subject"]))  # fmt: skip


def _halls(svc: HallService, viewer: Viewer, day: str, today: str, policy: rules.Policy) -> list[dict[str, Any]]:
    """This hall first, then every other hall of the database the person is responsible for (read only here)."""
    halls = dp.halls_of(svc, viewer.staff_id)
    halls.setdefault(svc.hall_id, viewer.role)
    out = []
    for hall_id in sorted(halls, key=lambda h: (h != svc.hall_id, h)):
        cases, older = dp.morning_cases(svc, hall_id, dp.Actor(viewer.staff_id, halls[hall_id]), day)
        out.append(
            {
                "id": hall_id,
                "here": hall_id == svc.hall_id,
                "name": dp.hall_name(svc, hall_id),
                "cases": _rows(svc, hall_id, cases, today, policy),
                "older": _rows(svc, hall_id, older, today, policy),
            }
        )
    return out


def _morning(request: Request, viewer: Viewer, svc: HallService, day: str | None, **context: Any) -> Response:
    t = translator(language(request))
    policy = dp.policy_of(svc)
    today = svc.local_date()
    days = dp.case_days(svc)
    chosen = day if day and DAY.match(day) else default_day(days, today)
    halls = _halls(svc, viewer, chosen, today, policy)
    every = [c for h in halls for c in h["cases"] + h["older"]]
    samples = [_sample(r) for r in dp.spot_checks(svc)[:3]] if actor_of(viewer).manages else []
    return render(
        request, "warnings.html", viewer=viewer, title=t("warnings_title"), day=chosen, days=days[:14], halls=halls,
        today=today, manages=actor_of(viewer).manages, samples=samples,
        departments=dp.departments(svc), policy=policy,
        counts={"all": len(every), "open": sum(c["state"] != rules.CLOSED for c in every),
                "overdue": sum(c["overdue"] for c in every)},
        **context,
    )  # fmt: skip


def _sample(row) -> dict[str, Any]:
    return {
        "id": row.id, "state": row.state, "commitment": row.commitment, "size": row.size, "by": row.by,
        "population": len(json.loads(row.population)), "seed": row.seed if row.state == "drawn" else None,
        "chosen": json.loads(row.chosen) if row.chosen else [], "reviews": json.loads(row.reviews),
    }  # fmt: skip


@router.get("/warnings", include_in_schema=False)
def warnings_page(
    request: Request, day: str | None = None, viewer: Viewer = Depends(anyone), svc: HallService = Depends(service)
) -> Response:
    return _morning(request, viewer, svc, day)


@router.post("/warnings", include_in_schema=False)
async def spot_check(
    request: Request, day: str | None = None, viewer: Viewer = Depends(anyone), svc: HallService = Depends(service)
) -> Response:
    """The spot check's steps: commit, draw, review one drawn case."""
    form = await checked_form(request, viewer)
    who, policy = actor_of(viewer), dp.policy_of(svc)
    actions = {
        "commit": lambda f: dp.commit_sample(svc, who, int(f.get("size") or policy.sample_size), policy),
        "draw": lambda f: dp.draw(svc, who, f.get("sample", "")),
        "review": lambda f: dp.review(svc, who, f.get("sample", ""), f.get("case", ""),
                                      outcome=f.get("outcome", ""), note=f.get("note", "")),
    }  # fmt: skip
    result = await run_action(request, form, actions)
    result.pop("result", None)
    return _morning(request, viewer, svc, day or form.get("day"), **result)


STEP_NAMES: dict[str, str] = {
    EventKind.WARNING_RAISED: "step_raised",
    EventKind.WARNING_ASSIGNED: "step_assigned",
    EventKind.WARNING_EXPLAINED: "step_explained",
    EventKind.WARNING_CLOSED: "step_closed",
    EventKind.WARNING_SENT_BACK: "step_sent_back",
}


def _case_page(request: Request, viewer: Viewer, svc: HallService, case_id: str, **context: Any) -> Response:
    t, who = translator(language(request)), actor_of(viewer)
    case = dp.case_for(svc, who, case_id)
    today = svc.local_date()
    row = _rows(svc, svc.hall_id, [case], today, dp.policy_of(svc))[0]
    history = [
        {"seq": seq, "at": svc.local_time(at).strftime("%Y-%m-%d %H:%M"), "step": t(STEP_NAMES[kind]),
         "by": data.get("by") or "fairq", "text": data.get("text") or data.get("note") or data.get("to") or "",
         "reference": data.get("reference") or ""}
        for seq, kind, at, data in dp.history(svc, case_id, STEP_NAMES)
    ]  # fmt: skip
    return render(
        request, "warning.html", viewer=viewer, title=f"{t('disposition')} · {case.title}", case=row,
        history=history, manages=who.manages, may_explain=dp.may_explain(svc, who, case),
        departments=dp.departments(svc), **context,
    )  # fmt: skip


@router.get("/warnings/{case_id}", include_in_schema=False)
def case_page(
    case_id: str, request: Request, viewer: Viewer = Depends(anyone), svc: HallService = Depends(service)
) -> Response:
    try:
        return _case_page(request, viewer, svc, case_id)
    except NotFound:
        t = translator(language(request))
        return render(request, "refused.html", viewer=viewer, status=404, title=t("no_such_warning"),
                      text=t("no_such_warning"))  # fmt: skip


@router.post("/warnings/{case_id}", include_in_schema=False)
async def case_step(
    case_id: str, request: Request, viewer: Viewer = Depends(anyone), svc: HallService = Depends(service)
) -> Response:
    """One disposition step from the case's page (assign, explain, close, send back)."""
    t, who = translator(language(request)), actor_of(viewer)

    def assign(f: dict[str, str]) -> object:
        target = f.get("to", "")
        department = target.removeprefix("department:") if target.startswith("department:") else None
        staff = target.removeprefix("staff:") if target.startswith("staff:") else None
        return dp.assign(svc, who, case_id, department=department, staff=staff, note=f.get("note", ""))

    steps = {
        "assign": assign,
        "explain": lambda f: dp.explain(svc, who, case_id, text=f.get("text", ""), reference=f.get("reference", "")),
        "close": lambda f: dp.close(svc, who, case_id, note=f.get("note", "")),
        "send_back": lambda f: dp.send_back(svc, who, case_id, note=f.get("note", "")),
    }
    result = await handle_form(request, viewer, steps)
    result.pop("result", None)
    try:
        return _case_page(request, viewer, svc, case_id, **result)
    except NotFound:
        return render(request, "refused.html", viewer=viewer, status=404, title=t("no_such_warning"),
                      text=result.get("error") or t("no_such_warning"))  # fmt: skip

"""预警处置 over the API: the warning cases, their disposition steps and the spot checks.

Callers: a supervisor's or admin's device token, or a console person's session token as a bearer
(supervisors, admins, department heads). Everyone else is refused (deny by default); a department
head sees only their department's cases.
"""

from __future__ import annotations

import json
import re

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from dispatcher import dispositions as dp
from dispatcher.service import HallService

from .deps import case_actor, service
from .errors import ApiError

router = APIRouter(tags=["warnings"])
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class Assign(BaseModel):
    department: str | None = Field(None, max_length=40, description="the department whose head explains")
    staff: str | None = Field(None, max_length=40, description="or the officer's superior by staff id")
    note: str = Field("", max_length=2000)


class Explain(BaseModel):
    text: str = Field(..., min_length=1, max_length=4000)
    reference: str = Field("", max_length=200)


class Note(BaseModel):
    note: str = Field("", max_length=2000)


class SampleOrder(BaseModel):
    size: int | None = Field(None, ge=1, le=100)


class Review(BaseModel):
    case: str = Field(..., max_length=40)
    outcome: str = Field(..., pattern="^(upheld|reopened)$")
    note: str = Field("", max_length=2000)


def _view(svc: HallService, case) -> dict:
    return dp.case_dict(svc, case, svc.local_date(), dp.policy_of(svc))


@router.get("/warnings")
def list_warnings(
    day: str | None = None, who: dp.Actor = Depends(case_actor), svc: HallService = Depends(service)
) -> list[dict]:
    """The warning cases you may see, of one day or of every day."""
    if day is not None and not DAY.match(day):
        raise ApiError(422, "bad_day", f"{day!r} is not a day (YYYY-MM-DD).")
    if not who.manages and who.role != dp.HEAD:
        raise ApiError(403, "forbidden", "Only supervisors, administrators and department heads see warnings.")
    return [_view(svc, c) for c in dp.visible(svc, who, [day] if day else None)]


@router.get("/warnings/{case_id}")
def get_warning(case_id: str, who: dp.Actor = Depends(case_actor), svc: HallService = Depends(service)) -> dict:
    """One case with its evidence and where its disposition stands."""
    return _view(svc, dp.case_for(svc, who, case_id))


@router.post("/warnings/{case_id}/assign")
def assign(
    case_id: str, body: Assign, who: dp.Actor = Depends(case_actor), svc: HallService = Depends(service)
) -> dict:
    """Assign to a department (its head explains) or to the officer's superior."""
    return _view(svc, dp.assign(svc, who, case_id, department=body.department, staff=body.staff, note=body.note))


@router.post("/warnings/{case_id}/explain")
def explain(
    case_id: str, body: Explain, who: dp.Actor = Depends(case_actor), svc: HallService = Depends(service)
) -> dict:
    """The explanation and any reference, by the one the case is assigned to."""
    return _view(svc, dp.explain(svc, who, case_id, text=body.text, reference=body.reference))


@router.post("/warnings/{case_id}/close")
def close(case_id: str, body: Note, who: dp.Actor = Depends(case_actor), svc: HallService = Depends(service)) -> dict:
    """The supervisor accepts the explanation."""
    return _view(svc, dp.close(svc, who, case_id, note=body.note))


@router.post("/warnings/{case_id}/send-back")
def send_back(
    case_id: str, body: Note, who: dp.Actor = Depends(case_actor), svc: HallService = Depends(service)
) -> dict:
    """The supervisor sends the explanation back, saying why."""
    return _view(svc, dp.send_back(svc, who, case_id, note=body.note))


def _sample(row) -> dict:
    return {
        "id": row.id, "commitment": row.commitment, "size": row.size, "state": row.state, "by": row.by,
        "population": json.loads(row.population), "seed": row.seed if row.state == "drawn" else None,
        "chosen": json.loads(row.chosen) if row.chosen else None, "reviews": json.loads(row.reviews),
    }  # fmt: skip


@router.get("/spot-checks")
def spot_checks(who: dp.Actor = Depends(case_actor), svc: HallService = Depends(service)) -> list[dict]:
    """Every spot check, newest first (supervisors and admins)."""
    if not who.manages:
        raise ApiError(403, "forbidden", "Only supervisors and administrators see spot checks.")
    return [_sample(r) for r in dp.cases_of(svc).spot_checks()]


@router.post("/spot-checks")
def commit_sample(body: SampleOrder, who: dp.Actor = Depends(case_actor), svc: HallService = Depends(service)) -> dict:
    """Commit to a spot check of the closed cases: the seed's hash now, the seed when it is drawn."""
    return _sample(dp.commit_sample(svc, who, body.size, dp.policy_of(svc)))


@router.post("/spot-checks/{sample_id}/draw")
def draw(sample_id: str, who: dp.Actor = Depends(case_actor), svc: HallService = Depends(service)) -> dict:
    """Reveal the committed seed and name the cases to review."""
    return _sample(dp.draw(svc, who, sample_id))


@router.post("/spot-checks/{sample_id}/reviews")
def review(
    sample_id: str, body: Review, who: dp.Actor = Depends(case_actor), svc: HallService = Depends(service)
) -> dict:
    """The outcome of reviewing one drawn case."""
    return _sample(dp.review(svc, who, sample_id, body.case, outcome=body.outcome, note=body.note))

"""Departments for 预警处置 (admins only): each department, its head, and which officers belong to it."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from dispatcher import dispositions as dp
from dispatcher.service import HallService

from .accounts import Viewer
from .errors import attempt
from .i18n import translator
from .pages import language, render
from .security import admin_only, checked_form, service

router = APIRouter(prefix="/admin")


def _page(request: Request, viewer: Viewer, svc: HallService, **context) -> Response:
    t = translator(language(request))
    return render(request, "admin_departments.html", viewer=viewer, title=t("departments"),
                  departments=dp.departments(svc), officers=dp.roster(svc), **context)  # fmt: skip


@router.get("/departments", include_in_schema=False)
def departments_page(
    request: Request, viewer: Viewer = Depends(admin_only), svc: HallService = Depends(service)
) -> Response:
    return _page(request, viewer, svc)


@router.post("/departments", include_in_schema=False)
async def departments(
    request: Request, viewer: Viewer = Depends(admin_only), svc: HallService = Depends(service)
) -> Response:
    """Add or change a department (code, name, head), or put an officer in one; each is in the log."""
    form = await checked_form(request, viewer)
    t, by = translator(language(request)), viewer.staff_id
    actions = {
        "department": lambda: dp.set_department(svc, form.get("code", ""), form.get("name", ""),
                                                form.get("head", "").strip() or None, by=by),
        "member": lambda: dp.set_member(svc, form.get("staff_id", ""), form.get("department", ""), by=by),
    }  # fmt: skip
    action = actions.get(form.get("action", ""))
    result = await run_in_threadpool(attempt, t, action) if action else {"error": t("invalid")}
    result.pop("result", None)
    return _page(request, viewer, svc, **result)

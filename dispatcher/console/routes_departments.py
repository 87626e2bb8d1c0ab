"""Departments for 预警处置 (admins only): each department, its head, and which officers belong to it."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from dispatcher import dispositions as dp
from dispatcher.service import HallService

from .accounts import Viewer
from .forms import handle_form
from .i18n import translator
from .pages import language, render
from .security import admin_only, service

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
    by = viewer.staff_id
    actions = {
        "department": lambda f: dp.set_department(svc, f.get("code", ""), f.get("name", ""),
                                                  f.get("head", "").strip() or None, by=by),
        "member": lambda f: dp.set_member(svc, f.get("staff_id", ""), f.get("department", ""), by=by),
    }  # fmt: skip
    result = await handle_form(request, viewer, actions)
    result.pop("result", None)
    return _page(request, viewer, svc, **result)

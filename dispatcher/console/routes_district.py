"""The district page (关区总览): the halls of a shared database a person supervises, side by side for a day,
the district's warnings, and a drill-down into each hall's day report."""

from __future__ import annotations

import re

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from dispatcher import district
from dispatcher.core import DomainError
from dispatcher.integrity import load_thresholds, render_html
from dispatcher.service import HallService

from .accounts import Viewer
from .errors import refusal
from .i18n import translator
from .pages import language, render
from .security import HEADERS, REPORT_CSP, service, staff

router = APIRouter()
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@router.get("/district", include_in_schema=False)
async def district_page(
    request: Request, day: str | None = None, viewer: Viewer = Depends(staff), svc: HallService = Depends(service)
) -> Response:
    t = translator(language(request))
    days = svc.closed_days()
    chosen = day if day and DAY.match(day) else (days[-1] if days else (svc.current_day() or ""))
    thresholds = load_thresholds(request.app.state.settings.data_dir / "integrity.toml")
    try:
        view = await run_in_threadpool(district.district, svc, viewer.staff_id, chosen, thresholds)
    except DomainError as err:
        return render(request, "refused.html", viewer=viewer, status=403, title=t("district"), text=refusal(t, err))
    metrics = [(key, zh if language(request) == "zh" else en) for key, zh, en in district.METRICS]
    return render(request, "district.html", viewer=viewer, title=t("district"), view=view, day=chosen,
                  days=list(reversed(days))[:14], metrics=metrics)  # fmt: skip


@router.get("/district/{hall_id}/{day}/page", include_in_schema=False)
async def drill_down(
    hall_id: str, day: str, request: Request, viewer: Viewer = Depends(staff), svc: HallService = Depends(service)
) -> Response:
    """One hall's day report, if the person supervises that hall (otherwise as if it did not exist)."""
    try:
        report = await run_in_threadpool(district.drill_down, svc, viewer.staff_id, hall_id, day)
    except DomainError as err:
        return Response(err.message, status_code=404, headers=HEADERS)
    headers = {**HEADERS, "Content-Security-Policy": REPORT_CSP, "X-Frame-Options": "SAMEORIGIN"}
    return HTMLResponse(render_html(report), headers=headers)

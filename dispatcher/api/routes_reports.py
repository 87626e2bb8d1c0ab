"""The supervisor's morning report of a business day, as HTML, JSON or CSV (supervisor and admin only)."""

from __future__ import annotations

import re

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from dispatcher.auth import Principal
from dispatcher.integrity import load_thresholds, render_html, report_csv
from dispatcher.integrity.html import CSS
from dispatcher.service import HallService
from protocol import Role

from .deps import allow, service
from .errors import ApiError
from .headers import content_security_policy

router = APIRouter(prefix="/reports", tags=["reports"])
staff = allow(Role.SUPERVISOR, Role.ADMIN)
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
REPORT_POLICY = content_security_policy([CSS])


def _report(request: Request, svc: HallService, day: str) -> dict:
    if not DAY.match(day):
        raise ApiError(422, "bad_day", f"{day!r} is not a day (YYYY-MM-DD).")
    if svc.day_is_open(day) is None:
        raise ApiError(404, "day_not_found", f"No business day {day}.")
    thresholds = load_thresholds(request.app.state.settings.data_dir / "integrity.toml")
    return request.app.state.reports.report(svc, day, thresholds)  # a closed day's is kept (dispatcher.day_reports)


@router.get("/{day}.html", response_class=HTMLResponse)
def report_html(
    day: str, request: Request, _: Principal = Depends(staff), svc: HallService = Depends(service)
) -> HTMLResponse:
    """The printable report page: figures, SVG charts, warnings, the commitment and whether the day verifies."""
    return HTMLResponse(render_html(_report(request, svc, day)), headers={"Content-Security-Policy": REPORT_POLICY})


@router.get("/{day}.json")
def report_json(
    day: str, request: Request, _: Principal = Depends(staff), svc: HallService = Depends(service)
) -> JSONResponse:
    """The report's data as JSON."""
    return JSONResponse(_report(request, svc, day))


@router.get("/{day}.csv")
def report_csv_file(
    day: str, request: Request, _: Principal = Depends(staff), svc: HallService = Depends(service)
) -> Response:
    """The report flattened to section, subject, metric, value rows (formula-like cells neutralised)."""
    return Response(
        report_csv(_report(request, svc, day)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="fairq-report-{day}.csv"'},
    )

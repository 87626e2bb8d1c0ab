"""Day reports in the console: the page with its charts, the audit verdict, and CSV, JSON and bundle downloads.

Every view and download is in the audit log with who and which day.
"""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, Response

from dispatcher.integrity import Thresholds, load_thresholds, render_html, report_csv
from dispatcher.service import HallService

from . import accounts
from .accounts import Viewer
from .i18n import translator
from .pages import language, render
from .security import HEADERS, REPORT_CSP, service, staff

router = APIRouter()
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class NoDay(Exception):
    """A day that is not a day, or one the hall never had."""


def _check_day(svc: HallService, day: str) -> str:
    if not DAY.match(day) or svc.day_is_open(day) is None:
        raise NoDay(day)
    return day


def _thresholds(request: Request) -> Thresholds:
    return load_thresholds(request.app.state.settings.data_dir / "integrity.toml")


def _report(request: Request, svc: HallService, day: str) -> dict:
    """The day's report: a closed day's kept one (dispatcher.day_reports), built only when its inputs moved."""
    return request.app.state.reports.report(svc, _check_day(svc, day), _thresholds(request))


@router.get("/reports", include_in_schema=False)
def reports_page(
    request: Request, day: str | None = None, viewer: Viewer = Depends(staff), svc: HallService = Depends(service)
) -> Response:
    t = translator(language(request))
    days = svc.known_days()
    chosen = day or (svc.current_day() or (days[0] if days else None))
    context: dict[str, Any] = {"days": days, "day": chosen or "", "verdict": None, "error": None}
    if chosen is not None:
        try:
            _check_day(svc, chosen)
            kept = request.app.state.reports.verification(svc, chosen, _thresholds(request))
            context["verdict"] = kept or svc.verdict(chosen).as_dict()  # the kept report's verdict: the same
        except NoDay:
            context["error"] = t("no_such_day")
    return render(request, "reports.html", viewer=viewer, title=t("reports"), **context)


@router.get("/reports/{day}/page", include_in_schema=False)
def report_frame(
    day: str, request: Request, viewer: Viewer = Depends(staff), svc: HallService = Depends(service)
) -> Response:
    """The day report itself (framed by the reports page): its own inline style, no script."""
    try:
        page = render_html(_report(request, svc, day))
    except NoDay:
        return Response(translator(language(request))("no_such_day"), status_code=404, headers=HEADERS)
    accounts.report_viewed(svc, viewer, day, "html")
    headers = {**HEADERS, "Content-Security-Policy": REPORT_CSP, "X-Frame-Options": "SAMEORIGIN"}
    return HTMLResponse(page, headers=headers)


def _download(day: str, body: str, kind: str, suffix: str) -> Response:
    headers = {**HEADERS, "Content-Disposition": f'attachment; filename="fairq-{kind}-{day}.{suffix}"'}
    media = "text/csv; charset=utf-8" if suffix == "csv" else "application/json"
    return Response(body, media_type=media, headers=headers)


@router.get("/reports/{day}/report.csv", include_in_schema=False)
async def report_csv_file(
    day: str, request: Request, viewer: Viewer = Depends(staff), svc: HallService = Depends(service)
) -> Response:
    return await _export(request, svc, viewer, day, "csv")


@router.get("/reports/{day}/report.json", include_in_schema=False)
async def report_json_file(
    day: str, request: Request, viewer: Viewer = Depends(staff), svc: HallService = Depends(service)
) -> Response:
    return await _export(request, svc, viewer, day, "json")


@router.get("/reports/{day}/bundle.json", include_in_schema=False)
async def bundle_file(
    day: str, request: Request, viewer: Viewer = Depends(staff), svc: HallService = Depends(service)
) -> Response:
    """The verifiable day bundle, for tools/verify_day.py (what `fairq audit export` writes)."""
    return await _export(request, svc, viewer, day, "bundle")


async def _export(request: Request, svc: HallService, viewer: Viewer, day: str, what: str) -> Response:
    def build() -> Response:
        if what == "bundle":
            bundle = svc.day_log(_check_day(svc, day)).to_bundle()
            return _download(day, json.dumps(bundle, ensure_ascii=False, indent=1), "bundle", "json")
        report = _report(request, svc, day)
        if what == "csv":
            return _download(day, report_csv(report), "report", "csv")
        return _download(day, json.dumps(report, ensure_ascii=False, indent=1), "report", "json")

    try:
        response = await run_in_threadpool(build)
    except NoDay:
        return JSONResponse({"error": {"code": "day_not_found", "message": f"No business day {day}."}}, 404)
    await run_in_threadpool(accounts.report_viewed, svc, viewer, day, what)
    return response

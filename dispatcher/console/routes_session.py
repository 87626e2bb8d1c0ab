"""Logging in and out of the console, and the language toggle."""

from __future__ import annotations

import hmac
import secrets

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from dispatcher.service import NotLeader

from . import accounts
from .accounts import Viewer
from .i18n import LANG_COOKIE, LANGS, translator
from .pages import PREFIX, language, render
from .security import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    BadForm,
    checked_form,
    current_viewer,
    read_form,
    same_origin,
    secure,
    service,
    staff,
)

router = APIRouter()
HOME = f"{PREFIX}/hall"


def safe_next(target: str | None) -> str:
    """Only a console page of this dispatcher: never another site after login."""
    if target and target.startswith(f"{PREFIX}/") and not target.startswith("//") and "\\" not in target:
        return target
    return HOME


@router.get("/", include_in_schema=False)
@router.get("", include_in_schema=False)
def home() -> RedirectResponse:
    return RedirectResponse(HOME, status_code=303)


def _login_page(request: Request, *, status: int = 200, error: str | None = None, message: str | None = None,
                next_page: str = HOME, staff_id: str = "") -> Response:  # fmt: skip
    token = secrets.token_urlsafe(24)
    t = translator(language(request))
    page = render(
        request, "login.html", viewer=None, status=status, title=t("login_title"), error=error, message=message,
        next=next_page, staff_id=staff_id, csrf=token,
    )  # fmt: skip
    page.set_cookie(
        LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=secure(request), path=f"{PREFIX}/login"
    )
    return page


@router.get("/login", include_in_schema=False)
def login_page(request: Request, next: str | None = None, expired: int = 0, out: int = 0) -> Response:
    if current_viewer(request) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    t = translator(language(request))
    message = t("logged_out") if out else t("expired") if expired else None
    return _login_page(request, message=message, next_page=safe_next(next))


@router.post("/login", include_in_schema=False)
async def login(request: Request) -> Response:
    form = await read_form(request)
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not same_origin(request) or not expected or not hmac.compare_digest(form.get("csrf", ""), expected):
        raise BadForm()
    t = translator(language(request))
    staff_id, password = form.get("staff_id", "").strip()[:32], form.get("password", "")[:128]
    next_page = safe_next(form.get("next"))
    source = request.client.host if request.client else "?"
    svc = service(request)
    try:
        session = await run_in_threadpool(accounts.login, svc, staff_id, password, source=source)
    except accounts.LoginRefused as refused:
        if refused.key == "throttled":
            page = _login_page(request, status=429, error=t("throttled", s=refused.retry_after_s),
                               next_page=next_page, staff_id=staff_id)  # fmt: skip
            page.headers["Retry-After"] = str(refused.retry_after_s)
            return page
        return _login_page(request, status=401, error=t("bad_login"), next_page=next_page, staff_id=staff_id)
    except NotLeader:
        return _login_page(request, status=503, error="standby", next_page=next_page, staff_id=staff_id)
    if accounts.warnings_only(svc, staff_id):  # a department head: the warnings only
        next_page = next_page if next_page.startswith(f"{PREFIX}/warnings") else f"{PREFIX}/warnings"
    response = RedirectResponse(next_page, status_code=303)
    response.set_cookie(
        SESSION_COOKIE, session.token, httponly=True, samesite="strict", secure=secure(request), path="/"
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path=f"{PREFIX}/login")
    return response


@router.post("/logout", include_in_schema=False)
async def logout(request: Request, viewer: Viewer = Depends(staff)) -> Response:
    await checked_form(request, viewer)
    await run_in_threadpool(accounts.logout, service(request), viewer)
    response = RedirectResponse(f"{PREFIX}/login?out=1", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict", secure=secure(request))
    return response


@router.get("/lang", include_in_schema=False)
def set_language(request: Request, to: str = "zh", next: str | None = None) -> Response:
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(
        LANG_COOKIE, to if to in LANGS else "zh", samesite="strict", secure=secure(request), path=PREFIX,
        max_age=365 * 86400,
    )  # fmt: skip
    return response

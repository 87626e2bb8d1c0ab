"""Who may see a console page, and the headers, cookies and CSRF checks that keep it safe (Django's defaults)."""

from __future__ import annotations

import hmac
from urllib.parse import parse_qs

from fastapi import Request

from dispatcher.service import HallService

from .accounts import MANAGER_ROLES, Viewer, authenticate

SESSION_COOKIE = "fairq_console"
LOGIN_CSRF_COOKIE = "fairq_login_csrf"  # double-submit token of the login form, before there is a session
MAX_FORM_FIELDS = 50

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "frame-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
# The day report page is one self-contained document with its own <style>: no script at all, framed by us only.
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; frame-ancestors 'self'"
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


class NotLoggedIn(Exception):
    """No valid session: pages send the person to the login page, data requests get 401."""


class Refused(Exception):
    """The person is logged in but their role may not do this (403)."""


class BadForm(Exception):
    """A form without this session's CSRF token, or from another origin (403, nothing changed)."""


def service(request: Request) -> HallService:
    return request.app.state.service


def secure(request: Request) -> bool:
    """Cookies are Secure when the dispatcher serves TLS."""
    return request.url.scheme == "https"


def current_viewer(request: Request, *, activity: bool = True) -> Viewer | None:
    svc = service(request)
    idle_s = request.app.state.settings.console_idle_s
    return authenticate(svc, request.cookies.get(SESSION_COOKIE), idle_s=idle_s, activity=activity)


def staff(request: Request) -> Viewer:
    """A dependency: any supervisor or admin with a live session (a department head sees the warnings pages only)."""
    viewer = anyone(request)
    if viewer.role not in MANAGER_ROLES:
        raise Refused()
    return viewer


def anyone(request: Request) -> Viewer:
    """A dependency: any console person with a live session, department heads included (their pages filter)."""
    viewer = current_viewer(request)
    if viewer is None:
        raise NotLoggedIn()
    return viewer


def staff_refresh(request: Request) -> Viewer:
    """A dependency for a page's automatic refreshes: checks the session without keeping it from going idle."""
    viewer = current_viewer(request, activity=False)
    if viewer is None:
        raise NotLoggedIn()
    if viewer.role not in MANAGER_ROLES:
        raise Refused()
    return viewer


def admin_only(request: Request) -> Viewer:
    """A dependency: administrators only; a supervisor is refused on the server, not just hidden a link."""
    viewer = staff(request)
    if not viewer.is_admin:
        raise Refused()
    return viewer


def same_origin(request: Request) -> bool:
    """An Origin header, when the browser sends one, names this very dispatcher."""
    origin = request.headers.get("origin")
    return origin is None or origin == f"{request.url.scheme}://{request.headers.get('host', '')}"


async def read_form(request: Request) -> dict[str, str]:
    """The urlencoded body as single values (the last one wins)."""
    body = (await request.body()).decode("utf-8", errors="replace")
    fields = parse_qs(body, keep_blank_values=True, max_num_fields=MAX_FORM_FIELDS)
    return {k: v[-1] for k, v in fields.items()}


async def checked_form(request: Request, viewer: Viewer) -> dict[str, str]:
    """The form, once its CSRF token is this session's and it came from this origin."""
    try:
        form = await read_form(request)
    except ValueError as err:  # too many fields
        raise BadForm() from err
    if not same_origin(request) or not hmac.compare_digest(form.get("csrf", ""), viewer.csrf):
        raise BadForm()
    return form

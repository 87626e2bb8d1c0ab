"""The supervisors' and administrators' console in a browser, served by the dispatcher under /console/.

`install(app)` adds its pages, its static files and its error pages to a dispatcher app. Public pieces for
pages added later: `pages.NAV` (the menu), `pages.render`, `security.staff` / `security.admin_only` (role checks).
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from . import routes_admin, routes_district, routes_hall, routes_reports, routes_session, routes_warnings
from .i18n import translator
from .pages import HERE, PREFIX, language, render
from .security import HEADERS, SESSION_COOKIE, BadForm, NotLoggedIn, Refused, current_viewer

__all__ = ["install", "PREFIX"]

DATA_SUFFIXES = (".json", ".csv")


def install(app: FastAPI) -> None:
    """Serve the console on this app (same port and TLS as the API)."""
    for module in (routes_session, routes_hall, routes_reports, routes_warnings, routes_district, routes_admin):
        app.include_router(module.router, prefix=PREFIX)
    app.mount(f"{PREFIX}/static", StaticFiles(directory=HERE / "static"), name="console-static")

    @app.exception_handler(NotLoggedIn)
    async def _not_logged_in(request: Request, _: NotLoggedIn) -> Response:
        if request.url.path.endswith(DATA_SUFFIXES):
            body = {"error": {"code": "unauthorized", "message": "Log in to the console first."}}
            return JSONResponse(body, status_code=401, headers=HEADERS)
        expired = "&expired=1" if request.cookies.get(SESSION_COOKIE) else ""
        target = request.url.path if request.method == "GET" else f"{PREFIX}/hall"
        return RedirectResponse(f"{PREFIX}/login?next={quote(target)}{expired}", status_code=303)

    @app.exception_handler(Refused)
    async def _refused(request: Request, _: Refused) -> Response:
        return _refusal(request, "forbidden_text")

    @app.exception_handler(BadForm)
    async def _bad_form(request: Request, _: BadForm) -> Response:
        return _refusal(request, "csrf_text")


def _refusal(request: Request, key: str) -> Response:
    t = translator(language(request))
    viewer = current_viewer(request)
    return render(request, "refused.html", viewer=viewer, status=403, title=t("forbidden"), text=t(key))

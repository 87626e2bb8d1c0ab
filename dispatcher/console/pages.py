"""Rendering a console page: one Jinja2 environment (autoescape always on), the nav, the language."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from .accounts import Viewer
from .i18n import LANG_COOKIE, LANGS, translator
from .security import CSP, HEADERS

HERE = Path(__file__).parent
PREFIX = "/console"


@dataclass(frozen=True)
class NavItem:
    """One entry of the console's menu; `admin` entries are shown to, and allowed for, administrators only."""

    path: str
    key: str
    admin: bool = False
    heads: bool = False  # shown to department heads, who see only such pages


# Later pages (the morning warnings page, the district view) add their entry here.
NAV: list[NavItem] = [
    NavItem("/hall", "hall"),
    NavItem("/actions", "actions"),
    NavItem("/reports", "reports"),
    NavItem("/warnings", "warnings", heads=True),
    NavItem("/district", "district"),
    NavItem("/admin/officers", "officers", admin=True),
    NavItem("/admin/devices", "devices", admin=True),
    NavItem("/admin/counters", "counters", admin=True),
    NavItem("/admin/categories", "categories", admin=True),
    NavItem("/admin/day", "day", admin=True),
]


def nav_for(viewer: Viewer | None) -> list[NavItem]:
    if viewer is None:
        return []
    if viewer.role == "head":
        return [item for item in NAV if item.heads]
    return [item for item in NAV if viewer.is_admin or not item.admin]


@cache
def environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=True,  # every template, whatever its name
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def language(request: Request) -> str:
    lang = request.cookies.get(LANG_COOKIE, "zh")
    return lang if lang in LANGS else "zh"


def render(
    request: Request, template: str, *, viewer: Viewer | None, status: int = 200, **context: Any
) -> HTMLResponse:
    """A whole page with the console's security headers."""
    lang = language(request)
    context = {"message": None, "error": None, **context}
    html = (
        environment()
        .get_template(template)
        .render(
            t=translator(lang),
            lang=lang,
            viewer=viewer,
            nav=nav_for(viewer),
            prefix=PREFIX,
            path=request.url.path,
            csrf=viewer.csrf if viewer else context.pop("csrf", ""),
            **context,
        )
    )
    return HTMLResponse(html, status_code=status, headers={"Content-Security-Policy": CSP, **HEADERS})

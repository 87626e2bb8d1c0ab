"""Administration pages (admins only, checked on every request): officers, devices, counters, categories, the day.

Each change calls the same admin functions as the API and the CLI, so it lands in the hash-chained log
attributed to the logged-in person.
"""

from __future__ import annotations

import base64
import io

import qrcode
import qrcode.image.svg
from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from dispatcher import admin
from dispatcher.core import DomainError
from dispatcher.service import HallService
from dispatcher.tls import pin_of
from protocol import OfficerRole, Role
from protocol.enrolment import Enrolment, enrolment_code
from protocol.models import CategoryConfig, CounterConfig, DeviceCreate, DeviceToken, OfficerCreate

from . import accounts
from .accounts import Viewer
from .forms import handle_form
from .i18n import translator
from .pages import language, render
from .security import admin_only, service

router = APIRouter(prefix="/admin")
ENROLLED_ROLES = [r.value for r in Role if r != Role.OFFICER]


def _codes(text: str) -> list[str]:
    return [c.strip() for c in text.replace("，", ",").replace(" ", ",").split(",") if c.strip()]


def _int(text: str | None) -> int | None:
    text = (text or "").strip()
    return int(text) if text else None


# ---- officers ----------------------------------------------------------------------------


def _officers_page(request: Request, viewer: Viewer, svc: HallService, **context) -> Response:
    has_password = accounts.has_password(svc)
    return render(
        request, "admin_officers.html", viewer=viewer, title=translator(language(request))("officers"),
        officers=admin.list_officers(svc), has_password=has_password, roles=[r.value for r in OfficerRole],
        **context,
    )  # fmt: skip


@router.get("/officers", include_in_schema=False)
def officers_page(
    request: Request, viewer: Viewer = Depends(admin_only), svc: HallService = Depends(service)
) -> Response:
    return _officers_page(request, viewer, svc)


@router.post("/officers", include_in_schema=False)
async def officers(
    request: Request, viewer: Viewer = Depends(admin_only), svc: HallService = Depends(service)
) -> Response:
    by = viewer.staff_id

    def add(f: dict[str, str]) -> None:
        body = OfficerCreate(
            staff_id=f.get("staff_id", "").strip(), name=f.get("name", "").strip(), pin=f.get("pin", ""),
            role=OfficerRole(f.get("role", "officer")), recusals=_codes(f.get("recusals", "")),
        )  # fmt: skip
        if accounts.is_officer(svc, body.staff_id):
            raise ValueError(f"{body.staff_id} exists; change it in its row")
        password = f.get("password", "")
        if password:
            accounts.check_password(password)
        admin.add_officer(svc, body, by=by)
        if password:
            accounts.set_password(svc, body.staff_id, password, by=by)

    def update(f: dict[str, str]) -> None:
        accounts.update_officer(
            svc, f.get("staff_id", ""), name=f.get("name", ""), role=OfficerRole(f.get("role", "officer")),
            recusals=_codes(f.get("recusals", "")), by=by,
        )  # fmt: skip

    result = await handle_form(
        request,
        viewer,
        {
            "add": add,
            "update": update,
            "pin": lambda f: accounts.set_pin(svc, f.get("staff_id", ""), f.get("pin", ""), by=by),
            "password": lambda f: accounts.set_password(svc, f.get("staff_id", ""), f.get("password", ""), by=by),
            "deactivate": lambda f: accounts.deactivate(svc, f.get("staff_id", ""), by=by),
        },
    )
    result.pop("result", None)
    return _officers_page(request, viewer, svc, **result)


# ---- devices -----------------------------------------------------------------------------


def tls_pin(request: Request) -> str | None:
    """The SHA-256 pin of the certificate this dispatcher serves, when the page came over TLS."""
    settings = request.app.state.settings
    return pin_of(settings.data_dir / "tls", create=False) if request.url.scheme == "https" else None


def qr_data_uri(text: str) -> str:
    """A QR code of the text as an SVG data URI (made here, nothing fetched)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _devices_page(request: Request, viewer: Viewer, svc: HallService, **context) -> Response:
    return render(
        request, "admin_devices.html", viewer=viewer, title=translator(language(request))("devices"),
        devices=admin.list_devices(svc), roles=ENROLLED_ROLES, counters=svc.counter_numbers(),
        enrolled=context.pop("enrolled", None), **context,
    )  # fmt: skip


@router.get("/devices", include_in_schema=False)
def devices_page(
    request: Request, viewer: Viewer = Depends(admin_only), svc: HallService = Depends(service)
) -> Response:
    return _devices_page(request, viewer, svc)


@router.post("/devices", include_in_schema=False)
async def devices(
    request: Request, viewer: Viewer = Depends(admin_only), svc: HallService = Depends(service)
) -> Response:
    by = viewer.staff_id

    def enrol(f: dict[str, str]):
        role = Role(f.get("role", ""))
        body = DeviceCreate(name=f.get("name", "").strip(), role=role, counter=_int(f.get("counter")))
        return admin.add_device(svc, body, by=by)

    result = await handle_form(
        request, viewer, {"enrol": enrol, "revoke": lambda f: admin.revoke_device(svc, int(f.get("id", "")), by=by)}
    )
    made = result.pop("result", None)
    if isinstance(made, DeviceToken):
        url = f"{request.url.scheme}://{request.headers.get('host', '')}"
        pin = tls_pin(request)
        code = enrolment_code(Enrolment(token=made.token, url=url, hall_id=svc.hall_id, pin=pin))
        result["enrolled"] = {"device": made.device, "token": made.token, "pin": pin, "url": url, "code": code,
                              "qr": qr_data_uri(code)}  # fmt: skip
    return _devices_page(request, viewer, svc, **result)


# ---- counters and categories -------------------------------------------------------------


def _counters_page(request: Request, viewer: Viewer, svc: HallService, **context) -> Response:
    return render(
        request, "admin_counters.html", viewer=viewer, title=translator(language(request))("counters"),
        counters=admin.list_counters(svc), categories=admin.list_categories(svc), **context,
    )  # fmt: skip


@router.get("/counters", include_in_schema=False)
def counters_page(
    request: Request, viewer: Viewer = Depends(admin_only), svc: HallService = Depends(service)
) -> Response:
    return _counters_page(request, viewer, svc)


@router.post("/counters", include_in_schema=False)
async def counters(
    request: Request, viewer: Viewer = Depends(admin_only), svc: HallService = Depends(service)
) -> Response:
    def save(f: dict[str, str]) -> None:
        body = CounterConfig(
            number=int(f.get("number", "")), name=f.get("name", "").strip(),
            categories=[c.upper() for c in _codes(f.get("categories", ""))],
            led_address=_int(f.get("led_address")), keypad_address=_int(f.get("keypad_address")),
            evaluator_address=_int(f.get("evaluator_address")),
        )  # fmt: skip
        admin.put_counter(svc, body.number, body, by=viewer.staff_id)

    result = await handle_form(request, viewer, {"save": save})
    result.pop("result", None)
    return _counters_page(request, viewer, svc, **result)


def _categories_page(request: Request, viewer: Viewer, svc: HallService, **context) -> Response:
    return render(
        request, "admin_categories.html", viewer=viewer, title=translator(language(request))("categories"),
        categories=admin.list_categories(svc), **context,
    )  # fmt: skip


@router.get("/categories", include_in_schema=False)
def categories_page(
    request: Request, viewer: Viewer = Depends(admin_only), svc: HallService = Depends(service)
) -> Response:
    return _categories_page(request, viewer, svc)


@router.post("/categories", include_in_schema=False)
async def categories(
    request: Request, viewer: Viewer = Depends(admin_only), svc: HallService = Depends(service)
) -> Response:
    def save(f: dict[str, str]) -> None:
        body = CategoryConfig(
            code=f.get("code", "").strip().upper(), name_zh=f.get("name_zh", "").strip(),
            name_en=f.get("name_en", "").strip(), priority=int(f.get("priority") or 0),
            requires_declaration=f.get("requires_declaration") == "on",
            requires_enterprise=f.get("requires_enterprise") == "on",
            io_flag=f.get("io_flag") or None, target_wait_min=int(f.get("target_wait_min") or 15),
        )  # fmt: skip
        admin.put_category(svc, body.code, body, by=viewer.staff_id)

    result = await handle_form(request, viewer, {"save": save})
    result.pop("result", None)
    return _categories_page(request, viewer, svc, **result)


# ---- the business day --------------------------------------------------------------------


def _day_page(request: Request, viewer: Viewer, svc: HallService, **context) -> Response:
    return render(
        request, "admin_day.html", viewer=viewer, title=translator(language(request))("day"),
        day=svc.day_view(), today=svc.local_date(), **context,
    )  # fmt: skip


def _reopen(svc: HallService, form: dict[str, str], *, by: str) -> object:
    """Reopen the day the page showed; a missing reason is said with the words for reopening, not a general one."""
    try:
        return admin.reopen_day(svc, day=form.get("day", ""), reason=form.get("reason", ""), by=by)
    except DomainError as err:
        if err.code == "reason_required":
            raise type(err)("reopen_reason_required", err.message) from err
        raise


@router.get("/day", include_in_schema=False)
def day_page(request: Request, viewer: Viewer = Depends(admin_only), svc: HallService = Depends(service)) -> Response:
    return _day_page(request, viewer, svc)


@router.post("/day", include_in_schema=False)
async def day(request: Request, viewer: Viewer = Depends(admin_only), svc: HallService = Depends(service)) -> Response:
    by = viewer.staff_id
    result = await handle_form(
        request,
        viewer,
        {
            "open": lambda f: admin.open_day(svc, by=by),
            "close": lambda f: admin.close_day(svc, by=by),
            "reopen": lambda f: _reopen(svc, f, by=by),
        },
    )
    result.pop("result", None)
    return _day_page(request, viewer, svc, **result)

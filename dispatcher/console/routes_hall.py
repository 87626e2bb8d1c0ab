"""The live hall page and its figures, and what a supervisor may do in the hall: the notice, cancelling a ticket."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response

from dispatcher import admin
from dispatcher.service import HallService
from protocol import TicketState

from .accounts import Viewer
from .forms import handle_form
from .i18n import translator
from .live import hall_view
from .pages import language, render
from .security import HEADERS, service, staff, staff_refresh

router = APIRouter()


@router.get("/hall", include_in_schema=False)
def hall_page(request: Request, viewer: Viewer = Depends(staff)) -> Response:
    return render(request, "hall.html", viewer=viewer, title=translator(language(request))("hall"))


@router.get("/hall.json", include_in_schema=False)
def hall_json(viewer: Viewer = Depends(staff_refresh), svc: HallService = Depends(service)) -> JSONResponse:
    """The live hall's figures and alerts (the page fetches them whenever the stream moves)."""
    return JSONResponse(hall_view(svc), headers=HEADERS)


def _waiting(svc: HallService) -> list[dict]:
    def query(hall):
        tz = hall.tz
        tickets = sorted((t for t in hall.tickets.values() if t.state == TicketState.WAITING), key=lambda t: t.id)
        return [
            {
                "id": t.id,
                "label": t.label,
                "category": t.category,
                "issued": t.issued_at.astimezone(tz).strftime("%H:%M:%S"),
                "declaration_no": t.declaration_no or "",
                "kiosk": t.kiosk or "",
            }
            for t in tickets
        ]

    return svc.read(query)


def _actions_page(request: Request, viewer: Viewer, svc: HallService, **context) -> Response:
    t = translator(language(request))
    return render(
        request, "actions.html", viewer=viewer, title=t("actions"), notice=svc.notice(),
        tickets=_waiting(svc), **context,
    )  # fmt: skip


@router.get("/actions", include_in_schema=False)
def actions_page(request: Request, viewer: Viewer = Depends(staff), svc: HallService = Depends(service)) -> Response:
    return _actions_page(request, viewer, svc)


@router.post("/actions", include_in_schema=False)
async def actions(request: Request, viewer: Viewer = Depends(staff), svc: HallService = Depends(service)) -> Response:
    """Set the hall notice, or cancel a waiting ticket with a reason (supervisors and admins)."""
    by = viewer.staff_id

    def cancel(f: dict[str, str]) -> None:
        ticket_id, reason = int(f.get("ticket_id", "")), f.get("reason", "")[:200]
        svc.run(lambda hall: hall.cancel_ticket(ticket_id, reason=reason, by=by))

    actions = {"notice": lambda f: admin.set_notice(svc, f.get("text", "")[:500], by=by), "cancel": cancel}
    result = await handle_form(request, viewer, actions)
    return _actions_page(request, viewer, svc, **result)

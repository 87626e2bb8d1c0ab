"""Tickets: kiosks issue them, and cancel those that could not be printed."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Header, Request, Response

from dispatcher import issuing, projection
from dispatcher.auth import Principal
from dispatcher.service import HallService
from protocol import Role
from protocol.models import CancelRequest, TicketCreate, TicketPublic

from .deps import READERS, Id, allow, allow_command, service
from .errors import ApiError

router = APIRouter(tags=["tickets"])
ISSUERS = (Role.KIOSK, Role.ADMIN)  # who may issue (the route and dispatcher.api.issue_shortcut)
KEY_MAX = 100  # the longest Idempotency-Key


@router.post("/tickets", response_model=TicketPublic, status_code=200)
async def issue_ticket(
    request: Request,
    body: TicketCreate,
    who: Principal = Depends(allow_command(*ISSUERS)),
    idempotency_key: str | None = Header(default=None, max_length=KEY_MAX),
) -> Response:
    """Issue a ticket; a retry with the same Idempotency-Key (and body), or an open declaration, returns the old one.

    Refusals: 429 `issue_rate_limited` (with Retry-After), 409 `declaration_in_use` (another kiosk holds
    the declaration under another enterprise code; the supervisor is told), 422 `idempotency_mismatch`.
    Answered after the ticket's commit, which it shares with the other requests that came meanwhile.
    """
    svc: HallService = request.app.state.service
    ticket = await issuing.issue_async(svc, body, caller=who, idempotency_key=idempotency_key)
    return Response(ticket.model_dump_json(), media_type="application/json")  # built as it is, not re-checked


@router.get("/tickets/by-key/{key}", response_model=TicketPublic)
def ticket_by_key(
    key: str, who: Principal = Depends(allow(Role.KIOSK)), svc: HallService = Depends(service)
) -> TicketPublic:
    """The ticket this kiosk's request with this Idempotency-Key got, if any (after a lost reply); makes none."""

    def query(hall):
        found = hall.ticket_for_key(f"{who.name}:{key}")
        if found is None:
            raise ApiError(404, "no_ticket_for_key", "No ticket was issued for this request.")
        ticket, created = found
        return svc.ticket_public(ticket, reprint=not created)

    return projection.ticket(projection.of(who), svc.read(query))


@router.get("/tickets/{ticket_id}", response_model=TicketPublic)
def get_ticket(
    ticket_id: Id, who: Principal = Depends(allow(*READERS)), svc: HallService = Depends(service)
) -> TicketPublic:
    """One of today's tickets, cut to the caller's view; a kiosk reads only the tickets it issued."""
    aud = projection.of(who)
    ticket = svc.read(lambda hall: svc.ticket_public(hall.ticket(ticket_id)))
    if not projection.may_read_ticket(aud, ticket):
        raise ApiError(403, "not_your_ticket", "A kiosk may read only the tickets it issued.")
    return projection.ticket(aud, ticket)


@router.post("/tickets/{ticket_id}/cancel", response_model=TicketPublic)
def cancel_ticket(
    ticket_id: Id,
    body: CancelRequest,
    who: Principal = Depends(allow(Role.KIOSK, Role.SUPERVISOR, Role.ADMIN)),
    svc: HallService = Depends(service),
) -> TicketPublic:
    """Void a waiting (or just called) ticket, with a reason; a kiosk may cancel only its own tickets."""

    def command(hall):
        ticket = hall.ticket(ticket_id)
        if who.role == Role.KIOSK and ticket.kiosk != who.name:
            raise ApiError(403, "not_your_ticket", "A kiosk may cancel only the tickets it issued.")
        return svc.ticket_public(hall.cancel_ticket(ticket_id, reason=body.reason, by=who.name))

    return projection.ticket(projection.of(who), svc.run(command))

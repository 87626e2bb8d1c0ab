"""Tickets: kiosks issue them, and cancel those that could not be printed."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Header

from dispatcher.auth import Principal
from dispatcher.service import HallService
from protocol import Role
from protocol.models import CancelRequest, TicketCreate, TicketPublic

from .deps import READERS, Id, allow, service
from .errors import ApiError

router = APIRouter(tags=["tickets"])


@router.post("/tickets", response_model=TicketPublic, status_code=200)
def issue_ticket(
    body: TicketCreate,
    who: Principal = Depends(allow(Role.KIOSK, Role.ADMIN)),
    svc: HallService = Depends(service),
    idempotency_key: str | None = Header(default=None, max_length=100),
) -> TicketPublic:
    """Issue a ticket; a retry with the same Idempotency-Key, or an open declaration, returns the old one."""
    key = f"{who.name}:{idempotency_key}" if idempotency_key else None

    def command(hall):
        ticket, reprint = hall.issue_ticket(
            category=body.category,
            declaration_no=body.declaration_no,
            enterprise_code=body.enterprise_code,
            kiosk=who.name,
            idempotency_key=key,
        )
        return svc.ticket_public(ticket, reprint=reprint)

    return svc.run(command)


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

    return svc.read(query)


@router.get("/tickets/{ticket_id}", response_model=TicketPublic)
def get_ticket(
    ticket_id: Id, _: Principal = Depends(allow(*READERS)), svc: HallService = Depends(service)
) -> TicketPublic:
    """One of today's tickets."""
    return svc.read(lambda hall: svc.ticket_public(hall.ticket(ticket_id)))


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

    return svc.run(command)

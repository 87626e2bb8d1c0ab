"""Issuing a ticket at a kiosk, with the abuse limits: rate, declaration squatting, reused idempotency keys."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dispatcher.auth import Principal, Throttled
from dispatcher.core import Conflict, Invalid
from protocol import enterprise_problem, normalise_enterprise
from protocol.events import TicketDeclarationConflict
from protocol.models import TicketCreate, TicketPublic

if TYPE_CHECKING:
    from dispatcher.core import Hall, Ticket
    from dispatcher.service import HallService


class DeclarationInUse(Conflict):
    """Another kiosk holds an open ticket for this declaration under another enterprise code."""

    def __init__(self, record: TicketDeclarationConflict):
        super().__init__(
            "declaration_in_use",
            "This declaration number already has a ticket under another enterprise code. Please ask at the help desk.",
        )
        self.record = record


def _enterprise(value: str | None) -> str | None:
    if not value or not value.strip():
        return None
    return normalise_enterprise(value) if enterprise_problem(value) is None else value.strip()


def _mismatch(ticket: Ticket, created: bool, body: TicketCreate) -> bool:
    """Whether a request reusing an Idempotency-Key asks for something else than the first one did."""
    declaration = (body.declaration_no or "").strip() or None
    if declaration != ticket.declaration_no:
        return True
    return created and (body.category != ticket.category or _enterprise(body.enterprise_code) != ticket.enterprise_code)


def _squatter(hall: Hall, body: TicketCreate, kiosk: str) -> Ticket | None:
    """An open ticket for this declaration from another kiosk with another enterprise code."""
    declaration = (body.declaration_no or "").strip()
    if not declaration:
        return None
    enterprise = _enterprise(body.enterprise_code)
    for t in hall.declared(declaration):
        if t.state.is_open and t.declaration_no == declaration and t.kiosk != kiosk and t.enterprise_code != enterprise:
            return t
    return None


def _command(svc: HallService, body: TicketCreate, kiosk: str, idempotency_key: str | None):
    """The issue as a command on the hall's serialised path."""
    key = f"{kiosk}:{idempotency_key}" if idempotency_key else None

    def command(hall: Hall) -> TicketPublic:
        found = hall.ticket_for_key(key) if key else None
        if found is not None and _mismatch(*found, body):
            raise Invalid("idempotency_mismatch", "This Idempotency-Key was used for another request.")
        if found is None:
            wait = svc.issuing.take(kiosk)
            if wait:
                raise Throttled(
                    "issue_rate_limited", f"This kiosk has issued many tickets just now; please wait {wait} s.", wait
                )
            held = _squatter(hall, body, kiosk)
            if held is not None:
                raise DeclarationInUse(
                    TicketDeclarationConflict(
                        ticket_id=held.id,
                        label=held.label,
                        declaration_no=held.declaration_no,
                        held_by=held.kiosk,
                        held_enterprise=held.enterprise_code,
                        kiosk=kiosk,
                        enterprise_code=_enterprise(body.enterprise_code),
                    )
                )
        ticket, reprint = hall.issue_ticket(
            category=body.category,
            declaration_no=body.declaration_no,
            enterprise_code=body.enterprise_code,
            kiosk=kiosk,
            idempotency_key=key,
        )
        return svc.ticket_public(ticket, reprint=reprint)

    return command


def issue(svc: HallService, body: TicketCreate, *, kiosk: str, idempotency_key: str | None) -> TicketPublic:
    """Issue a ticket for a kiosk; a retry with the same key (and body) or an open declaration returns the old one."""
    try:
        return svc.run(_command(svc, body, kiosk, idempotency_key))
    except DeclarationInUse as refused:
        svc.record(refused.record)
        raise


async def issue_async(
    svc: HallService, body: TicketCreate, *, caller: Principal, idempotency_key: str | None
) -> TicketPublic:
    """`issue` from a coroutine, for the caller let in from memory (confirmed when the ticket commits)."""
    try:
        return await svc.run_async(_command(svc, body, caller.name, idempotency_key), caller=caller)
    except DeclarationInUse as refused:
        await svc.record_async(refused.record)
        raise

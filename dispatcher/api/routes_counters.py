"""Counters: an officer logs in, then says Next, Recall, Start, Done, No-show, Transfer, Pause, Resume."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Depends

from dispatcher import projection
from dispatcher.auth import Principal, hash_pin
from dispatcher.core import Hall
from dispatcher.service import HallService
from protocol import Role
from protocol.models import (
    ActionResult,
    ArrivedLateRequest,
    CompleteRequest,
    CounterView,
    LoginRequest,
    LoginResponse,
    OfficerStats,
    PinChange,
    RateRequest,
    TransferRequest,
)

from .deps import READERS, Id, allow, at_own_counter, commander, principal, service
from .errors import ApiError

router = APIRouter(tags=["counters"])

__all__ = ["router", "hash_pin"]


@router.get("/counters", response_model=list[CounterView])
def list_counters(who: Principal = Depends(allow(*READERS)), svc: HallService = Depends(service)) -> list[CounterView]:
    """Every counter with its state, officer and current ticket (cut to the caller's view)."""
    aud = projection.of(who)
    return [projection.counter(aud, v) for v in svc.counter_views()]


@router.post("/counters/{number}/login", response_model=LoginResponse)
def login(
    number: Id, body: LoginRequest, who: Principal = Depends(principal), svc: HallService = Depends(service)
) -> LoginResponse:
    """Log an officer in at this counter (staff id + PIN); the reply's token acts on this counter only.

    Wrong PINs are throttled per staff id and counter PC; `must_change_pin` asks for a 6-digit PIN.
    """
    at_own_counter(who, number, Role.COUNTER, Role.ADMIN)
    device = f"device:{who.device_id}" if who.device_id is not None else f"name:{who.name}"
    reply = svc.login(counter=number, staff_id=body.staff_id, pin=body.pin, device=device)
    return reply.model_copy(update={"current_ticket": projection.ticket(projection.of(who), reply.current_ticket)})


@router.post("/counters/{number}/pin", status_code=204)
def change_pin(
    number: Id, body: PinChange, who: Principal = Depends(principal), svc: HallService = Depends(service)
) -> None:
    """The logged-in officer sets a new PIN (6 to 12 digits), giving the current one."""
    at_own_counter(who, number, Role.OFFICER)
    svc.change_pin(staff_id=who.staff_id or "", counter=number, pin=body.pin, new_pin=body.new_pin)


async def _act(svc: HallService, who: Principal, number: int, action: Callable[[Hall], object]) -> ActionResult:
    """A button on the serialised path, no worker-thread hop: the caller came from memory (`commander`) and is
    confirmed when the command commits; the checks and the reply's cut stay on the loop."""
    at_own_counter(who, number, Role.OFFICER)
    return projection.action(projection.of(who), await svc.counter_action_async(number, action, caller=who))


@router.post("/counters/{number}/next", response_model=ActionResult)
async def next_ticket(
    number: Id, who: Principal = Depends(commander), svc: HallService = Depends(service)
) -> ActionResult:
    """Close the current ticket (if any) and make the counter ready; the draw decides what comes."""
    return await _act(svc, who, number, lambda hall: hall.next(number))


@router.post("/counters/{number}/recall", response_model=ActionResult)
async def recall(number: Id, who: Principal = Depends(commander), svc: HallService = Depends(service)) -> ActionResult:
    """Call the current ticket again."""
    return await _act(svc, who, number, lambda hall: hall.recall(number))


@router.post("/counters/{number}/start", response_model=ActionResult)
async def start(number: Id, who: Principal = Depends(commander), svc: HallService = Depends(service)) -> ActionResult:
    """The trader is at the counter: service starts."""
    return await _act(svc, who, number, lambda hall: hall.start(number))


@router.post("/counters/{number}/complete", response_model=ActionResult)
async def complete(
    number: Id,
    body: CompleteRequest | None = None,
    who: Principal = Depends(commander),
    svc: HallService = Depends(service),
) -> ActionResult:
    """Service done, with an optional outcome; the counter idles until Next."""
    outcome = body.outcome if body else None
    return await _act(svc, who, number, lambda hall: hall.complete(number, outcome=outcome))


@router.post("/counters/{number}/no-show", response_model=ActionResult)
async def no_show(number: Id, who: Principal = Depends(commander), svc: HallService = Depends(service)) -> ActionResult:
    """The called trader did not come."""
    return await _act(svc, who, number, lambda hall: hall.no_show(number))


@router.post("/counters/{number}/transfer", response_model=ActionResult)
async def transfer(
    number: Id,
    body: TransferRequest,
    who: Principal = Depends(commander),
    svc: HallService = Depends(service),
) -> ActionResult:
    """Send the current ticket to another category's queue (reason required); it keeps its place."""
    return await _act(
        svc,
        who,
        number,
        lambda hall: hall.transfer(
            number,
            category=body.category,
            reason=body.reason,
            declaration_no=body.declaration_no,
            enterprise_code=body.enterprise_code,
        ),
    )


@router.post("/counters/{number}/arrived-late", response_model=ActionResult)
async def arrived_late(
    number: Id,
    body: ArrivedLateRequest,
    who: Principal = Depends(commander),
    svc: HallService = Depends(service),
) -> ActionResult:
    """A no-show trader came after all: their ticket waits again, label and place kept (no new ticket)."""
    return await _act(svc, who, number, lambda hall: hall.arrived_late(body.ticket_id, by=who.name))


@router.post("/counters/{number}/pause", response_model=ActionResult)
async def pause(number: Id, who: Principal = Depends(commander), svc: HallService = Depends(service)) -> ActionResult:
    """A break: no tickets come until Resume or Next."""
    return await _act(svc, who, number, lambda hall: hall.pause(number))


@router.post("/counters/{number}/resume", response_model=ActionResult)
async def resume(number: Id, who: Principal = Depends(commander), svc: HallService = Depends(service)) -> ActionResult:
    """Back from a break."""
    return await _act(svc, who, number, lambda hall: hall.resume(number))


@router.post("/counters/{number}/logout", response_model=ActionResult)
def logout(number: Id, who: Principal = Depends(principal), svc: HallService = Depends(service)) -> ActionResult:
    """Close the counter; a called ticket returns to the head of its queue. Admin may force it (audited)."""
    at_own_counter(who, number, Role.OFFICER, Role.ADMIN)
    result = svc.logout(number, forced_by=who.name if who.role == Role.ADMIN else None)
    return projection.action(projection.of(who), result)


@router.post("/counters/{number}/rate", response_model=ActionResult)
def rate(
    number: Id, body: RateRequest, who: Principal = Depends(principal), svc: HallService = Depends(service)
) -> ActionResult:
    """The trader's rating from the evaluator, for a ticket this counter finished."""
    at_own_counter(who, number, Role.OFFICER, Role.COUNTER)
    result = svc.counter_action(number, lambda hall: hall.rate(number, body.ticket_id, str(body.rating)))
    return projection.action(projection.of(who), result)


@router.get("/counters/{number}/stats", response_model=OfficerStats)
def stats(number: Id, who: Principal = Depends(principal), svc: HallService = Depends(service)) -> OfficerStats:
    """Today's figures for the officer at this counter."""
    at_own_counter(who, number, Role.OFFICER, Role.SUPERVISOR, Role.ADMIN)
    staff_id = who.staff_id or svc.officer_at(number)
    if staff_id is None:
        raise ApiError(409, "counter_closed", f"Nobody is logged in at counter {number}.")
    return OfficerStats(**svc.officer_stats(staff_id))

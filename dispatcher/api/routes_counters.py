"""Counters: an officer logs in, then says Next, Recall, Start, Done, No-show, Transfer, Pause, Resume."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Depends
from fastapi.concurrency import run_in_threadpool

from dispatcher.auth import Principal, hash_pin
from dispatcher.core import Hall
from dispatcher.service import HallService
from protocol import Role
from protocol.models import (
    ActionResult,
    CompleteRequest,
    CounterView,
    LoginRequest,
    LoginResponse,
    OfficerStats,
    RateRequest,
    TransferRequest,
)

from .deps import READERS, Id, allow, at_own_counter, principal, service
from .errors import ApiError

router = APIRouter(tags=["counters"])

__all__ = ["router", "hash_pin"]


@router.get("/counters", response_model=list[CounterView])
def list_counters(_: Principal = Depends(allow(*READERS)), svc: HallService = Depends(service)) -> list[CounterView]:
    """Every counter with its state, officer and current ticket."""
    return svc.counter_views()


@router.post("/counters/{number}/login", response_model=LoginResponse)
async def login(
    number: Id, body: LoginRequest, who: Principal = Depends(principal), svc: HallService = Depends(service)
) -> LoginResponse:
    """Log an officer in at this counter (staff id + PIN); the reply's token acts on this counter only."""
    at_own_counter(who, number, Role.COUNTER, Role.ADMIN)
    limiter = svc.login_limiter
    keys = (f"staff:{body.staff_id}", f"counter:{number}")
    wait = limiter.retry_after_s(*keys)
    if wait:
        raise ApiError(
            429,
            "too_many_attempts",
            f"Too many wrong PINs; try again in {wait} s.",
            {"Retry-After": str(wait)},
        )
    reply = await run_in_threadpool(svc.officer_login, number, body.staff_id, body.pin)
    if reply is None:
        limiter.failed(*keys)
        raise ApiError(401, "bad_credentials", "Wrong staff id or PIN.")
    limiter.succeeded(*keys)
    return reply


def _act(svc: HallService, who: Principal, number: int, action: Callable[[Hall], object]) -> ActionResult:
    at_own_counter(who, number, Role.OFFICER)
    return svc.counter_action(number, action)


@router.post("/counters/{number}/next", response_model=ActionResult)
def next_ticket(number: Id, who: Principal = Depends(principal), svc: HallService = Depends(service)) -> ActionResult:
    """Close the current ticket (if any) and make the counter ready; the draw decides what comes."""
    return _act(svc, who, number, lambda hall: hall.next(number))


@router.post("/counters/{number}/recall", response_model=ActionResult)
def recall(number: Id, who: Principal = Depends(principal), svc: HallService = Depends(service)) -> ActionResult:
    """Call the current ticket again."""
    return _act(svc, who, number, lambda hall: hall.recall(number))


@router.post("/counters/{number}/start", response_model=ActionResult)
def start(number: Id, who: Principal = Depends(principal), svc: HallService = Depends(service)) -> ActionResult:
    """The trader is at the counter: service starts."""
    return _act(svc, who, number, lambda hall: hall.start(number))


@router.post("/counters/{number}/complete", response_model=ActionResult)
def complete(
    number: Id,
    body: CompleteRequest | None = None,
    who: Principal = Depends(principal),
    svc: HallService = Depends(service),
) -> ActionResult:
    """Service done, with an optional outcome; the counter idles until Next."""
    outcome = body.outcome if body else None
    return _act(svc, who, number, lambda hall: hall.complete(number, outcome=outcome))


@router.post("/counters/{number}/no-show", response_model=ActionResult)
def no_show(number: Id, who: Principal = Depends(principal), svc: HallService = Depends(service)) -> ActionResult:
    """The called trader did not come."""
    return _act(svc, who, number, lambda hall: hall.no_show(number))


@router.post("/counters/{number}/transfer", response_model=ActionResult)
def transfer(
    number: Id,
    body: TransferRequest,
    who: Principal = Depends(principal),
    svc: HallService = Depends(service),
) -> ActionResult:
    """Send the current ticket to another category's queue (reason required); it keeps its place."""
    return _act(svc, who, number, lambda hall: hall.transfer(number, category=body.category, reason=body.reason))


@router.post("/counters/{number}/pause", response_model=ActionResult)
def pause(number: Id, who: Principal = Depends(principal), svc: HallService = Depends(service)) -> ActionResult:
    """A break: no tickets come until Resume or Next."""
    return _act(svc, who, number, lambda hall: hall.pause(number))


@router.post("/counters/{number}/resume", response_model=ActionResult)
def resume(number: Id, who: Principal = Depends(principal), svc: HallService = Depends(service)) -> ActionResult:
    """Back from a break."""
    return _act(svc, who, number, lambda hall: hall.resume(number))


@router.post("/counters/{number}/logout", response_model=ActionResult)
def logout(number: Id, who: Principal = Depends(principal), svc: HallService = Depends(service)) -> ActionResult:
    """Close the counter; a called ticket returns to the head of its queue. Admin may force it (audited)."""
    at_own_counter(who, number, Role.OFFICER, Role.ADMIN)
    return svc.logout(number, forced_by=who.name if who.role == Role.ADMIN else None)


@router.post("/counters/{number}/rate", response_model=ActionResult)
def rate(
    number: Id, body: RateRequest, who: Principal = Depends(principal), svc: HallService = Depends(service)
) -> ActionResult:
    """The trader's rating from the evaluator, for a ticket this counter finished."""
    at_own_counter(who, number, Role.OFFICER, Role.COUNTER)
    return svc.counter_action(number, lambda hall: hall.rate(number, body.ticket_id, str(body.rating)))


@router.get("/counters/{number}/stats", response_model=OfficerStats)
def stats(number: Id, who: Principal = Depends(principal), svc: HallService = Depends(service)) -> OfficerStats:
    """Today's figures for the officer at this counter."""
    at_own_counter(who, number, Role.OFFICER, Role.SUPERVISOR, Role.ADMIN)
    staff_id = who.staff_id or svc.officer_at(number)
    if staff_id is None:
        raise ApiError(409, "counter_closed", f"Nobody is logged in at counter {number}.")
    return OfficerStats(**svc.officer_stats(staff_id))

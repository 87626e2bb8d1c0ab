"""What every screen reads: health, the snapshot, the event log, and the caller's own device."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from dispatcher import projection
from dispatcher.auth import Principal
from dispatcher.service import HallService
from protocol import Role
from protocol.models import DevicePublic, Event, Health, PrinterReport, Snapshot

from .deps import MAX_ID, READERS, allow, service
from .errors import ApiError

router = APIRouter(tags=["read"])


@router.get("/health", response_model=Health)
def health(svc: HallService = Depends(service)) -> Health:
    """Liveness, role (active or standby) and the last event's sequence number (no token needed)."""
    return svc.health()


@router.get("/snapshot", response_model=Snapshot)
def snapshot(who: Principal = Depends(allow(*READERS)), svc: HallService = Depends(service)) -> Snapshot:
    """The whole hall now: queues, counters, recent calls, the day's commitment (cut to the caller's view)."""
    return projection.snapshot(projection.of(who), svc.snapshot())


@router.get("/events", response_model=list[Event])
def events(
    since: int = Query(0, ge=0, le=MAX_ID),
    limit: int = Query(1000, ge=1, le=5000),
    who: Principal = Depends(allow(*READERS)),
    svc: HallService = Depends(service),
) -> list[Event]:
    """Events after `since`, in order, gap-free; outside the staff view their data is cut to what the role may read."""
    return projection.events(projection.of(who), svc.events_since(since, limit=limit))


@router.get("/devices/me", response_model=DevicePublic)
def me(who: Principal = Depends(allow(*READERS)), svc: HallService = Depends(service)) -> DevicePublic:
    """The calling device as enrolled (a counter PC learns its counter number here)."""
    device = svc.device(who.device_id) if who.device_id is not None else None
    return device or DevicePublic(id=0, name=who.name, role=who.role, counter=who.counter)


@router.post("/devices/me/printer", response_model=DevicePublic)
def report_printer(
    body: PrinterReport, who: Principal = Depends(allow(Role.KIOSK)), svc: HallService = Depends(service)
) -> DevicePublic:
    """A kiosk reports its printer (paper near end, out, cover open…); supervisors see it."""
    device = svc.report_printer(who.device_id, body.state, body.detail) if who.device_id is not None else None
    if device is None:
        raise ApiError(404, "device_not_found", "This device is not enrolled.")
    return device

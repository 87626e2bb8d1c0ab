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
VERSION = "0.1.0"


@router.get("/health", response_model=Health)
def health(svc: HallService = Depends(service)) -> Health:
    """Liveness, role (active or standby) and the last event's sequence number (no token needed)."""
    day = svc.hall.day
    return Health(
        status="ok",
        hall_id=svc.config.hall_id,
        seq=svc.seq,
        day_open=bool(day and day.is_open),
        version=VERSION,
        role=svc.role,
        config_revision=svc.config_revision,
        config_refused=svc.config_refused,
    )


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
    if who.device_id is None:
        return DevicePublic(id=0, name=who.name, role=who.role, counter=who.counter)
    row = svc.store.device(who.device_id)
    return DevicePublic(
        id=row.id, name=row.name, role=Role(row.role), counter=row.counter, revoked=row.revoked,
        printer_state=row.printer_state,
    )  # fmt: skip


@router.post("/devices/me/printer", response_model=DevicePublic)
def report_printer(
    body: PrinterReport, who: Principal = Depends(allow(Role.KIOSK)), svc: HallService = Depends(service)
) -> DevicePublic:
    """A kiosk reports its printer (paper near end, out, cover open…); supervisors see it."""
    row = svc.store.device(who.device_id)
    if row is None:
        raise ApiError(404, "device_not_found", "This device is not enrolled.")
    changed = row.printer_state != str(body.state) or row.printer_detail != body.detail
    row.printer_state, row.printer_detail = str(body.state), body.detail
    if changed:
        event = {"device": row.name, "device_id": row.id, "state": str(body.state), "detail": body.detail}
        svc.run(lambda hall: None, audit=[("device.printer", event)], rows=[row])
    return DevicePublic(
        id=row.id, name=row.name, role=Role(row.role), counter=row.counter, printer_state=row.printer_state
    )

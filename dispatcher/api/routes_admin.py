"""Configuration by admins (categories, counters, officers, devices, the day); every change is audited."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from dispatcher import admin
from dispatcher.auth import Principal
from dispatcher.service import HallService
from protocol import Role
from protocol.models import (
    CategoryConfig,
    CounterConfig,
    DayReopen,
    DayView,
    DeviceCreate,
    DevicePublic,
    DeviceToken,
    NoticeUpdate,
    OfficerCreate,
    OfficerPublic,
)

from .deps import STAFF, Id, allow, service

router = APIRouter(prefix="/admin", tags=["admin"])
admin_only = allow(Role.ADMIN)
staff = allow(*STAFF)


@router.get("/categories", response_model=list[CategoryConfig])
def categories(_: Principal = Depends(staff), svc: HallService = Depends(service)) -> list[CategoryConfig]:
    """The hall's categories."""
    return admin.list_categories(svc)


@router.put("/categories/{code}", response_model=CategoryConfig)
def put_category(
    code: str, body: CategoryConfig, who: Principal = Depends(admin_only), svc: HallService = Depends(service)
) -> CategoryConfig:
    """Add or change a category."""
    return admin.put_category(svc, code, body, by=who.name)


@router.get("/counters", response_model=list[CounterConfig])
def counters(_: Principal = Depends(staff), svc: HallService = Depends(service)) -> list[CounterConfig]:
    """The hall's counters as configured."""
    return admin.list_counters(svc)


@router.put("/counters/{number}", response_model=CounterConfig)
def put_counter(
    number: Id,
    body: CounterConfig,
    who: Principal = Depends(admin_only),
    svc: HallService = Depends(service),
) -> CounterConfig:
    """Add or change a counter (its categories and device addresses)."""
    return admin.put_counter(svc, number, body, by=who.name)


@router.get("/officers", response_model=list[OfficerPublic])
def officers(_: Principal = Depends(staff), svc: HallService = Depends(service)) -> list[OfficerPublic]:
    """Officers (never their PINs)."""
    return admin.list_officers(svc)


@router.post("/officers", response_model=OfficerPublic)
def add_officer(
    body: OfficerCreate, who: Principal = Depends(admin_only), svc: HallService = Depends(service)
) -> OfficerPublic:
    """Add an officer or replace their name, PIN, role and recusals."""
    return admin.add_officer(svc, body, by=who.name)


@router.delete("/officers/{staff_id}", response_model=OfficerPublic)
def remove_officer(
    staff_id: str, who: Principal = Depends(admin_only), svc: HallService = Depends(service)
) -> OfficerPublic:
    """Deactivate an officer."""
    return admin.remove_officer(svc, staff_id, by=who.name)


@router.get("/devices", response_model=list[DevicePublic])
def devices(_: Principal = Depends(staff), svc: HallService = Depends(service)) -> list[DevicePublic]:
    """Enrolled devices with their printer state."""
    return admin.list_devices(svc)


@router.post("/devices", response_model=DeviceToken)
def add_device(
    body: DeviceCreate, who: Principal = Depends(admin_only), svc: HallService = Depends(service)
) -> DeviceToken:
    """Enrol a device; the token is shown only in this reply."""
    return admin.add_device(svc, body, by=who.name)


@router.post("/devices/{device_id}/revoke", response_model=DevicePublic)
def revoke_device(
    device_id: Id, who: Principal = Depends(admin_only), svc: HallService = Depends(service)
) -> DevicePublic:
    """Revoke a device's token at once."""
    return admin.revoke_device(svc, device_id, by=who.name)


@router.post("/day/open", response_model=DayView)
def open_day(who: Principal = Depends(admin_only), svc: HallService = Depends(service)) -> DayView:
    """Open today's business day now (new seed; its commitment is published)."""
    return admin.open_day(svc, by=who.name)


@router.post("/day/close", response_model=DayView)
def close_day(who: Principal = Depends(admin_only), svc: HallService = Depends(service)) -> DayView:
    """Close the day now: open tickets expire and the seed is revealed."""
    return admin.close_day(svc, by=who.name)


@router.post("/day/reopen", response_model=DayView)
def reopen_day(body: DayReopen, who: Principal = Depends(admin_only), svc: HallService = Depends(service)) -> DayView:
    """Reopen today's day closed by mistake (an override in the log); a fresh seed's commitment is published."""
    return admin.reopen_day(svc, day=body.day, reason=body.reason, by=who.name)


@router.put("/notice", response_model=NoticeUpdate)
def put_notice(
    body: NoticeUpdate, who: Principal = Depends(allow(*STAFF)), svc: HallService = Depends(service)
) -> NoticeUpdate:
    """The scrolling notice on the hall screens."""
    return admin.set_notice(svc, body.text, by=who.name)

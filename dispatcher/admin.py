"""Admin operations, shared by the HTTP API and the `fairq admin` CLI; each writes an audit event."""

from __future__ import annotations

from dispatcher.auth import hash_pin, new_token, token_hash
from dispatcher.core import NotFound
from dispatcher.service import HallService
from dispatcher.store import codec
from dispatcher.store.tables import CategoryRow, CounterRow, DeviceRow, OfficerRow, SettingRow
from protocol import OfficerRole, Role, enterprise_problem, normalise_enterprise
from protocol.events import (
    AdminCategory,
    AdminCounter,
    AdminDayClose,
    AdminDayOpen,
    AdminDevice,
    AdminDeviceRevoked,
    AdminOfficer,
    AdminOfficerRemoved,
    HallNotice,
)
from protocol.models import (
    CategoryConfig,
    CounterConfig,
    DayView,
    DeviceCreate,
    DevicePublic,
    DeviceToken,
    NoticeUpdate,
    OfficerCreate,
    OfficerPublic,
)

from .core import Invalid


def list_categories(svc: HallService) -> list[CategoryConfig]:
    return [
        CategoryConfig(**{k: v for k, v in r.model_dump().items() if k != "hall_id"}) for r in svc.store.categories()
    ]


def put_category(svc: HallService, code: str, body: CategoryConfig, *, by: str) -> CategoryConfig:
    if body.code != code:
        raise Invalid("code_mismatch", f"The path says {code}, the body {body.code}.")
    row = CategoryRow(hall_id=svc.store.hall_id, **body.model_dump())
    svc.run(
        lambda hall: hall.set_category(codec.category_from_row(row)),
        audit=[AdminCategory(by=by, category=body)],
        rows=[row],
    )
    return body


def _counter_config(row: CounterRow) -> CounterConfig:
    return CounterConfig(
        number=row.number,
        name=row.name,
        categories=codec.split(row.categories),
        led_address=row.led_address,
        keypad_address=row.keypad_address,
        evaluator_address=row.evaluator_address,
    )


def list_counters(svc: HallService) -> list[CounterConfig]:
    return [_counter_config(r) for r in svc.store.counter_rows()]


def put_counter(svc: HallService, number: int, body: CounterConfig, *, by: str) -> CounterConfig:
    if body.number != number:
        raise Invalid("number_mismatch", f"The path says {number}, the body {body.number}.")
    unknown = set(body.categories) - set(svc.hall.categories)
    if unknown:
        raise Invalid("unknown_category", f"Unknown categories: {', '.join(sorted(unknown))}.")
    existing = {r.number: r for r in svc.store.counter_rows()}.get(number)
    row = existing or CounterRow(hall_id=svc.store.hall_id, number=number)
    row.name, row.categories = body.name, ",".join(body.categories)
    row.led_address, row.keypad_address, row.evaluator_address = (
        body.led_address,
        body.keypad_address,
        body.evaluator_address,
    )
    svc.run(
        lambda hall: hall.set_counter(codec.spec_from_row(row)),
        audit=[AdminCounter(by=by, counter=body)],
        rows=[row],
    )
    return body


def _officer_public(row: OfficerRow) -> OfficerPublic:
    return OfficerPublic(
        staff_id=row.staff_id,
        name=row.name,
        role=OfficerRole(row.role),
        recusals=codec.split(row.recusals),
        active=row.active,
    )


def list_officers(svc: HallService) -> list[OfficerPublic]:
    return [_officer_public(r) for r in svc.store.officers()]


def add_officer(svc: HallService, body: OfficerCreate, *, by: str) -> OfficerPublic:
    recusals = []
    for code in body.recusals:
        problem = enterprise_problem(code)
        if problem:
            raise Invalid(problem.code, f"Recusal {code}: {problem.message}")
        recusals.append(normalise_enterprise(code))
    row = OfficerRow(
        hall_id=svc.store.hall_id,
        staff_id=body.staff_id,
        name=body.name,
        pin_hash=hash_pin(body.pin),
        role=str(body.role),
        recusals=",".join(recusals),
        active=True,
    )
    public = _officer_public(row)
    svc.run(
        lambda hall: hall.set_officer(codec.officer_from_row(row)),
        audit=[AdminOfficer(by=by, officer=public)],
        rows=[row],
    )
    return public


def remove_officer(svc: HallService, staff_id: str, *, by: str) -> OfficerPublic:
    row = svc.store.officer(staff_id)
    if row is None:
        raise NotFound("officer_not_found", f"No officer {staff_id}.")
    row.active = False
    svc.run(
        lambda hall: hall.remove_officer(staff_id),
        audit=[AdminOfficerRemoved(by=by, staff_id=staff_id)],
        rows=[row],
    )
    return _officer_public(row)


def list_devices(svc: HallService) -> list[DevicePublic]:
    return [codec.device_public(r) for r in svc.store.devices()]


def add_device(svc: HallService, body: DeviceCreate, *, by: str) -> DeviceToken:
    if body.role == Role.OFFICER:
        raise Invalid("bad_role", "Officer sessions are made by logging in at a counter, not enrolled.")
    if body.role == Role.COUNTER and (body.counter is None or body.counter not in svc.hall.counters):
        raise Invalid("counter_required", "A counter device needs the number of an existing counter.")
    if any(d.name == body.name and not d.revoked for d in svc.store.devices()):
        raise Invalid("device_exists", f"A device named {body.name!r} is already enrolled.")
    token = new_token()
    row = svc.store.add_device(
        DeviceRow(
            hall_id=svc.store.hall_id,
            name=body.name,
            role=str(body.role),
            counter=body.counter,
            token_hash=token_hash(token),
            created_at=svc.clock(),
        )
    )
    public = codec.device_public(row)
    svc.record(AdminDevice(by=by, device=public))
    return DeviceToken(device=public, token=token)


def revoke_device(svc: HallService, device_id: int, *, by: str) -> DevicePublic:
    row = svc.store.device(device_id)
    if row is None:
        raise NotFound("device_not_found", f"No device {device_id}.")
    row.revoked = True
    svc.record(AdminDeviceRevoked(by=by, device_id=device_id), rows=[row])
    return codec.device_public(row)


def _day_view(svc: HallService) -> DayView:
    view = svc.day_view()
    if view is None:
        raise Invalid("no_day", "No business day has been opened yet.")
    return view


def open_day(svc: HallService, *, by: str) -> DayView:
    svc.run(lambda hall: hall.open_day(), audit=[AdminDayOpen(by=by)])
    return _day_view(svc)


def close_day(svc: HallService, *, by: str) -> DayView:
    svc.run(lambda hall: hall.close_day(), audit=[AdminDayClose(by=by)])
    return _day_view(svc)


def set_notice(svc: HallService, text: str, *, by: str) -> NoticeUpdate:
    row = SettingRow(hall_id=svc.store.hall_id, key="notice", value=text)
    svc.record(HallNotice(by=by, text=text), rows=[row])
    return NoticeUpdate(text=text)

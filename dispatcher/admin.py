"""Admin operations, shared by the HTTP API and the `fairq admin` CLI; each writes an audit event."""

from __future__ import annotations

import json
from typing import Any

from dispatcher.auth import hash_pin, new_token, token_hash
from dispatcher.config_diff import HALL_FIELDS, Change, HallNow, HallShape, Plan, plan
from dispatcher.core import Category, Conflict, CounterSpec, Hall, NotFound
from dispatcher.service import HallService, stored_hall_config
from dispatcher.settings import HallConfig
from dispatcher.store import ConfigWrite, codec
from dispatcher.store.tables import CategoryRow, CounterRow, DeviceRow, OfficerRow, SettingRow
from protocol import OfficerRole, Role, enterprise_problem, normalise_enterprise
from protocol.events import (
    AdminCategory,
    AdminCategoryRemoved,
    AdminConfig,
    AdminCounter,
    AdminCounterRemoved,
    AdminDayClose,
    AdminDayOpen,
    AdminDayReopen,
    AdminDevice,
    AdminDeviceRevoked,
    AdminOfficer,
    AdminOfficerRemoved,
    AdminSetting,
    HallNotice,
    Payload,
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
    return [codec.category_config(r) for r in svc.store.categories()]


def put_category(svc: HallService, code: str, body: CategoryConfig, *, by: str) -> CategoryConfig:
    if body.code != code:
        raise Invalid("code_mismatch", f"The path says {code}, the body {body.code}.")
    row = CategoryRow(hall_id=svc.store.hall_id, **body.model_dump())
    svc.run(
        lambda hall: hall.set_category(codec.category_from_row(row)),
        audit=[AdminCategory(by=by, category=body)],
        rows=[row],
    )
    _note_revision(svc)
    return body


def list_counters(svc: HallService) -> list[CounterConfig]:
    return [codec.counter_config(r) for r in svc.store.counter_rows()]


def put_counter(svc: HallService, number: int, body: CounterConfig, *, by: str) -> CounterConfig:
    if body.number != number:
        raise Invalid("number_mismatch", f"The path says {number}, the body {body.number}.")
    if not body.categories:
        raise Invalid("no_category", f"Counter {number} must serve at least one category.")
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
    _note_revision(svc)
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
    audit = [AdminDeviceRevoked(by=by, device_id=device_id)]
    with svc.lock:  # a counter PC's officer sessions end with it, and their streams close
        sessions = svc.store.open_sessions(row.counter) if row.role == str(Role.COUNTER) and row.counter else []
        svc.sessions.end(sessions, "device_revoked", audit=audit, extra_rows=[row])
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
    svc.close_day(audit=[AdminDayClose(by=by)])
    return _day_view(svc)


def reopen_day(svc: HallService, *, day: str, reason: str, by: str) -> DayView:
    """Reopen today's day closed by mistake: an override in the log; draws go on under a fresh committed seed."""
    reason = reason.strip()
    if not reason:
        raise Invalid("reason_required", "Reopening a day needs a reason: it is an override in the day's log.")
    if not svc.within_hours():
        hours = f"{svc.config.open_at}–{svc.config.close_at}"
        raise Conflict("reopen_outside_hours", f"It is outside business hours ({hours}): the day cannot be reopened.")
    svc.run(lambda hall: hall.reopen_day(day), audit=[AdminDayReopen(by=by, day=day, reason=reason)])
    return _day_view(svc)


def set_notice(svc: HallService, text: str, *, by: str) -> NoticeUpdate:
    row = SettingRow(hall_id=svc.store.hall_id, key="notice", value=text)
    svc.record(HallNotice(by=by, text=text), rows=[row])
    return NoticeUpdate(text=text)


# ---- applying hall.toml ----------------------------------------------------------------------


def _shape(config: HallConfig) -> HallShape:
    return HallShape.of(config.model_dump(include=set(HALL_FIELDS)), config.categories, config.counters)


def _stored_shape(svc: HallService) -> HallShape:
    """The configuration in the store; hall-wide settings only if a previous apply recorded them."""
    stored = stored_hall_config(svc.store)
    if stored is None:
        return HallShape({"hall_id": svc.store.hall_id}, {}, {})
    recorded = json.loads(svc.store.setting("hall_config") or "{}")
    settings = {k: v for k, v in stored.model_dump(include=set(HALL_FIELDS)).items() if k in recorded}
    return HallShape.of({**settings, "hall_id": svc.store.hall_id}, stored.categories, stored.counters)


def config_revision(svc: HallService) -> str:
    """The revision of the configuration the store holds now."""
    return _stored_shape(svc).revision()


def _now(hall: Hall) -> HallNow:
    open_tickets: dict[str, list[str]] = {}
    for t in sorted(hall.tickets.values(), key=lambda t: t.id):
        if t.state.is_open:
            open_tickets.setdefault(t.category, []).append(t.label)
    counter_tickets = {}
    for number, counter in hall.counters.items():
        ticket = hall.tickets.get(counter.ticket_id) if counter.ticket_id else None
        if ticket is not None and ticket.state.is_open:
            counter_tickets[number] = ticket.label
    return HallNow(
        open_tickets=open_tickets,
        counter_tickets=counter_tickets,
        counter_officers={n: c.staff_id for n, c in hall.counters.items() if c.staff_id},
        day_open=bool(hall.day and hall.day.is_open),
    )


def plan_config(svc: HallService, wanted: HallConfig) -> Plan:
    """What applying `wanted` would change now, and what would be refused (nothing is written)."""
    with svc.lock:
        return plan(_stored_shape(svc), _shape(wanted), _now(svc.hall))


def apply_config(svc: HallService, wanted: HallConfig, *, by: str, source: str = "") -> Plan:
    """Apply what is safe of `wanted` as logged admin events; refused changes are listed, never applied."""
    with svc.lock:
        p = plan_config(svc, wanted)
        recorded = svc.store.setting("config_revision")
        if not p.changes and recorded == p.after and not _refusals_changed(svc, p):
            svc.config_revision, svc.config_refused = p.after, [r.describe() for r in p.refused]
            return p
        write = ConfigWrite(settings={"config_revision": p.after, "config_refused": _refused_json(p)})
        audit: list[Payload] = [
            AdminConfig(
                by=by,
                source=source,
                revision=p.after,
                previous=p.before,
                changes=[c.describe() for c in p.changes],
                refused=[r.describe() for r in p.refused],
            )
        ]
        steps = []
        settings = json.loads(svc.store.setting("hall_config") or "{}")
        for change in p.changes:
            audit_item, step = _step(change, by, write, settings)
            audit.append(audit_item)
            if step:
                steps.append(step)
        write.settings["hall_config"] = json.dumps(settings, sort_keys=True, ensure_ascii=False)

        def command(hall: Hall) -> None:
            for step in steps:
                step(hall)

        svc.run(command, audit=audit, config=write)
        svc.config_revision, svc.config_refused = p.after, [r.describe() for r in p.refused]
        effective = stored_hall_config(svc.store)
        if effective is not None:
            svc.config = effective
        if any(c.what == "setting" for c in p.changes):
            svc.reload()  # k and the time zone are the core's own parameters
        return p


def _note_revision(svc: HallService) -> None:
    """After a change through the admin API, record the revision of the configuration now in force."""
    revision = config_revision(svc)
    if revision != svc.config_revision:
        svc.record(rows=[SettingRow(hall_id=svc.store.hall_id, key="config_revision", value=revision)])
        svc.config_revision = revision


def _refused_json(p: Plan) -> str:
    return json.dumps([r.describe() for r in p.refused], ensure_ascii=False)


def _refusals_changed(svc: HallService, p: Plan) -> bool:
    return svc.store.setting("config_refused", "[]") != _refused_json(p)


def _step(change: Change, by: str, write: ConfigWrite, settings: dict[str, Any]):
    """The audit event, the core command and the rows of one accepted change."""
    verb = {"add": "added", "change": "changed", "remove": "removed"}[change.action]
    if change.what == "setting":
        settings[change.key] = change.after
        return AdminSetting(by=by, key=change.key, before=change.before, after=change.after), None
    if change.what == "category":
        if change.action == "remove":
            write.removed_categories.append(change.key)
            return AdminCategoryRemoved(by=by, code=change.key), lambda h: h.remove_category(change.key)
        body = CategoryConfig(**change.after)
        write.categories.append(body)
        category = Category(**body.model_dump())
        return AdminCategory(by=by, change=verb, category=body), (lambda h: h.set_category(category))
    number = int(change.key)
    if change.action == "remove":
        write.removed_counters.append(number)
        return AdminCounterRemoved(by=by, number=number), lambda h: h.remove_counter(number)
    counter = CounterConfig(**change.after)
    write.counters.append(counter)
    spec = CounterSpec(number=number, categories=frozenset(counter.categories), name=counter.name)
    return AdminCounter(by=by, change=verb, counter=counter), lambda h: h.set_counter(spec)

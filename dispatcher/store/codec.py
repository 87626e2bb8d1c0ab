"""Conversions between core objects and table rows."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from dispatcher.core import Category, Counter, CounterSpec, Day, Draw, Officer, Ticket
from dispatcher.seedkey import SeedSealer, is_sealed
from protocol import CounterState, PrinterState, Role, TicketState
from protocol.models import CategoryConfig, CounterConfig, DevicePublic, Event

from .tables import CategoryRow, CounterRow, DayRow, DeviceRow, DrawRow, EventRow, OfficerRow, TicketRow

TICKET_FIELDS = (
    "id", "day", "seq", "label", "category", "declaration_no", "enterprise_code", "kiosk",
    "idempotency_key", "counter", "staff_id", "recalls", "transfers", "outcome", "rating",
)  # fmt: skip
TICKET_TIMES = ("issued_at", "called_at", "started_at", "finished_at")


def utc(value: datetime | None) -> datetime | None:
    """Datetimes come back naive from SQLite: they were written in UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def canonical_json(data: Any) -> str:
    """The one JSON spelling that is hashed and stored."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def ticket_to_row(hall_id: str, t: Ticket) -> TicketRow:
    row = TicketRow(hall_id=hall_id, state=str(t.state), **{f: getattr(t, f) for f in TICKET_FIELDS})
    for f in TICKET_TIMES:
        setattr(row, f, getattr(t, f))
    return row


def ticket_values(hall_id: str, t: Ticket) -> dict[str, Any]:
    """A ticket's columns, for a bulk write."""
    values: dict[str, Any] = {f: getattr(t, f) for f in TICKET_FIELDS}
    values.update({f: getattr(t, f) for f in TICKET_TIMES})
    values.update(hall_id=hall_id, state=str(t.state))
    return values


def row_to_ticket(row: TicketRow) -> Ticket:
    values = {f: getattr(row, f) for f in TICKET_FIELDS}
    values.update({f: utc(getattr(row, f)) for f in TICKET_TIMES})
    return Ticket(state=TicketState(row.state), **values)


def category_from_row(row: CategoryRow) -> Category:
    return Category(
        code=row.code,
        name_zh=row.name_zh,
        name_en=row.name_en,
        priority=row.priority,
        requires_declaration=row.requires_declaration,
        requires_enterprise=row.requires_enterprise,
        io_flag=row.io_flag,
        target_wait_min=row.target_wait_min,
    )


def spec_from_row(row: CounterRow) -> CounterSpec:
    return CounterSpec(number=row.number, categories=frozenset(split(row.categories)), name=row.name)


def counter_from_row(row: CounterRow) -> Counter:
    return Counter(
        spec=spec_from_row(row),
        state=CounterState(row.state),
        staff_id=row.staff_id,
        ticket_id=row.ticket_id,
        since=utc(row.since),
        last_ticket_id=row.last_ticket_id,
    )


def officer_from_row(row: OfficerRow) -> Officer:
    return Officer(staff_id=row.staff_id, name=row.name, recusals=frozenset(split(row.recusals)))


def stored_seed(hall_id: str, d: Day, sealer: SeedSealer) -> str:
    """An open day's seed is stored sealed; a closed day's is revealed (hex), as the day.closed event shows it."""
    return sealer.seal(hall_id, d.day, d.seed) if d.is_open else d.seed.hex()


def loaded_seed(row: DayRow, sealer: SeedSealer) -> bytes:
    """The seed of a stored day: unsealed with the key (open day) or read back (closed, or not yet sealed)."""
    return sealer.unseal(row.hall_id, row.day, row.seed) if is_sealed(row.seed) else bytes.fromhex(row.seed)


def day_from_row(row: DayRow, sealer: SeedSealer) -> Day:
    return Day(
        day=row.day,
        seed=loaded_seed(row, sealer),
        commitment=row.commitment,
        is_open=row.is_open,
        draws=row.draws,
        label_seq=json.loads(row.label_seq),
        opened_at=utc(row.opened_at),
        closed_at=utc(row.closed_at),
    )


def day_to_row(hall_id: str, d: Day, sealer: SeedSealer) -> DayRow:
    return DayRow(
        hall_id=hall_id,
        day=d.day,
        seed=stored_seed(hall_id, d, sealer),
        commitment=d.commitment,
        is_open=d.is_open,
        draws=d.draws,
        label_seq=json.dumps(d.label_seq, sort_keys=True),
        opened_at=d.opened_at,
        closed_at=d.closed_at,
    )


def day_values(hall_id: str, d: Day, seed: str) -> dict[str, Any]:
    """A day's columns for a bulk write, with its stored seed (sealed while open) already made."""
    return {
        "hall_id": hall_id,
        "day": d.day,
        "seed": seed,
        "commitment": d.commitment,
        "is_open": d.is_open,
        "draws": d.draws,
        "label_seq": json.dumps(d.label_seq, sort_keys=True),
        "opened_at": d.opened_at,
        "closed_at": d.closed_at,
    }


def draw_values(hall_id: str, d: Draw) -> dict[str, Any]:
    """A draw's columns for a bulk write."""
    return {
        "hall_id": hall_id,
        "day": d.day,
        "draw_no": d.draw_no,
        "at": d.at,
        "ticket_candidates": json.dumps(list(d.ticket_candidates)),
        "counter_candidates": json.dumps(list(d.counter_candidates)),
        "ticket_id": d.ticket_id,
        "counter": d.counter,
    }


def draw_to_row(hall_id: str, d: Draw) -> DrawRow:
    return DrawRow(
        hall_id=hall_id,
        day=d.day,
        draw_no=d.draw_no,
        at=d.at,
        ticket_candidates=json.dumps(list(d.ticket_candidates)),
        counter_candidates=json.dumps(list(d.counter_candidates)),
        ticket_id=d.ticket_id,
        counter=d.counter,
    )


def row_to_draw(row: DrawRow) -> Draw:
    return Draw(
        day=row.day,
        draw_no=row.draw_no,
        at=utc(row.at),
        ticket_candidates=tuple(json.loads(row.ticket_candidates)),
        counter_candidates=tuple(json.loads(row.counter_candidates)),
        ticket_id=row.ticket_id,
        counter=row.counter,
    )


def split(value: str) -> list[str]:
    return [v for v in value.split(",") if v]


def device_public(row: DeviceRow) -> DevicePublic:
    """An enrolled device as the API shows it (never its token)."""
    return DevicePublic(
        id=row.id or 0,
        name=row.name,
        role=Role(row.role),
        counter=row.counter,
        revoked=row.revoked,
        printer_state=PrinterState(row.printer_state) if row.printer_state else None,
    )


def event_from_row(row: EventRow) -> Event:
    """A logged event as the API and the stream carry it."""
    at = utc(row.at)
    assert at is not None  # the column is NOT NULL
    return Event(seq=row.seq, kind=row.kind, at=at, data=json.loads(row.data))


def category_config(row: CategoryRow) -> CategoryConfig:
    """A stored category as hall.toml and the admin API write it."""
    return CategoryConfig(**{k: v for k, v in row.model_dump().items() if k != "hall_id"})


def counter_config(row: CounterRow) -> CounterConfig:
    """A stored counter as hall.toml and the admin API write it."""
    return CounterConfig(
        number=row.number,
        name=row.name,
        categories=split(row.categories),
        led_address=row.led_address,
        keypad_address=row.keypad_address,
        evaluator_address=row.evaluator_address,
    )

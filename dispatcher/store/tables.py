"""SQLModel tables. Every row carries its hall, so several halls can share one PostgreSQL database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime, Index, Text
from sqlmodel import Field, SQLModel

SCHEMA_VERSION = 2  # fairq_schema.version: 1 before Alembic; 2 = see alembic_version


def _ts(**kw) -> Field:  # type: ignore[valid-type]
    return Field(default=None, sa_column=Column(DateTime(timezone=True), **kw))


class SchemaRow(SQLModel, table=True):
    __tablename__ = "fairq_schema"
    id: int = Field(default=1, primary_key=True)
    version: int


class CategoryRow(SQLModel, table=True):
    __tablename__ = "category"
    hall_id: str = Field(primary_key=True)
    code: str = Field(primary_key=True)
    name_zh: str
    name_en: str
    priority: int = 0
    requires_declaration: bool = False
    requires_enterprise: bool = False
    io_flag: str | None = None
    target_wait_min: int = 15


class CounterRow(SQLModel, table=True):
    __tablename__ = "counter"
    hall_id: str = Field(primary_key=True)
    number: int = Field(primary_key=True)
    name: str = ""
    categories: str = ""  # comma-separated category codes
    led_address: int | None = None
    keypad_address: int | None = None
    evaluator_address: int | None = None
    state: str = "closed"
    staff_id: str | None = None
    ticket_id: int | None = None
    last_ticket_id: int | None = None
    since: datetime | None = _ts()


class OfficerRow(SQLModel, table=True):
    __tablename__ = "officer"
    hall_id: str = Field(primary_key=True)
    staff_id: str = Field(primary_key=True)
    name: str
    pin_hash: str
    role: str = "officer"
    recusals: str = ""  # comma-separated enterprise codes
    active: bool = True
    password_hash: str | None = None  # the browser console's password (supervisors, admins), apart from the PIN


class DeviceRow(SQLModel, table=True):
    __tablename__ = "device"
    id: int | None = Field(default=None, primary_key=True)
    hall_id: str = Field(index=True)
    name: str
    role: str
    counter: int | None = None
    token_hash: str = Field(unique=True)
    revoked: bool = False
    printer_state: str | None = None
    printer_detail: str | None = None
    created_at: datetime | None = _ts()


class SessionRow(SQLModel, table=True):
    """An officer's login at a counter; its token acts on that counter only."""

    __tablename__ = "officer_session"
    token_hash: str = Field(primary_key=True)
    hall_id: str
    staff_id: str
    counter: int
    created_at: datetime | None = _ts()
    revoked: bool = False


class DayRow(SQLModel, table=True):
    __tablename__ = "business_day"
    hall_id: str = Field(primary_key=True)
    day: str = Field(primary_key=True)
    seed: str  # open day: sealed ("sealed-v1:…", dispatcher.seedkey); closed: revealed hex
    commitment: str
    is_open: bool = True
    draws: int = 0
    label_seq: str = "{}"  # JSON: category -> last number
    opened_at: datetime | None = _ts()
    closed_at: datetime | None = _ts()


class TicketRow(SQLModel, table=True):
    __tablename__ = "ticket"
    __table_args__ = (Index("ix_ticket_hall_day", "hall_id", "day"),)
    hall_id: str = Field(primary_key=True)
    id: int = Field(primary_key=True)
    day: str
    seq: int
    label: str
    category: str
    state: str
    issued_at: datetime | None = _ts(nullable=False)
    declaration_no: str | None = None
    enterprise_code: str | None = None
    kiosk: str | None = None
    idempotency_key: str | None = None
    counter: int | None = None
    staff_id: str | None = None
    called_at: datetime | None = _ts()
    started_at: datetime | None = _ts()
    finished_at: datetime | None = _ts()
    recalls: int = 0
    transfers: int = 0
    outcome: str | None = None
    rating: str | None = None


class EventRow(SQLModel, table=True):
    """The append-only, hash-chained event log: every record carries the hash of the one before."""

    __tablename__ = "event"
    hall_id: str = Field(primary_key=True)
    seq: int = Field(primary_key=True)
    kind: str
    at: datetime | None = _ts(nullable=False)
    data: str = Field(sa_column=Column(Text, nullable=False))  # canonical JSON
    prev_hash: str
    hash: str


class DrawRow(SQLModel, table=True):
    __tablename__ = "draw"
    hall_id: str = Field(primary_key=True)
    day: str = Field(primary_key=True)
    draw_no: int = Field(primary_key=True)
    at: datetime | None = _ts(nullable=False)
    ticket_candidates: str  # JSON list of ticket ids
    counter_candidates: str  # JSON list of counter numbers
    ticket_id: int
    counter: int


class SettingRow(SQLModel, table=True):
    __tablename__ = "hall_setting"
    hall_id: str = Field(primary_key=True)
    key: str = Field(primary_key=True)
    value: str


class ArchivedDayRow(SQLModel, table=True):
    """A closed day moved out to its bundle: the checkpoint the remaining chain links to."""

    __tablename__ = "archived_day"
    hall_id: str = Field(primary_key=True)
    day: str = Field(primary_key=True)
    first_seq: int
    last_seq: int
    anchor: str  # the hash the day's first record links to
    last_hash: str  # the day's head: the next record after it links to this
    records: int
    tickets: int
    draws: int
    max_ticket_id: int  # ticket ids go on from here even when every ticket row is gone
    bundle: str  # file name of the day bundle
    bundle_sha256: str
    archived_at: datetime | None = _ts(nullable=False)


class ConsoleSessionRow(SQLModel, table=True):
    """A supervisor's or admin's login to the browser console; the cookie holds the token, this its hash."""

    __tablename__ = "console_session"
    token_hash: str = Field(primary_key=True)
    hall_id: str = Field(index=True)
    staff_id: str
    csrf: str  # the token every form of this session must carry
    created_at: datetime | None = _ts(nullable=False)
    seen_at: datetime | None = _ts(nullable=False)  # last request: the session dies after an idle while
    revoked: bool = False

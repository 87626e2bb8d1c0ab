"""Pydantic models of what goes over the wire: requests, responses and events."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from .enums import CounterState, OfficerRole, PrinterState, Rating, Role, TicketState

LABEL_MAX = 8
REASON_MAX = 200
INT_MAX = 2**31 - 1  # the database's INTEGER: every number the API accepts is checked against a range
BUS_ADDRESS_MIN, BUS_ADDRESS_MAX = 1, 247  # RS-485 (Modbus RTU) device addresses
COUNTER_MAX = 999


class Wire(BaseModel):
    """Base of every wire model: unknown fields are refused, so typos fail loudly."""

    model_config = ConfigDict(extra="forbid")


# ---- errors -------------------------------------------------------------------------------


class ErrorDetail(Wire):
    code: str = Field(description="Stable machine-readable code, e.g. `unknown_category`.")
    message: str = Field(description="What went wrong, for a person.")


class ErrorBody(Wire):
    error: ErrorDetail


# ---- tickets ------------------------------------------------------------------------------


class TicketCreate(Wire):
    category: str = Field(min_length=1, max_length=4, description="Category letter, e.g. `A`.")
    declaration_no: str | None = Field(default=None, max_length=32)
    enterprise_code: str | None = Field(default=None, max_length=32)


class TicketPublic(Wire):
    id: int
    label: str
    category: str
    state: TicketState
    day: str
    issued_at: datetime
    declaration_no: str | None = None
    enterprise_code: str | None = None
    kiosk: str | None = None
    counter: int | None = None
    called_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    recalls: int = 0
    outcome: str | None = None
    rating: Rating | None = None
    waiting_ahead: int = Field(0, description="Waiting tickets of the same category issued before.")
    estimated_wait_s: int | None = Field(None, description="Rough estimate of the wait, seconds.")
    reprint: bool = Field(False, description="True when an open ticket was returned again.")


class CancelRequest(Wire):
    reason: str = Field(min_length=1, max_length=REASON_MAX)


# ---- counters -----------------------------------------------------------------------------


class LoginRequest(Wire):
    staff_id: str = Field(min_length=1, max_length=32)
    pin: str = Field(min_length=1, max_length=64)


class LoginResponse(Wire):
    token: str
    counter: int
    staff_id: str
    name: str
    current_ticket: TicketPublic | None = None
    must_change_pin: bool = Field(False, description="The PIN is shorter than 6 digits: set a new one (POST …/pin).")


class PinChange(Wire):
    pin: str = Field(min_length=1, max_length=64, description="The current PIN.")
    new_pin: str = Field(min_length=6, max_length=12, pattern=r"^[0-9]+$", description="6 to 12 digits.")


class CompleteRequest(Wire):
    outcome: str | None = Field(default=None, max_length=REASON_MAX)


class TransferRequest(Wire):
    category: str = Field(min_length=1, max_length=4)
    reason: str = Field(min_length=1, max_length=REASON_MAX)
    declaration_no: str | None = Field(default=None, max_length=32)
    enterprise_code: str | None = Field(default=None, max_length=32)


class ArrivedLateRequest(Wire):
    ticket_id: int = Field(ge=0, le=INT_MAX, description="Today's no-show ticket of the trader who came late.")


class RateRequest(Wire):
    ticket_id: int = Field(ge=0, le=INT_MAX)
    rating: Rating


class CounterView(Wire):
    number: int
    name: str
    categories: list[str]
    state: CounterState
    staff_id: str | None = None
    officer_name: str | None = None
    ticket: TicketPublic | None = None


class ActionResult(Wire):
    """What a counter action did: the counter afterwards and the ticket it now has, if any."""

    counter: CounterView
    ticket: TicketPublic | None = None


class OfficerStats(Wire):
    served: int
    no_shows: int
    transfers: int
    mean_service_s: float | None


# ---- snapshot & events --------------------------------------------------------------------


class CategoryView(Wire):
    code: str
    name_zh: str
    name_en: str
    priority: int
    requires_declaration: bool
    requires_enterprise: bool
    io_flag: str | None = None
    waiting: int = 0
    oldest_wait_s: int | None = None
    estimated_wait_s: int | None = None
    oldest_issued_at: datetime | None = None  # what oldest_wait_s counts from (events carry it, issue 17)


class CallView(Wire):
    ticket_id: int
    label: str
    category: str
    counter: int
    at: datetime
    recall: bool = False


class DayView(Wire):
    day: str
    is_open: bool
    commitment: str = Field(description="SHA-256 of the day's seed, hex.")
    seed: str | None = Field(None, description="The seed, hex, revealed once the day is closed.")


class DayReopen(Wire):
    """An admin's request to reopen today's day, closed by mistake: an override, so it names the day and why."""

    day: str = Field(description="The date of the closed day (YYYY-MM-DD); it must be today's.")
    reason: str = Field(min_length=1, max_length=500, description="Why the day is reopened; kept in the log.")


class Snapshot(Wire):
    seq: int = Field(description="Sequence number of the last event included in this picture.")
    hall_id: str
    hall_name: str
    day: DayView | None
    categories: list[CategoryView]
    counters: list[CounterView]
    recent_calls: list[CallView]
    notice: str = ""


class Event(Wire):
    seq: int
    kind: str
    at: datetime
    data: dict[str, Any]


class StreamHello(Wire):
    """First message on the stream: a snapshot follows (`snapshot`), or the events after `since` do (`replay`)."""

    type: Literal["hello"] = "hello"
    mode: Literal["snapshot", "replay"]
    since: int | None = None  # what the client asked for
    seq: int  # the last event's sequence number when the stream opened


class Health(Wire):
    status: str
    hall_id: str
    seq: int
    day_open: bool
    version: str
    role: str = Field("active", description="`active`, or `standby` (one of a pair; refuses everything else).")
    config_revision: str | None = Field(None, description="Short hash of the hall configuration in force.")
    config_refused: list[str] = Field(default_factory=list, description="hall.toml changes refused as unsafe.")


# ---- devices & admin ----------------------------------------------------------------------


class PrinterReport(Wire):
    state: PrinterState
    detail: str | None = Field(None, max_length=REASON_MAX)


class DeviceCreate(Wire):
    name: str = Field(min_length=1, max_length=64)
    role: Role
    counter: int | None = Field(None, ge=1, le=COUNTER_MAX)


class DevicePublic(Wire):
    id: int
    name: str
    role: Role
    counter: int | None = None
    revoked: bool = False
    printer_state: PrinterState | None = None


class DeviceToken(Wire):
    device: DevicePublic
    token: str


class OfficerCreate(Wire):
    staff_id: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=64)
    pin: str = Field(min_length=6, max_length=12, pattern=r"^[0-9]+$", description="6 to 12 digits.")
    role: OfficerRole = OfficerRole.OFFICER
    recusals: list[str] = Field(default_factory=list)


class OfficerPublic(Wire):
    staff_id: str
    name: str
    role: OfficerRole
    recusals: list[str]
    active: bool = True


class CategoryConfig(Wire):
    code: str = Field(min_length=1, max_length=4, pattern="^[A-Z]{1,4}$")
    name_zh: str
    name_en: str
    priority: int = Field(0, ge=0, le=99, description="0 is served first; higher numbers after.")
    requires_declaration: bool = False
    requires_enterprise: bool = False
    io_flag: str | None = Field(None, pattern="^[01]$")
    target_wait_min: int = Field(15, ge=1, le=24 * 60)


class CounterConfig(Wire):
    number: int = Field(ge=1, le=COUNTER_MAX)
    name: str = ""
    categories: list[str]
    led_address: int | None = Field(None, ge=BUS_ADDRESS_MIN, le=BUS_ADDRESS_MAX)
    keypad_address: int | None = Field(None, ge=BUS_ADDRESS_MIN, le=BUS_ADDRESS_MAX)
    evaluator_address: int | None = Field(None, ge=BUS_ADDRESS_MIN, le=BUS_ADDRESS_MAX)


class NoticeUpdate(Wire):
    text: str = Field(max_length=500)

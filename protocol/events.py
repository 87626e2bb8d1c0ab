"""The event contract: one `EventKind`, one payload model per kind, and the union every client parses.

The server builds each event's data from its payload model (`payload.model_dump(mode="json")`); clients
read an event back with `parse_event`, so both sides are checked against the same models. To add a field,
add it to the payload model (with a default, so logs written before it still parse).
Times inside payloads are ISO 8601 strings, exactly as written into the hash-chained log.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Generic, Literal, TypeVar

from pydantic import (
    AliasChoices,
    Field,
    SerializerFunctionWrapHandler,
    TypeAdapter,
    ValidationError,
    model_serializer,
)

from .enums import CounterState, TicketState
from .models import CategoryConfig, CounterConfig, DevicePublic, OfficerPublic, Wire


class EventKind(StrEnum):
    """Every kind of event in the log and on the stream."""

    DAY_OPENED = "day.opened"
    DAY_CLOSED = "day.closed"
    TICKET_ISSUED = "ticket.issued"
    TICKET_REPRINTED = "ticket.reprinted"
    TICKET_CALLED = "ticket.called"
    TICKET_RECALLED = "ticket.recalled"
    TICKET_STARTED = "ticket.started"
    TICKET_COMPLETED = "ticket.completed"
    TICKET_NO_SHOW = "ticket.no_show"
    TICKET_TRANSFERRED = "ticket.transferred"
    TICKET_CANCELLED = "ticket.cancelled"
    TICKET_RETURNED = "ticket.returned"
    TICKET_EXPIRED = "ticket.expired"
    TICKET_RATED = "ticket.rated"
    COUNTER_LOGIN = "counter.login"
    COUNTER_LOGOUT = "counter.logout"
    COUNTER_LOST = "counter.lost"
    COUNTER_READY = "counter.ready"
    COUNTER_PAUSED = "counter.paused"
    COUNTER_RESUMED = "counter.resumed"
    TICKET_DECLARATION_CONFLICT = "ticket.declaration_conflict"
    OFFICER_LOGIN_FAILED = "officer.login_failed"
    OFFICER_LOGIN_ALERT = "officer.login_alert"
    OFFICER_PIN_CHANGED = "officer.pin_changed"
    OFFICER_SESSION_ENDED = "officer.session_ended"
    CONSOLE_LOGIN = "console.login"
    CONSOLE_LOGIN_FAILED = "console.login_failed"
    CONSOLE_LOGOUT = "console.logout"
    CONSOLE_REPORT_VIEWED = "console.report_viewed"
    DEVICE_PRINTER = "device.printer"
    HALL_NOTICE = "hall.notice"
    ADMIN_CONFIG = "admin.config"
    ADMIN_SETTING = "admin.setting"
    ADMIN_CATEGORY = "admin.category"
    ADMIN_CATEGORY_REMOVED = "admin.category_removed"
    ADMIN_COUNTER = "admin.counter"
    ADMIN_COUNTER_REMOVED = "admin.counter_removed"
    ADMIN_OFFICER = "admin.officer"
    ADMIN_OFFICER_REMOVED = "admin.officer_removed"
    ADMIN_OFFICER_PASSWORD = "admin.officer_password"
    ADMIN_OFFICER_PIN = "admin.officer_pin"
    ADMIN_DEVICE = "admin.device"
    ADMIN_DEVICE_REVOKED = "admin.device_revoked"
    ADMIN_DAY_OPEN = "admin.day_open"
    ADMIN_DAY_CLOSE = "admin.day_close"
    ADMIN_DAY_REOPEN = "admin.day_reopen"
    ADMIN_FORCE_LOGOUT = "admin.force_logout"
    ADMIN_DEPARTMENT = "admin.department"
    ADMIN_DEPARTMENT_MEMBER = "admin.department_member"
    WARNING_RAISED = "warning.raised"  # 预警处置 (issue 19): a warning stored as a case
    WARNING_RUN = "warning.run"
    WARNING_ASSIGNED = "warning.assigned"
    WARNING_EXPLAINED = "warning.explained"
    WARNING_CLOSED = "warning.closed"
    WARNING_SENT_BACK = "warning.sent_back"
    WARNING_SAMPLE_COMMITTED = "warning.sample_committed"
    WARNING_SAMPLE_DRAWN = "warning.sample_drawn"
    WARNING_REVIEWED = "warning.reviewed"


# ---- what payloads hold -------------------------------------------------------------------


def _is_none(value: object) -> bool:
    return value is None


def omitted_when_none() -> Any:
    """A field the log leaves out while it has no value, as it did before the field existed."""
    return Field(None, exclude_if=_is_none)


class TicketData(Wire):
    """A ticket as it stands after the event (a public stream may blank the private fields)."""

    id: int
    day: str
    label: str
    category: str
    state: TicketState
    issued_at: str
    declaration_no: str | None = None
    enterprise_code: str | None = None
    kiosk: str | None = None
    counter: int | None = None
    called_at: str | None = None
    started_at: str | None = None
    finished_at: str | None = None
    recalls: int = 0
    outcome: str | None = None
    rating: str | None = None


class CallData(Wire):
    """One call of a ticket to a counter, as the hall screen shows it."""

    ticket_id: int
    label: str
    category: str
    counter: int
    at: str
    recall: bool


class DrawData(Wire):
    """One random assignment with its candidate lists, so it can be re-run from the revealed seed."""

    day: str
    draw_no: int
    at: str
    ticket_candidates: list[int]
    counter_candidates: list[int]
    ticket_id: int
    counter: int
    category: str | None = None  # the category the queues chose (None under the mixed rule)
    head: int | None = None  # the ticket that decided it: the oldest of the best class (absent before issue 16)
    head_class: int | None = None  # that ticket's priority class after ageing
    aged: list[int] = []  # candidates counted as top class because they waited past the limit

    @model_serializer(mode="wrap")
    def _reasons_when_recorded(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        """A draw logged before draws recorded their reasons (no head) is written back without them."""
        data: dict[str, Any] = handler(self)
        if self.head is None:
            for key in ("category", "head", "head_class", "aged"):
                data.pop(key, None)
        return data


class OpeningCategory(Wire):
    code: str
    priority: int


class OpeningCounter(Wire):
    number: int
    categories: list[str]
    state: CounterState
    staff_id: str | None = None


class OpeningOfficer(Wire):
    staff_id: str
    recusals: list[str]


class DayOpening(Wire):
    """The dispatch inputs at the day's start: the day's draws can be re-checked from its log alone."""

    k: int
    rule: str = "mixed"  # the dispatch rule of the day; a day opened before it was recorded used the mixed rule
    window_s: float | None = None  # category-v2: tickets are drawn among block-mates issued this soon after the head
    ageing_s: float | None = None  # the priority ageing limit, if any
    categories: list[OpeningCategory]
    counters: list[OpeningCounter]
    officers: list[OpeningOfficer]


# ---- one payload per kind -----------------------------------------------------------------


class QueueFigures(Wire):
    """A category's queue as it stands after the event: what the screens and the kiosk show."""

    code: str
    waiting: int
    oldest_issued_at: str | None = None  # the oldest waiting ticket's issue time; a screen counts the wait itself
    estimated_wait_s: int | None = None


class Payload(Wire):
    """Base of every event's data; `KIND` says which event it is.

    `queues`: the categories whose figures the event's command changed (issue 17), on the last event of
    that command, so that no client needs a snapshot after an event."""

    KIND: ClassVar[EventKind]
    queues: list[QueueFigures] | None = omitted_when_none()


class DayOpened(Payload):
    KIND = EventKind.DAY_OPENED
    day: str
    commitment: str
    hall: DayOpening
    reopened: bool = False  # an admin reopened the day closed by mistake: a fresh seed, committed now


class ExpiredAtClose(Wire):
    """The tickets a close of day ended, by why: one event for all of them, however many."""

    waiting_at_close: list[int] = []
    called_at_close: list[int] = []


class DayClosed(Payload):
    KIND = EventKind.DAY_CLOSED
    day: str
    commitment: str
    seed: str
    expired: ExpiredAtClose | None = omitted_when_none()  # absent in logs written before issue 17


class TicketIssued(Payload):
    KIND = EventKind.TICKET_ISSUED
    ticket: TicketData
    reticket_of: int | None = omitted_when_none()  # the earlier ticket of this declaration that ended unserved


class TicketReprinted(Payload):
    KIND = EventKind.TICKET_REPRINTED
    ticket: TicketData
    kiosk: str | None = None


class TicketCalled(Payload):
    KIND = EventKind.TICKET_CALLED
    ticket: TicketData
    counter: int
    staff_id: str | None = None
    draw: DrawData
    call: CallData


class TicketRecalled(Payload):
    KIND = EventKind.TICKET_RECALLED
    ticket: TicketData
    counter: int
    call: CallData


class TicketStarted(Payload):
    KIND = EventKind.TICKET_STARTED
    ticket: TicketData
    counter: int


class TicketCompleted(Payload):
    KIND = EventKind.TICKET_COMPLETED
    ticket: TicketData
    counter: int
    staff_id: str | None = None


class TicketNoShow(Payload):
    KIND = EventKind.TICKET_NO_SHOW
    ticket: TicketData
    counter: int


class TicketTransferred(Payload):
    KIND = EventKind.TICKET_TRANSFERRED
    ticket: TicketData
    counter: int
    staff_id: str | None = None
    from_category: str
    reason: str


class TicketCancelled(Payload):
    KIND = EventKind.TICKET_CANCELLED
    ticket: TicketData
    reason: str
    by: str | None = None
    after_call: bool


class TicketReturned(Payload):
    KIND = EventKind.TICKET_RETURNED
    ticket: TicketData
    counter: int | None = None
    why: str  # logout, counter_lost, arrived_late, …
    by: str | None = omitted_when_none()  # who said a no-show arrived late


class TicketExpired(Payload):
    KIND = EventKind.TICKET_EXPIRED
    ticket: TicketData
    reason: str | None = None  # next_day, waiting_at_close, called_at_close, logout_after_close


class TicketRated(Payload):
    KIND = EventKind.TICKET_RATED
    ticket: TicketData
    counter: int
    staff_id: str | None = None
    rating: str


class CounterLogin(Payload):
    KIND = EventKind.COUNTER_LOGIN
    counter: int
    staff_id: str
    resumed: bool
    officer_name: str | None = omitted_when_none()  # what the screens show (absent before issue 17)


class _CounterOfficer(Payload):
    counter: int
    staff_id: str | None = None


class CounterLogout(_CounterOfficer):
    KIND = EventKind.COUNTER_LOGOUT


class CounterLost(_CounterOfficer):
    KIND = EventKind.COUNTER_LOST


class CounterReady(_CounterOfficer):
    KIND = EventKind.COUNTER_READY


class CounterPaused(_CounterOfficer):
    KIND = EventKind.COUNTER_PAUSED


class CounterResumed(_CounterOfficer):
    KIND = EventKind.COUNTER_RESUMED


class TicketDeclarationConflict(Payload):
    """A kiosk asked for a declaration another kiosk holds an open ticket for, with another enterprise code."""

    KIND = EventKind.TICKET_DECLARATION_CONFLICT
    ticket_id: int
    label: str
    declaration_no: str | None = None
    held_by: str | None = None
    held_enterprise: str | None = None
    kiosk: str
    enterprise_code: str | None = None


class OfficerLoginFailed(Payload):
    KIND = EventKind.OFFICER_LOGIN_FAILED
    counter: int | None = None
    staff_id: str
    device: str | None = None
    purpose: str | None = None  # login or pin_change


class OfficerLoginAlert(Payload):
    """One staff id's wrong PINs reached the hall-wide limit: a possible guessing attack."""

    KIND = EventKind.OFFICER_LOGIN_ALERT
    staff_id: str
    failures: int
    devices: list[str]
    window_s: int


class OfficerPinChanged(Payload):
    KIND = EventKind.OFFICER_PIN_CHANGED
    staff_id: str
    counter: int | None = None


class OfficerSessionEnded(Payload):
    KIND = EventKind.OFFICER_SESSION_ENDED
    counter: int
    staff_id: str
    why: str  # new_login, idle, device_revoked, day_closed, …


class ConsoleLogin(Payload):
    KIND = EventKind.CONSOLE_LOGIN
    staff_id: str
    role: str
    source: str = Field(validation_alias=AliasChoices("from", "source"), serialization_alias="from")


class ConsoleLoginFailed(Payload):
    KIND = EventKind.CONSOLE_LOGIN_FAILED
    staff_id: str
    source: str = Field(validation_alias=AliasChoices("from", "source"), serialization_alias="from")


class ConsoleLogout(Payload):
    KIND = EventKind.CONSOLE_LOGOUT
    staff_id: str


class ConsoleReportViewed(Payload):
    KIND = EventKind.CONSOLE_REPORT_VIEWED
    by: str
    day: str
    format: str


class DevicePrinter(Payload):
    KIND = EventKind.DEVICE_PRINTER
    device: str
    device_id: int
    state: str
    detail: str | None = None


class HallNotice(Payload):
    KIND = EventKind.HALL_NOTICE
    by: str
    text: str


class AdminConfig(Payload):
    """hall.toml applied: its revision, and each change made or refused, one line each."""

    KIND = EventKind.ADMIN_CONFIG
    by: str
    source: str = ""
    revision: str
    previous: str
    changes: list[str]
    refused: list[str]


class AdminSetting(Payload):
    KIND = EventKind.ADMIN_SETTING
    by: str
    key: str
    before: Any = None
    after: Any = None


class AdminCategory(Payload):
    KIND = EventKind.ADMIN_CATEGORY
    by: str
    change: str | None = None  # added or changed, when hall.toml did it
    category: CategoryConfig


class AdminCategoryRemoved(Payload):
    KIND = EventKind.ADMIN_CATEGORY_REMOVED
    by: str
    code: str


class AdminCounter(Payload):
    KIND = EventKind.ADMIN_COUNTER
    by: str
    change: str | None = None  # added or changed, when hall.toml did it
    counter: CounterConfig


class AdminCounterRemoved(Payload):
    KIND = EventKind.ADMIN_COUNTER_REMOVED
    by: str
    number: int


class AdminOfficer(Payload):
    KIND = EventKind.ADMIN_OFFICER
    by: str
    officer: OfficerPublic


class AdminOfficerRemoved(Payload):
    KIND = EventKind.ADMIN_OFFICER_REMOVED
    by: str
    staff_id: str


class AdminOfficerPassword(Payload):
    KIND = EventKind.ADMIN_OFFICER_PASSWORD
    by: str
    staff_id: str


class AdminOfficerPin(Payload):
    KIND = EventKind.ADMIN_OFFICER_PIN
    by: str
    staff_id: str


class AdminDevice(Payload):
    KIND = EventKind.ADMIN_DEVICE
    by: str
    device: DevicePublic


class AdminDeviceRevoked(Payload):
    KIND = EventKind.ADMIN_DEVICE_REVOKED
    by: str
    device_id: int


class AdminDayOpen(Payload):
    KIND = EventKind.ADMIN_DAY_OPEN
    by: str


class AdminDayClose(Payload):
    KIND = EventKind.ADMIN_DAY_CLOSE
    by: str


class AdminDayReopen(Payload):
    KIND = EventKind.ADMIN_DAY_REOPEN
    by: str
    day: str
    reason: str


class AdminForceLogout(Payload):
    KIND = EventKind.ADMIN_FORCE_LOGOUT
    counter: int
    by: str


# ---- the envelope and the union -----------------------------------------------------------

K = TypeVar("K")
P = TypeVar("P", bound=Payload)


# ---- 预警处置 (issue 19): warnings as cases, their disposition, spot checks ----------------------


class AdminDepartment(Payload):
    KIND = EventKind.ADMIN_DEPARTMENT
    by: str
    code: str
    name: str
    head: str | None = None


class AdminDepartmentMember(Payload):
    KIND = EventKind.ADMIN_DEPARTMENT_MEMBER
    by: str
    staff_id: str
    department: str


class WarningRaised(Payload):
    """A warning stored as a case with its identity (hall, day, rule, subject), its evidence and its deadline."""

    KIND = EventKind.WARNING_RAISED
    case: str
    hall: str
    day: str
    rule: str
    subject: str
    title: str
    staff_id: str | None = None
    tickets: list[str] = []
    evidence: str
    data: dict[str, Any] = {}
    deadline: str
    department: str | None = None
    live: bool = False


class WarningRun(Payload):
    """The rules ran over a day for the records; `before` says which thresholds changed since the last run."""

    KIND = EventKind.WARNING_RUN
    day: str
    digest: str
    thresholds: dict[str, Any]
    found: int
    new: list[str] = []
    before: dict[str, Any] | None = omitted_when_none()


class WarningAssigned(Payload):
    KIND = EventKind.WARNING_ASSIGNED
    case: str
    by: str
    to: str  # department:CODE or staff:ID
    department: str | None = None
    note: str = ""


class WarningExplained(Payload):
    KIND = EventKind.WARNING_EXPLAINED
    case: str
    by: str
    text: str
    reference: str | None = None


class WarningClosed(Payload):
    KIND = EventKind.WARNING_CLOSED
    case: str
    by: str
    note: str = ""


class WarningSentBack(Payload):
    KIND = EventKind.WARNING_SENT_BACK
    case: str
    by: str
    note: str


class WarningSampleCommitted(Payload):
    """A spot check fixed before it is drawn: the closed cases it draws from and the seed's SHA-256."""

    KIND = EventKind.WARNING_SAMPLE_COMMITTED
    sample: str
    commitment: str
    population: list[str]
    size: int
    by: str


class WarningSampleDrawn(Payload):
    KIND = EventKind.WARNING_SAMPLE_DRAWN
    sample: str
    seed: str
    chosen: list[str]
    by: str


class WarningReviewed(Payload):
    KIND = EventKind.WARNING_REVIEWED
    sample: str
    case: str
    outcome: str
    note: str = ""
    by: str


class EventOf(Wire, Generic[K, P]):
    """One event of one kind, as the log and the stream carry it."""

    seq: int
    kind: K
    at: datetime
    data: P


TypedEvent = Annotated[
    EventOf[Literal[EventKind.DAY_OPENED], DayOpened]
    | EventOf[Literal[EventKind.DAY_CLOSED], DayClosed]
    | EventOf[Literal[EventKind.TICKET_ISSUED], TicketIssued]
    | EventOf[Literal[EventKind.TICKET_REPRINTED], TicketReprinted]
    | EventOf[Literal[EventKind.TICKET_CALLED], TicketCalled]
    | EventOf[Literal[EventKind.TICKET_RECALLED], TicketRecalled]
    | EventOf[Literal[EventKind.TICKET_STARTED], TicketStarted]
    | EventOf[Literal[EventKind.TICKET_COMPLETED], TicketCompleted]
    | EventOf[Literal[EventKind.TICKET_NO_SHOW], TicketNoShow]
    | EventOf[Literal[EventKind.TICKET_TRANSFERRED], TicketTransferred]
    | EventOf[Literal[EventKind.TICKET_CANCELLED], TicketCancelled]
    | EventOf[Literal[EventKind.TICKET_RETURNED], TicketReturned]
    | EventOf[Literal[EventKind.TICKET_EXPIRED], TicketExpired]
    | EventOf[Literal[EventKind.TICKET_RATED], TicketRated]
    | EventOf[Literal[EventKind.COUNTER_LOGIN], CounterLogin]
    | EventOf[Literal[EventKind.COUNTER_LOGOUT], CounterLogout]
    | EventOf[Literal[EventKind.COUNTER_LOST], CounterLost]
    | EventOf[Literal[EventKind.COUNTER_READY], CounterReady]
    | EventOf[Literal[EventKind.COUNTER_PAUSED], CounterPaused]
    | EventOf[Literal[EventKind.COUNTER_RESUMED], CounterResumed]
    | EventOf[Literal[EventKind.TICKET_DECLARATION_CONFLICT], TicketDeclarationConflict]
    | EventOf[Literal[EventKind.OFFICER_LOGIN_FAILED], OfficerLoginFailed]
    | EventOf[Literal[EventKind.OFFICER_LOGIN_ALERT], OfficerLoginAlert]
    | EventOf[Literal[EventKind.OFFICER_PIN_CHANGED], OfficerPinChanged]
    | EventOf[Literal[EventKind.OFFICER_SESSION_ENDED], OfficerSessionEnded]
    | EventOf[Literal[EventKind.CONSOLE_LOGIN], ConsoleLogin]
    | EventOf[Literal[EventKind.CONSOLE_LOGIN_FAILED], ConsoleLoginFailed]
    | EventOf[Literal[EventKind.CONSOLE_LOGOUT], ConsoleLogout]
    | EventOf[Literal[EventKind.CONSOLE_REPORT_VIEWED], ConsoleReportViewed]
    | EventOf[Literal[EventKind.DEVICE_PRINTER], DevicePrinter]
    | EventOf[Literal[EventKind.HALL_NOTICE], HallNotice]
    | EventOf[Literal[EventKind.ADMIN_CONFIG], AdminConfig]
    | EventOf[Literal[EventKind.ADMIN_SETTING], AdminSetting]
    | EventOf[Literal[EventKind.ADMIN_CATEGORY], AdminCategory]
    | EventOf[Literal[EventKind.ADMIN_CATEGORY_REMOVED], AdminCategoryRemoved]
    | EventOf[Literal[EventKind.ADMIN_COUNTER], AdminCounter]
    | EventOf[Literal[EventKind.ADMIN_COUNTER_REMOVED], AdminCounterRemoved]
    | EventOf[Literal[EventKind.ADMIN_OFFICER], AdminOfficer]
    | EventOf[Literal[EventKind.ADMIN_OFFICER_REMOVED], AdminOfficerRemoved]
    | EventOf[Literal[EventKind.ADMIN_OFFICER_PASSWORD], AdminOfficerPassword]
    | EventOf[Literal[EventKind.ADMIN_OFFICER_PIN], AdminOfficerPin]
    | EventOf[Literal[EventKind.ADMIN_DEVICE], AdminDevice]
    | EventOf[Literal[EventKind.ADMIN_DEVICE_REVOKED], AdminDeviceRevoked]
    | EventOf[Literal[EventKind.ADMIN_DAY_OPEN], AdminDayOpen]
    | EventOf[Literal[EventKind.ADMIN_DAY_CLOSE], AdminDayClose]
    | EventOf[Literal[EventKind.ADMIN_DAY_REOPEN], AdminDayReopen]
    | EventOf[Literal[EventKind.ADMIN_FORCE_LOGOUT], AdminForceLogout]
    | EventOf[Literal[EventKind.ADMIN_DEPARTMENT], AdminDepartment]
    | EventOf[Literal[EventKind.ADMIN_DEPARTMENT_MEMBER], AdminDepartmentMember]
    | EventOf[Literal[EventKind.WARNING_RAISED], WarningRaised]
    | EventOf[Literal[EventKind.WARNING_RUN], WarningRun]
    | EventOf[Literal[EventKind.WARNING_ASSIGNED], WarningAssigned]
    | EventOf[Literal[EventKind.WARNING_EXPLAINED], WarningExplained]
    | EventOf[Literal[EventKind.WARNING_CLOSED], WarningClosed]
    | EventOf[Literal[EventKind.WARNING_SENT_BACK], WarningSentBack]
    | EventOf[Literal[EventKind.WARNING_SAMPLE_COMMITTED], WarningSampleCommitted]
    | EventOf[Literal[EventKind.WARNING_SAMPLE_DRAWN], WarningSampleDrawn]
    | EventOf[Literal[EventKind.WARNING_REVIEWED], WarningReviewed],
    Field(discriminator="kind"),
]

_EVENTS: TypeAdapter[TypedEvent] = TypeAdapter(TypedEvent)


def parse_event(raw: dict[str, Any] | str | bytes) -> TypedEvent:
    """An event (`{seq, kind, at, data}`) checked against its kind's payload; pydantic's ValidationError if not."""
    if isinstance(raw, dict):
        return _EVENTS.validate_python(raw)
    return _EVENTS.validate_json(raw)


def check_event(raw: dict[str, Any] | str | bytes, *, cut: bool = False) -> None:
    """Raise pydantic's ValidationError unless the event matches its kind's payload.

    `cut`: the event is a role's view of one (dispatcher.projection leaves out what the role may not
    read), so fields may be missing; what is there must still match, and the kind must be known.
    """
    try:
        parse_event(raw)
    except ValidationError as err:
        if not cut or any(e["type"] != "missing" for e in err.errors()):
            raise


def event_data(payload: Payload) -> tuple[EventKind, dict[str, Any]]:
    """A payload as the log stores it: its kind and its JSON-ready data."""
    return payload.KIND, payload.model_dump(mode="json", by_alias=True)

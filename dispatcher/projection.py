"""What each caller may read: the one place that cuts tickets, counters, snapshots and events to a role.

Three views. Supervisors and admins read everything. Displays and kiosks read the public hall:
labels, categories, counters, counts, estimates, the commitment; never declaration numbers,
enterprise codes, recusals, failed logins or the device list. A counter PC and its officer's
session read the public hall plus everything about the tickets of their own counter.
Event kinds not listed here carry no data outside the staff view (deny by default).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, overload

from protocol import Role
from protocol.events import EventKind
from protocol.models import ActionResult, CounterView, Event, Snapshot, TicketPublic

STAFF, COUNTER, PUBLIC = "staff", "counter", "public"

# Ticket fields only the staff view (and the counter that serves the ticket) may see.
PRIVATE_TICKET_FIELDS = ("declaration_no", "enterprise_code", "kiosk", "outcome", "rating")

_COUNTER = frozenset({"counter", "staff_id"})
# Per event kind, the top-level data keys the public view keeps ("ticket" is cut to its public fields).
PUBLIC_EVENT_KEYS: dict[str, frozenset[str]] = {
    EventKind.DAY_OPENED: frozenset({"day", "commitment", "hall"}),
    EventKind.DAY_CLOSED: frozenset({"day", "commitment", "seed", "expired"}),
    EventKind.HALL_NOTICE: frozenset({"text"}),
    EventKind.TICKET_ISSUED: frozenset({"ticket"}),
    EventKind.TICKET_REPRINTED: frozenset({"ticket"}),
    EventKind.TICKET_CALLED: frozenset({"ticket", "counter", "staff_id", "draw", "call"}),
    EventKind.TICKET_RECALLED: frozenset({"ticket", "counter", "call"}),
    EventKind.TICKET_STARTED: frozenset({"ticket", "counter"}),
    EventKind.TICKET_COMPLETED: frozenset({"ticket", "counter", "staff_id"}),
    EventKind.TICKET_NO_SHOW: frozenset({"ticket", "counter"}),
    EventKind.TICKET_TRANSFERRED: frozenset({"ticket", "counter", "staff_id", "from_category"}),
    EventKind.TICKET_CANCELLED: frozenset({"ticket", "after_call"}),
    EventKind.TICKET_RETURNED: frozenset({"ticket", "counter", "why"}),
    EventKind.TICKET_EXPIRED: frozenset({"ticket"}),
    EventKind.TICKET_RATED: frozenset({"ticket", "counter"}),
    EventKind.COUNTER_LOGIN: frozenset({"counter", "staff_id", "resumed", "officer_name"}),
    EventKind.COUNTER_LOGOUT: _COUNTER,
    EventKind.COUNTER_LOST: _COUNTER,
    EventKind.COUNTER_READY: _COUNTER,
    EventKind.COUNTER_PAUSED: _COUNTER,
    EventKind.COUNTER_RESUMED: _COUNTER,
    EventKind.OFFICER_SESSION_ENDED: frozenset({"counter"}),
    EventKind.ADMIN_CATEGORY: frozenset({"category"}),
    EventKind.ADMIN_COUNTER: frozenset({"counter"}),
    EventKind.ADMIN_CATEGORY_REMOVED: frozenset({"code"}),
    EventKind.ADMIN_COUNTER_REMOVED: frozenset({"number"}),
}
# Keys of the day's opening record (day.opened "hall") that the public view keeps: not the officers' recusals.
PUBLIC_OPENING_KEYS = frozenset({"k", "categories", "counters"})


@dataclass(frozen=True)
class Audience:
    """Who reads: the view, and the counter or kiosk whose own things it may see in full."""

    view: str
    counter: int | None = None
    kiosk: str | None = None


def audience(role: Role, *, counter: int | None = None, name: str | None = None) -> Audience:
    """The audience of a principal's role (a counter PC and its officer's session share one)."""
    if role in (Role.SUPERVISOR, Role.ADMIN):
        return Audience(STAFF)
    if role in (Role.COUNTER, Role.OFFICER):
        return Audience(COUNTER, counter=counter)
    if role == Role.KIOSK:
        return Audience(PUBLIC, kiosk=name)
    return Audience(PUBLIC)


def of(who: Any) -> Audience:
    """The audience of a `Principal`."""
    return audience(who.role, counter=who.counter, name=who.name)


# ---- tickets ----------------------------------------------------------------------------


def owns(aud: Audience, ticket: dict[str, Any] | TicketPublic) -> bool:
    """Whether this audience sees the ticket in full: staff, the kiosk that issued it, the counter serving it."""
    get = ticket.get if isinstance(ticket, dict) else lambda k: getattr(ticket, k, None)
    if aud.view == STAFF:
        return True
    if aud.kiosk is not None and get("kiosk") == aud.kiosk:
        return True
    return aud.counter is not None and get("counter") == aud.counter


def may_read_ticket(aud: Audience, ticket: TicketPublic) -> bool:
    """A kiosk reads only the tickets it issued; everyone else reads any ticket (cut to their view)."""
    return aud.kiosk is None or ticket.kiosk == aud.kiosk


@overload
def ticket(aud: Audience, t: TicketPublic) -> TicketPublic: ...
@overload
def ticket(aud: Audience, t: None) -> None: ...
def ticket(aud: Audience, t: TicketPublic | None) -> TicketPublic | None:
    """The ticket as this audience may see it: another kiosk's or a display's view has no personal fields."""
    if t is None or owns(aud, t):
        return t
    return t.model_copy(update=dict.fromkeys(PRIVATE_TICKET_FIELDS))


def ticket_dict(aud: Audience, t: dict[str, Any]) -> dict[str, Any]:
    if owns(aud, t):
        return t
    return {**t, **{k: None for k in PRIVATE_TICKET_FIELDS if k in t}}


def counter(aud: Audience, c: CounterView) -> CounterView:
    return c if c.ticket is None else c.model_copy(update={"ticket": ticket(aud, c.ticket)})


def action(aud: Audience, result: ActionResult) -> ActionResult:
    return ActionResult(counter=counter(aud, result.counter), ticket=ticket(aud, result.ticket))


def snapshot(aud: Audience, s: Snapshot) -> Snapshot:
    if aud.view == STAFF:
        return s
    return s.model_copy(update={"counters": [counter(aud, c) for c in s.counters]})


# ---- events -----------------------------------------------------------------------------


def concerns(data: dict[str, Any]) -> int | None:
    """The counter an event is about, if any."""
    number = data.get("counter")
    if isinstance(number, int):
        return number
    t = data.get("ticket")
    return t.get("counter") if isinstance(t, dict) else None


def variant(aud: Audience, e: Event) -> str:
    """Which cut of an event this audience gets: `staff`, `own` (its counter's, in full) or `public`."""
    if aud.view == STAFF:
        return STAFF
    if aud.view == COUNTER and aud.counter is not None and e.kind in PUBLIC_EVENT_KEYS:
        if concerns(e.data) == aud.counter:
            return "own"
    return PUBLIC


def event(aud: Audience, e: Event) -> Event:
    """The event as this audience may read it: same seq, kind and time (the stream stays gap-free)."""
    cut = variant(aud, e)
    if cut in (STAFF, "own"):
        return e
    return e.model_copy(update={"data": public_data(e.kind, e.data)})


def public_data(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    keys = PUBLIC_EVENT_KEYS.get(kind, frozenset())
    out = {k: v for k, v in data.items() if k in keys or k == "queues"}  # queue figures are for everyone
    if isinstance(out.get("ticket"), dict):
        out["ticket"] = ticket_dict(Audience(PUBLIC), out["ticket"])
    if isinstance(out.get("hall"), dict):
        out["hall"] = {k: v for k, v in out["hall"].items() if k in PUBLIC_OPENING_KEYS}
    return out


def events(aud: Audience, items: list[Event]) -> list[Event]:
    return [event(aud, e) for e in items]

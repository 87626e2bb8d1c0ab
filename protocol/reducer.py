"""The one reducer every client folds the stream with: (hall, event) -> hall, the hall in its snapshot's JSON form.

A client fetches a snapshot when it connects (or finds a gap) and folds every event after it; ticket and
counter events carry the queue figures their command changed (`queues`), so the fold stays what a fresh
snapshot would say (tests/protocol/test_reducer_property.py drives the real service to check it).
Pure: no I/O, the hall given is never changed; parts that did not change are shared with it.

Beside the snapshot's keys the fold keeps one the snapshot has not: ``call_status``, what became of the
ticket of each recent call (ticket id -> called, serving, done, no_show, transferred, returned, cancelled),
which a hall screen marks the call with. `rebase` starts it from a snapshot and what was known before.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .events import EventKind

RECENT_CALLS = 20
# Without queue figures (a dispatcher before issue 17): what a ticket event does to its category's count.
_WAITING_DELTA: dict[str, int] = {
    EventKind.TICKET_ISSUED: 1,
    EventKind.TICKET_CALLED: -1,
    EventKind.TICKET_RETURNED: 1,
    EventKind.TICKET_TRANSFERRED: 1,
}
# Counter state after a ticket event at that counter.
_COUNTER_AFTER: dict[str, str] = {
    EventKind.TICKET_CALLED: "busy",
    EventKind.TICKET_COMPLETED: "idle",
    EventKind.TICKET_NO_SHOW: "idle",
    EventKind.TICKET_TRANSFERRED: "idle",
}
# What a ticket event says became of the ticket of a call (the screen's mark on it).
CALL_STATUS_AFTER: dict[str, str] = {
    EventKind.TICKET_CALLED: "called",
    EventKind.TICKET_RECALLED: "called",
    EventKind.TICKET_STARTED: "serving",
    EventKind.TICKET_COMPLETED: "done",
    EventKind.TICKET_NO_SHOW: "no_show",
    EventKind.TICKET_TRANSFERRED: "transferred",
    EventKind.TICKET_RETURNED: "returned",
    EventKind.TICKET_CANCELLED: "cancelled",
    EventKind.TICKET_EXPIRED: "done",
}
_STATE_OF: dict[str, str] = {
    EventKind.COUNTER_READY: "ready",
    EventKind.COUNTER_PAUSED: "paused",
    EventKind.COUNTER_RESUMED: "idle",
}


def empty_hall() -> dict[str, Any]:
    """A hall before any snapshot."""
    return {
        "seq": 0,
        "hall_id": "",
        "hall_name": "",
        "day": None,
        "categories": [],
        "counters": [],
        "recent_calls": [],
        "notice": "",
        "call_status": {},
    }


def rebase(known: dict[str, Any], snapshot: dict[str, Any]) -> dict[str, Any]:
    """A fresh snapshot as the hall, with what `known` (the hall before it) said became of the calls it lists.

    A ticket still at a counter is as the snapshot says; a finished one keeps the status events gave it on
    the same day (a status of "called" or "serving" the snapshot no longer shows is left out: unknown).
    """
    hall = {**empty_hall(), **snapshot}
    held = {
        c["ticket"]["id"]: "serving" if c["ticket"].get("state") == "serving" else "called"
        for c in hall["counters"]
        if (c.get("ticket") or {}).get("id") is not None
    }
    same_day = (known.get("day") or {}).get("day") == (hall.get("day") or {}).get("day")
    before = (known.get("call_status") or {}) if same_day else {}
    status: dict[int, str] = {}
    for call in hall["recent_calls"]:
        ticket_id = call["ticket_id"]
        if ticket_id in held:
            status[ticket_id] = held[ticket_id]
        elif before.get(ticket_id) not in (None, "called", "serving"):
            status[ticket_id] = before[ticket_id]
    hall["call_status"] = status
    return hall


def ticket_view(ticket: dict[str, Any]) -> dict[str, Any]:
    """A counter's ticket as the snapshot shows it (a ticket at a counter waits for nobody)."""
    return {**ticket, "waiting_ahead": 0, "estimated_wait_s": None, "reprint": False}


def fold(hall: dict[str, Any], event: dict[str, Any]) -> dict[str, Any]:
    """The hall after `event`; an event at or before the hall's seq changes nothing."""
    seq = int(event["seq"])
    if seq <= int(hall.get("seq") or 0):
        return hall
    out = dict(hall, seq=seq)
    kind, data = event["kind"], event.get("data") or {}
    ticket = data.get("ticket") or {}
    counters = _Counters(out)
    if kind == EventKind.DAY_OPENED:
        out["day"] = {"day": data.get("day"), "is_open": True, "commitment": data.get("commitment"), "seed": None}
        out["recent_calls"] = []
    elif kind == EventKind.DAY_CLOSED:
        out["day"] = {
            "day": data.get("day"),
            "is_open": False,
            "commitment": data.get("commitment"),
            "seed": data.get("seed"),
        }
        ended = {i for ids in (data.get("expired") or {}).values() for i in ids}
        for number in counters.holding(ended):
            counters.update(number, state="idle", ticket=None)
    elif kind == EventKind.HALL_NOTICE:
        out["notice"] = data.get("text") or ""
    elif kind.startswith("ticket."):
        _ticket_event(out, counters, kind, data, ticket)
    elif kind.startswith("counter."):
        _counter_event(counters, kind, data)
    elif kind.startswith("admin."):
        _admin_event(out, counters, kind, data)
    if data.get("queues") is not None:
        _queues(out, data["queues"], event.get("at"))
    elif kind in _WAITING_DELTA or (kind == EventKind.TICKET_CANCELLED and not data.get("after_call")):
        _add_waiting(out, ticket.get("category"), _WAITING_DELTA.get(kind, -1))
    counters.done()
    if kind in CALL_STATUS_AFTER or kind in (EventKind.DAY_OPENED, EventKind.DAY_CLOSED):
        _follow_calls(out, kind, data, ticket)
    return out


def _follow_calls(out: dict[str, Any], kind: str, data: dict[str, Any], ticket: dict[str, Any]) -> None:
    """Mark what became of the tickets of the recent calls; only those are kept."""
    status = dict(out.get("call_status") or {})
    if kind == EventKind.DAY_OPENED:
        status = {}
    elif kind == EventKind.DAY_CLOSED:
        for ticket_id in (i for ids in (data.get("expired") or {}).values() for i in ids):
            status[ticket_id] = "done"
    elif ticket.get("id") is not None:
        status[ticket["id"]] = CALL_STATUS_AFTER[kind]
    called = {c["ticket_id"] for c in out.get("recent_calls", [])}
    out["call_status"] = {ticket_id: s for ticket_id, s in status.items() if ticket_id in called}


def _ticket_event(
    out: dict[str, Any], counters: _Counters, kind: str, data: dict[str, Any], ticket: dict[str, Any]
) -> None:
    number = data.get("counter", ticket.get("counter"))
    if kind in (EventKind.TICKET_CALLED, EventKind.TICKET_RECALLED, EventKind.TICKET_STARTED) and number is not None:
        counters.update(number, ticket=ticket_view(ticket), **_state(kind))
        if data.get("call"):
            out["recent_calls"] = [dict(data["call"]), *out.get("recent_calls", [])][:RECENT_CALLS]
    elif kind in _COUNTER_AFTER and number is not None:
        counters.update(number, state=_COUNTER_AFTER[kind], ticket=None)
    elif kind == EventKind.TICKET_RETURNED:
        for held in counters.holding({ticket.get("id")}):
            busy = (counters.get(held) or {}).get("state") == "busy"
            counters.update(held, ticket=None, **({"state": "idle"} if busy else {}))
    elif kind == EventKind.TICKET_CANCELLED and data.get("after_call"):
        for held in counters.holding({ticket.get("id")}):
            counters.update(held, ticket=None, state="ready")
    elif kind == EventKind.TICKET_EXPIRED:
        for held in counters.holding({ticket.get("id")}):
            counters.update(held, ticket=None, state="idle")


def _state(kind: str) -> dict[str, str]:
    return {"state": _COUNTER_AFTER[kind]} if kind in _COUNTER_AFTER else {}


def _counter_event(counters: _Counters, kind: str, data: dict[str, Any]) -> None:
    number = data.get("counter")
    if number is None or counters.get(number) is None:
        return
    if kind == EventKind.COUNTER_LOGIN and not data.get("resumed"):
        counters.update(number, state="idle", staff_id=data.get("staff_id"), officer_name=data.get("officer_name"))
    elif kind == EventKind.COUNTER_LOGOUT:
        counters.update(number, state="closed", staff_id=None, officer_name=None, ticket=None)
    elif kind == EventKind.COUNTER_READY:
        counters.update(number, state="ready", ticket=None)
    elif kind in _STATE_OF:
        counters.update(number, state=_STATE_OF[kind])
    elif kind == EventKind.COUNTER_LOST and (counters.get(number) or {}).get("state") == "ready":
        counters.update(number, state="idle")


def _admin_event(out: dict[str, Any], counters: _Counters, kind: str, data: dict[str, Any]) -> None:
    """Configuration changed while the hall runs: a category or counter added, changed or removed."""
    if kind == EventKind.ADMIN_CATEGORY and isinstance(data.get("category"), dict):
        cat = data["category"]
        keys = ("name_zh", "name_en", "priority", "requires_declaration", "requires_enterprise", "io_flag")
        mine = {k: cat[k] for k in keys if k in cat}
        others = [c for c in out["categories"] if c["code"] != cat["code"]]
        old = next((c for c in out["categories"] if c["code"] == cat["code"]), None)
        new = {**(old or {"code": cat["code"], "waiting": 0, "oldest_wait_s": None, "estimated_wait_s": None}), **mine}
        out["categories"] = sorted([*others, new], key=lambda c: (c.get("priority", 0), c["code"]))
    elif kind == EventKind.ADMIN_CATEGORY_REMOVED:
        out["categories"] = [c for c in out["categories"] if c["code"] != data.get("code")]
    elif kind == EventKind.ADMIN_COUNTER and isinstance(data.get("counter"), dict):
        spec = data["counter"]
        fields = {"name": spec.get("name") or str(spec["number"]), "categories": sorted(spec.get("categories", []))}
        if counters.get(spec["number"]) is None:
            counters.add({"number": spec["number"], "state": "closed", "staff_id": None, "officer_name": None,
                          "ticket": None, **fields})  # fmt: skip
        else:
            counters.update(spec["number"], **fields)
    elif kind == EventKind.ADMIN_COUNTER_REMOVED:
        counters.remove(data.get("number"))


def _queues(out: dict[str, Any], figures: list[dict[str, Any]], at: str | None) -> None:
    when = datetime.fromisoformat(at) if isinstance(at, str) else at
    by_code = {f["code"]: f for f in figures}
    categories = []
    for cat in out["categories"]:
        f = by_code.get(cat["code"])
        if f is not None:
            oldest = f.get("oldest_issued_at")
            wait = int((when - datetime.fromisoformat(oldest)).total_seconds()) if oldest and when else None
            cat = {**cat, "waiting": f["waiting"], "estimated_wait_s": f.get("estimated_wait_s"),
                   "oldest_issued_at": oldest, "oldest_wait_s": wait}  # fmt: skip
        categories.append(cat)
    out["categories"] = categories


def _add_waiting(out: dict[str, Any], code: str | None, delta: int) -> None:
    out["categories"] = [
        {**c, "waiting": max(0, int(c.get("waiting") or 0) + delta)} if c["code"] == code else c
        for c in out["categories"]
    ]


class _Counters:
    """The hall's counters list, copied only where an event changes it."""

    def __init__(self, out: dict[str, Any]) -> None:
        self.out = out
        self.items: list[dict[str, Any]] | None = None

    def _list(self) -> list[dict[str, Any]]:
        return self.items if self.items is not None else self.out.get("counters", [])

    def get(self, number: Any) -> dict[str, Any] | None:
        return next((c for c in self._list() if c.get("number") == number), None)

    def holding(self, ticket_ids: set[Any]) -> list[int]:
        return [c["number"] for c in self._list() if (c.get("ticket") or {}).get("id") in ticket_ids]

    def update(self, number: Any, **fields: Any) -> None:
        if self.get(number) is None:
            return
        self.items = [{**c, **fields} if c.get("number") == number else c for c in self._list()]

    def add(self, counter: dict[str, Any]) -> None:
        self.items = sorted([*self._list(), counter], key=lambda c: c["number"])

    def remove(self, number: Any) -> None:
        self.items = [c for c in self._list() if c.get("number") != number]

    def done(self) -> None:
        if self.items is not None:
            self.out["counters"] = self.items

"""The hall as last seen: a snapshot with the events after it applied. Plain Python, no widgets."""

from __future__ import annotations

import copy
from collections import deque
from datetime import datetime
from typing import Any

from protocol.events import EventKind

RECENT_CALLS = 20
EVENT_MEMORY = 500

# What a ticket event does to its category's waiting count.
_WAITING_DELTA = {EventKind.TICKET_ISSUED: 1, EventKind.TICKET_CALLED: -1, EventKind.TICKET_RETURNED: 1}


def oldest_first(calls: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Calls in time order (the dispatcher's snapshot lists the newest first); as given if a time is unreadable."""
    try:
        return sorted(calls, key=lambda c: datetime.fromisoformat(str(c["at"])))
    except (KeyError, TypeError, ValueError):
        return calls


class HallState:
    """Categories, counters, recent calls and the notice, kept up to date from snapshots and events.

    A snapshot replaces everything; events after it are applied in order. Events are remembered for a
    while so that a snapshot fetched a little late (older than events already applied) loses nothing.
    The last known state survives a lost link: screens keep showing it.
    """

    def __init__(self) -> None:
        self.seq = 0
        self.hall_id = ""
        self.hall_name = ""
        self.day: dict[str, Any] | None = None
        self.categories: dict[str, dict[str, Any]] = {}
        self.counters: dict[int, dict[str, Any]] = {}
        self.recent_calls: list[dict[str, Any]] = []
        self.notice = ""
        self.loaded = False
        self._events: deque[dict[str, Any]] = deque(maxlen=EVENT_MEMORY)

    # ---- input ------------------------------------------------------------------------

    def apply_snapshot(self, snapshot: dict[str, Any]) -> None:
        """Take a whole picture; events newer than it that were already applied are applied again."""
        newer = [e for e in self._events if e["seq"] > snapshot["seq"]]
        self.seq = snapshot["seq"]
        self.hall_id = snapshot.get("hall_id", "")
        self.hall_name = snapshot.get("hall_name", "")
        self.day = copy.deepcopy(snapshot.get("day"))
        self.categories = {c["code"]: dict(c) for c in snapshot.get("categories", [])}
        self.counters = {c["number"]: copy.deepcopy(c) for c in snapshot.get("counters", [])}
        self.recent_calls = oldest_first([dict(c) for c in snapshot.get("recent_calls", [])])[-RECENT_CALLS:]
        self.notice = snapshot.get("notice", "")
        self.loaded = True
        self._events = deque((e for e in self._events if e["seq"] <= snapshot["seq"]), maxlen=EVENT_MEMORY)
        for event in newer:
            self.apply_event(event)

    def apply_event(self, event: dict[str, Any]) -> bool:
        """Apply one event (``{seq, kind, at, data}``); False if it was already applied."""
        if event["seq"] <= self.seq:
            return False
        self.seq = event["seq"]
        self._events.append(event)
        kind, data = event["kind"], event.get("data") or {}
        ticket = data.get("ticket") or {}
        if kind in _WAITING_DELTA:
            self._add_waiting(ticket.get("category"), _WAITING_DELTA[kind])
        elif kind == EventKind.TICKET_TRANSFERRED:
            self._add_waiting(ticket.get("category"), 1)
        elif kind == EventKind.TICKET_CANCELLED and not data.get("after_call"):
            self._add_waiting(ticket.get("category"), -1)
        elif kind == EventKind.DAY_OPENED:
            self.day = {"day": data.get("day"), "is_open": True, "commitment": data.get("commitment"), "seed": None}
            self.recent_calls = []
            for cat in self.categories.values():
                cat.update(waiting=0, oldest_wait_s=None)
        elif kind == EventKind.DAY_CLOSED:
            self.day = {
                "day": data.get("day"),
                "is_open": False,
                "commitment": data.get("commitment"),
                "seed": data.get("seed"),
            }
            for cat in self.categories.values():
                cat.update(waiting=0, oldest_wait_s=None)
            ended = {i for ids in (data.get("expired") or {}).values() for i in ids}
            for counter in self.counters.values():  # a ticket called but not yet served ends with the day
                if (counter.get("ticket") or {}).get("id") in ended:
                    counter.update(state="idle", ticket=None)
        elif kind == EventKind.HALL_NOTICE:
            self.notice = data.get("text", "")
        if kind in (EventKind.TICKET_CALLED, EventKind.TICKET_RECALLED) and data.get("call"):
            self.recent_calls = (self.recent_calls + [dict(data["call"])])[-RECENT_CALLS:]
        self._apply_counter(kind, data, ticket)
        return True

    def _add_waiting(self, code: str | None, delta: int) -> None:
        cat = self.categories.get(code or "")
        if cat is not None:
            cat["waiting"] = max(0, int(cat.get("waiting") or 0) + delta)

    def _apply_counter(self, kind: str, data: dict[str, Any], ticket: dict[str, Any]) -> None:
        number = data.get("counter", ticket.get("counter"))
        counter = self.counters.get(number) if isinstance(number, int) else None
        if counter is None:
            return
        states: dict[str, str] = {
            EventKind.COUNTER_LOGIN: "idle",
            EventKind.COUNTER_LOGOUT: "closed",
            EventKind.COUNTER_READY: "ready",
            EventKind.COUNTER_PAUSED: "paused",
            EventKind.COUNTER_RESUMED: "idle",
            EventKind.TICKET_CALLED: "busy",
            EventKind.TICKET_COMPLETED: "idle",
            EventKind.TICKET_NO_SHOW: "idle",
            EventKind.TICKET_TRANSFERRED: "idle",
        }
        if kind == EventKind.COUNTER_LOGIN and data.get("resumed"):
            return
        if kind in states:
            counter["state"] = states[kind]
        if kind in (EventKind.TICKET_CALLED, EventKind.TICKET_RECALLED, EventKind.TICKET_STARTED):
            counter["ticket"] = dict(ticket)
        elif kind in (
            EventKind.COUNTER_LOGOUT,
            EventKind.COUNTER_READY,
            EventKind.TICKET_COMPLETED,
            EventKind.TICKET_NO_SHOW,
            EventKind.TICKET_TRANSFERRED,
        ):
            counter["ticket"] = None
        elif kind == EventKind.TICKET_RETURNED:
            counter["ticket"] = None
            if counter.get("state") == "busy":
                counter["state"] = "idle"
        elif kind == EventKind.TICKET_CANCELLED and (counter.get("ticket") or {}).get("id") == ticket.get("id"):
            counter.update(ticket=None, state="ready")
        if kind == EventKind.COUNTER_LOGIN:
            counter["staff_id"] = data.get("staff_id")
        elif kind == EventKind.COUNTER_LOGOUT:
            counter.update(staff_id=None, officer_name=None)

    # ---- views ------------------------------------------------------------------------

    def category(self, code: str) -> dict[str, Any] | None:
        """One category as last seen, or None."""
        return self.categories.get(code)

    def category_list(self) -> list[dict[str, Any]]:
        """Categories in the dispatcher's order (priority, then code)."""
        return list(self.categories.values())

    def counter(self, number: int) -> dict[str, Any] | None:
        """One counter as last seen, or None."""
        return self.counters.get(number)

    @property
    def day_open(self) -> bool:
        """Whether a business day is open (tickets can be issued)."""
        return bool(self.day and self.day.get("is_open"))

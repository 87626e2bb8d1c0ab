"""The hall as last seen: a snapshot with the events after it applied. Plain Python, no widgets."""

from __future__ import annotations

import copy
from collections import deque
from datetime import datetime
from typing import Any

from protocol.reducer import RECENT_CALLS, empty_hall, fold, rebase

EVENT_MEMORY = 500


def oldest_first(calls: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Calls in time order (the dispatcher's snapshot lists the newest first); as given if a time is unreadable."""
    try:
        return sorted(calls, key=lambda c: datetime.fromisoformat(str(c["at"])))
    except (KeyError, TypeError, ValueError):
        return calls


class HallState:
    """Categories, counters, recent calls (and what became of them) and the notice, from snapshots and events.

    A snapshot replaces everything; events after it are folded in order by the one shared reducer
    (`protocol.reducer.fold`), which is what every client follows the hall with. Events are remembered for
    a while so that a snapshot fetched a little late (older than events already applied) loses nothing.
    The last known state survives a lost link: screens keep showing it.
    """

    def __init__(self) -> None:
        self.hall: dict[str, Any] = empty_hall()  # the hall in its snapshot's form, as the reducer keeps it
        self.loaded = False
        self._events: deque[dict[str, Any]] = deque(maxlen=EVENT_MEMORY)
        self._views()

    # ---- input ------------------------------------------------------------------------

    def apply_snapshot(self, snapshot: dict[str, Any]) -> None:
        """Take a whole picture; events newer than it that were already applied are applied again."""
        newer = [e for e in self._events if e["seq"] > snapshot["seq"]]
        self.hall = rebase(self.hall, copy.deepcopy(snapshot))
        self.loaded = True
        self._events = deque((e for e in self._events if e["seq"] <= snapshot["seq"]), maxlen=EVENT_MEMORY)
        for event in newer:
            self.hall = fold(self.hall, event)
            self._events.append(event)
        self._views()

    def apply_event(self, event: dict[str, Any]) -> bool:
        """Apply one event (``{seq, kind, at, data}``); False if it was already applied."""
        if event["seq"] <= self.seq:
            return False
        self.hall = fold(self.hall, event)
        self._events.append(event)
        self._views()
        return True

    def _views(self) -> None:
        """The attributes the apps read, from the folded hall."""
        hall = self.hall
        self.seq = int(hall.get("seq") or 0)
        self.hall_id = hall.get("hall_id", "")
        self.hall_name = hall.get("hall_name", "")
        self.day = hall.get("day")
        self.categories = {c["code"]: c for c in hall.get("categories", [])}
        self.counters = {c["number"]: c for c in hall.get("counters", [])}
        self.recent_calls = oldest_first(list(hall.get("recent_calls", [])))[-RECENT_CALLS:]
        self.notice = hall.get("notice", "")
        self.call_status: dict[int, str] = hall.get("call_status") or {}

    # ---- views ------------------------------------------------------------------------

    def category(self, code: str) -> dict[str, Any] | None:
        """One category as last seen, or None."""
        return self.categories.get(code)

    def category_list(self) -> list[dict[str, Any]]:
        """Categories in the dispatcher's order (priority, then code)."""
        return list(self.categories.values())

    def status_of_call(self, ticket_id: int) -> str:
        """What became of a recent call's ticket: called, serving, done, no_show, transferred, returned, cancelled.

        "done" when not known (its end came before the snapshot this client started from).
        """
        return self.call_status.get(ticket_id, "done")

    def counter(self, number: int) -> dict[str, Any] | None:
        """One counter as last seen, or None."""
        return self.counters.get(number)

    @property
    def day_open(self) -> bool:
        """Whether a business day is open (tickets can be issued)."""
        return bool(self.day and self.day.get("is_open"))

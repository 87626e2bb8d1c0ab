"""Rebuilds a day from its events alone: what each draw should have chosen from, and who did what when.

One pass over the events keeps the dispatch state (counters, waiting tickets, recusals) the way
the hall kept it, so the proof can recompute every draw's candidate lists and the rules can read
each ticket's life and each counter's idle and paused spans.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from dispatcher.core.draws import (
    BY_CATEGORY,
    CATEGORY_RULES,
    MIXED,
    RULES,
    WINDOW_S,
    Pool,
    counter_pool,
    ticket_pool,
)

OPEN_STATES = ("waiting", "called", "serving")
_UNKNOWN = object()


class EventLike(Protocol):
    kind: str
    at: datetime
    data: dict[str, Any]


@dataclass
class TicketLife:
    """One ticket as the events tell it."""

    id: int
    label: str
    category: str
    issued_at: datetime
    enterprise: str | None = None
    declaration: str | None = None
    reticket_of: int | None = None  # the earlier ticket of this declaration, for a re-ticket
    state: str = "waiting"
    staff_id: str | None = None  # the officer it was last called to
    counter: int | None = None
    first_called_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    recalls: int = 0
    rating: str | None = None
    calls: list[tuple[datetime, int, str | None, str]] = field(default_factory=list)  # at, counter, staff, category
    waits: list[tuple[datetime, datetime | None, str]] = field(default_factory=list)  # (from, to, category)

    @property
    def service_s(self) -> float | None:
        if self.state == "done" and self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None

    @property
    def wait_s(self) -> float | None:
        return (self.first_called_at - self.issued_at).total_seconds() if self.first_called_at else None


@dataclass
class CounterSpan:
    """A stretch of time a staffed counter spent in one state."""

    counter: int
    staff_id: str | None
    state: str
    start: datetime
    end: datetime
    categories: frozenset[str]


@dataclass
class DrawCheck:
    """A draw as recorded in its ticket.called event, and the candidates the replayed hall had."""

    seq: int | None
    draw: dict[str, Any]
    expected_tickets: list[int] | None  # None when the day's opening state is unknown
    expected_counters: list[int] | None
    expected_pool: Pool | None = None  # the category, head and ageing the rule gives
    segment: int = 0  # which stretch of the day (and so which seed) the draw belongs to


@dataclass
class Segment:
    """A stretch of the day under one seed: from day.opened (or a reopening) to the next day.closed."""

    commitment: str | None
    opened_at: datetime
    opened_seq: int | None
    reopened: bool = False
    seed_hex: str | None = None  # revealed by the day.closed that ends it
    closed_at: datetime | None = None
    closed_seq: int | None = None


@dataclass
class Act:
    """Something an officer or admin did that a rule may weigh."""

    kind: str
    at: datetime
    staff_id: str | None
    counter: int | None
    ticket_id: int | None
    data: dict[str, Any]
    in_day: bool = False  # while the business day was open


@dataclass
class _Counter:
    number: int
    categories: frozenset[str]
    state: str = "closed"
    staff_id: str | None = None
    ticket_id: int | None = None
    since: datetime | None = None
    last_staff: str | None = None


class Replay:
    """Feed it a day's events in order; read tickets, spans, acts and draw checks afterwards."""

    def __init__(self) -> None:
        self.known_opening = False
        self.k = 1
        self.rule = MIXED  # days logged before the rule was recorded used the mixed rule ...
        self.rule_known = False  # ... until a draw records its reasons (the dispatcher was upgraded mid-day)
        self.ageing: timedelta | None = None
        self.window = timedelta(seconds=WINDOW_S)
        self.priorities: dict[str, int] = {}
        self.counters: dict[int, _Counter] = {}
        self.recusals: dict[str, frozenset[str]] = {}
        self.tickets: dict[int, TicketLife] = {}
        self.spans: list[CounterSpan] = []
        self.acts: list[Act] = []
        self.checks: list[DrawCheck] = []
        self.day: str | None = None
        self.segments: list[Segment] = []  # one per seed: a day reopened after a mistaken close has two or more
        self.commitment: str | None = None  # the current segment's
        self.seed_hex: str | None = None  # the last one revealed
        self.opened_at: datetime | None = None
        self.closed_at: datetime | None = None
        self.last_at: datetime | None = None
        # indexes kept in step with every ticket's state and category, so a draw's check costs about k tickets
        self._issued: dict[str, list[TicketLife]] = {}  # category -> its tickets in issue order
        self._waiting: dict[str, list[TicketLife]] = {}  # category -> its waiting tickets in issue order
        self._issued_keys: dict[str, list[tuple[datetime, int]]] = {}  # (issued_at, id) of each, to bisect
        self._waiting_keys: dict[str, list[tuple[datetime, int]]] = {}
        self._placed: dict[int, tuple[TicketLife, str, str]] = {}  # ticket id -> (life, state, category) indexed
        self._ready: set[int] = set()  # counters in state "ready"
        self._handlers: dict[str, Any] = {}  # event kind -> its handler (or None), looked up once

    # ---- feeding ------------------------------------------------------------------------

    def run(self, events: Iterable[EventLike], seqs: Iterable[int | None] | None = None) -> Replay:
        """Replay the events in log order (an admin change is logged before the draws it causes)."""
        events = list(events)
        seqs = list(seqs) if seqs is not None else [None] * len(events)
        for e, seq in zip(events, seqs, strict=True):
            self.feed(e, seq)
        return self.finish()

    def finish(self) -> Replay:
        """After the last event: every counter's open span ends with the day (or the last event)."""
        if self.last_at is not None:
            end = self.closed_at or self.last_at
            for c in self.counters.values():
                self._close_span(c, end)
        return self

    def feed(self, e: EventLike, seq: int | None = None) -> None:
        """Apply one event to the replayed hall."""
        self.last_at = e.at
        handler = self._handlers.get(e.kind, _UNKNOWN)
        if handler is _UNKNOWN:
            handler = self._handlers[e.kind] = getattr(self, "_on_" + e.kind.replace(".", "_"), None)
        if handler is not None:
            handler(e, seq)
        elif e.kind.startswith("admin."):
            self._act(e, staff=None, counter=None)

    # ---- the day and configuration ------------------------------------------------------

    def _on_day_opened(self, e: EventLike, seq: int | None) -> None:
        """The day opens, or is reopened after a mistaken close: either way a new seed and its commitment."""
        reopened = bool(e.data.get("reopened")) and bool(self.segments)
        self.day, self.commitment = e.data.get("day"), e.data.get("commitment")
        self.segments.append(Segment(self.commitment, e.at, seq, reopened=reopened))
        if reopened:
            self.closed_at = None
        else:
            self.opened_at = e.at
        opening = e.data.get("hall")
        if not opening:
            return
        self.known_opening = True
        self.k = opening["k"]
        self.rule = opening.get("rule", MIXED)
        self.rule_known = "rule" in opening
        self.window = timedelta(seconds=opening.get("window_s") or WINDOW_S)  # null: a rule without a window
        ageing_s = opening.get("ageing_s")
        self.ageing = None if ageing_s is None else timedelta(seconds=ageing_s)
        self.priorities = {c["code"]: c["priority"] for c in opening["categories"]}
        self.recusals = {o["staff_id"]: frozenset(o["recusals"]) for o in opening["officers"]}
        for spec in opening["counters"]:
            c = self.counters.get(spec["number"]) or _Counter(spec["number"], frozenset())
            c.categories = frozenset(spec["categories"])
            self.counters[c.number] = c
            self._set(c, spec["state"], e.at, staff=spec["staff_id"])

    def _on_day_closed(self, e: EventLike, seq: int | None) -> None:
        self.seed_hex, self.closed_at = e.data.get("seed"), e.at
        if not self.segments:  # a slice of the log that starts after the opening
            self.segments.append(Segment(e.data.get("commitment"), e.at, None))
        segment = self.segments[-1]
        segment.seed_hex, segment.closed_at, segment.closed_seq = self.seed_hex, e.at, seq
        for ids in (e.data.get("expired") or {}).values():  # one event for all tickets the close ended
            for ticket_id in ids:
                life = self.tickets.get(ticket_id)
                if life is None:
                    continue
                life.state, life.finished_at = "expired", e.at
                self._index(life)
                self._end_wait(life, e.at)
                if life.counter is not None:
                    self._free(life.counter, life_id=life.id, at=e.at, state="idle")

    def _on_admin_category(self, e: EventLike, seq: int | None) -> None:
        cat = e.data["category"]
        self.priorities[cat["code"]] = cat.get("priority", 0)
        self._act(e, staff=None, counter=None)

    def _on_admin_setting(self, e: EventLike, seq: int | None) -> None:
        """k and the ageing limit changed by an applied hall.toml: the draws after it use them."""
        key, value = e.data.get("key"), e.data.get("after")
        if key == "k" and value is not None:
            self.k = value
        elif key == "priority_ageing_min":
            self.ageing = None if value is None else timedelta(minutes=value)
        self._act(e, staff=None, counter=None)

    def _on_admin_counter(self, e: EventLike, seq: int | None) -> None:
        spec = e.data["counter"]
        c = self._counter(spec["number"])
        c.categories = frozenset(spec.get("categories", []))
        self._act(e, staff=c.staff_id, counter=c.number)

    def _on_admin_officer(self, e: EventLike, seq: int | None) -> None:
        officer = e.data["officer"]
        self.recusals[officer["staff_id"]] = frozenset(officer.get("recusals", []))
        self._act(e, staff=officer["staff_id"], counter=None)

    def _on_admin_officer_removed(self, e: EventLike, seq: int | None) -> None:
        self.recusals.pop(e.data["staff_id"], None)
        self._act(e, staff=e.data["staff_id"], counter=None)

    def _on_admin_force_logout(self, e: EventLike, seq: int | None) -> None:
        c = self._counter(e.data["counter"])
        self._act(e, staff=c.staff_id or c.last_staff, counter=c.number)

    # ---- counters -----------------------------------------------------------------------

    def _on_counter_login(self, e: EventLike, seq: int | None) -> None:
        c = self._counter(e.data["counter"])
        if not e.data.get("resumed"):
            self._set(c, "idle", e.at, staff=e.data["staff_id"])
        self._act(e, staff=e.data["staff_id"], counter=c.number)

    def _on_counter_logout(self, e: EventLike, seq: int | None) -> None:
        c = self._counter(e.data["counter"])
        c.last_staff = c.staff_id
        c.ticket_id = None
        self._set(c, "closed", e.at, staff=None)
        self._act(e, staff=e.data.get("staff_id"), counter=c.number)

    def _on_counter_ready(self, e: EventLike, seq: int | None) -> None:
        self._set(self._counter(e.data["counter"]), "ready", e.at)

    def _on_counter_paused(self, e: EventLike, seq: int | None) -> None:
        self._set(self._counter(e.data["counter"]), "paused", e.at)

    def _on_counter_resumed(self, e: EventLike, seq: int | None) -> None:
        self._set(self._counter(e.data["counter"]), "idle", e.at)

    def _on_counter_lost(self, e: EventLike, seq: int | None) -> None:
        c = self._counter(e.data["counter"])
        if c.state == "ready":
            self._set(c, "idle", e.at)

    def _on_officer_login_failed(self, e: EventLike, seq: int | None) -> None:
        self._act(e, staff=e.data.get("staff_id"), counter=e.data.get("counter"))

    def _on_officer_login_alert(self, e: EventLike, seq: int | None) -> None:
        self._act(e, staff=e.data.get("staff_id"), counter=None)

    def _on_ticket_declaration_conflict(self, e: EventLike, seq: int | None) -> None:
        self._act(e, staff=None, counter=None, ticket=e.data.get("ticket_id"))

    # ---- tickets ------------------------------------------------------------------------

    def _on_ticket_issued(self, e: EventLike, seq: int | None) -> None:
        t = e.data["ticket"]
        life = TicketLife(
            id=t["id"],
            label=t["label"],
            category=t["category"],
            issued_at=datetime.fromisoformat(t["issued_at"]),
            enterprise=t.get("enterprise_code"),
            declaration=t.get("declaration_no"),
            reticket_of=e.data.get("reticket_of"),
        )
        life.waits.append((e.at, None, life.category))
        self.tickets[life.id] = life
        self._index(life)

    def _on_ticket_called(self, e: EventLike, seq: int | None) -> None:
        draw = e.data["draw"]
        if not self.rule_known and "head" in draw:  # the first draw of an upgraded dispatcher names its rule
            self.rule, self.rule_known = (BY_CATEGORY if draw.get("category") else MIXED), True
        expected = self._expected(draw["ticket_id"], datetime.fromisoformat(draw["at"]))
        self.checks.append(DrawCheck(seq, draw, *expected, segment=max(len(self.segments) - 1, 0)))
        life = self._ticket(e)
        c = self._counter(e.data["counter"])
        staff = e.data.get("staff_id", c.staff_id)
        life.staff_id, life.counter = staff, c.number
        life.first_called_at = life.first_called_at or e.at
        life.calls.append((e.at, c.number, staff, life.category))
        self._end_wait(life, e.at)
        c.ticket_id = life.id
        self._set(c, "busy", e.at)

    def _on_ticket_recalled(self, e: EventLike, seq: int | None) -> None:
        life = self._ticket(e)
        c = self._counter(e.data["counter"])
        self._act(e, staff=c.staff_id, counter=c.number, ticket=life.id)

    def _on_ticket_started(self, e: EventLike, seq: int | None) -> None:
        self._ticket(e)

    def _on_ticket_completed(self, e: EventLike, seq: int | None) -> None:
        self._ticket(e)
        self._free(e.data["counter"], life_id=e.data["ticket"]["id"], at=e.at, state="idle")

    def _on_ticket_no_show(self, e: EventLike, seq: int | None) -> None:
        life = self._ticket(e)
        c = self._counter(e.data["counter"])
        self._act(e, staff=c.staff_id, counter=c.number, ticket=life.id)
        self._free(c.number, life_id=life.id, at=e.at, state="idle")

    def _on_ticket_transferred(self, e: EventLike, seq: int | None) -> None:
        life = self._ticket(e)
        life.waits.append((e.at, None, life.category))
        c = self._counter(e.data["counter"])
        self._act(e, staff=e.data.get("staff_id", c.staff_id), counter=c.number, ticket=life.id)
        self._free(c.number, life_id=life.id, at=e.at, state="idle")

    def _on_ticket_returned(self, e: EventLike, seq: int | None) -> None:
        life = self._ticket(e)
        life.waits.append((e.at, None, life.category))
        if e.data.get("counter") is not None:
            self._free(e.data["counter"], life_id=life.id, at=e.at, state="idle")

    def _on_ticket_cancelled(self, e: EventLike, seq: int | None) -> None:
        counter = e.data["ticket"].get("counter")
        life = self._ticket(e)
        self._end_wait(life, e.at)
        if e.data.get("after_call"):
            self._act(e, staff=life.staff_id, counter=counter, ticket=life.id)
            if counter is not None:
                self._free(counter, life_id=life.id, at=e.at, state="ready")

    def _on_ticket_expired(self, e: EventLike, seq: int | None) -> None:
        life = self._ticket(e)
        self._end_wait(life, e.at)
        if life.counter is not None:
            self._free(life.counter, life_id=life.id, at=e.at, state="idle")

    def _on_ticket_rated(self, e: EventLike, seq: int | None) -> None:
        life = self._ticket(e)
        self._act(e, staff=e.data.get("staff_id") or life.staff_id, counter=e.data.get("counter"), ticket=life.id)

    # ---- the draw's candidates ----------------------------------------------------------

    def _expected(self, chosen: int, now: datetime) -> tuple[list[int] | None, list[int] | None, Pool | None]:
        """The candidate lists the hall should have drawn from, by its rules, at the draw's time."""
        if not self.known_opening or self.rule not in RULES:
            return None, None, None
        ready = [self.counters[n] for n in sorted(self._ready)]
        pool = ticket_pool(
            self._draw_inputs(ready),
            priorities=self.priorities,
            k=self.k,
            now=now,
            ageing=self.ageing,
            rule=self.rule,
            issued=self._issued,
            window=self.window,
        )
        if pool is None:
            return [], [], None
        ticket = self.tickets.get(chosen)
        allowed = [(c.number, c.categories) for c in ready if ticket is not None and self.eligible(c, ticket)]
        counters = counter_pool(allowed, self.rule)
        return list(pool.tickets), counters, pool

    def _draw_inputs(self, ready: list[_Counter]) -> list[TicketLife]:
        """The eligible waiting tickets (oldest first) that decide the pool: from each category, its first eligible
        ticket's block of k under the category rules, its k first eligible tickets under the mixed rule.

        Ageing only promotes older tickets, so within a category the queue order is also the order of classes:
        `ticket_pool` chooses the same from these as from every eligible waiting ticket (the hall's own
        draw index reads its queues the same way; tests/integrity/test_replay_index.py compares both).
        """
        inputs: list[list[TicketLife]] = []
        by_category = self.rule in CATEGORY_RULES
        for code, queue in self._waiting.items():
            servers = [c for c in ready if code in c.categories] if queue else []
            if not servers:
                continue
            # a server whose officer recuses nobody may serve any ticket of the category
            can = _anyone if any(not self.recusals.get(c.staff_id or "") for c in servers) else self._any
            first = self._first_eligible(queue, servers, 1 if by_category else self.k, can)
            if not first or not by_category:
                inputs.append(first)
                continue
            order = self._issued[code]
            start = bisect.bisect_left(self._issued_keys[code], _key(first[0])) // self.k * self.k
            block = [t for t in order[start : start + self.k] if t.state == "waiting" and can(servers, t)]
            inputs.append(block)
        if len(inputs) == 1:
            return inputs[0]
        return sorted((t for some in inputs for t in some), key=_key)

    @staticmethod
    def _first_eligible(queue: list[TicketLife], servers: list[_Counter], n: int, can: Any) -> list[TicketLife]:
        found: list[TicketLife] = []
        for t in queue:
            if len(found) >= n:
                break
            if can(servers, t):
                found.append(t)
        return found

    def _any(self, servers: list[_Counter], t: TicketLife) -> bool:
        return any(self.eligible(c, t) for c in servers)

    def eligible(self, c: _Counter, t: TicketLife) -> bool:
        """The hall's rule: the counter serves the category and its officer is not recused."""
        if t.category not in c.categories:
            return False
        return not (t.enterprise and t.enterprise in self.recusals.get(c.staff_id or "", frozenset()))

    # ---- helpers ------------------------------------------------------------------------

    def _counter(self, number: int) -> _Counter:
        if number not in self.counters:
            self.counters[number] = _Counter(number, frozenset())
        return self.counters[number]

    def _ticket(self, e: EventLike) -> TicketLife:
        """Update the ticket from the full copy every ticket event carries."""
        t = e.data["ticket"]
        life = self.tickets.get(t["id"])
        if life is None:  # issued before this slice of the log
            life = TicketLife(t["id"], t["label"], t["category"], datetime.fromisoformat(t["issued_at"]))
            life.enterprise = t.get("enterprise_code")
            self.tickets[life.id] = life
        life.state, life.category = t["state"], t["category"]
        self._index(life)
        life.recalls, life.rating = t.get("recalls", 0), t.get("rating")
        life.started_at = _time(t.get("started_at")) or life.started_at
        life.finished_at = _time(t.get("finished_at"))
        if life.state not in OPEN_STATES:
            self._end_wait(life, e.at)
        return life

    def _index(self, life: TicketLife) -> None:
        """Keep the issue-order and waiting indexes in step with a ticket's state and category."""
        placed = self._placed.get(life.id)
        state, category = life.state, life.category
        self._placed[life.id] = (life, state, category)
        if placed is not None:
            old, was, before = placed
            if old is life and before == category:  # the common case: only the state moved
                if was != state and "waiting" in (was, state):
                    move = _remove if was == "waiting" else _insert
                    move(self._waiting, self._waiting_keys, category, life)
                return
            _remove(self._issued, self._issued_keys, before, old)
            if was == "waiting":
                _remove(self._waiting, self._waiting_keys, before, old)
        _insert(self._issued, self._issued_keys, category, life)
        if state == "waiting":
            _insert(self._waiting, self._waiting_keys, category, life)

    def _end_wait(self, life: TicketLife, at: datetime) -> None:
        if life.waits and life.waits[-1][1] is None:
            start, _, category = life.waits[-1]
            life.waits[-1] = (start, at, category)

    def _free(self, number: int, *, life_id: int, at: datetime, state: str) -> None:
        c = self._counter(number)
        if c.ticket_id == life_id:
            c.ticket_id = None
            self._set(c, state, at)

    def _set(self, c: _Counter, state: str, at: datetime, **kw: str | None) -> None:
        staff = kw.get("staff", c.staff_id)
        if state != c.state or staff != c.staff_id:
            self._close_span(c, at)
            c.state, c.staff_id, c.since = state, staff, at
            if state == "ready":
                self._ready.add(c.number)
            else:
                self._ready.discard(c.number)

    def _close_span(self, c: _Counter, at: datetime) -> None:
        if c.since is not None and c.state != "closed" and at > c.since:
            self.spans.append(CounterSpan(c.number, c.staff_id, c.state, c.since, at, c.categories))
        c.since = at

    def _act(self, e: EventLike, *, staff: str | None, counter: int | None, ticket: int | None = None) -> None:
        in_day = self.opened_at is not None and self.closed_at is None
        self.acts.append(Act(e.kind, e.at, staff, counter, ticket, e.data, in_day))


def replay(events: Iterable[EventLike], seqs: Iterable[int | None] | None = None) -> Replay:
    """Replay a day's events (optionally with their sequence numbers, to locate problems)."""
    return Replay().run(events, seqs)


class Recorded(Protocol):
    seq: int

    def event(self) -> EventLike: ...


def replay_records(records: Iterable[Recorded]) -> Replay:
    """Replay records as they are read, one at a time (a big day is never held as a list of events)."""
    hall = Replay()
    for r in records:
        hall.feed(r.event(), r.seq)
    return hall.finish()


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _anyone(servers: list[_Counter], t: TicketLife) -> bool:
    return True


def _key(t: TicketLife) -> tuple[datetime, int]:
    return (t.issued_at, t.id)


Index = dict[str, list[TicketLife]]
Keys = dict[str, list[tuple[datetime, int]]]


def _insert(index: Index, keys_of: Keys, category: str, life: TicketLife) -> None:
    """Into a category's list kept in issue order (most tickets arrive last, so this is an append)."""
    tickets, keys, key = index.setdefault(category, []), keys_of.setdefault(category, []), _key(life)
    if not keys or keys[-1] < key:
        tickets.append(life)
        keys.append(key)
    else:
        at = bisect.bisect_right(keys, key)
        tickets.insert(at, life)
        keys.insert(at, key)


def _remove(index: Index, keys_of: Keys, category: str, life: TicketLife) -> None:
    tickets, keys = index[category], keys_of[category]
    at = bisect.bisect_left(keys, _key(life))
    while tickets[at] is not life:
        at += 1
    del tickets[at], keys[at]

"""The hall's state machine: tickets, counters and the pooled random dispatch. Pure: no I/O.

Every command changes state, draws where a ready counter meets a waiting ticket, and
records what changed in `Changes`, which the service takes with `take_changes()` and
writes in one transaction before anyone hears of it.
"""

from __future__ import annotations

import bisect
from collections import deque
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from protocol import CounterState, TicketState, declaration_problem, enterprise_problem
from protocol.events import (
    CallData,
    CounterLogin,
    CounterLogout,
    CounterLost,
    CounterPaused,
    CounterReady,
    CounterResumed,
    DayClosed,
    DayOpened,
    DayOpening,
    DrawData,
    ExpiredAtClose,
    OpeningCategory,
    OpeningCounter,
    OpeningOfficer,
    Payload,
    TicketCalled,
    TicketCancelled,
    TicketCompleted,
    TicketData,
    TicketExpired,
    TicketIssued,
    TicketNoShow,
    TicketRated,
    TicketRecalled,
    TicketReprinted,
    TicketReturned,
    TicketStarted,
    TicketTransferred,
    event_data,
)
from protocol.validation import normalise_enterprise

from .draws import (
    CATEGORY_RULES,
    MIXED,
    RULES,
    SCARCITY,
    WINDOW_S,
    Pool,
    commitment,
    counter_pool,
    draw_index,
    ticket_pool,
)
from .errors import Conflict, Invalid, NotFound
from .model import Category, Changes, CoreEvent, Counter, CounterSpec, Day, Draw, Officer, Ticket

Clock = Callable[[], datetime]
Entropy = Callable[[int], bytes]

RECENT_CALLS = 20
DEFAULT_SERVICE_S = 300.0
SEED_BYTES = 32


class Hall:
    """One hall's live state. Not thread-safe: the service calls it from one serialised path."""

    def __init__(
        self,
        *,
        categories: Iterable[Category],
        counters: Iterable[CounterSpec],
        officers: Iterable[Officer] = (),
        clock: Clock,
        entropy: Entropy,
        k: int = 3,
        timezone: tzinfo | str = "Asia/Shanghai",
        rule: str = SCARCITY,
        ageing_s: float | None = None,
        rating_window_s: float = 300.0,
        reticket_limit: int = 1,
    ):
        if k < 1:
            raise ValueError("k must be at least 1")
        if rule not in RULES:
            raise ValueError(f"unknown dispatch rule {rule!r}; choose from {', '.join(RULES)}")
        if ageing_s is not None and ageing_s <= 0:
            raise ValueError("the ageing limit must be above 0 seconds")
        self.clock = clock
        self.entropy = entropy
        self.k = k
        self.rule = rule
        self.ageing = None if ageing_s is None else timedelta(seconds=ageing_s)
        self._configured_rule = rule  # what the next day opens with
        self.rating_window = timedelta(seconds=rating_window_s)
        self.reticket_limit = reticket_limit
        self.tz = ZoneInfo(timezone) if isinstance(timezone, str) else timezone
        self.categories: dict[str, Category] = {c.code: c for c in categories}
        self.counters: dict[int, Counter] = {s.number: Counter(spec=s) for s in counters}
        self.officers: dict[str, Officer] = {o.staff_id: o for o in officers}
        self.tickets: dict[int, Ticket] = {}
        self._open: dict[int, Ticket] = {}  # waiting, called or serving: the only ones dispatch looks at
        self._issued: dict[str, list[Ticket]] = {}  # today's tickets per (current) category, in queue order
        self._waiting: dict[str, list[Ticket]] = {}  # waiting tickets per category, in queue order: a draw's index
        self._declared: dict[str, dict[int, Ticket]] = {}  # today's tickets per declaration number
        self.day: Day | None = None
        self.next_ticket_id = 1
        self.recent_calls: deque[dict[str, Any]] = deque(maxlen=RECENT_CALLS)
        self._idempotency: dict[str, int] = {}
        self._service_times: dict[str, deque[float]] = {}
        self.transfers_by: dict[str, int] = {}  # today's transfers per officer
        self._changes = Changes()

    # ---- loading and taking changes -----------------------------------------------------

    def restore(
        self,
        *,
        day: Day | None,
        tickets: Iterable[Ticket],
        counters: Iterable[Counter] = (),
        next_ticket_id: int = 1,
        recent_calls: Iterable[dict[str, Any]] = (),
        transfers_by: dict[str, int] | None = None,
    ) -> None:
        """Put back state read from the store (after a restart)."""
        self.day = day
        self.tickets = {t.id: t for t in tickets}
        self._open = {t.id: t for t in self.tickets.values() if t.state.is_open}
        self._issued = {}
        self._waiting = {}
        self._declared = {}
        for t in self._sorted(self.tickets.values()):
            self._issued.setdefault(t.category, []).append(t)
            if t.state == TicketState.WAITING:
                self._waiting.setdefault(t.category, []).append(t)
        for t in self.tickets.values():
            self._declare(t)
        for saved in counters:
            if saved.number in self.counters:
                saved.spec = self.counters[saved.number].spec
                self.counters[saved.number] = saved
        self.next_ticket_id = max([next_ticket_id, *[t.id + 1 for t in self.tickets.values()]])
        self._idempotency = {t.idempotency_key: t.id for t in self.tickets.values() if t.idempotency_key}
        self.recent_calls.extend(recent_calls)
        for t in self.tickets.values():
            self._note_service_time(t)
        self.transfers_by = dict(transfers_by or {})
        self._changes = Changes()

    def take_changes(self) -> Changes:
        """Hand over what the commands since the last call changed, and start afresh."""
        changes, self._changes = self._changes, Changes()
        return changes

    # ---- configuration ------------------------------------------------------------------

    def set_category(self, category: Category) -> None:
        self.categories[category.code] = category

    def set_counter(self, spec: CounterSpec) -> None:
        counter = self.counters.get(spec.number)
        if counter is None:
            self.counters[spec.number] = Counter(spec=spec)
        else:
            counter.spec = spec
        self._dispatch()

    def remove_category(self, code: str) -> None:
        """Drop a category nobody waits in and no counter serves (the caller explains refusals first)."""
        if any(t.category == code for t in self._open.values()):
            raise Conflict("category_in_use", f"Category {code} has open tickets.")
        if any(code in c.spec.categories for c in self.counters.values()):
            raise Conflict("category_in_use", f"Category {code} is still served by a counter.")
        self.categories.pop(code, None)

    def remove_counter(self, number: int) -> None:
        """Drop a closed counter."""
        counter = self.counters.get(number)
        if counter is not None and (counter.state != CounterState.CLOSED or counter.ticket_id is not None):
            raise Conflict("counter_in_use", f"Counter {number} is open.")
        self.counters.pop(number, None)

    def set_officer(self, officer: Officer) -> None:
        self.officers[officer.staff_id] = officer

    def remove_officer(self, staff_id: str) -> None:
        for counter in self.counters.values():
            if counter.staff_id == staff_id:
                raise Conflict("officer_logged_in", f"Officer {staff_id} is logged in at counter {counter.number}.")
        self.officers.pop(staff_id, None)

    # ---- the business day ---------------------------------------------------------------

    def local_date(self) -> str:
        """Today's date in the hall's time zone, ISO format."""
        return self.clock().astimezone(self.tz).date().isoformat()

    def open_day(self) -> Day:
        """Start a business day with a fresh secret seed; its commitment is published at once."""
        today = self.local_date()
        if self.day and self.day.is_open:
            if self.day.day == today:
                return self.day
            self.close_day()
        if self.day and self.day.day == today:
            raise Conflict("day_closed", f"Business day {today} was already closed.")
        for ticket in self._sorted(self._open.values()):
            self._expire(ticket, self.clock(), reason="next_day")
        self.rule = self._configured_rule
        seed = self.entropy(SEED_BYTES)
        now = self.clock()
        self.day = Day(day=today, seed=seed, commitment=commitment(seed), opened_at=now)
        self.tickets = {}
        self.transfers_by = {}
        self._open = {}
        self._issued = {}
        self._waiting = {}
        self._declared = {}
        self._idempotency = {}
        self.recent_calls.clear()
        self._changes.day = self.day
        self._emit(DayOpened(day=today, commitment=self.day.commitment, hall=self._opening()))
        return self.day

    def reopen_day(self, day: str) -> Day:
        """Reopen today's day closed by mistake: it goes on (labels, tickets, draw numbers) under a fresh seed,
        whose commitment is published now, as at opening; the closed part's seed stays revealed in its log."""
        today = self.local_date()
        if day != today:
            raise Conflict("reopen_not_today", f"Only today's business day ({today}) can be reopened, not {day}.")
        if self.day is None or self.day.day != today:
            raise Conflict("reopen_no_day", f"Business day {today} was never opened: open it instead of reopening.")
        if self.day.is_open:
            raise Conflict("reopen_day_open", f"Business day {today} is open: only a closed day can be reopened.")
        seed = self.entropy(SEED_BYTES)
        self.day.seed, self.day.commitment = seed, commitment(seed)
        self.day.is_open, self.day.closed_at = True, None
        self._changes.day = self.day
        self._emit(DayOpened(day=today, commitment=self.day.commitment, hall=self._opening(), reopened=True))
        return self.day

    def keep_day_inputs(self, opening: dict[str, Any]) -> None:
        """Restarted during a day by a newer fairq: draw by the rule the day opened with, as its log says and
        its proof re-runs; the code's rule starts with the next day (k and ageing change by logged settings)."""
        self.rule = opening.get("rule", MIXED)  # a day opened before the rule was recorded used the mixed rule

    def _opening(self) -> DayOpening:
        """The dispatch inputs at the day's start, so the day's draws can be re-checked from its log alone."""
        return DayOpening(
            k=self.k,
            rule=self.rule,
            window_s=WINDOW_S if self.rule == SCARCITY else None,
            ageing_s=None if self.ageing is None else self.ageing.total_seconds(),
            categories=[OpeningCategory(code=c.code, priority=c.priority) for c in self.categories.values()],
            counters=[
                OpeningCounter(
                    number=c.number, categories=sorted(c.spec.categories), state=c.state, staff_id=c.staff_id
                )
                for c in sorted(self.counters.values(), key=lambda c: c.number)
            ],
            officers=[
                OpeningOfficer(staff_id=o.staff_id, recusals=sorted(o.recusals))
                for o in sorted(self.officers.values(), key=lambda o: o.staff_id)
            ],
        )

    def close_day(self) -> Day:
        """End the business day: waiting and called tickets expire, services under way may still be completed."""
        day = self._open_day()
        now = self.clock()
        expired: dict[str, list[int]] = {"waiting_at_close": [], "called_at_close": []}
        touched = set(self._changes.tickets)  # changed earlier in this command: written whole, as usual
        bulk: list[int] = []
        self._waiting = {}  # every waiting ticket expires: no queue to take each out of one by one (a bisect each)
        for ticket in self._sorted(self._open.values()):
            if ticket.state == TicketState.SERVING:
                continue  # the day ends for it at Done, or when its counter logs out
            reason = "called_at_close" if ticket.state == TicketState.CALLED else "waiting_at_close"
            self._expire(ticket, now, reason=reason, announce=False)
            expired[reason].append(ticket.id)
            if ticket.id not in touched:  # only its state and finished_at changed: one bulk write for all
                del self._changes.tickets[ticket.id]
                bulk.append(ticket.id)
        if bulk:
            self._changes.expired.setdefault(now, []).extend(bulk)
        day.is_open = False
        day.closed_at = now
        self._changes.day = day
        # one event for the whole close, however many tickets it ends (they expire at its time, no counter holds them)
        self._emit(
            DayClosed(day=day.day, commitment=day.commitment, seed=day.seed.hex(), expired=ExpiredAtClose(**expired))
        )
        return day

    # ---- tickets ------------------------------------------------------------------------

    def issue_ticket(
        self,
        *,
        category: str,
        declaration_no: str | None = None,
        enterprise_code: str | None = None,
        kiosk: str | None = None,
        idempotency_key: str | None = None,
    ) -> tuple[Ticket, bool]:
        """Issue a ticket; returns (ticket, reprint). A retry or an open declaration returns the old one."""
        day = self._open_day()
        if idempotency_key and idempotency_key in self._idempotency:
            return self.tickets[self._idempotency[idempotency_key]], False
        cat = self.categories.get(category)
        if cat is None:
            raise Invalid("unknown_category", f"There is no category {category!r}.")
        declaration_no = (declaration_no or "").strip() or None
        enterprise_code = normalise_enterprise(enterprise_code) if enterprise_code else None
        if cat.requires_declaration and not declaration_no:
            raise Invalid("declaration_required", f"Category {cat.code} needs a declaration number.")
        if declaration_no:
            problem = declaration_problem(declaration_no, io_flag=cat.io_flag)
            if problem:
                raise Invalid(problem.code, problem.message)
        if cat.requires_enterprise and not enterprise_code:
            raise Invalid("enterprise_required", f"Category {cat.code} needs an enterprise code.")
        if enterprise_code:
            problem = enterprise_problem(enterprise_code)
            if problem:
                raise Invalid(problem.code, problem.message)
        if declaration_no:
            for existing in self._open_declared(declaration_no):
                if existing.declaration_no == declaration_no:
                    if idempotency_key:
                        self._idempotency[idempotency_key] = existing.id
                    self._emit(TicketReprinted(ticket=_ticket(existing), kiosk=kiosk))
                    return existing, True
        reticket_of = self._reticket_of(declaration_no) if declaration_no else None
        seq = day.label_seq.get(cat.code, 0) + 1
        day.label_seq[cat.code] = seq
        self._changes.day = day
        ticket = Ticket(
            id=self.next_ticket_id,
            day=day.day,
            seq=seq,
            label=f"{cat.code}{seq:03d}",  # A999 is followed by A1000: labels never repeat in a day
            category=cat.code,
            issued_at=self.clock(),
            declaration_no=declaration_no,
            enterprise_code=enterprise_code,
            kiosk=kiosk,
            idempotency_key=idempotency_key,
        )
        self.next_ticket_id += 1
        self.tickets[ticket.id] = ticket
        self._open[ticket.id] = ticket
        self._file(ticket)
        self._queue(ticket)
        self._declare(ticket)
        if idempotency_key:
            self._idempotency[idempotency_key] = ticket.id
        self._touch(ticket)
        self._emit(TicketIssued(ticket=_ticket(ticket), reticket_of=reticket_of))
        self._dispatch()
        return ticket, False

    def _reticket_of(self, declaration_no: str) -> int | None:
        """The latest of today's no-show or cancelled tickets of this declaration; refused past the limit."""
        ended = [
            t
            for t in self.declared(declaration_no)
            if t.declaration_no == declaration_no and t.state in (TicketState.NO_SHOW, TicketState.CANCELLED)
        ]
        if not ended:
            return None
        if len(ended) > self.reticket_limit:
            raise Conflict(
                "reticket_limit",
                f"报关单 {declaration_no} 今日重新取号已达上限（{self.reticket_limit} 次），请到咨询台办理。"
                f" Declaration {declaration_no} may be re-ticketed {self.reticket_limit} time(s) a day;"
                " please ask at the help desk.",
            )
        return max(ended, key=lambda t: t.id).id

    def ticket_for_key(self, idempotency_key: str) -> tuple[Ticket, bool] | None:
        """The ticket a request with this key got today, and whether that request made it (not a reprint)."""
        ticket_id = self._idempotency.get(idempotency_key)
        if ticket_id is None:
            return None
        ticket = self.tickets[ticket_id]
        return ticket, ticket.idempotency_key == idempotency_key

    def cancel_ticket(self, ticket_id: int, *, reason: str, by: str | None = None) -> Ticket:
        """Void a waiting or called ticket (e.g. its print failed); a reason is required."""
        ticket = self.ticket(ticket_id)
        reason = reason.strip()
        if not reason:
            raise Invalid("reason_required", "A cancel needs a reason.")
        if ticket.state not in (TicketState.WAITING, TicketState.CALLED):
            raise Conflict("ticket_not_cancellable", f"Ticket {ticket.label} is {ticket.state}.")
        was_called = ticket.state == TicketState.CALLED
        counter = self.counters.get(ticket.counter) if ticket.counter else None
        self._finish(ticket, TicketState.CANCELLED, self.clock())
        ticket.outcome = reason
        self._emit(TicketCancelled(ticket=_ticket(ticket), reason=reason, by=by, after_call=was_called))
        if was_called and counter is not None and counter.ticket_id == ticket.id:
            self._set_counter(counter, CounterState.READY, ticket=None)
            self._dispatch()
        return ticket

    def arrived_late(self, ticket_id: int, *, by: str) -> Ticket:
        """A no-show trader came after all: the same ticket (label and place by issue time) waits again."""
        self._open_day()
        ticket = self.ticket(ticket_id)
        if ticket.state != TicketState.NO_SHOW:
            raise Conflict("not_no_show", f"Ticket {ticket.label} is {ticket.state}; only a no-show can arrive late.")
        ticket.finished_at = None
        self._requeue(ticket)
        self._emit(TicketReturned(ticket=_ticket(ticket), counter=None, why="arrived_late", by=by))
        self._dispatch()
        return ticket

    def ticket(self, ticket_id: int) -> Ticket:
        ticket = self.tickets.get(ticket_id)
        if ticket is None:
            raise NotFound("ticket_not_found", f"No ticket {ticket_id} today.")
        return ticket

    def waiting_ahead(self, ticket: Ticket) -> int:
        """How many waiting tickets of the same category were issued before this one."""
        queue = self._waiting.get(ticket.category, [])
        return bisect.bisect_left(queue, self._queue_key(ticket), key=self._queue_key)

    def waiting(self, category: str) -> list[Ticket]:
        """The category's waiting tickets, oldest first (a copy)."""
        return list(self._waiting.get(category, ()))

    def declared(self, declaration_no: str) -> list[Ticket]:
        """Today's tickets for this declaration number, in issue order."""
        found = self._declared.get(declaration_no)
        return sorted(found.values(), key=lambda t: t.id) if found else []

    def _open_declared(self, declaration_no: str) -> list[Ticket]:
        """The open tickets for this declaration, in the order the hall keeps open tickets."""
        found = [t for t in self.declared(declaration_no) if t.state.is_open]
        if len(found) > 1:  # rare (a late arrival beside its re-ticket): keep the open tickets' own order
            found = [t for t in self._open.values() if t.declaration_no == declaration_no]
        return found

    def estimated_wait_s(self, category: str, ahead: int, serving: int | None = None) -> int:
        """A rough wait: people ahead plus one, times the recent service time, over serving counters."""
        times = self._service_times.get(category)
        mean = sum(times) / len(times) if times else DEFAULT_SERVICE_S
        if serving is None:
            serving = sum(
                1 for c in self.counters.values() if c.state != CounterState.CLOSED and category in c.spec.categories
            )
        return int((ahead + 1) * mean / max(1, serving))

    def queue_figures(self) -> dict[str, tuple[int, datetime | None, int]]:
        """Every category's (waiting, oldest issue time, estimated wait): one pass over the counters."""
        serving: dict[str, int] = {}
        for c in self.counters.values():
            if c.state != CounterState.CLOSED:
                for code in c.spec.categories:
                    serving[code] = serving.get(code, 0) + 1
        figures = {}
        for code in self.categories:
            queue = self._waiting.get(code, ())
            oldest = queue[0].issued_at if queue else None
            figures[code] = (len(queue), oldest, self.estimated_wait_s(code, len(queue), serving.get(code, 0)))
        return figures

    # ---- counters -----------------------------------------------------------------------

    def login(self, counter_no: int, staff_id: str) -> Counter:
        """An officer opens a counter; logging in again at the same counter resumes where they were."""
        counter = self.counter(counter_no)
        if staff_id not in self.officers:
            raise NotFound("officer_not_found", f"No officer {staff_id}.")
        for other in self.counters.values():
            if other.staff_id == staff_id and other.number != counter_no:
                raise Conflict("officer_elsewhere", f"Officer {staff_id} is logged in at counter {other.number}.")
        if counter.staff_id == staff_id:
            self._emit(
                CounterLogin(
                    counter=counter.number, staff_id=staff_id, resumed=True, officer_name=self.officers[staff_id].name
                )
            )
            return counter
        if counter.state != CounterState.CLOSED:
            raise Conflict("counter_in_use", f"Counter {counter_no} is in use by {counter.staff_id}.")
        counter.staff_id = staff_id
        self._set_counter(counter, CounterState.IDLE)
        self._emit(
            CounterLogin(
                counter=counter.number, staff_id=staff_id, resumed=False, officer_name=self.officers[staff_id].name
            )
        )
        return counter

    def logout(self, counter_no: int) -> Counter:
        """Close a counter; a called ticket goes back to the head of its queue."""
        counter = self._staffed(counter_no)
        ticket = self._current(counter)
        if ticket and ticket.state == TicketState.SERVING:
            if self.day is not None and self.day.is_open:
                raise Conflict("ticket_in_service", f"Finish {ticket.label} before logging out.")
            self._expire(ticket, self.clock(), reason="logout_after_close")
            ticket = None
        if ticket:
            self._return_to_queue(ticket, why="logout")
        staff_id = counter.staff_id
        counter.staff_id = None
        self._set_counter(counter, CounterState.CLOSED, ticket=None)
        self._emit(CounterLogout(counter=counter.number, staff_id=staff_id))
        self._dispatch()
        return counter

    def counter_lost(self, counter_no: int) -> Counter:
        """A counter went silent too long: its called ticket goes back to the queue, the counter idles."""
        counter = self._staffed(counter_no)
        ticket = self._current(counter)
        if ticket and ticket.state == TicketState.CALLED:
            self._return_to_queue(ticket, why="counter_lost")
            self._set_counter(counter, CounterState.IDLE, ticket=None)
        elif counter.state == CounterState.READY:
            self._set_counter(counter, CounterState.IDLE)
        self._emit(CounterLost(counter=counter.number, staff_id=counter.staff_id))
        self._dispatch()
        return counter

    def next(self, counter_no: int) -> Ticket | None:
        """The officer is ready: close the current ticket, then take whatever the draw assigns."""
        counter = self._staffed(counter_no)
        ticket = self._current(counter)
        if ticket:
            self._complete(counter, ticket, outcome=None)
        if counter.state == CounterState.PAUSED:
            self._emit(CounterResumed(counter=counter.number, staff_id=counter.staff_id))
        self._set_counter(counter, CounterState.READY, ticket=None)
        self._emit(CounterReady(counter=counter.number, staff_id=counter.staff_id))
        self._dispatch()
        return self._current(counter)

    def recall(self, counter_no: int) -> Ticket:
        """Call the current ticket again (the trader did not come yet)."""
        counter = self._staffed(counter_no)
        ticket = self._require_current(counter, TicketState.CALLED)
        ticket.recalls += 1
        self._touch(ticket)
        call = self._call_record(ticket, counter.number, recall=True)
        self._emit(TicketRecalled(ticket=_ticket(ticket), counter=counter.number, call=call))
        return ticket

    def start(self, counter_no: int) -> Ticket:
        """The trader arrived: service starts."""
        counter = self._staffed(counter_no)
        ticket = self._require_current(counter, TicketState.CALLED)
        self._set_state(ticket, TicketState.SERVING)
        ticket.started_at = self.clock()
        self._touch(ticket)
        self._emit(TicketStarted(ticket=_ticket(ticket), counter=counter.number))
        return ticket

    def complete(self, counter_no: int, *, outcome: str | None = None) -> Ticket:
        """Service done; the counter idles until the officer presses Next."""
        counter = self._staffed(counter_no)
        ticket = self._require_current(counter, TicketState.CALLED, TicketState.SERVING)
        self._complete(counter, ticket, outcome=outcome)
        self._set_counter(counter, CounterState.IDLE, ticket=None)
        return ticket

    def no_show(self, counter_no: int) -> Ticket:
        """The trader never came."""
        counter = self._staffed(counter_no)
        ticket = self._require_current(counter, TicketState.CALLED)
        self._finish(ticket, TicketState.NO_SHOW, self.clock())
        self._emit(TicketNoShow(ticket=_ticket(ticket), counter=counter.number))
        self._set_counter(counter, CounterState.IDLE, ticket=None)
        return ticket

    def transfer(
        self,
        counter_no: int,
        *,
        category: str,
        reason: str,
        declaration_no: str | None = None,
        enterprise_code: str | None = None,
    ) -> Ticket:
        """Send the current ticket to another category's queue; it keeps its place by issue time."""
        counter = self._staffed(counter_no)
        ticket = self._require_current(counter, TicketState.CALLED, TicketState.SERVING)
        reason = reason.strip()
        if not reason:
            raise Invalid("reason_required", "A transfer needs a reason.")
        target = self.categories.get(category)
        if target is None:
            raise Invalid("unknown_category", f"There is no category {category!r}.")
        if category == ticket.category:
            raise Invalid("same_category", f"Ticket {ticket.label} is already in category {category}.")
        declaration_no, enterprise_code = self._transfer_ids(ticket, target, declaration_no, enterprise_code)
        self._undeclare(ticket)
        ticket.declaration_no, ticket.enterprise_code = declaration_no, enterprise_code
        self._declare(ticket)
        from_category = ticket.category
        staff_id = counter.staff_id or ""
        self.transfers_by[staff_id] = self.transfers_by.get(staff_id, 0) + 1
        self._issued[ticket.category].remove(ticket)
        ticket.category = category
        self._file(ticket)
        ticket.transfers += 1
        self._requeue(ticket)
        self._emit(
            TicketTransferred(
                ticket=_ticket(ticket),
                counter=counter.number,
                staff_id=counter.staff_id,
                from_category=from_category,
                reason=reason,
            )
        )
        self._set_counter(counter, CounterState.IDLE, ticket=None)
        self._dispatch()
        return ticket

    def _transfer_ids(
        self, ticket: Ticket, target: Category, declaration_no: str | None, enterprise_code: str | None
    ) -> tuple[str | None, str | None]:
        """The ticket's declaration and enterprise after a transfer, checked against the target's needs."""
        declaration_no = (declaration_no or "").strip() or ticket.declaration_no
        enterprise_code = normalise_enterprise(enterprise_code) if enterprise_code else ticket.enterprise_code
        if target.requires_declaration and not declaration_no:
            raise Invalid(
                "transfer_declaration_required",
                f"Category {target.code} needs a declaration number; enter it to transfer {ticket.label}.",
            )
        if declaration_no:
            problem = declaration_problem(declaration_no, io_flag=target.io_flag)
            if problem:
                raise Invalid(f"transfer_{problem.code}", f"Cannot transfer to {target.code}: {problem.message}")
        if target.requires_enterprise and not enterprise_code:
            raise Invalid(
                "transfer_enterprise_required",
                f"Category {target.code} needs an enterprise code; enter it to transfer {ticket.label}.",
            )
        if enterprise_code:
            problem = enterprise_problem(enterprise_code)
            if problem:
                raise Invalid(f"transfer_{problem.code}", f"Cannot transfer to {target.code}: {problem.message}")
        return declaration_no, enterprise_code

    def pause(self, counter_no: int) -> Counter:
        """A break: the counter takes no tickets until resumed."""
        counter = self._staffed(counter_no)
        if counter.state == CounterState.PAUSED:
            return counter
        if self._current(counter):
            raise Conflict("ticket_in_hand", "Finish the current ticket before pausing.")
        self._set_counter(counter, CounterState.PAUSED)
        self._emit(CounterPaused(counter=counter.number, staff_id=counter.staff_id))
        return counter

    def resume(self, counter_no: int) -> Counter:
        """Back from a break; the counter idles until Next."""
        counter = self._staffed(counter_no)
        if counter.state != CounterState.PAUSED:
            raise Conflict("not_paused", f"Counter {counter_no} is not paused.")
        self._set_counter(counter, CounterState.IDLE)
        self._emit(CounterResumed(counter=counter.number, staff_id=counter.staff_id))
        return counter

    def rate(self, counter_no: int, ticket_id: int, rating: str) -> Ticket:
        """Record the trader's rating: once, for the ticket just finished here, soon after it was finished."""
        counter = self.counter(counter_no)
        ticket = self.ticket(ticket_id)
        if ticket.counter != counter_no or ticket.state != TicketState.DONE:
            raise Conflict("not_rateable", f"Ticket {ticket.label} was not finished at counter {counter_no}.")
        if ticket.rating is not None:
            raise Conflict("already_rated", f"Ticket {ticket.label} is already rated.")
        if counter.last_ticket_id != ticket.id:
            raise Conflict(
                "not_last_ticket", f"Ticket {ticket.label} is not the last one finished at counter {counter_no}."
            )
        if ticket.finished_at is None or self.clock() - ticket.finished_at > self.rating_window:
            minutes = self.rating_window.total_seconds() / 60
            raise Conflict(
                "rating_too_late", f"Ticket {ticket.label} can only be rated within {minutes:g} min of Done."
            )
        ticket.rating = rating
        self._touch(ticket)
        self._emit(TicketRated(ticket=_ticket(ticket), counter=counter_no, staff_id=ticket.staff_id, rating=rating))
        return ticket

    def counter(self, counter_no: int) -> Counter:
        counter = self.counters.get(counter_no)
        if counter is None:
            raise NotFound("counter_not_found", f"No counter {counter_no}.")
        return counter

    def current_ticket(self, counter_no: int) -> Ticket | None:
        return self._current(self.counter(counter_no))

    # ---- dispatch -----------------------------------------------------------------------

    def _dispatch(self) -> None:
        """Draw while a ready counter and an eligible waiting ticket meet."""
        day = self.day
        if day is None or not day.is_open:
            return
        while True:
            ready = sorted((c for c in self.counters.values() if c.state == CounterState.READY), key=lambda c: c.number)
            if not ready:
                return
            now = self.clock()
            pool = self._pool(ready, now)
            if pool is None:
                return
            draw_no = day.draws + 1
            ticket = self.tickets[pool.tickets[draw_index(day.seed, draw_no, "ticket", pool.tickets)]]
            counter_nos = counter_pool(
                [(c.number, c.spec.categories) for c in ready if self.eligible(c, ticket)], self.rule
            )
            counter = self.counters[counter_nos[draw_index(day.seed, draw_no, "counter", counter_nos)]]
            day.draws = draw_no
            self._changes.day = day
            draw = Draw(
                day=day.day,
                draw_no=draw_no,
                at=now,
                ticket_candidates=pool.tickets,
                counter_candidates=tuple(counter_nos),
                ticket_id=ticket.id,
                counter=counter.number,
                category=pool.category,
                head=pool.head,
                head_class=pool.head_class,
                aged=pool.aged,
            )
            self._changes.draws.append(draw)
            self._call(ticket, counter, draw)

    def preview(self, counter_no: int) -> Pool | None:
        """The ticket candidates a draw would have if this counter were ready now (the simulator's attacker asks)."""
        counter = self.counter(counter_no)
        ready = [c for c in self.counters.values() if c.state == CounterState.READY or c is counter]
        return self._pool(ready, self.clock())

    def _pool(self, ready: list[Counter], now: datetime) -> Pool | None:
        eligible = self._sorted(self._draw_inputs(ready))
        priorities = {code: c.priority for code, c in self.categories.items()}
        return ticket_pool(
            eligible,
            priorities=priorities,
            k=self.k,
            now=now,
            ageing=self.ageing,
            rule=self.rule,
            issued=self._issued,
        )

    def _draw_inputs(self, ready: list[Counter]) -> Iterable[Ticket]:
        """The eligible waiting tickets the rule can choose from, read off the index (a few per category).

        Within a category the queue order is also the order of classes (ageing only promotes older tickets),
        so the first eligible ticket of each category decides the head; the category rules then draw in the
        head's block of k (category-v2: those of it issued within the window after the head), the mixed rule
        among the k oldest of the best class. So each category gives its first eligible ticket's block, or its
        k first eligible tickets: `ticket_pool` makes the same choice from these as from every eligible ticket
        (tests/dispatcher/test_draw_index.py).
        """
        for code, queue in self._waiting.items():
            if not queue:
                continue
            servers = [c for c in ready if code in c.spec.categories]
            if not servers:
                continue
            by_category = self.rule in CATEGORY_RULES
            first = list(self._first_eligible(queue, servers, 1 if by_category else self.k))
            if not first or not by_category:
                yield from first
                continue
            order = self._issued[code]
            block = bisect.bisect_left(order, self._queue_key(first[0]), key=self._queue_key) // self.k
            for t in order[block * self.k : (block + 1) * self.k]:
                if t.state == TicketState.WAITING and any(self.eligible(c, t) for c in servers):
                    yield t

    def _first_eligible(self, queue: list[Ticket], servers: list[Counter], n: int) -> Iterable[Ticket]:
        """The first `n` tickets of a queue that one of these counters may serve."""
        for t in queue:
            if n <= 0:
                return
            if any(self.eligible(c, t) for c in servers):
                n -= 1
                yield t

    def eligible(self, counter: Counter, ticket: Ticket) -> bool:
        """May this counter serve this ticket: its category, and no recusal of its officer."""
        if ticket.category not in counter.spec.categories:
            return False
        officer = self.officers.get(counter.staff_id or "")
        return not (officer and ticket.enterprise_code and ticket.enterprise_code in officer.recusals)

    def _call(self, ticket: Ticket, counter: Counter, draw: Draw) -> None:
        self._set_state(ticket, TicketState.CALLED)
        ticket.counter = counter.number
        ticket.staff_id = counter.staff_id
        ticket.called_at = self.clock()
        self._touch(ticket)
        self._set_counter(counter, CounterState.BUSY, ticket=ticket.id)
        call = self._call_record(ticket, counter.number, recall=False)
        self._emit(
            TicketCalled(
                ticket=_ticket(ticket),
                counter=counter.number,
                staff_id=counter.staff_id,
                draw=DrawData.model_validate(draw.as_dict()),
                call=call,
            )
        )

    # ---- helpers ------------------------------------------------------------------------

    def _open_day(self) -> Day:
        if self.day is None or not self.day.is_open:
            raise Conflict("day_closed", "The hall is closed: no business day is open.")
        return self.day

    def _staffed(self, counter_no: int) -> Counter:
        counter = self.counter(counter_no)
        if counter.state == CounterState.CLOSED or counter.staff_id is None:
            raise Conflict("counter_closed", f"Nobody is logged in at counter {counter_no}.")
        return counter

    def _current(self, counter: Counter) -> Ticket | None:
        return self.tickets.get(counter.ticket_id) if counter.ticket_id is not None else None

    def _require_current(self, counter: Counter, *states: TicketState) -> Ticket:
        ticket = self._current(counter)
        if ticket is None:
            raise Conflict("no_current_ticket", f"Counter {counter.number} has no ticket.")
        if ticket.state not in states:
            wanted = " or ".join(states)
            raise Conflict("wrong_ticket_state", f"Ticket {ticket.label} is {ticket.state}, not {wanted}.")
        return ticket

    def _complete(self, counter: Counter, ticket: Ticket, *, outcome: str | None) -> None:
        now = self.clock()
        if ticket.started_at is None:
            ticket.started_at = now
        self._finish(ticket, TicketState.DONE, now)
        ticket.outcome = outcome
        counter.last_ticket_id = ticket.id
        self._note_service_time(ticket)
        self._emit(TicketCompleted(ticket=_ticket(ticket), counter=counter.number, staff_id=counter.staff_id))

    def _expire(self, ticket: Ticket, now: datetime, *, reason: str, announce: bool = True) -> None:
        """The day ended before this ticket did; its counter, if it held it, is free again."""
        if ticket.counter is not None:
            counter = self.counters[ticket.counter]
            if counter.ticket_id == ticket.id:
                self._set_counter(counter, CounterState.IDLE, ticket=None)
        self._finish(ticket, TicketState.EXPIRED, now)
        if announce:
            self._emit(TicketExpired(ticket=_ticket(ticket), reason=reason))

    def _finish(self, ticket: Ticket, state: TicketState, now: datetime) -> None:
        self._set_state(ticket, state)
        ticket.finished_at = now
        self._touch(ticket)

    def _requeue(self, ticket: Ticket) -> None:
        self._set_state(ticket, TicketState.WAITING)
        ticket.counter = None
        ticket.staff_id = None
        ticket.called_at = None
        ticket.started_at = None
        self._touch(ticket)

    def _return_to_queue(self, ticket: Ticket, *, why: str) -> None:
        counter = ticket.counter
        self._requeue(ticket)
        self._emit(TicketReturned(ticket=_ticket(ticket), counter=counter, why=why))

    def _set_counter(self, counter: Counter, state: CounterState, **kw: int | None) -> None:
        if "ticket" in kw:
            counter.ticket_id = kw["ticket"]
        if counter.state != state:
            counter.since = self.clock()
        counter.state = state
        self._changes.counters[counter.number] = counter

    def _set_state(self, ticket: Ticket, state: TicketState) -> None:
        was_waiting = ticket.state == TicketState.WAITING
        ticket.state = state
        if was_waiting and state != TicketState.WAITING:
            self._unqueue(ticket)
        elif state == TicketState.WAITING and not was_waiting:
            self._queue(ticket)
        if state.is_open:
            self._open[ticket.id] = ticket
        else:
            self._open.pop(ticket.id, None)
        self._touch(ticket)

    def _touch(self, ticket: Ticket) -> None:
        self._changes.tickets[ticket.id] = ticket

    def _emit(self, payload: Payload) -> None:
        kind, data = event_data(payload)
        self._changes.events.append(CoreEvent(kind=kind, at=self.clock(), data=data))

    def _call_record(self, ticket: Ticket, counter_no: int, *, recall: bool) -> CallData:
        call = CallData(
            ticket_id=ticket.id,
            label=ticket.label,
            category=ticket.category,
            counter=counter_no,
            at=self.clock().isoformat(),
            recall=recall,
        )
        self.recent_calls.appendleft(call.model_dump())
        return call

    def _note_service_time(self, ticket: Ticket) -> None:
        if ticket.state == TicketState.DONE and ticket.started_at and ticket.finished_at:
            times = self._service_times.setdefault(ticket.category, deque(maxlen=50))
            times.append((ticket.finished_at - ticket.started_at).total_seconds())

    def _queue(self, ticket: Ticket) -> None:
        bisect.insort(self._waiting.setdefault(ticket.category, []), ticket, key=self._queue_key)

    def _unqueue(self, ticket: Ticket) -> None:
        queue = self._waiting.get(ticket.category, [])
        i = bisect.bisect_left(queue, self._queue_key(ticket), key=self._queue_key)
        if i < len(queue) and queue[i] is ticket:
            del queue[i]

    def _declare(self, ticket: Ticket) -> None:
        if ticket.declaration_no:
            self._declared.setdefault(ticket.declaration_no, {})[ticket.id] = ticket

    def _undeclare(self, ticket: Ticket) -> None:
        if ticket.declaration_no:
            self._declared.get(ticket.declaration_no, {}).pop(ticket.id, None)

    def _file(self, ticket: Ticket) -> None:
        bisect.insort(self._issued.setdefault(ticket.category, []), ticket, key=self._queue_key)

    def _queue_key(self, ticket: Ticket) -> tuple[datetime, int]:
        return (ticket.issued_at, ticket.id)

    def _sorted(self, tickets: Iterable[Ticket]) -> list[Ticket]:
        return sorted(tickets, key=self._queue_key)


def _ticket(ticket: Ticket) -> TicketData:
    return TicketData.model_validate(ticket.as_dict())

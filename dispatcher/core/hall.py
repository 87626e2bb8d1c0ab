"""The hall's state machine: tickets, counters and the pooled random dispatch. Pure: no I/O.

Every command changes state, draws where a ready counter meets a waiting ticket, and
records what changed in `Changes`, which the service takes with `take_changes()` and
writes in one transaction before anyone hears of it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from datetime import datetime, tzinfo
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

from .draws import commitment, draw_index
from .errors import Conflict, Invalid, NotFound
from .model import Category, Changes, CoreEvent, Counter, CounterSpec, Day, Draw, Officer, Ticket

Clock = Callable[[], datetime]
Entropy = Callable[[int], bytes]

MAX_LABEL_NUMBER = 999
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
    ):
        if k < 1:
            raise ValueError("k must be at least 1")
        self.clock = clock
        self.entropy = entropy
        self.k = k
        self.tz = ZoneInfo(timezone) if isinstance(timezone, str) else timezone
        self.categories: dict[str, Category] = {c.code: c for c in categories}
        self.counters: dict[int, Counter] = {s.number: Counter(spec=s) for s in counters}
        self.officers: dict[str, Officer] = {o.staff_id: o for o in officers}
        self.tickets: dict[int, Ticket] = {}
        self._open: dict[int, Ticket] = {}  # waiting, called or serving: the only ones dispatch looks at
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
        seed = self.entropy(SEED_BYTES)
        now = self.clock()
        self.day = Day(day=today, seed=seed, commitment=commitment(seed), opened_at=now)
        self.tickets = {}
        self.transfers_by = {}
        self._open = {}
        self._idempotency = {}
        self.recent_calls.clear()
        self._changes.day = self.day
        self._emit(DayOpened(day=today, commitment=self.day.commitment, hall=self._opening()))
        return self.day

    def _opening(self) -> DayOpening:
        """The dispatch inputs at the day's start, so the day's draws can be re-checked from its log alone."""
        return DayOpening(
            k=self.k,
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
        """End the business day: open tickets expire, and the seed is revealed."""
        day = self._open_day()
        now = self.clock()
        for ticket in self._sorted(self._open.values()):
            if ticket.counter is not None:
                counter = self.counters[ticket.counter]
                if counter.ticket_id == ticket.id:
                    self._set_counter(counter, CounterState.IDLE, ticket=None)
            self._finish(ticket, TicketState.EXPIRED, now)
            self._emit(TicketExpired(ticket=_ticket(ticket)))
        day.is_open = False
        day.closed_at = now
        self._changes.day = day
        self._emit(DayClosed(day=day.day, commitment=day.commitment, seed=day.seed.hex()))
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
            for existing in self._open.values():
                if existing.declaration_no == declaration_no:
                    if idempotency_key:
                        self._idempotency[idempotency_key] = existing.id
                    self._emit(TicketReprinted(ticket=_ticket(existing), kiosk=kiosk))
                    return existing, True
        seq = day.label_seq.get(cat.code, 0) + 1
        day.label_seq[cat.code] = seq
        self._changes.day = day
        number = (seq - 1) % MAX_LABEL_NUMBER + 1
        ticket = Ticket(
            id=self.next_ticket_id,
            day=day.day,
            seq=seq,
            label=f"{cat.code}{number:03d}",
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
        if idempotency_key:
            self._idempotency[idempotency_key] = ticket.id
        self._touch(ticket)
        self._emit(TicketIssued(ticket=_ticket(ticket)))
        self._dispatch()
        return ticket, False

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

    def ticket(self, ticket_id: int) -> Ticket:
        ticket = self.tickets.get(ticket_id)
        if ticket is None:
            raise NotFound("ticket_not_found", f"No ticket {ticket_id} today.")
        return ticket

    def waiting_ahead(self, ticket: Ticket) -> int:
        """How many waiting tickets of the same category were issued before this one."""
        key = self._queue_key(ticket)
        return sum(
            1
            for t in self._open.values()
            if t.state == TicketState.WAITING and t.category == ticket.category and self._queue_key(t) < key
        )

    def estimated_wait_s(self, category: str, ahead: int) -> int:
        """A rough wait: people ahead plus one, times the recent service time, over serving counters."""
        times = self._service_times.get(category)
        mean = sum(times) / len(times) if times else DEFAULT_SERVICE_S
        serving = sum(
            1 for c in self.counters.values() if c.state != CounterState.CLOSED and category in c.spec.categories
        )
        return int((ahead + 1) * mean / max(1, serving))

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
            self._emit(CounterLogin(counter=counter.number, staff_id=staff_id, resumed=True))
            return counter
        if counter.state != CounterState.CLOSED:
            raise Conflict("counter_in_use", f"Counter {counter_no} is in use by {counter.staff_id}.")
        counter.staff_id = staff_id
        self._set_counter(counter, CounterState.IDLE)
        self._emit(CounterLogin(counter=counter.number, staff_id=staff_id, resumed=False))
        return counter

    def logout(self, counter_no: int) -> Counter:
        """Close a counter; a called ticket goes back to the head of its queue."""
        counter = self._staffed(counter_no)
        ticket = self._current(counter)
        if ticket and ticket.state == TicketState.SERVING:
            raise Conflict("ticket_in_service", f"Finish {ticket.label} before logging out.")
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

    def transfer(self, counter_no: int, *, category: str, reason: str) -> Ticket:
        """Send the current ticket to another category's queue; it keeps its place by issue time."""
        counter = self._staffed(counter_no)
        ticket = self._require_current(counter, TicketState.CALLED, TicketState.SERVING)
        reason = reason.strip()
        if not reason:
            raise Invalid("reason_required", "A transfer needs a reason.")
        if category not in self.categories:
            raise Invalid("unknown_category", f"There is no category {category!r}.")
        if category == ticket.category:
            raise Invalid("same_category", f"Ticket {ticket.label} is already in category {category}.")
        from_category = ticket.category
        staff_id = counter.staff_id or ""
        self.transfers_by[staff_id] = self.transfers_by.get(staff_id, 0) + 1
        ticket.category = category
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
        """Record the trader's satisfaction rating for a ticket this counter finished."""
        self.counter(counter_no)
        ticket = self.ticket(ticket_id)
        if ticket.counter != counter_no or ticket.state != TicketState.DONE:
            raise Conflict("not_rateable", f"Ticket {ticket.label} was not finished at counter {counter_no}.")
        if ticket.rating is not None:
            raise Conflict("already_rated", f"Ticket {ticket.label} is already rated.")
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
            ready = [c for c in sorted(self.counters.values(), key=lambda c: c.number) if c.state == CounterState.READY]
            if not ready:
                return
            waiting = self._sorted(t for t in self._open.values() if t.state == TicketState.WAITING)
            eligible = [t for t in waiting if any(self.eligible(c, t) for c in ready)]
            if not eligible:
                return
            best = min(self.categories[t.category].priority for t in eligible)
            pool = [t for t in eligible if self.categories[t.category].priority == best][: self.k]
            draw_no = day.draws + 1
            ticket_ids = [t.id for t in pool]
            ticket = pool[draw_index(day.seed, draw_no, "ticket", ticket_ids)]
            candidates = [c for c in ready if self.eligible(c, ticket)]
            counter_nos = [c.number for c in candidates]
            counter = candidates[draw_index(day.seed, draw_no, "counter", counter_nos)]
            day.draws = draw_no
            self._changes.day = day
            draw = Draw(
                day=day.day,
                draw_no=draw_no,
                at=self.clock(),
                ticket_candidates=tuple(ticket_ids),
                counter_candidates=tuple(counter_nos),
                ticket_id=ticket.id,
                counter=counter.number,
            )
            self._changes.draws.append(draw)
            self._call(ticket, counter, draw)

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
        ticket.state = state
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

    def _queue_key(self, ticket: Ticket) -> tuple[datetime, int]:
        return (ticket.issued_at, ticket.id)

    def _sorted(self, tickets: Iterable[Ticket]) -> list[Ticket]:
        return sorted(tickets, key=self._queue_key)


def _ticket(ticket: Ticket) -> TicketData:
    return TicketData.model_validate(ticket.as_dict())

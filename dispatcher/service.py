"""The one serialised path through which every change goes: core command, commit, then publish."""

from __future__ import annotations

import asyncio
import copy
import json
import logging
import secrets
import threading
from collections import Counter as Tally
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, time, timedelta
from typing import Any, TypeVar

from dispatcher.core import CoreEvent, Counter, DomainError, Hall, Ticket
from protocol import CounterState, PrinterState, Role, TicketState
from protocol.events import AdminForceLogout, DevicePrinter, Payload, event_data
from protocol.models import (
    ActionResult,
    CallView,
    CategoryView,
    CounterView,
    DayView,
    DevicePublic,
    Event,
    Health,
    LoginResponse,
    Snapshot,
    TicketPublic,
)

from .auth import Principal, RateLimit, token_hash
from .hub import EventHub
from .integrity.records import DayLog, load_day
from .integrity.verdict import Verdict
from .integrity.verify import verify_store
from .later import Later
from .sessions import Limits, Sessions
from .settings import HallConfig
from .store import ConfigWrite, Store, codec
from .store.console import ConsoleStore
from .store.errors import STORAGE_ERRORS
from .store.repo import Write
from .version import VERSION

T = TypeVar("T")
Clock = Callable[[], datetime]
log = logging.getLogger("fairq.service")

__all__ = ["ACTIVE", "STANDBY", "STORAGE_ERRORS", "HallService", "NotLeader", "utc_now"]

ACTIVE = "active"
STANDBY = "standby"


class NotLeader(Exception):
    """A write reached a standby dispatcher: only the active one of a pair may change the hall."""


class CommitFailed(Exception):
    """A request written together with others was not kept, because another one of them failed."""


class Unauthorized(DomainError):
    """The caller's token was revoked (or its session ended) before the command could be committed."""

    status = 401


class HallLock:
    """The serialised path's re-entrant lock; it knows whether this thread holds it (then no batching)."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._owner: int | None = None
        self._depth = 0

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        if not self._lock.acquire(blocking, timeout):
            return False
        self._owner = threading.get_ident()
        self._depth += 1
        return True

    def release(self) -> None:
        self._depth -= 1
        if self._depth == 0:
            self._owner = None
        self._lock.release()

    def owned(self) -> bool:
        return self._owner == threading.get_ident()

    def __enter__(self) -> HallLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


class Pending:
    """One command on its way through a group commit: applied in order, answered after the commit."""

    __slots__ = ("command", "audit", "rows", "config", "caller", "done", "result", "error", "loop", "waiter")

    def __init__(
        self,
        command: Callable[[Hall], Any],
        audit: list,
        rows: list,
        config: ConfigWrite | None,
        caller: Principal | None = None,
    ):
        self.command, self.audit, self.rows, self.config = command, audit, rows, config
        self.caller = caller  # confirmed against the store just before the command is applied
        self.done = False
        self.result: Any = None
        self.error: BaseException | None = None
        self.loop: asyncio.AbstractEventLoop | None = None  # an async caller's loop and its waiting future
        self.waiter: asyncio.Future | None = None

    def outcome(self) -> Any:
        if self.error is not None:
            raise self.error
        return self.result

    def answer(self) -> None:
        """Hand the outcome to the async caller's future (on its own loop)."""
        waiter = self.waiter
        if waiter is None or waiter.done():  # a caller that went away (its request was cancelled)
            return
        if self.error is not None:
            waiter.set_exception(self.error)
        else:
            waiter.set_result(self.result)


def _answer_all(items: list[Pending]) -> None:
    for item in items:
        item.answer()


def utc_now() -> datetime:
    return datetime.now(UTC)


class HallService:
    """Owns the in-memory hall and its store; callers never touch either directly."""

    def __init__(
        self,
        store: Store,
        config: HallConfig,
        *,
        hub: EventHub | None = None,
        clock: Clock = utc_now,
        entropy: Callable[[int], bytes] = secrets.token_bytes,
        limits: Limits | None = None,
    ):
        self.store = store
        self.config = config
        self.hub = hub or EventHub()
        self.clock = clock
        self.entropy = entropy
        self.lock = HallLock()
        self._queue: deque[Pending] = deque()  # commands that arrived while a commit was under way
        self._queue_guard = threading.Lock()
        self._draining = False  # the committer thread is taking the queue (async callers' commands)
        self._committer = ThreadPoolExecutor(1, thread_name_prefix="fairq-commit")
        self._figures: dict[str, tuple] = {}  # queue figures as the last event said them
        self.role = ACTIVE  # a standby (PostgreSQL pair) refuses writes until it holds the hall's lock
        self.last_seen: dict[int, datetime] = {}  # counter -> last request from its officer or PC
        self.streams: Tally[int] = Tally()  # counter -> open event streams of its officer or PC
        self._streams_guard = threading.Lock()  # only for `streams`, held for an increment
        self.stale = False  # memory may hold an uncommitted change: reload before the next command
        self.config_revision = store.setting("config_revision") or None  # the hall.toml revision in force
        self.config_refused: list[str] = json.loads(store.setting("config_refused") or "[]")
        self.when_active: list[Callable[[], None]] = []  # run at the first tick as the active dispatcher
        self.after_commit: list[Callable[[list[Event]], None]] = []  # observers of committed events (live warnings)
        self.later = Later()  # work after a commit that holds up neither its reply nor the hall (a day's warnings)
        self.hall = self._load()
        self.hear_all()
        limits = limits or Limits()
        self.sessions = Sessions(self, limits)  # PIN logins through the guard; idle, revoked and closed-day ends
        self.issuing = RateLimit(limits.issue_per_minute, 60, clock=clock)  # tickets per kiosk per minute

    # ---- the serialised path ------------------------------------------------------------

    def _load(self) -> Hall:
        state = self.store.load()
        hall = Hall(
            categories=state.categories,
            counters=[c.spec for c in state.counters],
            officers=state.officers,
            clock=self.clock,
            entropy=self.entropy,
            k=self.config.k,
            ageing_s=None if self.config.priority_ageing_min is None else self.config.priority_ageing_min * 60,
            timezone=self.config.timezone,
            rating_window_s=self.config.rating_window_s,
            reticket_limit=self.config.reticket_limit,
        )
        hall.restore(
            day=state.day,
            tickets=state.tickets,
            counters=state.counters,
            next_ticket_id=state.next_ticket_id,
            recent_calls=state.recent_calls,  # newest first, as the hall keeps them
            transfers_by=state.transfers_by,
        )
        if state.day_opening is not None:
            hall.keep_day_inputs(state.day_opening)  # the open day goes on as it began (and as its proof checks)
        return hall

    def reload(self) -> None:
        """Throw away memory and read the hall back from the last commit (configuration included)."""
        with self.lock:
            revision = self.store.setting("config_revision") or None
            if revision != self.config_revision:
                self.config = stored_hall_config(self.store) or self.config
                self.config_revision = revision
                self.config_refused = json.loads(self.store.setting("config_refused") or "[]")
                log.info("configuration revision %s in force (applied by another process)", revision)
            self.hall = self._load()
            self._figures = {}  # events published from now say every category's figures afresh
            self.stale = False

    def follow_config(self) -> None:
        """Pick up a configuration that `fairq admin apply` wrote while this dispatcher runs."""
        with self.lock:
            if (self.store.setting("config_revision") or None) != self.config_revision:
                self.reload()

    def _reload_after_failure(self) -> None:
        """Drop a failed command's changes; if the database cannot be read either, reload later."""
        try:
            self.reload()
        except Exception:
            self.stale = True
            log.exception("could not reload the hall after a failed command; will retry")

    def run(
        self,
        command: Callable[[Hall], T],
        *,
        audit: Iterable[Payload] = (),
        rows: Iterable[Any] = (),
        config: ConfigWrite | None = None,
        caller: Principal | None = None,
    ) -> T:
        """Run a command on the hall, commit what it changed (plus audit events, rows, configuration), then publish.

        Group commit: commands that arrive while a commit is under way wait for the lock, then the first of
        them applies them all in arrival order and writes them in one transaction (one fsync); each caller
        gets its answer only after that commit. Inside the serialised path (a tick, a close) a command
        is committed alone, at once. A `caller` is confirmed against the store before the command runs
        (401 if its token was revoked meanwhile).
        """
        item = Pending(command, list(audit), list(rows), config, caller)
        if self.lock.owned():
            self._commit([item])
            return item.outcome()
        with self._queue_guard:
            self._queue.append(item)
        with self.lock:
            if not item.done:
                self._commit_queued()
        return item.outcome()

    async def run_async(
        self,
        command: Callable[[Hall], T],
        *,
        audit: Iterable[Payload] = (),
        rows: Iterable[Any] = (),
        config: ConfigWrite | None = None,
        caller: Principal | None = None,
    ) -> T:
        """`run` for a coroutine: the command joins the group commit without taking a worker thread.

        The committer thread applies and writes it with the others queued, and the answer comes after
        the commit, as with `run`.
        """
        item = Pending(command, list(audit), list(rows), config, caller)
        item.loop = asyncio.get_running_loop()
        item.waiter = item.loop.create_future()
        with self._queue_guard:
            self._queue.append(item)
            kick = not self._draining
            self._draining = True
        if kick:
            self._committer.submit(self._drain)
        return await item.waiter

    def _drain(self) -> None:
        """The committer thread: commit what is queued, batch after batch, until the queue is empty."""
        while True:
            try:
                with self.lock:
                    with self._queue_guard:
                        if not self._queue:
                            self._draining = False
                            return
                    self._commit_queued()
            except Exception:  # pragma: no cover - a bug in the path: its batch was answered with the error
                log.exception("a group commit failed")

    def _commit_queued(self) -> None:
        """Take every queued command and commit them as one batch; then answer the async callers among them."""
        with self._queue_guard:
            batch = list(self._queue)
            self._queue.clear()
        try:
            self._commit(batch)
        finally:
            waiting: dict[asyncio.AbstractEventLoop, list[Pending]] = {}
            for item in batch:
                if item.loop is not None:
                    waiting.setdefault(item.loop, []).append(item)
            for loop, items in waiting.items():  # one wake-up per loop and batch
                try:
                    loop.call_soon_threadsafe(_answer_all, items)
                except RuntimeError:  # that loop is closed: nobody waits any more
                    pass

    def _commit(self, batch: list[Pending]) -> None:
        """Apply a batch in order and write it in one transaction; every command is done after (or failed)."""
        try:
            self._apply_and_write(batch)
        except BaseException as e:  # pragma: no cover - a bug in the path itself: no caller may hang on it
            for item in batch:
                if not item.done:
                    item.error, item.done = e, True
            raise

    def _apply_and_write(self, batch: list[Pending]) -> None:
        with self.lock:
            if self.role != ACTIVE:
                return self._fail(batch, NotLeader)
            if self.stale:
                try:
                    self.reload()
                except Exception as e:
                    return self._fail(batch, _each(e))
            applied: list[Pending] = []
            writes: list[Write] = []
            self._confirm_callers(batch)
            for item in batch:
                if item.done:  # refused before it ran (its caller's token is gone)
                    continue
                if self.stale:  # memory could not be read back after a failure: nothing more runs on it
                    self._fail([item], lambda: CommitFailed(_batch_message("the hall could not be reloaded")))
                    continue
                try:
                    item.result = item.command(self.hall)
                except Exception as e:
                    item.error, item.done = e, True
                    if self.hall.take_changes() or not isinstance(e, DomainError):
                        # half-done: memory is thrown away, and with it the batch's earlier commands
                        self._reload_after_failure()
                        why = f"{getattr(e, 'message', None) or type(e).__name__}"
                        self._fail(applied, lambda why=why: CommitFailed(_batch_message(why)))
                        applied, writes = [], []
                    continue
                changes = self.hall.take_changes()
                now = self.clock()
                extra = [CoreEvent(kind=kind, at=now, data=data) for kind, data in map(event_data, item.audit)]
                said = [*extra, *changes.events]
                if said:
                    self._add_queue_figures(said[-1])
                applied.append(item)
                if changes or extra or item.rows or item.config:
                    writes.append(Write(changes, extra, item.rows, item.config))
            if writes:
                try:
                    events = self.store.write_batch(writes)
                except Exception as e:
                    self._figures = {}  # what was published is unknown now: the next event says all
                    self._reload_after_failure()
                    return self._fail(applied, _each(e))
                published = [e for mine in events for e in mine]
                self.hub.publish(published)
                for observer in self.after_commit:
                    observer(published)
            for item in applied:
                item.done = True

    def _confirm_callers(self, batch: list[Pending]) -> None:
        """Callers let in from memory are checked against the store once per batch, before anything runs."""
        callers = [item for item in batch if item.caller is not None]
        if not callers:
            return
        try:
            self.store.follow_foreign_writes()
            now = [self.principal_of(item.caller.token_hash or "") for item in callers]  # type: ignore[union-attr]
        except Exception as e:
            return self._fail(callers, _each(e))
        for item, found in zip(callers, now, strict=True):
            if found is None or _identity(found) != _identity(item.caller):  # type: ignore[arg-type]
                item.error = Unauthorized("unauthorized", "This token was revoked: the request was not carried out.")
                item.done = True

    def _add_queue_figures(self, event: CoreEvent) -> None:
        """Put the queue figures the command changed on its last event, so no client needs a snapshot after it."""
        changed = []
        for code, figures in self.hall.queue_figures().items():
            if self._figures.get(code) != figures:
                self._figures[code] = figures
                waiting, oldest, estimate = figures
                issued = oldest.isoformat() if oldest else None
                changed.append(
                    {"code": code, "waiting": waiting, "oldest_issued_at": issued, "estimated_wait_s": estimate}
                )
        if changed:
            event.data["queues"] = changed

    @staticmethod
    def _fail(items: list[Pending], error: Callable[[], BaseException]) -> None:
        for item in items:
            item.result, item.error, item.done = None, error(), True

    def record(self, *acts: Payload, rows: Iterable[Any] = ()) -> None:
        """Log acts that move no ticket or counter (an admin change, a failed login, a printer report)."""
        self.run(lambda hall: None, audit=acts, rows=rows)

    async def record_async(self, *acts: Payload, rows: Iterable[Any] = ()) -> None:
        await self.run_async(lambda hall: None, audit=acts, rows=rows)

    def settle(self) -> None:
        """Wait for the work `later` was given so far (not under the lock: that work takes it to write)."""
        if not self.lock.owned():
            self.later.settle()

    def read(self, query: Callable[[Hall], T]) -> T:
        """Look at the hall under the lock, without changing it."""
        with self.lock:
            return query(self.hall)

    @property
    def seq(self) -> int:
        return self.store.last_seq

    # ---- the business day ---------------------------------------------------------------

    def within_hours(self) -> bool:
        local = self.clock().astimezone(self.hall.tz).time()
        return _hhmm(self.config.open_at) <= local < _hhmm(self.config.close_at)

    def tick(self) -> None:
        """Open and close the business day by the clock, and free silent counters; called every few seconds."""
        with self.lock:
            if self.role != ACTIVE:
                return
            while self.when_active:
                self.when_active.pop(0)()
            self.follow_config()
            self._open_or_close_day()
            self._release_silent_counters()
            self.sessions.expire_idle()

    def _open_or_close_day(self) -> None:
        with self.lock:
            day = self.hall.day
            today = self.hall.local_date()
            if day and day.is_open and (day.day != today or not self.within_hours()):
                self.close_day()
                day = self.hall.day
            if self.within_hours() and (day is None or day.day != today):
                self.run(lambda h: h.open_day())

    def close_day(self, *, audit: Iterable[Payload] = ()) -> None:
        """Close the day: open tickets expire, every officer session ends and its counter closes."""
        with self.lock:
            self.sessions.end(self.store.open_sessions(), "day_closed", audit=audit, command=lambda h: h.close_day())
            for counter in list(self.hall.counters.values()):
                if counter.staff_id is not None:  # staffed without a session (e.g. a session ended mid-service)
                    self.run(lambda h, n=counter.number: h.logout(n))

    # ---- officers -----------------------------------------------------------------------

    def login(self, *, counter: int, staff_id: str, pin: str, device: str) -> LoginResponse:
        """An officer's PIN login at a counter, counted by the guard before the PIN is checked."""
        return self.sessions.login(counter=counter, staff_id=staff_id, pin=pin, device=device)

    def change_pin(self, *, staff_id: str, counter: int, pin: str, new_pin: str) -> None:
        self.sessions.change_pin(staff_id=staff_id, counter=counter, pin=pin, new_pin=new_pin)

    # ---- counters that went silent ------------------------------------------------------

    def seen(self, counter: int | None) -> None:
        """A request or ping came from this counter's officer or PC: it is still there."""
        if counter is not None:
            self.last_seen[counter] = self.clock()

    def hear_all(self) -> None:
        """After a (re)start or a takeover, give every counter a full timeout to come back."""
        now = self.clock()
        self.last_seen = dict.fromkeys(self.hall.counters, now)

    def stream_opened(self, counter: int | None) -> None:
        """Called on the event loop: never waits for the hall lock (a commit may hold it through an fsync)."""
        if counter is not None:
            with self._streams_guard:
                self.streams[counter] += 1
                self.seen(counter)

    def stream_closed(self, counter: int | None) -> None:
        """The silence of a counter starts when its last stream closes."""
        if counter is not None:
            with self._streams_guard:
                self.streams[counter] -= 1
                self.seen(counter)

    def silent_counters(self) -> list[int]:
        """Counters holding a called ticket with no open stream and no request for counter_lost_after_s."""
        limit = self.config.counter_lost_after_s
        if limit <= 0:
            return []
        now = self.clock()
        silent = []
        with self.lock:
            for counter in self.hall.counters.values():
                ticket = self.hall.current_ticket(counter.number)
                if ticket is None or ticket.state != TicketState.CALLED or self.streams[counter.number] > 0:
                    continue
                heard = [t for t in (self.last_seen.get(counter.number), ticket.called_at) if t is not None]
                if heard and now - max(heard) >= timedelta(seconds=limit):
                    silent.append(counter.number)
        return silent

    def _release_silent_counters(self) -> None:
        for number in self.silent_counters():
            log.warning(
                "counter %d silent for %d s: its called ticket goes back", number, self.config.counter_lost_after_s
            )
            self.run(lambda h, n=number: h.counter_lost(n))

    # ---- views --------------------------------------------------------------------------

    def ticket_public(self, ticket: Ticket, *, reprint: bool = False) -> TicketPublic:
        hall = self.hall
        ahead = hall.waiting_ahead(ticket) if ticket.state == TicketState.WAITING else 0
        estimate = hall.estimated_wait_s(ticket.category, ahead) if ticket.state == TicketState.WAITING else None
        data = ticket.as_dict()
        return TicketPublic(**data, waiting_ahead=ahead, estimated_wait_s=estimate, reprint=reprint)

    def counter_view(self, counter: Counter) -> CounterView:
        hall = self.hall
        officer = hall.officers.get(counter.staff_id or "")
        ticket = hall.tickets.get(counter.ticket_id) if counter.ticket_id else None
        return CounterView(
            number=counter.number,
            name=counter.spec.name or str(counter.number),
            categories=sorted(counter.spec.categories),
            state=counter.state,
            staff_id=counter.staff_id,
            officer_name=officer.name if officer else None,
            ticket=self.ticket_public(ticket) if ticket else None,
        )

    def snapshot(self) -> Snapshot:
        """The whole hall as it is after the last committed event."""
        with self.lock:
            hall = self.hall
            now = self.clock()
            categories = []
            for cat in sorted(hall.categories.values(), key=lambda c: (c.priority, c.code)):
                queue = hall.waiting(cat.code)
                oldest = queue[0].issued_at if queue else None
                categories.append(
                    CategoryView(
                        code=cat.code,
                        name_zh=cat.name_zh,
                        name_en=cat.name_en,
                        priority=cat.priority,
                        requires_declaration=cat.requires_declaration,
                        requires_enterprise=cat.requires_enterprise,
                        io_flag=cat.io_flag,
                        waiting=len(queue),
                        oldest_wait_s=int((now - oldest).total_seconds()) if oldest else None,
                        estimated_wait_s=hall.estimated_wait_s(cat.code, len(queue)),
                        oldest_issued_at=oldest,
                    )
                )
            return Snapshot(
                seq=self.seq,
                hall_id=self.config.hall_id,
                hall_name=self.config.name,
                day=self.day_view(),
                categories=categories,
                counters=[self.counter_view(c) for c in sorted(hall.counters.values(), key=lambda c: c.number)],
                recent_calls=[CallView(**c) for c in hall.recent_calls],
                notice=self.store.setting("notice"),
            )

    def day_view(self) -> DayView | None:
        """Today's business day: its commitment, and its seed once closed."""
        day = self.hall.day
        if day is None:
            return None
        return DayView(
            day=day.day, is_open=day.is_open, commitment=day.commitment, seed=None if day.is_open else day.seed.hex()
        )

    def events_since(self, since: int, until: int | None = None, limit: int = 1000) -> list[Event]:
        return self.store.events_since(since, until, limit)

    def officer_stats(self, staff_id: str) -> dict[str, Any]:
        """Today's figures for one officer: served, no-shows, transfers, mean handling time."""
        with self.lock:
            served, no_shows, durations = 0, 0, []
            for t in self.hall.tickets.values():
                if t.staff_id != staff_id:
                    continue
                if t.state == TicketState.DONE:
                    served += 1
                    if t.started_at and t.finished_at:
                        durations.append((t.finished_at - t.started_at).total_seconds())
                elif t.state == TicketState.NO_SHOW:
                    no_shows += 1
            return {
                "served": served,
                "no_shows": no_shows,
                "transfers": self.hall.transfers_by.get(staff_id, 0),
                "mean_service_s": sum(durations) / len(durations) if durations else None,
            }

    def counters_in_state(self, state: CounterState) -> list[int]:
        with self.lock:
            return [c.number for c in self.hall.counters.values() if c.state == state]

    # ---- reads for the console's pages (the store stays behind the service) --------------

    @property
    def hall_id(self) -> str:
        """The hall whose rows this service reads and writes."""
        return self.store.hall_id

    def notice(self) -> str | None:
        return self.store.setting("notice")

    def current_day(self) -> str | None:
        """The business day open now, or the last one opened (None before the first)."""
        day = self.hall.day
        return day.day if day else None

    def local_date(self) -> str:
        """Today's date in the hall's time zone, ISO format (the only day a reopen may name)."""
        return self.hall.local_date()

    def local_time(self, at: datetime) -> datetime:
        """A moment on the hall's wall clock, as its pages show times."""
        return at.astimezone(self.hall.tz)

    def counter_numbers(self) -> list[int]:
        """The hall's counters by number."""
        return self.read(lambda hall: sorted(hall.counters))

    def events_of_kinds(self, kinds: Iterable[str], since: datetime, limit: int = 200) -> list[Event]:
        """This hall's logged events of these kinds since a time (the console's alerts)."""
        return ConsoleStore(self.store).events_of_kinds(kinds, since, limit)

    def known_days(self) -> list[str]:
        """Every business day the hall has records of, newest first."""
        return ConsoleStore(self.store).known_days()

    def closed_days(self) -> list[str]:
        """The days whose seed is revealed and whose records are still in the store, oldest first."""
        return self.store.closed_days()

    def day_log(self, day: str) -> DayLog:
        """A business day's records, as the audit reads them."""
        return load_day(self.store, day, self.config.timezone)

    def verdict(self, day: str | None = None) -> Verdict:
        """The audit's verdict on the log (on one day, if given)."""
        return verify_store(self.store, self.config.timezone, day)

    # ---- what the routes need -----------------------------------------------------------

    def health(self) -> Health:
        """Liveness, role and the last sequence number."""
        day = self.hall.day
        return Health(
            status="ok",
            hall_id=self.config.hall_id,
            seq=self.seq,
            day_open=bool(day and day.is_open),
            version=VERSION,
            role=self.role,
            config_revision=self.config_revision,
            config_refused=self.config_refused,
        )

    def principal(self, token: str | None, *, fresh: bool = True) -> Principal | None:
        """Who holds this bearer token: an enrolled device or an officer's session; None if unknown or revoked.

        `fresh`: follow other processes' writes first (a read per request); commands skip that and have
        their caller confirmed when they commit (see `run`).
        """
        if not token:
            return None
        return self.principal_of(token_hash(token), fresh=fresh)

    def remembered_principal(self, token: str | None) -> Principal | None:
        """The token's holder as memory knows it, reading nothing (None: not remembered, or revoked)."""
        if not token:
            return None
        return self.principal_of(token_hash(token), fresh=False, read=False)

    def principal_of(self, digest: str, *, fresh: bool = False, read: bool = True) -> Principal | None:
        device, session = self.store.token_rows(digest, fresh=fresh, read=read)
        if device is not None:
            if device.revoked:
                return None
            return Principal(
                role=Role(device.role), name=device.name, device_id=device.id, counter=device.counter, token_hash=digest
            )
        if session is not None and self.sessions.alive(session):  # not revoked, not idle too long
            return Principal(
                role=Role.OFFICER,
                name=session.staff_id,
                counter=session.counter,
                staff_id=session.staff_id,
                token_hash=digest,
            )
        return None

    def counter_views(self) -> list[CounterView]:
        with self.lock:
            return [self.counter_view(c) for c in sorted(self.hall.counters.values(), key=lambda c: c.number)]

    def counter_result(self, number: int) -> ActionResult:
        """The counter after an action, with its ticket."""
        view = self.counter_view(self.hall.counter(number))
        return ActionResult(counter=view, ticket=view.ticket)

    def counter_action(self, number: int, action: Callable[[Hall], object]) -> ActionResult:
        """An officer's button on the serialised path; the counter as it is afterwards."""

        def command(hall: Hall) -> ActionResult:
            action(hall)
            return self.counter_result(number)

        return self.run(command)

    async def counter_action_async(
        self, number: int, action: Callable[[Hall], object], *, caller: Principal
    ) -> ActionResult:
        """`counter_action` for the API: joins the group commit without a worker thread; the officer let in
        from memory is confirmed against the store when the batch commits (401 if the session ended meanwhile)."""

        def command(hall: Hall) -> ActionResult:
            action(hall)
            return self.counter_result(number)

        return await self.run_async(command, caller=caller)

    def logout(self, number: int, *, forced_by: str | None = None) -> ActionResult:
        """Close the counter and end its sessions; `forced_by` names the admin who forced it (audited)."""
        audit = [AdminForceLogout(counter=number, by=forced_by)] if forced_by else []

        def command(hall: Hall) -> ActionResult:
            hall.logout(number)
            return self.counter_result(number)

        return self.run(command, audit=audit, rows=self.store.revoke_sessions(number))

    def officer_at(self, number: int) -> str | None:
        return self.read(lambda hall: hall.counter(number).staff_id)

    def device(self, device_id: int) -> DevicePublic | None:
        row = self.store.device(device_id)
        return codec.device_public(row) if row else None

    def report_printer(self, device_id: int, state: PrinterState, detail: str | None) -> DevicePublic | None:
        """A kiosk's printer state; a change is logged, so supervisors see it. None if the device is unknown.

        Read, compare and write under the lock: two quick reports (cover open, then offline) keep their order.
        """
        with self.lock:
            row = self.store.device(device_id)
            if row is None:
                return None
            if row.printer_state != str(state) or row.printer_detail != detail:
                row.printer_state, row.printer_detail = str(state), detail
                act = DevicePrinter(device=row.name, device_id=device_id, state=str(state), detail=detail)
                self.record(act, rows=[row])
            return codec.device_public(row)

    def day_is_open(self, day: str) -> bool | None:
        """Whether this business day is still open; None if the hall never had it."""
        row = self.store.day_row(day)
        return None if row is None else row.is_open

    def close(self) -> None:
        """Let go of the follow-up and committer threads and the database (the app's shutdown)."""
        self.later.shutdown()
        self._committer.shutdown(wait=True)
        self.store.close()
        self.store.engine.dispose()


def _each(error: Exception) -> Callable[[], BaseException]:
    """The same failure for every request of a batch, each raised as its own copy (one traceback per thread)."""

    def make() -> BaseException:
        try:
            return copy.copy(error)
        except Exception:
            return error

    return make


def _identity(who: Principal) -> tuple:
    return (who.role, who.device_id, who.staff_id, who.counter)


def _batch_message(why: str) -> str:
    return (
        "This request was not saved: a request written together with it failed"
        f" ({why}), so the whole batch was dropped. Nothing of it was kept; please try again."
    )


def stored_hall_config(store: Store) -> HallConfig | None:
    """The configuration the store holds for its hall (None if the hall has no categories yet)."""
    categories = [codec.category_config(r) for r in store.categories()]
    if not categories:
        return None
    counters = [codec.counter_config(r) for r in store.counter_rows()]
    settings = json.loads(store.setting("hall_config") or "{}")
    return HallConfig.model_validate(
        {**settings, "hall_id": store.hall_id, "categories": categories, "counters": counters}
    )


def _hhmm(value: str) -> time:
    hours, minutes = (int(v) for v in value.split(":"))
    return time.max if hours == 24 else time(hours, minutes)

"""The store: reads the hall back after a restart and writes each command's changes in one transaction."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ARRAY, Connection, Engine, any_, bindparam, func
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, col, delete, select

from dispatcher.core import Category, Changes, CoreEvent, Counter, Day, Draw, Officer, Ticket
from dispatcher.seedkey import SeedSealer, default_key_path, is_sealed, sealer_from_file
from protocol import TicketState
from protocol.events import EventKind
from protocol.models import CategoryConfig, CounterConfig, Event

from . import archive, codec
from .hashchain import GENESIS, event_hash
from .tables import (
    ArchivedDayRow,
    CategoryRow,
    CounterRow,
    DayRow,
    DeviceRow,
    DrawRow,
    EventRow,
    OfficerRow,
    SessionRow,
    SettingRow,
    TicketRow,
)


@dataclass
class Write:
    """One command's share of a transaction: its changes, the audit events before them, extra rows, configuration."""

    changes: Changes
    extra: list[CoreEvent] = field(default_factory=list)
    rows: list[Any] = field(default_factory=list)
    config: ConfigWrite | None = None


@dataclass
class LoadedState:
    """Everything needed to rebuild the in-memory hall."""

    categories: list[Category]
    counters: list[Counter]
    officers: list[Officer]
    day: Day | None
    tickets: list[Ticket]
    next_ticket_id: int
    last_seq: int
    last_hash: str
    recent_calls: list[dict]
    transfers_by: dict[str, int]
    day_opening: dict | None = None  # the open day's dispatch inputs, as its day.opened record says them


@dataclass
class ConfigWrite:
    """Configuration rows one command writes: categories and counters put or removed, hall settings."""

    categories: list[CategoryConfig] = field(default_factory=list)
    counters: list[CounterConfig] = field(default_factory=list)
    removed_categories: list[str] = field(default_factory=list)
    removed_counters: list[int] = field(default_factory=list)
    settings: dict[str, str] = field(default_factory=dict)


HEAD_SQL = "SELECT seq FROM event WHERE hall_id = ? ORDER BY seq DESC LIMIT 1"
EXPIRE_CHUNK = 900  # ids per UPDATE of a close: under the 999 parameters an older SQLite allows


def hall_ids(engine: Engine) -> list[str]:
    """The halls configured in a database (each has at least one category)."""
    with Session(engine) as s:
        return sorted(set(s.exec(select(CategoryRow.hall_id))))


def iso(at: datetime) -> str:
    """The UTC spelling of a timestamp that goes into the hash chain."""
    return at.astimezone(UTC).isoformat(timespec="microseconds")


class Store:
    """One hall's rows in one database. Callers serialise writes (the service holds a lock)."""

    def __init__(self, engine: Engine, hall_id: str, sealer: SeedSealer | None = None):
        self.engine = engine
        self.hall_id = hall_id
        # the open day's seed is sealed with this key; by default the key file beside a SQLite database
        self.sealer = sealer or sealer_from_file(default_key_path(engine.url.render_as_string(hide_password=True)))
        self.last_seq = 0
        self.last_hash = GENESIS
        self._statements: dict[str, Any] = {}
        self._tokens: dict[str, dict[str, Any]] = {}  # token checks, while nothing changed (see _remembered)
        self._token_generation = 0
        self._sealed: tuple[Any, str] = (None, "")
        self.writer: Connection | None = None  # set on a PostgreSQL pair: the connection holding the lock
        self._head_db: sqlite3.Connection | None = None  # see _sqlite_head
        self._head_lock = threading.Lock()

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def write_session(self) -> Session:
        """Commands commit through the lock-holding connection when there is one (see dispatcher.leader)."""
        return Session(self.writer or self.engine, expire_on_commit=False)

    # ---- configuration ------------------------------------------------------------------

    def is_configured(self) -> bool:
        with self.session() as s:
            return s.exec(select(CategoryRow).where(CategoryRow.hall_id == self.hall_id)).first() is not None

    def seed_config(self, categories: Iterable[CategoryConfig], counters: Iterable[CounterConfig]) -> None:
        """Write the hall file's categories and counters into an empty database."""
        with self.session() as s:
            for c in categories:
                s.add(CategoryRow(hall_id=self.hall_id, **c.model_dump()))
            for c in counters:
                s.add(self._counter_row(c))
            s.commit()

    def _counter_row(self, c: CounterConfig) -> CounterRow:
        data = c.model_dump()
        data["categories"] = ",".join(c.categories)
        return CounterRow(hall_id=self.hall_id, **data)

    def categories(self) -> list[CategoryRow]:
        with self.session() as s:
            q = select(CategoryRow).where(CategoryRow.hall_id == self.hall_id).order_by(CategoryRow.code)
            return list(s.exec(q))

    def counter_rows(self) -> list[CounterRow]:
        with self.session() as s:
            q = select(CounterRow).where(CounterRow.hall_id == self.hall_id).order_by(CounterRow.number)
            return list(s.exec(q))

    def seal_plain_seeds(self) -> list[str]:
        """Seal the seed of an open day stored in the clear (a database from before sealing); returns the days."""
        with self.session() as s:
            q = select(DayRow).where(DayRow.hall_id == self.hall_id, col(DayRow.is_open).is_(True))
            rows = [r for r in s.exec(q) if not is_sealed(r.seed)]
            for row in rows:
                row.seed = self.sealer.seal(self.hall_id, row.day, bytes.fromhex(row.seed))
                s.add(row)
            s.commit()
        if rows:
            self._scrub()
        return [r.day for r in rows]

    def _scrub(self) -> None:
        """Rewrite the database so that no free page, WAL frame or old row version keeps the plaintext."""
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            if self.engine.dialect.name == "sqlite":
                conn.exec_driver_sql("VACUUM")
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            else:
                conn.exec_driver_sql("VACUUM FULL business_day")

    # ---- loading ------------------------------------------------------------------------

    def load(self) -> LoadedState:
        """Read the hall as it was at the last commit."""
        with self.session() as s:
            h = self.hall_id
            day_row = s.exec(select(DayRow).where(DayRow.hall_id == h).order_by(col(DayRow.day).desc())).first()
            day = codec.day_from_row(day_row, self.sealer) if day_row else None
            tickets = []
            if day:
                q = select(TicketRow).where(TicketRow.hall_id == h, TicketRow.day == day.day)
                tickets = [codec.row_to_ticket(r) for r in s.exec(q)]
            max_id = s.exec(select(func.max(TicketRow.id)).where(TicketRow.hall_id == h)).one() or 0
            max_id = max(max_id, archive.archived_max_ticket_id(s, h))  # ids never go back after an archive
            last_seq, last_hash = self._tail(s)
            recent, transfers_by = [], {}
            if day and day.opened_at:
                q = select(EventRow.data).where(
                    EventRow.hall_id == h, EventRow.kind == EventKind.TICKET_TRANSFERRED, EventRow.at >= day.opened_at
                )
                for data in s.exec(q):
                    staff_id = json.loads(data).get("staff_id") or ""
                    transfers_by[staff_id] = transfers_by.get(staff_id, 0) + 1
            if day:
                q = (
                    select(EventRow)
                    .where(
                        EventRow.hall_id == h,
                        col(EventRow.kind).in_([EventKind.TICKET_CALLED, EventKind.TICKET_RECALLED]),
                    )
                    .order_by(col(EventRow.seq).desc())
                    .limit(20)
                )
                recent = [json.loads(r.data)["call"] for r in s.exec(q)]
                recent = [c for c in recent if c["ticket_id"] in {t.id for t in tickets}]
            opening = None
            if day and day.is_open:
                q = select(EventRow.data).where(EventRow.hall_id == h, EventRow.kind == EventKind.DAY_OPENED)
                data = s.exec(q.order_by(col(EventRow.seq).desc())).first()
                opening = json.loads(data).get("hall") if data else None
            state = LoadedState(
                categories=[codec.category_from_row(r) for r in self.categories()],
                counters=[codec.counter_from_row(r) for r in self.counter_rows()],
                officers=[
                    codec.officer_from_row(r)
                    for r in s.exec(select(OfficerRow).where(OfficerRow.hall_id == h, OfficerRow.active))
                ],
                day=day,
                tickets=tickets,
                next_ticket_id=max_id + 1,
                last_seq=last_seq,
                last_hash=last_hash,
                recent_calls=recent,
                transfers_by=transfers_by,
                day_opening=opening,
            )
        self.last_seq, self.last_hash = state.last_seq, state.last_hash
        return state

    # ---- writing ------------------------------------------------------------------------

    def write(
        self,
        changes: Changes,
        extra: list[CoreEvent] | None = None,
        rows: Iterable[Any] = (),
        config: ConfigWrite | None = None,
    ) -> list[Event]:
        """Write one command's changes and events in one transaction; return the events with their seq."""
        return self.write_batch([Write(changes, list(extra or []), list(rows), config)])[0]

    def write_batch(self, writes: list[Write]) -> list[list[Event]]:
        """Write several commands' changes in one transaction (one fsync), in order; each one's events with seq.

        If another writer (the admin CLI) appended events meanwhile, re-chain after them and retry.
        """
        for attempt in range(3):
            try:
                return self._write_once(writes)
            except IntegrityError:
                if attempt == 2:
                    raise
                self.refresh_tail()
        raise AssertionError("unreachable")

    def _write_once(self, writes: list[Write]) -> list[list[Event]]:
        tickets: dict[int, Ticket] = {}
        counters: dict[int, Counter] = {}
        day: Day | None = None
        for w in writes:
            tickets.update(w.changes.tickets)
            counters.update(w.changes.counters)
            day = w.changes.day or day
        touches_rows = any(w.rows or w.config for w in writes)
        if touches_rows:  # devices and sessions change only as rows of a command
            self._forget_tokens()
        with self.write_session() as s:
            c = s.connection()  # statements go straight to the connection: the ORM session's path costs more
            for w in writes:
                if w.config:
                    self._write_config(s, w.config)
            for w in writes:  # before the whole rows: a ticket changed again later in the batch is written whole
                for at, ids in w.changes.expired.items():
                    self._expire_tickets(c, at, ids)
            self._upsert(c, TicketRow, [codec.ticket_values(self.hall_id, t) for t in tickets.values()])
            for counter in counters.values():
                self._write_counter_state(c, counter)
            if day:
                self._upsert(c, DayRow, [codec.day_values(self.hall_id, day, self._stored_seed(day))])
            draws = [codec.draw_values(self.hall_id, d) for w in writes for d in w.changes.draws]
            self._upsert(c, DrawRow, draws)
            for w in writes:
                for row in w.rows:
                    s.merge(row)
            seq, prev = self.last_seq, self.last_hash
            events: list[list[Event]] = []
            event_rows: list[dict[str, Any]] = []
            for w in writes:  # an audit event (the cause) before the command's effects
                mine, rows, seq, prev = self._chain([*w.extra, *w.changes.events], seq, prev)
                events.append(mine)
                event_rows += rows
            if event_rows:
                c.execute(self._statement("insert:event", lambda: EventRow.__table__.insert()), event_rows)
            s.commit()
        self.last_seq, self.last_hash = seq, prev
        if touches_rows:
            self._forget_tokens()
        return events

    def _upsert(self, c: Connection, model: Any, values: list[dict[str, Any]]) -> None:
        """Insert or update rows by primary key, all in one statement: closing a big day writes thousands at once."""
        if values:
            c.execute(self._statement(f"upsert:{model.__tablename__}", lambda: self._make_upsert(model)), values)

    def _expire_tickets(self, c: Connection, at: datetime, ids: list[int]) -> None:
        """A day's close: its open tickets expire at one time, a few statements for thousands of them."""
        table = TicketRow.__table__
        if self.engine.dialect.name == "postgresql":  # one array parameter: 900 of them cost psycopg most of 0.1 s
            match, chunk = table.c.id == any_(bindparam("ids", type_=ARRAY(table.c.id.type))), len(ids) or 1
        else:
            match, chunk = table.c.id.in_(bindparam("ids", expanding=True)), EXPIRE_CHUNK
        stmt = self._statement(
            f"update:ticket:expired:{self.engine.dialect.name}",
            lambda: (
                table.update()
                .where(table.c.hall_id == bindparam("hall"), match)
                .values(state=str(TicketState.EXPIRED), finished_at=bindparam("at"))
            ),
        )
        for i in range(0, len(ids), chunk):
            c.execute(stmt, {"hall": self.hall_id, "ids": ids[i : i + chunk], "at": at})

    def _make_upsert(self, model: Any) -> Any:
        table = model.__table__
        insert = sqlite_insert if self.engine.dialect.name == "sqlite" else pg_insert
        stmt = insert(table)
        keys = [c.name for c in table.primary_key.columns]
        changed = {c.name: stmt.excluded[c.name] for c in table.columns if c.name not in keys}
        return stmt.on_conflict_do_update(index_elements=keys, set_=changed)

    def _statement(self, name: str, make: Any) -> Any:
        """A statement built once per store (building an upsert costs more than running it)."""
        stmt = self._statements.get(name)
        if stmt is None:
            stmt = self._statements[name] = make()
        return stmt

    def _stored_seed(self, day: Day) -> str:
        """The day's seed as stored, sealed once per open day rather than at every write."""
        if not day.is_open:
            return day.seed.hex()
        key = (day.day, day.seed)
        if self._sealed[0] != key:
            self._sealed = (key, codec.stored_seed(self.hall_id, day, self.sealer))
        return self._sealed[1]

    def _write_config(self, s: Session, config: ConfigWrite) -> None:
        """Configuration columns only: a counter's live state (officer, ticket) is the dispatcher's."""
        for c in config.categories:
            s.merge(CategoryRow(hall_id=self.hall_id, **c.model_dump()))
        for c in config.counters:
            row = s.get(CounterRow, (self.hall_id, c.number)) or CounterRow(hall_id=self.hall_id, number=c.number)
            row.name, row.categories = c.name, ",".join(c.categories)
            row.led_address, row.keypad_address = c.led_address, c.keypad_address
            row.evaluator_address = c.evaluator_address
            s.add(row)
        for code in config.removed_categories:
            s.exec(delete(CategoryRow).where(CategoryRow.hall_id == self.hall_id, CategoryRow.code == code))
        for number in config.removed_counters:
            s.exec(delete(CounterRow).where(CounterRow.hall_id == self.hall_id, CounterRow.number == number))
        for key, value in config.settings.items():
            s.merge(SettingRow(hall_id=self.hall_id, key=key, value=value))

    def refresh_tail(self) -> None:
        """Read the last event's seq and hash (another process may have appended)."""
        with self.session() as s:
            self.last_seq, self.last_hash = self._tail(s)

    def _tail(self, s: Session) -> tuple[int, str]:
        """The last record's seq and hash; with every record archived, the last checkpoint's."""
        q = select(EventRow).where(EventRow.hall_id == self.hall_id).order_by(col(EventRow.seq).desc())
        last = s.exec(q).first()
        if last:
            return last.seq, last.hash
        checkpoint = archive.last_checkpoint(s, self.hall_id)
        return (checkpoint.last_seq, checkpoint.last_hash) if checkpoint else (0, GENESIS)

    def _write_counter_state(self, c: Connection, counter: Counter) -> None:
        table = CounterRow.__table__
        stmt = self._statement(
            "update:counter:state",
            lambda: (
                table.update()
                .where(table.c.hall_id == bindparam("h"), table.c.number == bindparam("n"))
                .values(
                    state=bindparam("v_state"),
                    staff_id=bindparam("v_staff_id"),
                    ticket_id=bindparam("v_ticket_id"),
                    last_ticket_id=bindparam("v_last_ticket_id"),
                    since=bindparam("v_since"),
                )
            ),
        )
        c.execute(
            stmt,
            {
                "h": self.hall_id,
                "n": counter.number,
                "v_state": str(counter.state),
                "v_staff_id": counter.staff_id,
                "v_ticket_id": counter.ticket_id,
                "v_last_ticket_id": counter.last_ticket_id,
                "v_since": counter.since,
            },
        )

    def _chain(
        self, core_events: list[CoreEvent], seq: int, prev: str
    ) -> tuple[list[Event], list[dict[str, Any]], int, str]:
        """Number and hash-chain events after (seq, prev); the events and their rows' columns."""
        events, rows = [], []
        for e in core_events:
            seq += 1
            data_json = codec.canonical_json(e.data)
            digest = event_hash(prev, seq, e.kind, iso(e.at), data_json)
            rows.append(
                {
                    "hall_id": self.hall_id,
                    "seq": seq,
                    "kind": e.kind,
                    "at": e.at,
                    "data": data_json,
                    "prev_hash": prev,
                    "hash": digest,
                }
            )
            events.append(Event(seq=seq, kind=e.kind, at=e.at, data=e.data))
            prev = digest
        return events, rows, seq, prev

    # ---- reading events and draws -------------------------------------------------------

    def events_since(self, since: int, until: int | None = None, limit: int = 1000) -> list[Event]:
        with self.session() as s:
            q = select(EventRow).where(EventRow.hall_id == self.hall_id, EventRow.seq > since)
            if until is not None:
                q = q.where(EventRow.seq <= until)
            q = q.order_by(EventRow.seq).limit(limit)
            return [codec.event_from_row(r) for r in s.exec(q)]

    def event_rows(self, since: datetime | None = None, until: datetime | None = None) -> list[EventRow]:
        """The log's rows in sequence order, optionally only those stamped in [since, until)."""
        with self.session() as s:
            q = select(EventRow).where(EventRow.hall_id == self.hall_id)
            if since is not None:
                q = q.where(col(EventRow.at) >= since)
            if until is not None:
                q = q.where(col(EventRow.at) < until)
            return list(s.exec(q.order_by(col(EventRow.seq))))

    def event_row(self, seq: int) -> EventRow | None:
        with self.session() as s:
            return s.get(EventRow, (self.hall_id, seq))

    def event_rows_between(self, after: int, before: int) -> list[EventRow]:
        """The log's rows with after < seq < before, in order."""
        with self.session() as s:
            q = select(EventRow).where(EventRow.hall_id == self.hall_id, EventRow.seq > after, EventRow.seq < before)
            return list(s.exec(q.order_by(col(EventRow.seq))))

    def archived_days(self) -> list[ArchivedDayRow]:
        """The days moved out to their bundles by `fairq admin archive`, oldest first."""
        with self.session() as s:
            return archive.checkpoints(s, self.hall_id)

    def closed_days(self) -> list[str]:
        """The days whose seed is revealed and whose records are still in the store, oldest first."""
        gone = {r.day for r in self.archived_days()}
        with self.session() as s:
            q = select(DayRow).where(DayRow.hall_id == self.hall_id, col(DayRow.is_open).is_(False))
            return sorted(r.day for r in s.exec(q) if r.day not in gone)

    def draws(self, day: str) -> list[Draw]:
        with self.session() as s:
            q = select(DrawRow).where(DrawRow.hall_id == self.hall_id, DrawRow.day == day).order_by(DrawRow.draw_no)
            return [codec.row_to_draw(r) for r in s.exec(q)]

    def day_row(self, day: str) -> DayRow | None:
        with self.session() as s:
            return s.get(DayRow, (self.hall_id, day))

    def tickets_of_day(self, day: str) -> list[Ticket]:
        with self.session() as s:
            q = select(TicketRow).where(TicketRow.hall_id == self.hall_id, TicketRow.day == day)
            return [codec.row_to_ticket(r) for r in s.exec(q.order_by(TicketRow.id))]

    # ---- officers, devices, sessions, settings ------------------------------------------

    def officer(self, staff_id: str) -> OfficerRow | None:
        with self.session() as s:
            return s.get(OfficerRow, (self.hall_id, staff_id))

    def officers(self) -> list[OfficerRow]:
        with self.session() as s:
            q = select(OfficerRow).where(OfficerRow.hall_id == self.hall_id).order_by(OfficerRow.staff_id)
            return list(s.exec(q))

    def devices(self) -> list[DeviceRow]:
        with self.session() as s:
            q = select(DeviceRow).where(DeviceRow.hall_id == self.hall_id).order_by(DeviceRow.id)
            return list(s.exec(q))

    def device(self, device_id: int) -> DeviceRow | None:
        with self.session() as s:
            row = s.get(DeviceRow, device_id)
            return row if row and row.hall_id == self.hall_id else None

    def add_device(self, row: DeviceRow) -> DeviceRow:
        self._forget_tokens()
        with self.session() as s:
            s.add(row)
            s.commit()
            s.refresh(row)
            return row

    def device_by_token(self, token_hash: str) -> DeviceRow | None:
        """The device of a token, from memory while the store is unchanged (a copy, the caller's to change)."""
        row = self._remembered("device", token_hash, self._device_by_token)
        return None if row is None else type(row)(**row.model_dump())

    def _device_by_token(self, token_hash: str) -> DeviceRow | None:
        with self.session() as s:
            q = select(DeviceRow).where(DeviceRow.token_hash == token_hash, DeviceRow.hall_id == self.hall_id)
            return s.exec(q).first()

    def session_by_token(self, token_hash: str) -> SessionRow | None:
        """An officer session by its token, from memory while the store is unchanged (a copy)."""
        row = self._remembered("session", token_hash, self._session_by_token)
        return None if row is None else type(row)(**row.model_dump())

    def _session_by_token(self, token_hash: str) -> SessionRow | None:
        with self.session() as s:
            row = s.get(SessionRow, token_hash)
            return row if row and row.hall_id == self.hall_id else None

    def token_rows(
        self, token_hash: str, *, fresh: bool = True, read: bool = True
    ) -> tuple[DeviceRow | None, SessionRow | None]:
        """The device or the officer session a token belongs to: shared rows, to be read and never changed.

        Remembered ones first (a session's token is no device's, so an officer's request reads nothing);
        `fresh` first follows other processes' writes (one indexed read); without `read` only memory is asked.
        """
        if fresh:
            self.follow_foreign_writes()
        tokens = self._tokens
        device = tokens.get("device", {}).get(token_hash)
        if device is not None:
            return device, None
        session = tokens.get("session", {}).get(token_hash)
        if session is not None or not read:
            return None, session
        device = self._remembered("device", token_hash, self._device_by_token, fresh=False)
        if device is not None:
            return device, None
        return None, self._remembered("session", token_hash, self._session_by_token, fresh=False)

    def _remembered(self, kind: str, token_hash: str, read: Any, *, fresh: bool = True) -> Any:
        """Token checks kept in step with the store: forgotten at every write of rows by this store, and
        whenever another process (the admin CLI) appended to the event log, as every change of a device or
        session does. Unknown tokens are not remembered. The row returned is the remembered one (shared)."""
        if fresh:
            self.follow_foreign_writes()
        cache = self._tokens.setdefault(kind, {})
        row = cache.get(token_hash)
        if row is None:
            generation = self._token_generation
            row = read(token_hash)
            if row is None:
                return None
            if generation == self._token_generation:  # no write came between the read and now
                cache[token_hash] = row
        return row

    def follow_foreign_writes(self) -> None:
        """Forget the remembered tokens if another process (the admin CLI) wrote to the event log meanwhile."""
        if self._foreign_writes():
            self._forget_tokens()

    def _forget_tokens(self) -> None:
        self._token_generation += 1
        self._tokens = {}

    def _foreign_writes(self) -> bool:
        """Whether the event log's head is not the one this store wrote last (one indexed read, no ORM)."""
        if self.engine.dialect.name == "sqlite" and self.engine.url.database not in (None, "", ":memory:"):
            return (self._sqlite_head() or 0) != self.last_seq
        table = EventRow.__table__
        q = self._statement(
            "head",
            lambda: select(table.c.seq).where(table.c.hall_id == bindparam("h")).order_by(table.c.seq.desc()).limit(1),
        )
        with self.engine.connect() as conn:
            head = conn.execute(q, {"h": self.hall_id}).scalar()
        return (head or 0) != self.last_seq

    def _sqlite_head(self) -> int | None:
        """The head read on a connection of its own, kept open: the check runs once per commit and per read."""
        with self._head_lock:
            if self._head_db is None:
                self._head_db = sqlite3.connect(self.engine.url.database, timeout=30, check_same_thread=False)
            try:
                row = self._head_db.execute(HEAD_SQL, (self.hall_id,)).fetchone()
            except sqlite3.Error as err:  # as SQLAlchemy would say it: callers answer 503 for a storage failure
                self._head_db.close()
                self._head_db = None
                raise OperationalError(HEAD_SQL, (self.hall_id,), err) from err
            return row[0] if row else None

    def close(self) -> None:
        """Close the head check's connection (the engine is the caller's to dispose)."""
        with self._head_lock:
            if self._head_db is not None:
                self._head_db.close()
                self._head_db = None

    def open_sessions(self, counter: int | None = None, *, staff_id: str | None = None) -> list[SessionRow]:
        """Officer sessions not revoked: at a counter, of an officer, or all of them."""
        with self.session() as s:
            q = select(SessionRow).where(SessionRow.hall_id == self.hall_id, col(SessionRow.revoked).is_(False))
            if counter is not None:
                q = q.where(SessionRow.counter == counter)
            if staff_id is not None:
                q = q.where(SessionRow.staff_id == staff_id)
            return list(s.exec(q))

    def revoke_sessions(self, counter: int | None = None, *, staff_id: str | None = None) -> list[SessionRow]:
        """Rows that end the open sessions at a counter or of an officer (written with the command that ends them)."""
        rows = self.open_sessions(counter, staff_id=staff_id)
        for r in rows:
            r.revoked = True
        return rows

    def setting(self, key: str, default: str = "") -> str:
        with self.session() as s:
            row = s.get(SettingRow, (self.hall_id, key))
            return row.value if row else default

    def delete_officer(self, staff_id: str) -> None:
        with self.session() as s:
            s.exec(delete(OfficerRow).where(OfficerRow.hall_id == self.hall_id, OfficerRow.staff_id == staff_id))
            s.commit()

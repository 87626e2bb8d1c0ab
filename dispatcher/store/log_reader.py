"""The audit log read as plain rows, a page at a time: a big day is folded without holding it in memory."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import Select, String, and_, func, or_, select, type_coerce

from dispatcher.core import Draw
from protocol.events import EventKind

from .codec import utc
from .repo import Store
from .tables import DrawRow, EventRow

PAGE = 2000  # rows per page: a few MB of JSON at most


class LogRow(NamedTuple):
    """One record as stored (its `at` in UTC), without an ORM object around it."""

    seq: int
    kind: str
    at: datetime
    data: str
    prev_hash: str
    hash: str


class LogReader:
    """Reads of the hash-chained log for the day reports and verification, on one hall's store."""

    def __init__(self, store: Store):
        self.store = store
        self._t = EventRow.__table__  # type: ignore[attr-defined]
        self._columns = [self._t.c[n] for n in LogRow._fields]

    def day_markers(self, since: datetime, until: datetime) -> list[LogRow]:
        """The day.opened and day.closed records stamped in [since, until), in sequence order."""
        t = self._t
        q = (
            select(*self._columns)
            .where(t.c.hall_id == self.store.hall_id, t.c.at >= since, t.c.at < until)
            .where(t.c.kind.in_([EventKind.DAY_OPENED, EventKind.DAY_CLOSED]))
            .order_by(t.c.seq)
        )
        with self.store.engine.connect() as conn:
            return [_row(r) for r in conn.execute(q)]

    def pages(
        self,
        since: datetime | None = None,
        until: datetime | None = None,
        *,
        seqs: Sequence[tuple[int, int | None]] | None = None,
        stamped: tuple[datetime, datetime] | None = None,
        page: int = PAGE,
    ) -> Iterator[list[LogRow]]:
        """The records in sequence order, `page` rows at a time from one read transaction.

        Optionally only those stamped in [since, until); of those, given `seqs` spans (first, last or None for
        no end) or a `stamped` stretch, only the records in one of the spans or stamped within the stretch.
        """
        q = self._select(select(*self._columns), since, until, seqs, stamped)
        if q is None:
            return
        with self.store.engine.connect() as conn:
            result = conn.execution_options(yield_per=page).execute(q.order_by(self._t.c.seq))
            for part in result.partitions():
                yield [_row(r) for r in part]

    def digest(
        self,
        since: datetime | None = None,
        until: datetime | None = None,
        *,
        seqs: Sequence[tuple[int, int | None]] | None = None,
        stamped: tuple[datetime, datetime] | None = None,
        page: int = PAGE,
    ) -> str:
        """SHA-256 of the records `pages` would give, every column as stored, and of the hash each run of them
        links to: a record added, removed or edited in any way changes it. Read without parsing a row.
        """
        t = self._t
        h = hashlib.sha256()
        columns = [t.c.seq, t.c.kind, type_coerce(t.c.at, String), t.c.data, t.c.prev_hash, t.c.hash]
        q = self._select(select(*columns), since, until, seqs, stamped)
        if q is None:
            return h.hexdigest()
        starts, last = [], None
        with self.store.engine.connect() as conn:
            for part in conn.execution_options(yield_per=page).execute(q.order_by(t.c.seq)).partitions():
                for seq, kind, at, data, prev_hash, hash_ in part:
                    if last is None or seq != last + 1:
                        starts.append(seq)
                    h.update(f"{seq}\0{kind}\0{at}\0{data}\0{prev_hash}\0{hash_}\n".encode())
                    last = seq
            linked: dict[int, str] = {}
            if starts:  # the hash each run links to (the day's anchor among them)
                before = select(t.c.seq, t.c.hash).where(t.c.hall_id == self.store.hall_id)
                linked = {seq: hash_ for seq, hash_ in conn.execute(before.where(t.c.seq.in_([s - 1 for s in starts])))}
        h.update(repr(sorted(linked.items())).encode())
        return h.hexdigest()

    def draws_digest(self, day: str) -> str:
        """SHA-256 of the day's draw rows as stored: a draw row added, removed or edited changes it."""
        t = DrawRow.__table__  # type: ignore[attr-defined]
        columns = [type_coerce(c, String) for c in t.c if c.name not in ("hall_id", "day")]
        q = select(*columns).where(t.c.hall_id == self.store.hall_id, t.c.day == day).order_by(t.c.draw_no)
        h = hashlib.sha256()
        with self.store.engine.connect() as conn:
            for part in conn.execution_options(yield_per=PAGE).execute(q).partitions():
                for row in part:
                    h.update("\0".join(map(str, row)).encode() + b"\n")
        return h.hexdigest()

    def last_seq(self) -> int:
        """The newest record's seq in the database (another process may have written since this one's store)."""
        t = self._t
        with self.store.engine.connect() as conn:
            return conn.execute(select(func.max(t.c.seq)).where(t.c.hall_id == self.store.hall_id)).scalar() or 0

    def _select(
        self,
        q: Select,
        since: datetime | None,
        until: datetime | None,
        seqs: Sequence[tuple[int, int | None]] | None,
        stamped: tuple[datetime, datetime] | None,
    ) -> Select | None:
        """`q` narrowed to the records `pages` and `digest` read; None when no record can match."""
        t = self._t
        q = q.where(t.c.hall_id == self.store.hall_id)
        if since is not None:
            q = q.where(t.c.at >= since)
        if until is not None:
            q = q.where(t.c.at < until)
        if seqs is not None or stamped is not None:
            wanted = [t.c.seq >= first if last is None else t.c.seq.between(first, last) for first, last in seqs or ()]
            if stamped is not None:
                wanted.append(and_(t.c.at >= stamped[0], t.c.at < stamped[1]))
            if not wanted:
                return None
            q = q.where(or_(*wanted))
        return q

    def draws(self, day: str) -> list[Draw]:
        """The day's draw table in draw order (what `Store.draws` gives, read as plain rows)."""
        t = DrawRow.__table__  # type: ignore[attr-defined]
        q = (
            select(t.c.draw_no, t.c.at, t.c.ticket_candidates, t.c.counter_candidates, t.c.ticket_id, t.c.counter)
            .where(t.c.hall_id == self.store.hall_id, t.c.day == day)
            .order_by(t.c.draw_no)
        )
        with self.store.engine.connect() as conn:
            return [
                Draw(
                    day=day,
                    draw_no=no,
                    at=utc(at),  # type: ignore[arg-type]
                    ticket_candidates=tuple(json.loads(tickets)),
                    counter_candidates=tuple(json.loads(counters)),
                    ticket_id=ticket_id,
                    counter=counter,
                )
                for no, at, tickets, counters, ticket_id, counter in conn.execute(q)
            ]


def _row(r: Sequence) -> LogRow:
    return LogRow(r[0], r[1], utc(r[2]), r[3], r[4], r[5])  # type: ignore[arg-type]

"""The audit log read as plain rows, a page at a time: a big day is folded without holding it in memory."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import Select, and_, func, or_, select

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

    def extent(
        self,
        since: datetime | None = None,
        until: datetime | None = None,
        *,
        seqs: Sequence[tuple[int, int | None]] | None = None,
        stamped: tuple[datetime, datetime] | None = None,
    ) -> tuple[int, int | None, int | None, str | None]:
        """How many of the records `pages` would give, their first and last seq and the last one's hash.

        Two indexed reads instead of the rows: a record added, removed or re-hashed since changes it.
        """
        t = self._t
        q = self._select(select(func.count(), func.min(t.c.seq), func.max(t.c.seq)), since, until, seqs, stamped)
        if q is None:
            return (0, None, None, None)
        with self.store.engine.connect() as conn:
            count, first, last = conn.execute(q).one()
            if last is None:
                return (0, None, None, None)
            head = conn.execute(select(t.c.hash).where(t.c.hall_id == self.store.hall_id, t.c.seq == last)).scalar()
        return (count, first, last, head)

    def last_seq(self) -> int:
        """The newest record's seq in the database (another process may have written since this one's store)."""
        t = self._t
        with self.store.engine.connect() as conn:
            return conn.execute(select(func.max(t.c.seq)).where(t.c.hall_id == self.store.hall_id)).scalar() or 0

    def stretch(self, first: int, last: int) -> tuple[int, str | None]:
        """How many records lie from seq `first` to `last` (all kinds and days), and the hash of `last`."""
        t = self._t
        mine = t.c.hall_id == self.store.hall_id
        with self.store.engine.connect() as conn:
            count = conn.execute(select(func.count()).where(mine, t.c.seq.between(first, last))).scalar()
            head = conn.execute(select(t.c.hash).where(mine, t.c.seq == last)).scalar()
        return (count or 0, head)

    def stamped_after(self, seq: int, since: datetime, until: datetime) -> int:
        """How many records after `seq` are stamped in [since, until): an index range over the newer records only."""
        t = self._t
        q = select(func.count()).where(t.c.hall_id == self.store.hall_id, t.c.seq > seq)
        with self.store.engine.connect() as conn:
            return conn.execute(q.where(t.c.at >= since, t.c.at < until)).scalar() or 0

    def _select(
        self,
        q: Select,
        since: datetime | None,
        until: datetime | None,
        seqs: Sequence[tuple[int, int | None]] | None,
        stamped: tuple[datetime, datetime] | None,
    ) -> Select | None:
        """`q` narrowed to the records `pages` and `extent` read; None when no record can match."""
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

    def draw_extent(self, day: str) -> tuple[int, int | None]:
        """How many draws the day's table holds and the last draw number (a draw row added or removed shows)."""
        t = DrawRow.__table__  # type: ignore[attr-defined]
        q = select(func.count(), func.max(t.c.draw_no)).where(t.c.hall_id == self.store.hall_id, t.c.day == day)
        with self.store.engine.connect() as conn:
            count, last = conn.execute(q).one()
        return (count, last)

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

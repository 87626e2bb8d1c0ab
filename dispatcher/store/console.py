"""The browser console's reads and its one write outside the audited path (a session's last-seen time)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlmodel import col, select

from protocol.models import Event

from . import codec
from .repo import Store
from .tables import ConsoleSessionRow, DayRow, EventRow


class ConsoleStore:
    """Console sessions and the event reads of the live hall, on one hall's store."""

    def __init__(self, store: Store):
        self.store = store

    def session(self, token_hash: str) -> ConsoleSessionRow | None:
        with self.store.session() as s:
            row = s.get(ConsoleSessionRow, token_hash)
            return row if row and row.hall_id == self.store.hall_id else None

    def sessions_of(self, staff_id: str) -> list[ConsoleSessionRow]:
        """Open sessions of one person (to end them when the password changes or the person leaves)."""
        with self.store.session() as s:
            q = select(ConsoleSessionRow).where(
                ConsoleSessionRow.hall_id == self.store.hall_id,
                ConsoleSessionRow.staff_id == staff_id,
                col(ConsoleSessionRow.revoked).is_(False),
            )
            return list(s.exec(q))

    def touch(self, token_hash: str, at: datetime) -> None:
        """The session was used: its idle time starts again (not an audited change)."""
        with self.store.session() as s:
            row = s.get(ConsoleSessionRow, token_hash)
            if row is not None:
                row.seen_at = at
                s.add(row)
                s.commit()

    def events_of_kinds(self, kinds: Iterable[str], since: datetime, limit: int = 200) -> list[Event]:
        """The newest events of these kinds at or after `since`, oldest first."""
        with self.store.session() as s:
            q = (
                select(EventRow)
                .where(
                    EventRow.hall_id == self.store.hall_id,
                    col(EventRow.kind).in_(list(kinds)),
                    col(EventRow.at) >= since,
                )
                .order_by(col(EventRow.seq).desc())
                .limit(limit)
            )
            rows = list(s.exec(q))
        return [codec.event_from_row(r) for r in reversed(rows)]

    def known_days(self) -> list[str]:
        """Every business day of the hall, newest first (for the report's day picker)."""
        with self.store.session() as s:
            q = select(DayRow.day).where(DayRow.hall_id == self.store.hall_id).order_by(col(DayRow.day).desc())
            return list(s.exec(q))

"""Archived days: their checkpoints, and the removal of their tickets, draws and records from the live store."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Engine, func
from sqlmodel import Session, col, delete, select

from .tables import ArchivedDayRow, DrawRow, EventRow, TicketRow


def checkpoints(session: Session, hall_id: str) -> list[ArchivedDayRow]:
    """The hall's archived days, oldest first."""
    q = select(ArchivedDayRow).where(ArchivedDayRow.hall_id == hall_id).order_by(col(ArchivedDayRow.last_seq))
    return list(session.exec(q))


def last_checkpoint(session: Session, hall_id: str) -> ArchivedDayRow | None:
    """The newest checkpoint: the remaining chain starts right after it."""
    q = select(ArchivedDayRow).where(ArchivedDayRow.hall_id == hall_id)
    return session.exec(q.order_by(col(ArchivedDayRow.last_seq).desc())).first()


def archived_max_ticket_id(session: Session, hall_id: str) -> int:
    q = select(func.max(ArchivedDayRow.max_ticket_id)).where(ArchivedDayRow.hall_id == hall_id)
    return session.exec(q).one() or 0


def max_ticket_id(session: Session, hall_id: str, days: Sequence[str]) -> int:
    q = select(func.max(TicketRow.id)).where(TicketRow.hall_id == hall_id, col(TicketRow.day).in_(days))
    return session.exec(q).one() or 0


def count_tickets(session: Session, hall_id: str, day: str) -> int:
    q = select(func.count()).select_from(TicketRow).where(TicketRow.hall_id == hall_id, TicketRow.day == day)
    return session.exec(q).one()


def remove_archived(engine: Engine, hall_id: str, rows: Sequence[ArchivedDayRow], cut_seq: int) -> None:
    """In one transaction: write the checkpoints, delete the days' tickets and draws and the records up to the cut."""
    days = [r.day for r in rows]
    with Session(engine, expire_on_commit=False) as s:
        s.add_all(rows)
        s.exec(delete(TicketRow).where(col(TicketRow.hall_id) == hall_id, col(TicketRow.day).in_(days)))
        s.exec(delete(DrawRow).where(col(DrawRow.hall_id) == hall_id, col(DrawRow.day).in_(days)))
        s.exec(delete(EventRow).where(col(EventRow.hall_id) == hall_id, col(EventRow.seq) <= cut_seq))
        s.commit()


def compact(engine: Engine) -> None:
    """Give the freed space back: VACUUM (SQLite also truncates its WAL, so the file shrinks now)."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("VACUUM")
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        else:
            for table in ("event", "ticket", "draw"):
                conn.exec_driver_sql(f"VACUUM (ANALYZE) {table}")

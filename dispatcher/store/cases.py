"""Reads of 预警处置: warning cases, departments and spot checks of one hall (writes go through Store.write)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlmodel import col, select

from . import codec
from .case_tables import DepartmentMemberRow, DepartmentRow, SpotCheckRow, WarningCaseRow, WarningRunRow
from .repo import Store
from .tables import EventRow, OfficerRow


class CaseStore:
    """One hall's cases, departments and spot checks."""

    def __init__(self, store: Store):
        self.store = store

    @property
    def hall_id(self) -> str:
        return self.store.hall_id

    def case(self, case_id: str) -> WarningCaseRow | None:
        with self.store.session() as s:
            return s.get(WarningCaseRow, (self.hall_id, case_id))

    def cases(self, *, days: Iterable[str] | None = None, states: Iterable[str] | None = None) -> list[WarningCaseRow]:
        """Cases of these days (all days if None) in these states, by day, rule and subject."""
        with self.store.session() as s:
            q = select(WarningCaseRow).where(WarningCaseRow.hall_id == self.hall_id)
            if days is not None:
                q = q.where(col(WarningCaseRow.day).in_(list(days)))
            if states is not None:
                q = q.where(col(WarningCaseRow.state).in_(list(states)))
            q = q.order_by(WarningCaseRow.day, WarningCaseRow.rule, WarningCaseRow.subject)
            return list(s.exec(q))

    def case_days(self) -> list[str]:
        """Days that have cases, newest first."""
        with self.store.session() as s:
            q = select(WarningCaseRow.day).where(WarningCaseRow.hall_id == self.hall_id).distinct()
            return sorted(set(s.exec(q)), reverse=True)

    def run(self, day: str) -> WarningRunRow | None:
        with self.store.session() as s:
            return s.get(WarningRunRow, (self.hall_id, day))

    def recorded_days(self) -> list[str]:
        """Days whose warnings were recorded (each has its run), oldest first."""
        with self.store.session() as s:
            return sorted(s.exec(select(WarningRunRow.day).where(WarningRunRow.hall_id == self.hall_id)))

    def departments(self) -> list[DepartmentRow]:
        with self.store.session() as s:
            q = select(DepartmentRow).where(DepartmentRow.hall_id == self.hall_id).order_by(DepartmentRow.code)
            return list(s.exec(q))

    def department(self, code: str) -> DepartmentRow | None:
        with self.store.session() as s:
            return s.get(DepartmentRow, (self.hall_id, code))

    def member(self, staff_id: str) -> DepartmentMemberRow | None:
        with self.store.session() as s:
            return s.get(DepartmentMemberRow, (self.hall_id, staff_id))

    def members(self) -> list[DepartmentMemberRow]:
        with self.store.session() as s:
            q = select(DepartmentMemberRow).where(DepartmentMemberRow.hall_id == self.hall_id)
            return list(s.exec(q.order_by(DepartmentMemberRow.staff_id)))

    def spot_check(self, sample_id: str) -> SpotCheckRow | None:
        with self.store.session() as s:
            return s.get(SpotCheckRow, (self.hall_id, sample_id))

    def spot_checks(self) -> list[SpotCheckRow]:
        """Every spot check, newest first."""
        with self.store.session() as s:
            q = select(SpotCheckRow).where(SpotCheckRow.hall_id == self.hall_id)
            return list(s.exec(q.order_by(col(SpotCheckRow.committed_at).desc())))

    def case_events(self, kinds: Iterable[str]) -> list[tuple[int, str, dict[str, Any]]]:
        """(seq, kind, data) of the log's records of these kinds, in order."""
        with self.store.session() as s:
            q = select(EventRow.seq, EventRow.kind, EventRow.data).where(
                EventRow.hall_id == self.hall_id, col(EventRow.kind).in_(list(kinds))
            )
            return [(seq, kind, json.loads(data)) for seq, kind, data in s.exec(q.order_by(EventRow.seq))]

    def history(self, case_id: str, kinds: Iterable[str]) -> list[tuple[int, str, Any, dict[str, Any]]]:
        """(seq, kind, at, data) of the records of these kinds about one case, in order."""
        with self.store.session() as s:
            q = select(EventRow).where(
                EventRow.hall_id == self.hall_id,
                col(EventRow.kind).in_(list(kinds)),
                col(EventRow.data).contains(case_id),
            )
            rows = [(r.seq, r.kind, codec.utc(r.at), json.loads(r.data)) for r in s.exec(q.order_by(EventRow.seq))]
        return [r for r in rows if r[3].get("case") == case_id]

    def events_of_day(self, kinds: Iterable[str], staff_id: str, since: Any) -> int:
        """How many records of these kinds name this staff id since a moment (failed logins of the day)."""
        with self.store.session() as s:
            q = select(EventRow.data).where(
                EventRow.hall_id == self.hall_id, col(EventRow.kind).in_(list(kinds)), col(EventRow.at) >= since
            )
            return sum(1 for data in s.exec(q) if json.loads(data).get("staff_id") == staff_id)


def console_roles_by_hall(store: Store, staff_id: str) -> dict[str, str]:
    """hall -> the person's role there, for every hall of the database where this staff id is active."""
    with store.session() as s:
        q = select(OfficerRow).where(OfficerRow.staff_id == staff_id, col(OfficerRow.active).is_(True))
        return {r.hall_id: r.role for r in s.exec(q)}

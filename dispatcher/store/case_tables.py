"""Tables of 预警处置 (revision 0004): warnings as records, departments, and the supervisor's spot checks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime, Index, Text
from sqlmodel import Field, SQLModel


def _ts(**kw) -> Field:  # type: ignore[valid-type]
    return Field(default=None, sa_column=Column(DateTime(timezone=True), **kw))


def _text(**kw) -> Field:  # type: ignore[valid-type]
    return Field(default=None, sa_column=Column(Text, **kw))


class WarningCaseRow(SQLModel, table=True):
    """One warning with its identity (hall, day, rule, subject), its evidence and where its disposition stands.

    A projection of the log's warning.* events: `fairq audit verify` compares every row with them.
    """

    __tablename__ = "warning_case"
    __table_args__ = (Index("ix_warning_case_hall_day", "hall_id", "day"),)
    hall_id: str = Field(primary_key=True)
    id: str = Field(primary_key=True)
    day: str
    rule: str
    subject: str
    title: str
    staff_id: str | None = None
    tickets: str = "[]"  # JSON list of labels
    evidence: str = _text(nullable=False)
    data: str = _text(nullable=False)  # JSON: the rule's numbers
    live: bool = False  # raised during the day, not at its close
    raised_at: datetime | None = _ts(nullable=False)
    deadline: str  # YYYY-MM-DD, in working days after the day
    department: str | None = None
    state: str = "open"
    assignee: str | None = None  # "department:CODE" or "staff:ID"
    explanation: str | None = _text(nullable=True)
    reference: str | None = None
    note: str | None = _text(nullable=True)  # the supervisor's last word (closing or sending back)
    updated_at: datetime | None = _ts(nullable=False)


class WarningRunRow(SQLModel, table=True):
    """The last time a day's rules were run for the records, and with which thresholds."""

    __tablename__ = "warning_run"
    hall_id: str = Field(primary_key=True)
    day: str = Field(primary_key=True)
    digest: str
    thresholds: str = _text(nullable=False)
    at: datetime | None = _ts(nullable=False)
    cases: int = 0


class DepartmentRow(SQLModel, table=True):
    __tablename__ = "department"
    hall_id: str = Field(primary_key=True)
    code: str = Field(primary_key=True)
    name: str
    head: str | None = None  # staff id of the head (科长), who explains the department's warnings


class DepartmentMemberRow(SQLModel, table=True):
    __tablename__ = "department_member"
    hall_id: str = Field(primary_key=True)
    staff_id: str = Field(primary_key=True)
    department: str


class SpotCheckRow(SQLModel, table=True):
    """A spot check of closed dispositions: committed (seed sealed), then drawn (seed revealed), then reviewed."""

    __tablename__ = "spot_check"
    hall_id: str = Field(primary_key=True)
    id: str = Field(primary_key=True)
    commitment: str
    seed: str  # sealed while committed; the revealed hex once drawn
    population: str = _text(nullable=False)  # JSON list of case ids
    size: int
    state: str = "committed"
    chosen: str | None = _text(nullable=True)  # JSON list of case ids
    reviews: str = _text(nullable=False)  # JSON: case id -> {"outcome", "note", "by"}
    by: str
    committed_at: datetime | None = _ts(nullable=False)
    drawn_at: datetime | None = _ts(nullable=True)

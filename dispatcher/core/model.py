"""Plain data of the hall: categories, counters, officers, tickets, draws, events."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from protocol import CounterState, TicketState


@dataclass(frozen=True)
class Category:
    """A kind of business (业务类型) with its own letter and pooled queue."""

    code: str
    name_zh: str
    name_en: str
    priority: int = 0  # 0 is served first
    requires_declaration: bool = False
    requires_enterprise: bool = False
    io_flag: str | None = None  # "1" import or "0" export declarations only
    target_wait_min: int = 15


@dataclass(frozen=True)
class CounterSpec:
    """A counter (窗口) as configured: which categories it may serve."""

    number: int
    categories: frozenset[str]
    name: str = ""


@dataclass(frozen=True)
class Officer:
    """An officer as the core needs them: who, and which enterprises they must not serve (回避)."""

    staff_id: str
    name: str
    recusals: frozenset[str] = frozenset()


@dataclass
class Ticket:
    """One trader's ticket for one declaration drop-off."""

    id: int
    day: str
    seq: int
    label: str
    category: str
    issued_at: datetime
    state: TicketState = TicketState.WAITING
    declaration_no: str | None = None
    enterprise_code: str | None = None
    kiosk: str | None = None
    idempotency_key: str | None = None
    counter: int | None = None
    staff_id: str | None = None
    called_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    recalls: int = 0
    transfers: int = 0
    outcome: str | None = None
    rating: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready view used in events and replies."""
        return {
            "id": self.id,
            "day": self.day,
            "label": self.label,
            "category": self.category,
            "state": str(self.state),
            "issued_at": self.issued_at.isoformat(),
            "declaration_no": self.declaration_no,
            "enterprise_code": self.enterprise_code,
            "kiosk": self.kiosk,
            "counter": self.counter,
            "called_at": _iso(self.called_at),
            "started_at": _iso(self.started_at),
            "finished_at": _iso(self.finished_at),
            "recalls": self.recalls,
            "outcome": self.outcome,
            "rating": self.rating,
        }


@dataclass
class Counter:
    """A counter's state through the day."""

    spec: CounterSpec
    state: CounterState = CounterState.CLOSED
    staff_id: str | None = None
    ticket_id: int | None = None
    since: datetime | None = None  # when the current state began
    last_ticket_id: int | None = None  # for the evaluator's rating after Done

    @property
    def number(self) -> int:
        return self.spec.number


@dataclass
class Day:
    """A business day: its seed (secret until close), commitment and counters for numbering."""

    day: str
    seed: bytes = field(repr=False)  # secret until close: never in a log line or a traceback
    commitment: str
    is_open: bool = True
    draws: int = 0
    label_seq: dict[str, int] = field(default_factory=dict)
    opened_at: datetime | None = None
    closed_at: datetime | None = None


@dataclass(frozen=True)
class Draw:
    """One random assignment, with everything needed to re-run it from the seed."""

    day: str
    draw_no: int
    at: datetime
    ticket_candidates: tuple[int, ...]
    counter_candidates: tuple[int, ...]
    ticket_id: int
    counter: int
    category: str | None = None  # the category the queues chose (None under the mixed rule)
    head: int | None = None  # the ticket that decided it: the oldest of the best class
    head_class: int | None = None  # that ticket's priority class after ageing
    aged: tuple[int, ...] = ()  # head and candidates counted as top class because they waited past the limit

    def as_dict(self) -> dict[str, Any]:
        data = {
            "day": self.day,
            "draw_no": self.draw_no,
            "at": self.at.isoformat(),
            "ticket_candidates": list(self.ticket_candidates),
            "counter_candidates": list(self.counter_candidates),
            "ticket_id": self.ticket_id,
            "counter": self.counter,
        }
        if self.head is not None:
            data |= {
                "category": self.category,
                "head": self.head,
                "head_class": self.head_class,
                "aged": list(self.aged),
            }
        return data


@dataclass(frozen=True)
class CoreEvent:
    """Something that happened; the store gives it its sequence number."""

    kind: str
    at: datetime
    data: dict[str, Any]


@dataclass
class Changes:
    """What one command changed, for the store to write in one transaction."""

    events: list[CoreEvent] = field(default_factory=list)
    tickets: dict[int, Ticket] = field(default_factory=dict)
    counters: dict[int, Counter] = field(default_factory=dict)
    draws: list[Draw] = field(default_factory=list)
    day: Day | None = None
    # tickets whose only change is that they expired at this time (a day's close): one bulk write, not a row each
    expired: dict[datetime, list[int]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.events or self.tickets or self.counters or self.draws or self.day or self.expired)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None

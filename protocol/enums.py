"""States and roles shared by every part of fairq."""

from enum import StrEnum


class TicketState(StrEnum):
    """Where a ticket is in its life: waiting → called → serving → done, or one of the side exits."""

    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    DONE = "done"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"
    EXPIRED = "expired"

    @property
    def is_open(self) -> bool:
        """True while the ticket can still be served."""
        return self in OPEN_TICKET_STATES


OPEN_TICKET_STATES = frozenset({TicketState.WAITING, TicketState.CALLED, TicketState.SERVING})


class CounterState(StrEnum):
    """A counter is closed (nobody logged in), idle, ready for the next ticket, busy or paused."""

    CLOSED = "closed"
    IDLE = "idle"
    READY = "ready"
    BUSY = "busy"
    PAUSED = "paused"


class Role(StrEnum):
    """What a bearer token may do."""

    KIOSK = "kiosk"
    COUNTER = "counter"
    DISPLAY = "display"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"
    OFFICER = "officer"  # an officer's session at one counter, made by login


class OfficerRole(StrEnum):
    """An officer's standing in the hall."""

    OFFICER = "officer"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"
    HEAD = "head"  # a department head (科长): sees and explains their own department's warnings only


class Rating(StrEnum):
    """The five keys of a satisfaction evaluator (好差评); old three-level days use three of them."""

    VERY_SATISFIED = "very_satisfied"  # 非常满意
    SATISFIED = "satisfied"  # 满意
    BASICALLY_SATISFIED = "basically_satisfied"  # 基本满意
    UNSATISFIED = "unsatisfied"  # 不满意
    VERY_UNSATISFIED = "very_unsatisfied"  # 非常不满意


class PrinterState(StrEnum):
    """What a kiosk reports about its ticket printer."""

    OK = "ok"
    PAPER_NEAR_END = "paper_near_end"
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    OFFLINE = "offline"
    ERROR = "error"

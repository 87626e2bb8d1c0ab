"""The pure domain core: hall state machine, pooled random dispatch, verifiable draws."""

from .draws import commitment, draw_index, draw_message
from .errors import Conflict, DomainError, Invalid, NotFound
from .hall import Hall
from .model import Category, Changes, CoreEvent, Counter, CounterSpec, Day, Draw, Officer, Ticket

__all__ = [
    "Category",
    "Changes",
    "Conflict",
    "CoreEvent",
    "Counter",
    "CounterSpec",
    "Day",
    "DomainError",
    "Draw",
    "Hall",
    "Invalid",
    "NotFound",
    "Officer",
    "Ticket",
    "commitment",
    "draw_index",
    "draw_message",
]

"""The wire contract between the dispatcher and its clients: models, enums, validation."""

from .discovery import API_PREFIX, API_VERSION, SERVICE_TYPE
from .enums import (
    OPEN_TICKET_STATES,
    CounterState,
    OfficerRole,
    PrinterState,
    Rating,
    Role,
    TicketState,
)
from .validation import Problem, declaration_problem, enterprise_problem, normalise_enterprise

__all__ = [
    "API_PREFIX",
    "API_VERSION",
    "OPEN_TICKET_STATES",
    "SERVICE_TYPE",
    "CounterState",
    "OfficerRole",
    "PrinterState",
    "Problem",
    "Rating",
    "Role",
    "TicketState",
    "declaration_problem",
    "enterprise_problem",
    "normalise_enterprise",
]

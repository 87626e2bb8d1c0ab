"""What a trader is asking for, and whether the kiosk can serve: plain logic, no widgets."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from protocol import Problem, declaration_problem, enterprise_problem
from protocol.validation import DECLARATION_LENGTH, USCC_LENGTH

from .printing import BLOCKING_STATES


@dataclass
class TicketRequest:
    """One trader's request at the kiosk: a category, the numbers typed or scanned, one idempotency key."""

    category: dict[str, Any]
    declaration: str = ""
    enterprise: str = ""
    active: str = "declaration"
    key: str = field(default_factory=lambda: uuid.uuid4().hex)

    @property
    def needs_declaration(self) -> bool:
        return bool(self.category.get("requires_declaration"))

    @property
    def needs_enterprise(self) -> bool:
        return bool(self.category.get("requires_enterprise"))

    @property
    def needs_entry(self) -> bool:
        return self.needs_declaration or self.needs_enterprise

    def press(self, key: str) -> None:
        """A keypad key: a digit or letter, ``back`` or ``clear``, into the active field."""
        value = self.enterprise if self.active == "enterprise" else self.declaration
        limit = USCC_LENGTH if self.active == "enterprise" else DECLARATION_LENGTH
        if key == "back":
            value = value[:-1]
        elif key == "clear":
            value = ""
        elif len(key) == 1 and key.isalnum() and len(value) < limit:
            if self.active == "declaration" and not key.isdigit():
                return
            value += key.upper()
        self.set(self.active, value)

    def set(self, which: str, value: str) -> None:
        if which == "enterprise":
            self.enterprise = value.strip().upper()
        else:
            self.declaration = value.strip()

    def declaration_problem(self, *, complete: bool = False) -> Problem | None:
        """What is wrong with the number so far (or, with ``complete``, as a whole)."""
        if not self.needs_declaration and not self.declaration:
            return None
        if not complete and not self.declaration:
            return None
        return declaration_problem(self.declaration, partial=not complete, io_flag=self.category.get("io_flag"))

    def enterprise_problem(self, *, complete: bool = False) -> Problem | None:
        if not self.needs_enterprise and not self.enterprise:
            return None
        if not complete and len(self.enterprise) < USCC_LENGTH:
            return None  # 10 characters may be a customs code or the start of a credit code
        return enterprise_problem(self.enterprise)

    @property
    def ready(self) -> bool:
        """Everything needed is there and right: the ticket may be requested."""
        return self.declaration_problem(complete=True) is None and self.enterprise_problem(complete=True) is None


def category_for_code(categories: list[dict[str, Any]], code: str) -> dict[str, Any] | None:
    """The category a scanned declaration number belongs to, by its import/export digit."""
    if len(code) < 9:
        return None
    matches = [c for c in categories if c.get("requires_declaration") and c.get("io_flag") == code[8]]
    return matches[0] if len(matches) == 1 else None


def service_problem(*, link_up: bool, day_open: bool, printer_state: str) -> str | None:
    """Why the kiosk cannot serve now: ``link``, ``day_closed``, ``printer:<state>``; None if it can."""
    if not link_up:
        return "link"
    if not printer_state:
        return "printer:unknown"
    if printer_state in BLOCKING_STATES:
        return f"printer:{printer_state}"
    if not day_open:
        return "day_closed"
    return None

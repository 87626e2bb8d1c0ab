"""The database failures callers meet: a full disk, or a database out of reach (they answer 503)."""

from __future__ import annotations

from sqlalchemy.exc import InterfaceError, OperationalError

STORAGE_ERRORS: tuple[type[Exception], ...] = (OperationalError, InterfaceError)

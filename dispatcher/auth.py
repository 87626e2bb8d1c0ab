"""Tokens, PIN hashes and the login rate limit."""

from __future__ import annotations

import hashlib
import secrets
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from protocol import Role

_hasher = PasswordHasher()
# A hash to verify against when the staff id is unknown, so timing does not reveal which ids exist.
_DUMMY_HASH = _hasher.hash("not-a-pin")


def new_token() -> str:
    """A fresh bearer token (shown once, stored only as its hash); never begins with '-', so `--token T` parses."""
    while True:
        token = secrets.token_urlsafe(32)
        if not token.startswith("-"):
            return token


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def hash_pin(pin: str) -> str:
    return _hasher.hash(pin)


def verify_pin(pin_hash: str | None, pin: str) -> bool:
    """True if the PIN matches; spends the same effort when there is no hash."""
    try:
        return _hasher.verify(pin_hash or _DUMMY_HASH, pin) and pin_hash is not None
    except (VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True)
class Principal:
    """Who is calling: a device with a role, or an officer's session at one counter."""

    role: Role
    name: str
    device_id: int | None = None
    counter: int | None = None
    staff_id: str | None = None
    token_hash: str | None = None


class LoginLimiter:
    """Refuses logins for a while after too many failures for one staff id or one counter."""

    def __init__(self, *, attempts: int, window_s: int, clock: Callable[[], datetime]):
        self.attempts = attempts
        self.window = timedelta(seconds=window_s)
        self.clock = clock
        self._failures: dict[str, deque[datetime]] = defaultdict(deque)

    def _recent(self, key: str) -> deque[datetime]:
        failures = self._failures[key]
        cutoff = self.clock() - self.window
        while failures and failures[0] < cutoff:
            failures.popleft()
        return failures

    def retry_after_s(self, *keys: str) -> int:
        """Seconds until a login may be tried again; 0 if allowed now."""
        wait = 0
        for key in keys:
            failures = self._recent(key)
            if len(failures) >= self.attempts:
                wait = max(wait, int((failures[0] + self.window - self.clock()).total_seconds()) + 1)
        return wait

    def failed(self, *keys: str) -> None:
        for key in keys:
            self._failures[key].append(self.clock())

    def succeeded(self, *keys: str) -> None:
        for key in keys:
            self._failures.pop(key, None)

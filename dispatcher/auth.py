"""Tokens, PIN hashes, the PIN-guessing guard and the per-device rate limits."""

from __future__ import annotations

import functools
import hashlib
import math
import os
import secrets
import threading
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from dispatcher.core import DomainError
from protocol import Role
from protocol.events import OfficerLoginAlert

_hasher = PasswordHasher()
# Each argon2 check takes memory_cost (64 MiB) while it runs: a login storm of a hundred counters would take
# gigabytes at once. So only this many run at a time (one per core, at most 4: more would not finish
# sooner); the other callers wait their turn, none is refused.
PIN_CHECKS_AT_ONCE = max(1, min(4, os.cpu_count() or 1))
_pin_checks = threading.BoundedSemaphore(PIN_CHECKS_AT_ONCE)
PIN_MIN_DIGITS = 6
PIN_MAX_DIGITS = 12


def new_token() -> str:
    """A fresh bearer token (shown once, stored only as its hash); never begins with '-', so `--token T` parses."""
    while True:
        token = secrets.token_urlsafe(32)
        if not token.startswith("-"):
            return token


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def hash_pin(pin: str) -> str:
    with _pin_checks:
        return _hasher.hash(pin)


@functools.cache
def _dummy_hash() -> str:
    """A hash to verify against when the staff id is unknown, so timing does not reveal which ids exist.

    Made at the first need, not at import: an argon2 hash at every start of the dispatcher (and of every
    CLI) delayed the restart that clients wait for.
    """
    return _hasher.hash("not-a-pin")


def verify_pin(pin_hash: str | None, pin: str) -> bool:
    """True if the PIN matches; spends the same effort when there is no hash (one of PIN_CHECKS_AT_ONCE)."""
    try:
        with _pin_checks:
            return _hasher.verify(pin_hash or _dummy_hash(), pin) and pin_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def pin_is_strong(pin: str) -> bool:
    """A PIN new officers may have: 6 to 12 digits (a 4-digit space falls in minutes)."""
    return pin.isascii() and pin.isdigit() and PIN_MIN_DIGITS <= len(pin) <= PIN_MAX_DIGITS


@dataclass(frozen=True)
class Principal:
    """Who is calling: a device with a role, or an officer's session at one counter."""

    role: Role
    name: str
    device_id: int | None = None
    counter: int | None = None
    staff_id: str | None = None
    token_hash: str | None = None


@dataclass(frozen=True)
class LoginPolicy:
    """How hard PIN guessing is made: free tries per device, growing delays, a hall-wide alert."""

    attempts: int = 5  # wrong PINs per (staff id, device) before delays start
    delay_s: int = 30  # the first delay; each further wrong PIN doubles it…
    max_delay_s: int = 300  # …up to this
    alert_attempts: int = 10  # wrong PINs for one staff id across the hall within window_s: the supervisor is told
    window_s: int = 3600  # wrong PINs older than this are forgotten


@dataclass
class _Tries:
    count: int = 0  # attempts since the last success, counted when they begin
    last: datetime | None = None


@dataclass
class LoginAlert:
    """The hall-wide limit for one staff id was reached: an audit event for the supervisor."""

    staff_id: str
    failures: int
    devices: list[str] = field(default_factory=list)
    window_s: int = 0

    def as_event(self) -> OfficerLoginAlert:
        return OfficerLoginAlert(
            staff_id=self.staff_id, failures=self.failures, devices=self.devices, window_s=self.window_s
        )


class LoginGuard:
    """Counts PIN attempts per (staff id, device) before the hash is checked, so no failure can race a check.

    Past `attempts`, each further try waits a doubling delay at that device only: an officer whose
    id is attacked from other counters still logs in at their own. Failures across the whole hall
    are tallied per staff id; reaching `alert_attempts` raises one alert per window (no lockout).
    """

    def __init__(self, policy: LoginPolicy | None = None, *, clock: Callable[[], datetime]):
        self.policy = policy or LoginPolicy()
        self.clock = clock
        self._lock = threading.Lock()
        self._tries: dict[tuple[str, str], _Tries] = defaultdict(_Tries)
        self._failures: dict[str, deque[tuple[datetime, str]]] = defaultdict(deque)
        self._alerted: dict[str, datetime] = {}
        self.evaluated = 0  # attempts let through to the hash check (tests and metrics read it)

    KEEP = 10000  # tallies kept before the stale ones are dropped (staff ids are whatever a caller sends)

    def _forget(self, now: datetime) -> None:
        cutoff = now - timedelta(seconds=self.policy.window_s)
        for key in [k for k, t in self._tries.items() if t.last is None or t.last < cutoff]:
            del self._tries[key]
        for staff in [s for s, f in self._failures.items() if not f or f[-1][0] < cutoff]:
            del self._failures[staff]

    def _delay(self, count: int) -> float:
        extra = count - self.policy.attempts
        if extra < 0:
            return 0.0
        return float(min(self.policy.max_delay_s, self.policy.delay_s * 2 ** min(extra, 30)))

    def begin(self, staff_id: str, device: str) -> None:
        """Count an attempt now, or raise Throttled; only a counted attempt may check a PIN."""
        with self._lock:
            now = self.clock()
            if len(self._tries) > self.KEEP:
                self._forget(now)
            tries = self._tries[(staff_id, device)]
            if tries.last is not None and now - tries.last > timedelta(seconds=self.policy.window_s):
                tries.count = 0
            if tries.last is not None:
                wait = (tries.last + timedelta(seconds=self._delay(tries.count)) - now).total_seconds()
                if wait > 0:
                    wait_s = max(1, math.ceil(wait))
                    raise Throttled("too_many_attempts", f"Too many wrong PINs; try again in {wait_s} s.", wait_s)
            tries.count += 1
            tries.last = now
            self.evaluated += 1

    def failed(self, staff_id: str, device: str) -> LoginAlert | None:
        """A counted attempt had the wrong PIN; returns an alert when the hall-wide limit is reached."""
        with self._lock:
            now = self.clock()
            failures = self._failures[staff_id]
            failures.append((now, device))
            cutoff = now - timedelta(seconds=self.policy.window_s)
            while failures and failures[0][0] < cutoff:
                failures.popleft()
            if len(failures) < self.policy.alert_attempts:
                return None
            alerted = self._alerted.get(staff_id)
            if alerted is not None and alerted >= cutoff:
                return None
            self._alerted[staff_id] = now
            return LoginAlert(staff_id, len(failures), sorted({d for _, d in failures}), window_s=self.policy.window_s)

    def succeeded(self, staff_id: str, device: str) -> None:
        """The right PIN at this device: its delays start over (other devices keep theirs)."""
        with self._lock:
            self._tries.pop((staff_id, device), None)


class RateLimit:
    """At most `count` actions per `per_s` seconds for each key (a sliding window); 0 turns it off."""

    def __init__(self, count: int, per_s: float, *, clock: Callable[[], datetime]):
        self.count, self.per = count, timedelta(seconds=per_s)
        self.clock = clock
        self._lock = threading.Lock()
        self._seen: dict[str, deque[datetime]] = defaultdict(deque)

    def take(self, key: str) -> int:
        """Count one action and return 0, or return the seconds to wait (nothing counted)."""
        if self.count <= 0:
            return 0
        with self._lock:
            now = self.clock()
            seen = self._seen[key]
            while seen and seen[0] <= now - self.per:
                seen.popleft()
            if len(seen) >= self.count:
                return max(1, math.ceil((seen[0] + self.per - now).total_seconds()))
            seen.append(now)
            return 0


class Throttled(DomainError):
    """Too many attempts or requests just now: 429 with `Retry-After`."""

    status = 429

    def __init__(self, code: str, message: str, retry_after_s: int):
        super().__init__(code, message)
        self.retry_after_s = retry_after_s

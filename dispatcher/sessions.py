"""Officer sessions: PIN login through the guard, one session per officer, and their end.

A session ends when its officer logs in again (anywhere), when the counter PC that made it is
revoked, when it has been idle for `session_idle_s`, and at close of day. Its end is an
`officer.session_ended` event, on which open streams check their token and close.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from dispatcher.auth import LoginGuard, LoginPolicy, hash_pin, new_token, pin_is_strong, token_hash, verify_pin
from dispatcher.core import Conflict, DomainError, Invalid
from dispatcher.store.codec import officer_from_row, utc
from dispatcher.store.tables import SessionRow
from protocol import TicketState
from protocol.events import OfficerLoginFailed, OfficerPinChanged, OfficerSessionEnded, Payload
from protocol.models import LoginResponse

if TYPE_CHECKING:
    from dispatcher.service import HallService


class BadCredentials(DomainError):
    status = 401


class WrongPin(DomainError):
    status = 403


@dataclass(frozen=True)
class Limits:
    """The service's abuse limits, from the settings."""

    login: LoginPolicy = field(default_factory=LoginPolicy)
    session_idle_s: int = 7200
    issue_per_minute: int = 30

    @classmethod
    def from_settings(cls, settings: Any) -> Limits:
        return cls(
            login=LoginPolicy(
                attempts=settings.login_attempts,
                delay_s=settings.login_delay_s,
                max_delay_s=settings.login_lockout_s,
                alert_attempts=settings.login_alert_attempts,
            ),
            session_idle_s=settings.session_idle_s,
            issue_per_minute=settings.issue_per_minute,
        )


class Sessions:
    """Owned by the service: logs officers in and out of sessions; the guard sees every PIN first."""

    def __init__(self, svc: HallService, limits: Limits):
        self.svc = svc
        self.guard = LoginGuard(limits.login, clock=svc.clock)
        self.idle = timedelta(seconds=limits.session_idle_s) if limits.session_idle_s > 0 else None
        self.started = svc.clock()  # after a restart every session gets a full idle period
        self.seen: dict[str, datetime] = {}  # token hash -> last request

    # ---- PINs ---------------------------------------------------------------------------

    def _check_pin(self, staff_id: str, pin: str, *, device: str, counter: int | None, purpose: str):
        """The officer's row if the PIN is right; the attempt was counted before the hash is looked at."""
        self.guard.begin(staff_id, device)  # raises Throttled
        row = self.svc.store.officer(staff_id)
        ok = verify_pin(row.pin_hash if row else None, pin) and row is not None and row.active
        if ok:
            self.guard.succeeded(staff_id, device)
            return row
        alert = self.guard.failed(staff_id, device)
        audit: list[Payload] = [OfficerLoginFailed(counter=counter, staff_id=staff_id, device=device, purpose=purpose)]
        if alert:
            audit.append(alert.as_event())
        self.svc.record(*audit)
        return None

    def login(self, *, counter: int, staff_id: str, pin: str, device: str) -> LoginResponse:
        """Log an officer in at a counter; ends the officer's other sessions; says if the PIN must change."""
        svc = self.svc
        row = self._check_pin(staff_id, pin, device=device, counter=counter, purpose="login")
        if row is None:
            raise BadCredentials("bad_credentials", "Wrong staff id or PIN.")
        token = new_token()
        officer = officer_from_row(row)

        def command(hall):
            hall.set_officer(officer)
            for other in list(hall.counters.values()):
                if other.staff_id == officer.staff_id and other.number != counter:
                    self._logout(hall, other.number, elsewhere=True)
            hall.login(counter, officer.staff_id)
            current = hall.current_ticket(counter)
            return LoginResponse(
                token=token,
                counter=counter,
                staff_id=officer.staff_id,
                name=officer.name,
                current_ticket=svc.ticket_public(current) if current else None,
                must_change_pin=not pin_is_strong(pin),
            )

        with svc.lock:
            ended = svc.store.revoke_sessions(staff_id=officer.staff_id)
            session = SessionRow(
                token_hash=token_hash(token), hall_id=svc.store.hall_id, staff_id=officer.staff_id, counter=counter,
                created_at=svc.clock(),
            )  # fmt: skip
            return svc.run(command, rows=[*ended, session], audit=_ended(ended, "new_login"))

    def change_pin(self, *, staff_id: str, counter: int, pin: str, new_pin: str) -> None:
        """An officer sets a new PIN (6 to 12 digits) with the current one; guarded like a login."""
        if not pin_is_strong(new_pin):
            raise Invalid("weak_pin", "A new PIN has 6 to 12 digits.")
        if new_pin == pin:
            raise Invalid("same_pin", "The new PIN must differ from the current one.")
        row = self._check_pin(staff_id, pin, device=f"session:{counter}", counter=counter, purpose="pin_change")
        if row is None:
            raise WrongPin("wrong_pin", "The current PIN is wrong.")
        row.pin_hash = hash_pin(new_pin)
        self.svc.record(OfficerPinChanged(staff_id=staff_id, counter=counter), rows=[row])

    # ---- living and ending --------------------------------------------------------------

    def alive(self, row: SessionRow) -> bool:
        """Not revoked and not idle for too long."""
        if row.revoked:
            return False
        if self.idle is None:
            return True
        last = self.seen.get(row.token_hash) or max(utc(row.created_at) or self.started, self.started)
        return self.svc.clock() - last < self.idle

    def touch(self, digest: str) -> None:
        """A request came with this session's token."""
        self.seen[digest] = self.svc.clock()

    def end(self, rows: Iterable[SessionRow], why: str, *, audit=(), extra_rows=(), command=None) -> None:
        """End these sessions in one commit (with `command` and `extra_rows`), logging their officers out."""
        rows = list(rows)

        def run(hall):
            result = command(hall) if command else None
            for r in rows:
                counter = hall.counters.get(r.counter)
                if counter is not None and counter.staff_id == r.staff_id:
                    self._logout(hall, r.counter, elsewhere=False)
            return result

        for r in rows:
            r.revoked = True
            self.seen.pop(r.token_hash, None)
        self.svc.run(run, audit=[*audit, *_ended(rows, why)], rows=[*rows, *extra_rows])

    def expire_idle(self) -> None:
        """End the sessions idle for longer than `session_idle_s` (called by the service's tick)."""
        if self.idle is None:
            return
        with self.svc.lock:
            sessions = self.svc.store.open_sessions()
            for digest in set(self.seen) - {r.token_hash for r in sessions}:
                del self.seen[digest]  # ended by a logout
            idle = [r for r in sessions if not self.alive(r)]
            if idle:
                self.end(idle, "idle")

    @staticmethod
    def _logout(hall, number: int, *, elsewhere: bool) -> None:
        """Close a counter whose session ends; a ticket in service stays with it (the officer may log in again)."""
        current = hall.current_ticket(number)
        if current is not None and current.state == TicketState.SERVING:
            if elsewhere:
                raise Conflict(
                    "officer_elsewhere", f"You are serving {current.label} at counter {number}: finish it there first."
                )
            return
        hall.logout(number)


def _ended(rows: Iterable[SessionRow], why: str) -> list[OfficerSessionEnded]:
    return [OfficerSessionEnded(counter=r.counter, staff_id=r.staff_id, why=why) for r in rows]

"""Console accounts: passwords of supervisors and admins, their sessions, and officer changes by a person.

Every change runs through the service's one audited path, attributed to the person (`by`).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from dispatcher import admin
from dispatcher.auth import (
    PIN_MAX_DIGITS,
    PIN_MIN_DIGITS,
    Principal,
    Throttled,
    hash_pin,
    new_token,
    pin_is_strong,
    token_hash,
    verify_pin,
)
from dispatcher.core import Invalid, NotFound
from dispatcher.service import HallService
from dispatcher.store import codec
from dispatcher.store.console import ConsoleStore
from dispatcher.store.tables import ConsoleSessionRow, OfficerRow
from protocol import OfficerRole, Role, enterprise_problem, normalise_enterprise
from protocol.events import (
    AdminOfficer,
    AdminOfficerPassword,
    AdminOfficerPin,
    ConsoleLogin,
    ConsoleLoginFailed,
    ConsoleLogout,
    ConsoleReportViewed,
    Payload,
)
from protocol.models import OfficerPublic

CONSOLE_ROLES = frozenset({OfficerRole.SUPERVISOR.value, OfficerRole.ADMIN.value, OfficerRole.HEAD.value})
MANAGER_ROLES = frozenset({OfficerRole.SUPERVISOR.value, OfficerRole.ADMIN.value})  # a head sees warnings only
PASSWORD_MIN, PASSWORD_MAX = 10, 128
SESSION_MAX_AGE = timedelta(hours=12)  # even a busy session logs in again every day
TOUCH_EVERY = timedelta(seconds=15)  # do not write the last-seen time on every request


@dataclass(frozen=True)
class Viewer:
    """The person behind a console request, as the database says now (role re-read on every request)."""

    staff_id: str
    name: str
    role: str
    csrf: str
    token_hash: str

    @property
    def is_admin(self) -> bool:
        return self.role == OfficerRole.ADMIN.value


class LoginRefused(Exception):
    """A console login that did not succeed: a message key for the page, and when to retry if throttled."""

    def __init__(self, key: str, retry_after_s: int = 0):
        super().__init__(key)
        self.key, self.retry_after_s = key, retry_after_s


def check_password(password: str) -> None:
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise Invalid("bad_password", f"A console password has {PASSWORD_MIN} to {PASSWORD_MAX} characters.")


def _officer(svc: HallService, staff_id: str) -> OfficerRow:
    row = svc.store.officer(staff_id)
    if row is None:
        raise NotFound("officer_not_found", f"No officer {staff_id}.")
    return row


def _end_sessions(svc: HallService, staff_id: str) -> list[ConsoleSessionRow]:
    rows = ConsoleStore(svc.store).sessions_of(staff_id)
    for row in rows:
        row.revoked = True
    return rows


def set_password(svc: HallService, staff_id: str, password: str, *, by: str) -> None:
    """Set or reset a console password; the person's open sessions end."""
    check_password(password)
    row = _officer(svc, staff_id)
    row.password_hash = hash_pin(password)
    svc.record(AdminOfficerPassword(by=by, staff_id=staff_id), rows=[row, *_end_sessions(svc, staff_id)])


def set_pin(svc: HallService, staff_id: str, pin: str, *, by: str) -> None:
    """Reset an officer's counter PIN."""
    if not pin_is_strong(pin):  # the same rule as for new officers (dispatcher.auth)
        raise Invalid("bad_pin", f"A PIN has {PIN_MIN_DIGITS} to {PIN_MAX_DIGITS} digits.")
    row = _officer(svc, staff_id)
    row.pin_hash = hash_pin(pin)
    svc.record(AdminOfficerPin(by=by, staff_id=staff_id), rows=[row])


def update_officer(
    svc: HallService, staff_id: str, *, name: str, role: OfficerRole, recusals: list[str], by: str
) -> OfficerPublic:
    """Change an officer's name, role or recusals, keeping PIN and password; a lost console role ends sessions."""
    row = _officer(svc, staff_id)
    codes = []
    for code in recusals:
        problem = enterprise_problem(code)
        if problem:
            raise Invalid(problem.code, f"Recusal {code}: {problem.message}")
        codes.append(normalise_enterprise(code))
    if not name.strip():
        raise Invalid("name_required", "An officer needs a name.")
    row.name, row.role, row.recusals = name.strip(), str(role), ",".join(codes)
    public = OfficerPublic(staff_id=row.staff_id, name=row.name, role=role, recusals=codes, active=row.active)
    ended = [] if row.role in CONSOLE_ROLES else _end_sessions(svc, staff_id)
    command = (lambda hall: hall.set_officer(codec.officer_from_row(row))) if row.active else (lambda hall: None)
    svc.run(command, audit=[AdminOfficer(by=by, officer=public)], rows=[row, *ended])
    return public


def deactivate(svc: HallService, staff_id: str, *, by: str) -> OfficerPublic:
    """Deactivate an officer (through the admin function) and end their console sessions."""
    public = admin.remove_officer(svc, staff_id, by=by)
    ended = _end_sessions(svc, staff_id)
    if ended:
        svc.record(rows=ended)
    return public


def has_password(svc: HallService) -> dict[str, bool]:
    """staff id -> whether the officer has a console password (the officers page shows it, never the hash)."""
    return {r.staff_id: bool(r.password_hash) for r in svc.store.officers()}


def is_officer(svc: HallService, staff_id: str) -> bool:
    """Whether the hall has an officer row with this staff id (active or not)."""
    return svc.store.officer(staff_id) is not None


def warnings_only(svc: HallService, staff_id: str) -> bool:
    """A console person who sees the warnings pages only (a department head, not a supervisor or admin)."""
    person = svc.store.officer(staff_id)
    return person is not None and person.role not in MANAGER_ROLES


# ---- sessions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class NewSession:
    token: str
    csrf: str


def login(svc: HallService, staff_id: str, password: str, *, source: str) -> NewSession:
    """Check a password under the PIN logins' throttle; every attempt is in the audit log."""
    guard, device = svc.sessions.guard, f"console:{source}"  # the PIN logins' guard: per staff id and place
    try:
        guard.begin(staff_id, device)
    except Throttled as err:
        raise LoginRefused("throttled", err.retry_after_s) from None
    row = svc.store.officer(staff_id)
    ok = verify_pin(row.password_hash if row else None, password)
    if not ok or row is None or not row.active or row.role not in CONSOLE_ROLES:
        alert = guard.failed(staff_id, device)
        audit: list[Payload] = [ConsoleLoginFailed(staff_id=staff_id, source=source)]
        if alert:
            audit.append(alert.as_event())
        svc.record(*audit)
        raise LoginRefused("bad_login")
    guard.succeeded(staff_id, device)
    token, csrf, now = new_token(), secrets.token_urlsafe(24), svc.clock()
    session = ConsoleSessionRow(
        token_hash=token_hash(token), hall_id=svc.store.hall_id, staff_id=staff_id, csrf=csrf,
        created_at=now, seen_at=now,
    )  # fmt: skip
    svc.record(ConsoleLogin(staff_id=staff_id, role=row.role, source=source), rows=[session])
    return NewSession(token=token, csrf=csrf)


def authenticate(svc: HallService, token: str | None, *, idle_s: int, activity: bool = True) -> Viewer | None:
    """The person behind a session cookie, or None: unknown, logged out, idle too long, too old, or no longer staff."""
    if not token:
        return None
    digest = token_hash(token)
    store = ConsoleStore(svc.store)
    session = store.session(digest)
    if session is None or session.revoked:
        return None
    now = svc.clock()
    seen, created = codec.utc(session.seen_at) or now, codec.utc(session.created_at) or now  # never None (NOT NULL)
    if now - seen > timedelta(seconds=idle_s) or now - created > SESSION_MAX_AGE:
        return None
    row = svc.store.officer(session.staff_id)
    if row is None or not row.active or row.role not in CONSOLE_ROLES:
        return None
    if activity and now - seen > TOUCH_EVERY:  # a page's own refreshes are not a person at work
        store.touch(digest, now)
    return Viewer(staff_id=row.staff_id, name=row.name, role=row.role, csrf=session.csrf, token_hash=digest)


def logout(svc: HallService, viewer: Viewer) -> None:
    session = ConsoleStore(svc.store).session(viewer.token_hash)
    if session is None:
        return
    session.revoked = True
    svc.record(ConsoleLogout(staff_id=viewer.staff_id), rows=[session])


def principal_for(svc: HallService, token: str | None, *, idle_s: int) -> Principal | None:
    """A console session as a principal of the event stream (read-only use)."""
    viewer = authenticate(svc, token, idle_s=idle_s, activity=False)
    if viewer is None:
        return None
    return Principal(
        role=Role(viewer.role), name=viewer.staff_id, staff_id=viewer.staff_id, token_hash=viewer.token_hash
    )


def report_viewed(svc: HallService, viewer: Viewer, day: str, what: str) -> None:
    """Who looked at which day's report, and in what form."""
    svc.record(ConsoleReportViewed(by=viewer.staff_id, day=day, format=what))

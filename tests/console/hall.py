"""Console test halls: accounts with passwords, and a closed day (yesterday) written with a clock set back."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from dispatcher import admin
from dispatcher.console import accounts
from dispatcher.service import HallService
from dispatcher.settings import Settings
from dispatcher.wiring import build_service
from protocol.models import DeviceCreate, OfficerCreate

ADMIN, SUPERVISOR, OFFICER = "A001", "S001", "O001"
PASSWORD = "correct horse battery"
TZ = ZoneInfo("Asia/Shanghai")


class Clock:
    """A clock that moves only when told."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def add_people(svc: HallService, *, admin_name: str = "王管理", supervisor_name: str = "李主管") -> None:
    """An admin and a supervisor with console passwords, and a counter officer (PIN only)."""
    people = [(ADMIN, admin_name, "admin"), (SUPERVISOR, supervisor_name, "supervisor"), (OFFICER, "张关员", "officer")]
    for staff_id, name, role in people:
        admin.add_officer(svc, OfficerCreate(staff_id=staff_id, name=name, pin="123456", role=role), by="test")
        accounts.set_password(svc, staff_id, PASSWORD, by="test")


def add_officers(settings: Settings, names: dict[str, str]) -> None:
    """Counter officers (PIN 1234) in the settings' database."""
    svc = build_service(settings)
    try:
        for staff_id, name in names.items():
            admin.add_officer(svc, OfficerCreate(staff_id=staff_id, name=name, pin="123456"), by="test")
    finally:
        svc.store.engine.dispose()


def yesterday() -> str:
    return (datetime.now(TZ).date() - timedelta(days=1)).isoformat()


def closed_yesterday(settings: Settings, tickets: int = 3) -> str:
    """Yesterday as a served and closed business day in the settings' database; returns the day."""
    day = datetime.now(TZ).date() - timedelta(days=1)
    clock = Clock(datetime.combine(day, time(9, 0), TZ).astimezone(UTC))  # the store keeps UTC
    svc = build_service(settings, clock=clock)
    try:
        svc.tick()  # opens yesterday
        add_people(svc)
        svc.run(lambda h: h.login(8, OFFICER))
        for _ in range(tickets):
            clock.now += timedelta(minutes=3)
            svc.run(lambda h: h.issue_ticket(category="C"))
            svc.run(lambda h: h.next(8))
            clock.now += timedelta(minutes=1)
            svc.run(lambda h: h.start(8))
            clock.now += timedelta(minutes=4)
            svc.run(lambda h: h.complete(8))
        svc.run(lambda h: h.logout(8))
        admin.close_day(svc, by="test")
    finally:
        svc.store.engine.dispose()
    return day.isoformat()


def enrol(settings: Settings, role: str, name: str, counter: int | None = None) -> str:
    svc = build_service(settings)
    try:
        return admin.add_device(svc, DeviceCreate(name=name, role=role, counter=counter), by="test").token
    finally:
        svc.store.engine.dispose()


def csrf_of(html: str) -> str:
    """The CSRF token a page's forms carry."""
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)

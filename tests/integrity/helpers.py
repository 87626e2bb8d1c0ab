"""Scripted halls for the rule tests, and a real service day for the chain, proof and report tests."""

from __future__ import annotations

import importlib.util
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from dispatcher.admin import add_officer
from dispatcher.core import CoreEvent, Hall
from dispatcher.integrity import DayLog, RiskWarning, Thresholds, run_rules, verify_day
from dispatcher.service import HallService
from dispatcher.settings import Settings
from dispatcher.store.codec import canonical_json
from dispatcher.store.hashchain import event_hash
from dispatcher.wiring import build_service
from protocol.events import OfficerLoginFailed
from protocol.models import OfficerCreate

from .gen import HOURS, OPEN, FakeClock, make_hall

ROOT = Path(__file__).resolve().parents[2]
VERIFIER = ROOT / "tools" / "verify_day.py"


def standalone():
    """tools/verify_day.py as a module (it is a script, not part of any package)."""
    spec = importlib.util.spec_from_file_location("verify_day", VERIFIER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


verifier = standalone()


def package_says(bundle: dict) -> str:
    verdict = verify_day(DayLog.from_bundle(bundle))
    return "OK" if verdict.ok else str(verdict.first)


def standalone_says(bundle: dict) -> str:
    try:
        return "OK " + verifier.verify(bundle)
    except verifier.Failed as err:
        return str(err)


def rehash(bundle: dict, start: int = 0) -> None:
    """What a careful forger does: recompute every hash from record `start` on, and the head."""
    records = bundle["records"]
    prev = records[start - 1]["hash"] if start else bundle["anchor"]
    for r in records[start:]:
        r["prev_hash"] = prev
        r["hash"] = prev = event_hash(prev, r["seq"], r["kind"], r["at"], canonical_json(r["data"]))
    bundle["head"] = prev


@dataclass
class Act:
    """What an officer does with one called ticket."""

    service_s: float = 300.0
    outcome: str = "done"  # done, no_show, transfer
    recall: bool = False
    rating: str | None = None


class Script:
    """A pure hall driven step by step; every event is kept, the day.opened one included."""

    def __init__(self, *, counters: int = 3, seed: int = 1, start: datetime | None = None, login: bool = True):
        self.clock = FakeClock(start or OPEN)
        self.hall: Hall = make_hall(self.clock, counters=counters, seed=seed)
        self.events: list[CoreEvent] = []
        self.rng = random.Random(seed)
        self.run(lambda h: h.open_day())
        if login:
            for n in self.hall.counters:
                self.run(lambda h, n=n: h.login(n, f"O{n}"))
                self.run(lambda h, n=n: h.next(n))

    def run(self, command: Callable[[Hall], object]):
        result = command(self.hall)
        self.events += self.hall.take_changes().events
        return result

    def advance(self, seconds: float) -> None:
        self.clock.now += timedelta(seconds=seconds)

    def add(self, kind: str, data: dict) -> None:
        """An event the service (not the core) writes, such as a failed login."""
        self.events.append(CoreEvent(kind=kind, at=self.clock(), data=data))

    def busy(self) -> list[int]:
        return [n for n, c in self.hall.counters.items() if c.ticket_id is not None]

    def serve(self, tickets: int, policy: Callable[[str], Act], *, enterprise: str | None = None) -> None:
        """Issue tickets one at a time; whoever the draw picks acts by the policy, then presses Next."""
        for _ in range(tickets):
            self.advance(60)
            self.run(lambda h: h.issue_ticket(category="A", enterprise_code=enterprise))
            while self.busy():
                n = self.busy()[0]
                ticket = self.hall.counters[n].ticket_id
                self.act(n, ticket, policy(f"O{n}") if self.hall.tickets[ticket].transfers == 0 else Act())

    def act(self, n: int, ticket: int, act: Act) -> None:
        self.advance(20)
        if act.recall:
            self.run(lambda h: h.recall(n))
            self.advance(20)
        if act.outcome == "no_show":
            self.run(lambda h: h.no_show(n))
        else:
            self.run(lambda h: h.start(n))
            self.advance(act.service_s)
            if act.outcome == "transfer":
                self.run(lambda h: h.transfer(n, category="C", reason="错办"))
            else:
                self.run(lambda h: h.complete(n))
                if act.rating:
                    self.run(lambda h: h.rate(n, ticket, act.rating))
        self.advance(10)
        self.run(lambda h: h.next(n))

    def warnings(self, thresholds: Thresholds | None = None, rule: str | None = None) -> list[RiskWarning]:
        found = run_rules(self.events, thresholds, timezone="Asia/Shanghai", opening=HOURS)
        return [w for w in found if rule is None or w.rule == rule]


class StepClock:
    """The service's clock: moves only when told."""

    def __init__(self) -> None:
        self.now = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def service_day(tmp_path: Path, *, close: bool = True) -> tuple[HallService, StepClock]:
    """A real service (SQLite store, hash-chained log) through a short day with most kinds of event."""
    clock, rng = StepClock(), random.Random(5)
    svc = build_service(Settings(data_dir=tmp_path, zeroconf=False), clock=clock, entropy=lambda n: rng.randbytes(n))
    for i in (1, 2, 3):
        add_officer(svc, OfficerCreate(staff_id=f"100{i}", name=f"关员{i}", pin="123456"), by="admin-1")
    svc.tick()
    for i, counter in ((1, 7), (2, 8), (3, 3)):
        svc.run(lambda h, i=i, c=counter: h.login(c, f"100{i}"))
        svc.run(lambda h, c=counter: h.next(c))
    svc.record(OfficerLoginFailed(counter=1, staff_id="1009"))
    for n in range(24):
        clock.advance(90)
        category = "CCA"[n % 3]
        decl = f"22012026{1 if category == 'A' else 0}{n:09d}" if category == "A" else None
        svc.run(lambda h, c=category, d=decl: h.issue_ticket(category=c, declaration_no=d))
        if n in (5, 15):  # a rush: a queue builds, so draws choose among several tickets
            for _ in range(6):
                svc.run(lambda h: h.issue_ticket(category="C", enterprise_code="3101000001"))
        for counter in (7, 8, 3):
            ticket = svc.hall.current_ticket(counter)
            if ticket is None:
                continue
            clock.advance(30)
            if n % 7 == 3:
                svc.run(lambda h, c=counter: h.recall(c))
                svc.run(lambda h, c=counter: h.no_show(c))
            else:
                svc.run(lambda h, c=counter: h.start(c))
                clock.advance(120)
                svc.run(lambda h, c=counter: h.complete(c))
                svc.run(lambda h, c=counter, t=ticket.id: h.rate(c, t, "satisfied"))
            svc.run(lambda h, c=counter: h.next(c))
    if close:
        clock.advance(60)
        svc.run(lambda h: h.close_day())
    return svc, clock

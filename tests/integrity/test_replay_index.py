"""The replay's indexed draw check expects exactly what a check over every ticket and counter expects."""

from __future__ import annotations

from datetime import datetime

import pytest

from dispatcher.core import Officer
from dispatcher.core.draws import BY_CATEGORY, MIXED, SCARCITY, counter_pool, ticket_pool
from dispatcher.integrity import DayLog
from dispatcher.integrity.replay import Pool, Replay, TicketLife

from .gen import OPEN, FakeClock, enterprise, generate_day, make_hall
from .test_dispatch_rule import ageing_service_day


class EveryTicket(Replay):
    """The draw check as it was before the indexes: every waiting ticket against every ready counter."""

    def _expected(self, chosen: int, now: datetime) -> tuple[list[int] | None, list[int] | None, Pool | None]:
        if not self.known_opening or self.rule not in (SCARCITY, BY_CATEGORY, MIXED):
            return None, None, None
        ready = sorted((c for c in self.counters.values() if c.state == "ready"), key=lambda c: c.number)
        waiting = sorted((t for t in self.tickets.values() if t.state == "waiting"), key=lambda t: (t.issued_at, t.id))
        eligible = [t for t in waiting if any(self.eligible(c, t) for c in ready)]
        issued: dict[str, list[TicketLife]] = {}
        for t in sorted(self.tickets.values(), key=lambda t: (t.issued_at, t.id)):
            issued.setdefault(t.category, []).append(t)
        pool = ticket_pool(eligible, priorities=self.priorities, k=self.k, now=now, ageing=self.ageing,
                           rule=self.rule, issued=issued, window=self.window)  # fmt: skip
        if pool is None:
            return [], [], None
        ticket = self.tickets.get(chosen)
        allowed = [(c.number, c.categories) for c in ready if ticket is not None and self.eligible(c, ticket)]
        return list(pool.tickets), counter_pool(allowed, self.rule), pool


def both(events, seqs=None) -> tuple[Replay, Replay]:
    return Replay().run(events, seqs), EveryTicket().run(events, seqs)


@pytest.mark.parametrize("rule", [SCARCITY, BY_CATEGORY, MIXED])
def test_generated_days_under_every_rule(rule):
    """Transfers, no-shows, cancels, a colluder holding a counter back: queues of all sizes."""
    day = generate_day(seed=11, counters=6, withholder="O2", colluder="O5", arrivals_per_hour=70.0, rule=rule)
    fast, slow = both(day.events)
    assert len(fast.checks) == len(day.draws) > 100
    assert [c.expected_tickets for c in fast.checks] == [c.expected_tickets for c in slow.checks]
    assert fast.checks == slow.checks
    assert any(len(c.expected_tickets or []) > 1 for c in fast.checks)  # draws chose among several tickets


def test_an_ageing_day_with_a_mid_day_change_of_k(tmp_path):
    """Two classes, ageing promoting C tickets, hall.toml applied mid-day: the same expectations."""
    log = DayLog.from_bundle(ageing_service_day(tmp_path))
    fast, slow = both([r.event() for r in log.records], [r.seq for r in log.records])
    assert fast.checks == slow.checks
    assert any(c.expected_pool and c.expected_pool.aged for c in fast.checks)


class Recusing:
    """A pure hall whose officers each recuse a third of the enterprises, driven as `generate_day` drives a service."""

    def __init__(self, rule: str):
        self.clock = FakeClock(OPEN)
        self.hall = make_hall(self.clock, counters=6, seed=5, rule=rule)
        for n, officer in list(self.hall.officers.items()):
            recused = frozenset(enterprise(e) for e in range(60) if e % 3 == int(n[1:]) % 3)
            self.hall.officers[n] = Officer(officer.staff_id, officer.name, recused)
        self.events: list = []

    def run(self, command):
        result = command(self.hall)
        self.events += self.hall.take_changes().events
        return result


@pytest.mark.parametrize("rule", [SCARCITY, MIXED])
def test_a_day_of_recusals(rule):
    """Officers who must not serve some enterprises: tickets skipped over by some counters, not by others."""
    hall = Recusing(rule)
    generate_day(seed=3, service=hall, arrivals_per_hour=70.0)  # type: ignore[arg-type]
    fast, slow = both(hall.events)
    assert fast.recusals and fast.checks == slow.checks
    assert any(len(c.expected_tickets or []) > 1 for c in fast.checks)

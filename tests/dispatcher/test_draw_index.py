"""The waiting-ticket index changes no draw: random days run on the indexed hall and on one that scans everything."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from dispatcher.core import Category, CounterSpec, DomainError, Hall, Officer
from dispatcher.core.draws import BY_CATEGORY, MIXED, SCARCITY, ticket_pool
from protocol import TicketState
from tests.dispatcher.core_helpers import FakeClock

ENTERPRISES = [None, "3122260123", "3122260456", "4403960789"]
DECLARATIONS = [None, None, "220120261000000001", "220120260000000002", "220120261000000003"]
CATEGORIES = [
    Category("A", "进口", "Import"),
    Category("B", "出口", "Export", priority=1),
    Category("P", "优先", "Priority", priority=-1),
]
COUNTERS = [
    CounterSpec(1, frozenset({"A"})),
    CounterSpec(2, frozenset({"A", "B"})),
    CounterSpec(3, frozenset({"A", "B", "P"})),
    CounterSpec(4, frozenset({"B", "P"})),
]
OFFICERS = [Officer(f"O{n}", f"关员{n}", recusals=frozenset(ENTERPRISES[n : n + 1]) - {None}) for n in range(1, 6)]


class FullScanHall(Hall):
    """The hall as it was before the index: every draw, count and check walks every open ticket."""

    def _pool(self, ready, now):
        waiting = self._sorted(t for t in self._open.values() if t.state == TicketState.WAITING)
        eligible = [t for t in waiting if any(self.eligible(c, t) for c in ready)]
        priorities = {code: c.priority for code, c in self.categories.items()}
        return ticket_pool(
            eligible, priorities=priorities, k=self.k, now=now, ageing=self.ageing, rule=self.rule, issued=self._issued
        )

    def waiting_ahead(self, ticket):
        key = self._queue_key(ticket)
        return sum(
            1
            for t in self._open.values()
            if t.state == TicketState.WAITING and t.category == ticket.category and self._queue_key(t) < key
        )

    def _open_declared(self, declaration_no):
        return list(self._open.values())

    def declared(self, declaration_no):
        return [t for t in self.tickets.values() if t.declaration_no == declaration_no]


class TwinHalls(RuleBasedStateMachine):
    """The same commands on both halls; after each, both must have said and drawn exactly the same."""

    rule_name = BY_CATEGORY
    k = 2
    ageing_s: float | None = 900.0

    def __init__(self) -> None:
        super().__init__()
        self.clock = FakeClock()
        self.halls = []
        for cls in (Hall, FullScanHall):
            rng = random.Random(7)
            hall = cls(
                categories=CATEGORIES,
                counters=COUNTERS,
                officers=OFFICERS,
                clock=self.clock,
                entropy=lambda n, rng=rng: rng.randbytes(n),
                k=self.k,
                rule=self.rule_name,
                ageing_s=self.ageing_s,
            )
            hall.open_day()
            for n in range(1, 4):
                hall.login(n, f"O{n}")
            hall.take_changes()
            self.halls.append(hall)

    def act(self, command) -> None:
        outcomes = []
        for hall in self.halls:
            try:
                result = command(hall)
                outcome = ("ok", getattr(result, "id", None))
            except DomainError as e:
                outcome = ("refused", e.code)
            changes = hall.take_changes()
            outcomes.append((outcome, [(e.kind, e.data) for e in changes.events], [d.as_dict() for d in changes.draws]))
        assert outcomes[0] == outcomes[1]

    @rule(category=st.sampled_from("ABP"), enterprise=st.sampled_from(ENTERPRISES), decl=st.sampled_from(DECLARATIONS))
    def issue(self, category, enterprise, decl):
        self.act(lambda h: h.issue_ticket(category=category, enterprise_code=enterprise, declaration_no=decl))

    @rule(counter=st.integers(1, 4), officer=st.integers(1, 5))
    def login(self, counter, officer):
        self.act(lambda h: h.login(counter, f"O{officer}"))

    @rule(counter=st.integers(1, 4))
    def next(self, counter):
        self.act(lambda h: h.next(counter))

    @rule(counter=st.integers(1, 4), action=st.sampled_from(["start", "no_show", "recall", "pause", "resume"]))
    def press(self, counter, action):
        self.act(lambda h: getattr(h, action)(counter))

    @rule(counter=st.integers(1, 4))
    def complete(self, counter):
        self.act(lambda h: h.complete(counter))

    @rule(counter=st.integers(1, 4), category=st.sampled_from("ABP"), decl=st.sampled_from(DECLARATIONS))
    def transfer(self, counter, category, decl):
        self.act(lambda h: h.transfer(counter, category=category, reason="转办", declaration_no=decl))

    @rule(counter=st.integers(1, 4))
    def logout(self, counter):
        self.act(lambda h: h.logout(counter))

    @precondition(lambda self: self.halls[0].tickets)
    @rule(data=st.data())
    def cancel_or_arrive(self, data):
        ticket_id = data.draw(st.sampled_from(sorted(self.halls[0].tickets)))
        if data.draw(st.booleans()):
            self.act(lambda h: h.cancel_ticket(ticket_id, reason="打印失败"))
        else:
            self.act(lambda h: h.arrived_late(ticket_id, by="S1"))

    @rule(seconds=st.integers(0, 600))
    def wait(self, seconds):
        self.clock.advance(seconds)

    @invariant()
    def same_figures(self):
        indexed, scanned = self.halls
        for t in indexed.tickets.values():
            if t.state == TicketState.WAITING:
                assert indexed.waiting_ahead(t) == scanned.waiting_ahead(scanned.tickets[t.id])
        for code in indexed.categories:
            expected = indexed._sorted(
                t for t in indexed.tickets.values() if t.state == TicketState.WAITING and t.category == code
            )
            assert indexed.waiting(code) == expected
        for n in indexed.counters:  # what a draw would choose if each counter were ready now
            assert indexed.preview(n) == scanned.preview(n)


@pytest.mark.parametrize(
    ("rule_name", "k", "ageing_s"),
    [(SCARCITY, 2, 900.0), (SCARCITY, 3, None), (BY_CATEGORY, 3, None), (MIXED, 2, 900.0), (BY_CATEGORY, 1, 600.0)],
)
def test_the_index_draws_as_the_full_scan_did(rule_name, k, ageing_s):
    machine = type("Twins", (TwinHalls,), {"rule_name": rule_name, "k": k, "ageing_s": ageing_s})
    run_state_machine_as_test(
        machine,
        settings=settings(
            max_examples=60,
            stateful_step_count=60,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )


def test_restore_rebuilds_the_index():
    """A hall read back from its tickets (after a restart) counts and draws as the live one did."""
    clock = FakeClock()
    rng = random.Random(3)
    live = Hall(categories=CATEGORIES, counters=COUNTERS, officers=OFFICERS, clock=clock, entropy=rng.randbytes)
    live.open_day()
    for i in range(12):
        live.issue_ticket(category="AB"[i % 2], declaration_no=DECLARATIONS[2] if i == 3 else None)
        clock.advance(30)
    live.login(2, "O2")
    live.next(2)
    restored = Hall(categories=CATEGORIES, counters=COUNTERS, officers=OFFICERS, clock=clock, entropy=rng.randbytes)
    restored.restore(day=live.day, tickets=list(live.tickets.values()), counters=list(live.counters.values()))
    for code in "AB":
        assert [t.id for t in restored.waiting(code)] == [t.id for t in live.waiting(code)]
    last = max(live.tickets.values(), key=lambda t: t.id)
    assert restored.waiting_ahead(last) == live.waiting_ahead(last) == 5
    assert [t.id for t in restored.declared(DECLARATIONS[2])] == [4]

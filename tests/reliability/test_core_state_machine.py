"""Random command sequences on the pure core keep the hall's invariants (hypothesis state machine)."""

from __future__ import annotations

import random
from datetime import timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from dispatcher.core import Category, CounterSpec, DomainError, Hall, Officer
from protocol import CounterState, TicketState
from tests.dispatcher.core_helpers import FakeClock

ENTERPRISES = [None, "3122260123", "3122260456", "4403960789"]
CATEGORIES = [
    Category("A", "进口", "Import"),
    Category("B", "出口", "Export"),
    Category("P", "优先", "Priority", priority=-1),  # a higher priority class: drawn first
]
COUNTERS = [
    CounterSpec(1, frozenset({"A"})),
    CounterSpec(2, frozenset({"A", "B"})),
    CounterSpec(3, frozenset({"A", "B", "P"})),
    CounterSpec(4, frozenset({"B", "P"})),
]
OFFICERS = [Officer(f"O{n}", f"关员{n}", recusals=frozenset(ENTERPRISES[n : n + 1]) - {None}) for n in range(1, 6)]
WINDOW = timedelta(minutes=5)  # the rule's window, written here apart from dispatcher.core
OPEN = (TicketState.WAITING, TicketState.CALLED, TicketState.SERVING)


def fifo(ticket) -> tuple:
    return (ticket.issued_at, ticket.id)


class CheckedHall(Hall):
    """The hall, with every draw checked against an oracle at the moment it is made (before the call)."""

    draws_checked = 0

    def _call(self, ticket, counter, draw) -> None:
        ready = [c for c in self.counters.values() if c.state == CounterState.READY]

        def may(c, t) -> bool:
            officer = self.officers.get(c.staff_id or "")
            recused = officer is not None and t.enterprise_code in officer.recusals
            return t.category in c.spec.categories and not recused

        waiting = sorted((t for t in self.tickets.values() if t.state == TicketState.WAITING), key=fifo)
        eligible = [t for t in waiting if any(may(c, t) for c in ready)]
        best = min(self.categories[t.category].priority for t in eligible)
        head = next(t for t in eligible if self.categories[t.category].priority == best)  # what FIFO would call
        day = sorted((t for t in self.tickets.values() if t.category == head.category), key=fifo)
        block = [t.id for t in day][day.index(head) // self.k * self.k :][: self.k]  # its block of k
        oldest = [
            t.id
            for t in eligible
            if t.category == head.category and t.id in block and t.issued_at - head.issued_at <= WINDOW
        ]  # category-v2: only block-mates issued within the window after the head
        assert (draw.category, draw.head) == (head.category, head.id), "the queues did not choose the category"
        assert list(draw.ticket_candidates) == oldest, "the draw was not within the head's block of k and window"
        assert ticket.id in oldest
        allowed = [c for c in ready if may(c, ticket)]
        fewest = min(len(c.spec.categories) for c in allowed)  # the counters that can do least else stay free
        assert sorted(draw.counter_candidates) == sorted(c.number for c in allowed if len(c.spec.categories) == fewest)
        assert counter.number in draw.counter_candidates
        CheckedHall.draws_checked += 1
        super()._call(ticket, counter, draw)


class HallMachine(RuleBasedStateMachine):
    """Kiosks, officers and the clock act at random; refused commands are fine, broken invariants are not."""

    def __init__(self) -> None:
        super().__init__()
        self.clock = FakeClock()
        rng = random.Random(7)
        self.hall = CheckedHall(
            categories=CATEGORIES,
            counters=COUNTERS,
            officers=OFFICERS,
            clock=self.clock,
            entropy=lambda n: rng.randbytes(n),
            k=2,
        )
        self.hall.open_day()
        for n in range(1, 4):  # most of the day, most counters are staffed
            self.hall.login(n, f"O{n}")
        self.hall.take_changes()

    def act(self, command) -> None:
        try:
            command(self.hall)
        except DomainError:
            pass
        self.hall.take_changes()

    @rule(category=st.sampled_from("ABP"), enterprise=st.sampled_from(ENTERPRISES))
    def issue(self, category, enterprise):
        self.act(lambda h: h.issue_ticket(category=category, enterprise_code=enterprise))

    @rule(counter=st.integers(1, 4), officer=st.integers(1, 5))
    def login(self, counter, officer):
        self.act(lambda h: h.login(counter, f"O{officer}"))

    @rule(counter=st.integers(1, 4))
    def next(self, counter):
        self.act(lambda h: h.next(counter))

    @rule(counter=st.integers(1, 4), action=st.sampled_from(["start", "no_show", "recall", "pause", "resume"]))
    def press(self, counter, action):
        self.act(lambda h: getattr(h, action)(counter))

    @rule(counter=st.integers(1, 4), outcome=st.sampled_from([None, "accepted", "returned"]))
    def complete(self, counter, outcome):
        self.act(lambda h: h.complete(counter, outcome=outcome))

    @rule(counter=st.integers(1, 4), category=st.sampled_from("ABP"))
    def transfer(self, counter, category):
        self.act(lambda h: h.transfer(counter, category=category, reason="转办"))

    @rule(counter=st.integers(1, 4))
    def logout(self, counter):
        self.act(lambda h: h.logout(counter))

    @rule(counter=st.integers(1, 4))
    def counter_lost(self, counter):
        self.act(lambda h: h.counter_lost(counter))

    @precondition(lambda self: self.hall.tickets)
    @rule(data=st.data())
    def cancel(self, data):
        ticket_id = data.draw(st.sampled_from(sorted(self.hall.tickets)))
        self.act(lambda h: h.cancel_ticket(ticket_id, reason="打印失败"))

    @rule(seconds=st.integers(0, 600))
    def wait(self, seconds):
        self.clock.advance(seconds)

    # ---- invariants ---------------------------------------------------------------------

    @invariant()
    def no_ticket_at_two_counters(self):
        held = [c.ticket_id for c in self.hall.counters.values() if c.ticket_id is not None]
        assert len(held) == len(set(held))

    @invariant()
    def counters_and_tickets_agree(self):
        tickets = self.hall.tickets
        for c in self.hall.counters.values():
            if c.ticket_id is not None:
                t = tickets[c.ticket_id]
                assert t.state in (TicketState.CALLED, TicketState.SERVING) and t.counter == c.number
                assert c.state == CounterState.BUSY
            if c.state == CounterState.CLOSED:
                assert c.staff_id is None and c.ticket_id is None
        for t in tickets.values():
            if t.state in (TicketState.CALLED, TicketState.SERVING):
                assert self.hall.counters[t.counter].ticket_id == t.id
        staff = [c.staff_id for c in self.hall.counters.values() if c.staff_id]
        assert len(staff) == len(set(staff)), "an officer at two counters"

    @invariant()
    def labels_unique(self):
        labels = [t.label for t in self.hall.tickets.values()]
        assert len(labels) == len(set(labels))

    @invariant()
    def each_ticket_in_exactly_one_state(self):
        for t in self.hall.tickets.values():
            assert isinstance(t.state, TicketState)
            assert (t.id in self.hall._open) == (t.state in OPEN)
            if t.state == TicketState.WAITING:
                assert t.counter is None and t.called_at is None

    @invariant()
    def nobody_waits_for_a_ready_counter(self):
        """Whenever a ready counter could serve a waiting ticket, the draw has already happened."""
        ready = [c for c in self.hall.counters.values() if c.state == CounterState.READY]
        waiting = [t for t in self.hall.tickets.values() if t.state == TicketState.WAITING]
        assert not any(self.hall.eligible(c, t) for c in ready for t in waiting)


def test_random_days_keep_the_invariants():
    CheckedHall.draws_checked = 0
    run_state_machine_as_test(
        HallMachine,
        settings=settings(
            max_examples=300,
            stateful_step_count=80,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
    assert CheckedHall.draws_checked > 50  # the draw oracle was really exercised

"""The dispatch policies the engine can run: the real core (pooled, k-random or FIFO) and per-counter binding.

A desk takes the officers' and traders' actions and answers with the calls they caused, as
(counter number, trader id) pairs.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from dispatcher.core import Category, CounterSpec, Hall, Officer
from dispatcher.core.draws import SCARCITY
from protocol import TicketState

from .scenario import Scenario
from .workload import Trader

Call = tuple[int, int]


@dataclass(frozen=True)
class DrawNote:
    """What the simulator keeps of one draw: when, and how many tickets and counters it chose among."""

    at_s: float
    tickets: int
    counters: int


class Desk(Protocol):
    """What the engine asks of a dispatch policy."""

    draws: list[DrawNote]

    def open(self, counter: int) -> list[Call]: ...
    def issue(self, trader: Trader) -> list[Call]: ...
    def ready(self, counter: int) -> list[Call]: ...
    def start(self, counter: int) -> None: ...
    def recall(self, counter: int) -> None: ...
    def done(self, counter: int) -> None: ...
    def no_show(self, counter: int) -> None: ...
    def pause(self, counter: int) -> None: ...
    def resume(self, counter: int) -> list[Call]: ...
    def close(self, counter: int) -> None: ...
    def owes(self, counter: int) -> bool: ...
    def end_day(self) -> None: ...


class SimClock:
    """The hall's clock in virtual time: seconds after local midnight of the scenario's date."""

    def __init__(self, scenario: Scenario):
        midnight = datetime.fromisoformat(scenario.date).replace(tzinfo=ZoneInfo(scenario.timezone))
        self.midnight = midnight
        self.now_s = 0.0
        self._cached = (0.0, midnight)

    def __call__(self) -> datetime:
        at, value = self._cached
        if at != self.now_s:
            value = self.midnight + timedelta(seconds=self.now_s)
            self._cached = (self.now_s, value)
        return value


class CoreDesk:
    """Pooled dispatch by the real domain core, as the hall runs it; k=1 is strict FIFO."""

    def __init__(self, scenario: Scenario, clock: SimClock, *, k: int, rule: str = SCARCITY):
        entropy = random.Random(f"{scenario.seed}/seed")
        self.clock = clock
        self.hall = Hall(
            categories=[Category(c.code, c.name, c.name, priority=c.priority) for c in scenario.categories],
            counters=[CounterSpec(c.number, c.serves) for c in scenario.counters],
            officers=[Officer(f"O{c.number}", f"Officer {c.number}") for c in scenario.counters],
            clock=clock,
            entropy=entropy.randbytes,
            k=k,
            timezone=scenario.timezone,
            rule=rule,
            ageing_s=scenario.ageing_s,
        )
        self.hall.open_day()
        self.hall.take_changes()
        self.trader_of: dict[int, int] = {}
        self.ticket_of: dict[int, int] = {}
        self.draws: list[DrawNote] = []

    def open(self, counter: int) -> list[Call]:
        self.hall.login(counter, f"O{counter}")
        return self._do(self.hall.next, counter)

    def issue(self, trader: Trader) -> list[Call]:
        ticket, _ = self.hall.issue_ticket(category=trader.category)
        self.trader_of[ticket.id] = trader.id
        self.ticket_of[trader.id] = ticket.id
        return self._calls()

    def ready(self, counter: int) -> list[Call]:
        return self._do(self.hall.next, counter)

    def start(self, counter: int) -> None:
        self._do(self.hall.start, counter)

    def recall(self, counter: int) -> None:
        self._do(self.hall.recall, counter)

    def done(self, counter: int) -> None:
        self._do(self.hall.complete, counter)

    def no_show(self, counter: int) -> None:
        self._do(self.hall.no_show, counter)

    def pause(self, counter: int) -> None:
        self._do(self.hall.pause, counter)

    def resume(self, counter: int) -> list[Call]:
        self.hall.resume(counter)
        return self._do(self.hall.next, counter)

    def close(self, counter: int) -> None:
        self._do(self.hall.logout, counter)

    def owes(self, counter: int) -> bool:
        return False  # the pool owes nothing to a particular counter

    def waiting_for(self, counter: int) -> list[int]:
        """The traders of the waiting tickets this counter may serve, oldest first."""
        hall, desk = self.hall, self.hall.counter(counter)
        waiting = [t for t in hall.tickets.values() if t.state == TicketState.WAITING and hall.eligible(desk, t)]
        return [self.trader_of[t.id] for t in sorted(waiting, key=lambda t: (t.issued_at, t.id))]

    def candidates_if_ready(self, counter: int) -> tuple[int, ...]:
        """The traders a draw would choose among if this counter pressed Next now."""
        pool = self.hall.preview(counter)
        return tuple(self.trader_of[t] for t in pool.tickets) if pool else ()

    def is_waiting(self, trader: int) -> bool:
        return self.hall.tickets[self.ticket_of[trader]].state == TicketState.WAITING

    def end_day(self) -> None:
        self._do(lambda: self.hall.close_day())

    def _do(self, command: Callable[..., object], *args: int) -> list[Call]:
        command(*args)
        return self._calls()

    def _calls(self) -> list[Call]:
        calls = []
        for draw in self.hall.take_changes().draws:
            self.draws.append(DrawNote(self.clock.now_s, len(draw.ticket_candidates), len(draw.counter_candidates)))
            calls.append((draw.counter, self.trader_of[draw.ticket_id]))
        return calls


class BindingDesk:
    """Each ticket bound at issue to a random open counter that serves it: one queue per counter."""

    def __init__(self, scenario: Scenario, clock: SimClock):
        self.rng = random.Random(f"{scenario.seed}/binding")
        self.clock = clock
        self.plans = {c.number: c for c in scenario.counters}
        self.priority = {c.code: c.priority for c in scenario.categories}
        self.queues: dict[int, list[tuple[int, float, int]]] = {n: [] for n in self.plans}
        self.logged_in: set[int] = set()
        self.ready_now: set[int] = set()
        self.draws: list[DrawNote] = []

    def open(self, counter: int) -> list[Call]:
        self.logged_in.add(counter)
        return self.ready(counter)

    def issue(self, trader: Trader) -> list[Call]:
        skilled = [n for n, plan in sorted(self.plans.items()) if trader.category in plan.serves]
        now = self.clock.now_s
        candidates = [n for n in skilled if n in self.logged_in] or [
            n for n in skilled if self.plans[n].shifts[-1][1] > now
        ]
        counter = self.rng.choice(candidates or skilled)
        heapq.heappush(self.queues[counter], (self.priority[trader.category], trader.arrival_s, trader.id))
        return self._serve(counter) if counter in self.ready_now else []

    def ready(self, counter: int) -> list[Call]:
        self.ready_now.add(counter)
        return self._serve(counter)

    def start(self, counter: int) -> None:
        pass

    def recall(self, counter: int) -> None:
        pass

    def done(self, counter: int) -> None:
        pass

    def no_show(self, counter: int) -> None:
        pass

    def pause(self, counter: int) -> None:
        self.ready_now.discard(counter)

    def resume(self, counter: int) -> list[Call]:
        return self.ready(counter)

    def close(self, counter: int) -> None:
        self.ready_now.discard(counter)
        self.logged_in.discard(counter)

    def owes(self, counter: int) -> bool:
        return bool(self.queues[counter])

    def end_day(self) -> None:
        pass

    def _serve(self, counter: int) -> list[Call]:
        if not self.queues[counter]:
            return []
        self.ready_now.discard(counter)
        return [(counter, heapq.heappop(self.queues[counter])[2])]

"""Generated days on the pure core: honest officers, and officers who bend the day in known ways."""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from dispatcher.core import Category, CoreEvent, CounterSpec, Draw, Hall, Officer
from dispatcher.core.draws import SCARCITY
from dispatcher.service import HallService

CATEGORIES = [
    Category("A", "进口报关", "Import declarations", target_wait_min=15),
    Category("B", "出口报关", "Export declarations", target_wait_min=15),
    Category("C", "其他业务", "Other business", target_wait_min=20),
]
OPEN = datetime(2026, 11, 27, 0, 45, tzinfo=UTC)  # 08:45 in Shanghai
CLOSE = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)  # 17:00
HOURS = ("08:30", "17:30")
FRIEND = "3101990001"  # the enterprise the colluding officer favours


def enterprise(n: int) -> str:
    return f"3101{n:06d}"


class FakeClock:
    """A clock that moves only when told."""

    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now


@dataclass
class GeneratedDay:
    """A day's events and draws as the core produced them, and the hall that produced them."""

    hall: Hall
    events: list[CoreEvent] = field(default_factory=list)
    draws: list[Draw] = field(default_factory=list)
    friend_calls: int = 0


def make_hall(clock: FakeClock, *, counters: int, seed: int, k: int = 3, rule: str = SCARCITY) -> Hall:
    rng = random.Random(seed)
    return Hall(
        categories=CATEGORIES,
        counters=[CounterSpec(n, frozenset({"A", "B", "C"}), f"{n}号窗口") for n in range(1, counters + 1)],
        officers=[Officer(f"O{n}", f"关员{n}") for n in range(1, counters + 1)],
        clock=clock,
        entropy=lambda size: rng.randbytes(size),
        k=k,
        rule=rule,
    )


def generate_day(
    *,
    seed: int = 7,
    counters: int = 6,
    withholder: str | None = None,
    no_show_marker: str | None = None,
    colluder: str | None = None,
    arrivals_per_hour: float = 40.0,
    service: HallService | None = None,
    rule: str = SCARCITY,
) -> GeneratedDay:
    """Simulate one business day, 08:45–17:00, with the named misbehaving officers (O1…On).

    With a `service` (whose clock is a FakeClock at OPEN) every command goes through its store instead.
    """
    rng = random.Random(seed)
    clock = service.clock if service else FakeClock(OPEN)
    hall = service.hall if service else make_hall(clock, counters=counters, seed=seed, rule=rule)
    out = GeneratedDay(hall=hall)
    queue: list[tuple[datetime, int, Callable[[], None]]] = []
    order = iter(range(10**9))

    def at(when: datetime, action: Callable[[], None]) -> None:
        heapq.heappush(queue, (when, next(order), action))

    def later(seconds: float) -> datetime:
        return clock.now + timedelta(seconds=seconds)

    def run(command: Callable[[Hall], object]) -> None:
        before = {n: c.ticket_id for n, c in hall.counters.items()}
        if service:
            service.run(command)
        else:
            command(hall)
            changes = hall.take_changes()
            out.events += changes.events
            out.draws += changes.draws
        for n, c in hall.counters.items():
            if c.ticket_id is not None and c.ticket_id != before[n]:
                called(n, c.ticket_id)

    def officer(n: int) -> str:
        return f"O{n}"

    def called(n: int, ticket_id: int) -> None:
        """A ticket reached counter n: the trader walks up, or the officer marks a no-show."""
        if hall.tickets[ticket_id].enterprise_code == FRIEND:
            out.friend_calls += 1
        marker = officer(n) == no_show_marker and rng.random() < 0.35
        if marker or rng.random() < 0.03:
            if rng.random() < 0.3:
                at(later(40), lambda: _if_current(n, ticket_id, lambda h: h.recall(n)))
            at(later(90), lambda: _if_current(n, ticket_id, lambda h: h.no_show(n), then=lambda: done(n)))
            return
        walk = rng.uniform(20, 80)
        service = 300 * math.exp(rng.gauss(0, 0.3))
        at(later(walk), lambda: _if_current(n, ticket_id, lambda h: h.start(n)))
        at(later(walk + service), lambda: finish(n, ticket_id))

    def _if_current(n: int, ticket_id: int, command, then=None) -> None:
        if hall.counters[n].ticket_id == ticket_id:
            run(command)
            if then:
                then()

    def finish(n: int, ticket_id: int) -> None:
        if hall.counters[n].ticket_id != ticket_id:
            return
        if rng.random() < 0.02:
            run(lambda h: h.transfer(n, category="C" if h.tickets[ticket_id].category != "C" else "A", reason="错办"))
        else:
            run(lambda h: h.complete(n))
            if rng.random() < 0.5:
                rating = rng.choices(["very_satisfied", "satisfied", "unsatisfied"], [60, 37, 3])[0]
                run(lambda h: h.rate(n, ticket_id, rating))
        done(n)

    def done(n: int) -> None:
        """The counter is free: press Next after a little paperwork (or much later, or when a friend is due)."""
        name = officer(n)
        if name == colluder and friends and friends[0] <= clock.now and not _waiting():
            holding.add(n)  # wait (queue empty, so nobody is kept waiting) for the friend's moment
            return
        if name == withholder and any(t.state == "waiting" for t in hall.tickets.values()):
            delay = rng.uniform(420, 600)
        else:
            delay = rng.uniform(5, 45)
        at(later(delay), lambda: run(lambda h: h.next(n)) if clock.now < CLOSE else None)

    def _waiting() -> bool:
        return any(t.state == "waiting" for t in hall.tickets.values())

    def colluder_moves() -> None:
        """The friend takes a ticket the moment no other counter is ready; a queue ends the wait."""
        for n in list(holding):
            if _waiting():
                holding.discard(n)
                run(lambda h, n=n: h.next(n))
            elif not any(c.state == "ready" for c in hall.counters.values()):
                holding.discard(n)
                friends.pop(0)
                run(lambda h: h.issue_ticket(category="A", enterprise_code=FRIEND))
                run(lambda h, n=n: h.next(n))

    holding: set[int] = set()
    friends = sorted(OPEN + timedelta(minutes=rng.uniform(30, 460)) for _ in range(16))
    run(lambda h: h.open_day())
    for n in range(1, counters + 1):
        clock.now = OPEN + timedelta(minutes=5, seconds=n * 7)
        run(lambda h, n=n: h.login(n, officer(n)))
        run(lambda h, n=n: h.next(n))
    t = OPEN + timedelta(minutes=10)
    while True:
        t += timedelta(seconds=rng.expovariate(arrivals_per_hour / 3600))
        if t >= CLOSE - timedelta(minutes=30):
            break
        category = rng.choices("ABC", [5, 3, 2])[0]
        code = enterprise(rng.randrange(60)) if rng.random() < 0.8 else None
        at(t, lambda c=category, e=code: run(lambda h: h.issue_ticket(category=c, enterprise_code=e)))
        if rng.random() < 0.01:
            at(t + timedelta(seconds=5), lambda: _cancel_newest())

    def _cancel_newest() -> None:
        newest = max(hall.tickets)
        if hall.tickets[newest].state == "waiting":
            run(lambda h: h.cancel_ticket(newest, reason="打印失败", by="kiosk-1"))

    while queue and queue[0][0] < CLOSE:
        when, _, action = heapq.heappop(queue)
        clock.now = max(clock.now, when)
        action()
        colluder_moves()
    clock.now = CLOSE
    run(lambda h: h.close_day())
    return out

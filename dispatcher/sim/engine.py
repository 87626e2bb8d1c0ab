"""The discrete-event day: traders arrive, officers open, serve, break and leave, in virtual time."""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

from dispatcher.core.draws import BY_CATEGORY, MIXED, SCARCITY

from .desks import BindingDesk, Call, CoreDesk, Desk, DrawNote, SimClock
from .scenario import Scenario
from .workload import Trader, draw_traders

POLICIES = ("pooled", "fifo", "mixed", "bound")
HUNT_LIMIT_S = 1800.0  # an attacking officer gives up on a target after holding Next this long


@dataclass
class Attempt:
    """An officer holding Next back to catch one chosen waiting ticket (the timing attack)."""

    counter: int
    target: int  # trader id
    since_s: float
    waiting: int  # tickets waiting that this counter may serve, the target among them, when it was chosen
    pressed_s: float | None = None  # when Next was pressed with the target among the candidates
    candidates: int = 0  # tickets the draw chose among at that press
    caught: bool = False


@dataclass
class Visit:
    """What happened to one trader."""

    trader: Trader
    called_s: float | None = None
    finished_s: float | None = None
    counter: int | None = None
    outcome: str = "expired"  # done, no_show, or expired (never called)

    @property
    def wait_s(self) -> float | None:
        return None if self.called_s is None else self.called_s - self.trader.arrival_s


@dataclass
class DayRun:
    """The raw record of one simulated day under one policy."""

    scenario: Scenario
    policy: str
    k: int
    visits: list[Visit]
    busy: list[tuple[int, float, float]]  # (counter, from, to): from a call until the trader leaves
    duty: list[tuple[int, float, float]]  # (counter, from, to): staffed and not on a break
    queue: list[tuple[float, int]]  # (time, tickets waiting to be called) at every change
    draws: list[DrawNote]
    end_s: float
    attempts: list[Attempt] = field(default_factory=list)


@dataclass
class _Station:
    number: int
    trader: Trader | None = None
    on_duty: bool = False
    on_break: bool = False
    want_break: bool = False
    leaving: bool = False
    overtime: bool = False
    duty_since: float = 0.0
    busy_since: float = 0.0
    hunt: Attempt | None = None


def run_day(
    scenario: Scenario,
    policy: str = "pooled",
    traders: list[Trader] | None = None,
    *,
    attacker: int | None = None,
    patient: bool = False,
) -> DayRun:
    """Simulate one day of `scenario` under `policy` (pooled, fifo, mixed or bound).

    With `attacker`, that counter's officer times Next to catch a chosen waiting ticket, again and again:
    pressing as soon as it is a candidate, or (`patient`) only when it is the draw's only candidate.
    """
    if policy not in POLICIES:
        raise ValueError(f"unknown policy {policy!r}; choose from {', '.join(POLICIES)}")
    if attacker is not None and policy == "bound":
        raise ValueError("a timing attack needs a pooled policy: bound tickets are assigned at issue")
    clock = SimClock(scenario)
    k = {"pooled": scenario.k, "fifo": 1, "mixed": scenario.k, "bound": 1}[policy]
    # FIFO: the oldest ticket, to any ready counter allowed to serve it (drawn), as a hall without the pool works
    rule = {"mixed": MIXED, "fifo": BY_CATEGORY}.get(policy, SCARCITY)
    desk: Desk = BindingDesk(scenario, clock) if policy == "bound" else CoreDesk(scenario, clock, k=k, rule=rule)
    engine = _Engine(scenario, desk, clock, draw_traders(scenario) if traders is None else traders)
    engine.attacker, engine.patient = attacker, patient
    engine.run()
    return DayRun(
        scenario=scenario,
        policy=policy,
        k=k,
        visits=engine.visits,
        busy=engine.busy,
        duty=engine.duty,
        queue=engine.queue,
        draws=desk.draws,
        end_s=clock.now_s,
        attempts=engine.attempts,
    )


class _Engine:
    """One run: an event heap, the officers' habits, and the records."""

    def __init__(self, scenario: Scenario, desk: Desk, clock: SimClock, traders: list[Trader]):
        self.scenario = scenario
        self.desk = desk
        self.clock = clock
        self.traders = {t.id: t for t in traders}
        self.visits = [Visit(t) for t in traders]
        self.visit_of = {t.id: v for t, v in zip(traders, self.visits, strict=True)}
        self.stations = {c.number: _Station(c.number) for c in scenario.counters}
        self.events: list[tuple[float, int, Callable[..., None], tuple]] = []  # (at, seq, action, args)
        self.seq = itertools.count()
        self.busy: list[tuple[int, float, float]] = []
        self.duty: list[tuple[int, float, float]] = []
        self.waiting = 0
        self.queue: list[tuple[float, int]] = [(scenario.open_s, 0)]
        self.attacker: int | None = None
        self.patient = False
        self.attempts: list[Attempt] = []

    def run(self) -> None:
        self.clock.now_s = self.scenario.open_s
        for plan in self.scenario.counters:
            for start, end in plan.shifts:
                self._at(start, self._shift_start, plan.number)
                self._at(end, self._shift_end, plan.number, end >= self.scenario.close_s)
            for start, end in plan.breaks:
                self._at(start, self._break_start, plan.number)
                self._at(end, self._break_end, plan.number)
        self.arrivals = iter(self.traders.values())
        self._next_arrival()
        while self.events:
            at, _, action, args = heapq.heappop(self.events)
            self.clock.now_s = at
            action(*args)
            if self.attacker is not None:
                self._hunt(self.stations[self.attacker])
        self.desk.end_day()

    # ---- traders ------------------------------------------------------------------------

    def _next_arrival(self) -> None:
        """Arrivals join the heap one at a time, keeping it small."""
        trader = next(self.arrivals, None)
        if trader is not None:
            self._at(trader.arrival_s, self._arrive, trader)

    def _arrive(self, trader: Trader) -> None:
        self._next_arrival()
        self._queue_change(+1)
        self._handle(self.desk.issue(trader))

    def _handle(self, calls: list[Call]) -> None:
        for counter, trader_id in calls:
            self._called(self.stations[counter], self.traders[trader_id])

    def _called(self, station: _Station, trader: Trader) -> None:
        now = self.clock.now_s
        self._queue_change(-1)
        visit = self.visit_of[trader.id]
        if visit.called_s is None:
            visit.called_s = now
        station.trader = trader
        station.busy_since = now
        behaviour = self.scenario.traders
        if trader.no_show:
            recall = behaviour.recall_every_s
            while recall < behaviour.patience_s:
                self._at(now + recall, self.desk.recall, station.number)
                recall += behaviour.recall_every_s
            self._at(now + behaviour.patience_s, self._gave_up, station)
        else:
            self._at(now + behaviour.walk_s, self._start, station)

    def _start(self, station: _Station) -> None:
        self.desk.start(station.number)
        assert station.trader is not None
        self._at(self.clock.now_s + station.trader.service_s, self._served, station)

    def _served(self, station: _Station) -> None:
        self.desk.done(station.number)
        self._finished(station, "done")

    def _gave_up(self, station: _Station) -> None:
        self.desk.no_show(station.number)
        self._finished(station, "no_show")

    def _finished(self, station: _Station, outcome: str) -> None:
        now = self.clock.now_s
        assert station.trader is not None
        visit = self.visit_of[station.trader.id]
        visit.finished_s, visit.counter, visit.outcome = now, station.number, outcome
        self.busy.append((station.number, station.busy_since, now))
        station.trader = None
        self._next_move(station)

    # ---- officers -----------------------------------------------------------------------

    def _next_move(self, station: _Station) -> None:
        """After a trader: a due break, going home, or Next."""
        if station.want_break:
            station.want_break = False
            self._pause(station)
        elif station.leaving and not (station.overtime or self.desk.owes(station.number)):
            self._close(station)
        elif station.number == self.attacker and self._aim(station):
            self._hunt(station)
        else:
            self._ready(station)

    def _ready(self, station: _Station) -> None:
        self._handle(self.desk.ready(station.number))
        if station.leaving and station.trader is None:
            self._close(station)

    # ---- the timing attack --------------------------------------------------------------

    def _aim(self, station: _Station) -> bool:
        """Pick the newest waiting ticket this counter may serve (a friend just took it) and hold Next."""
        assert isinstance(self.desk, CoreDesk)
        waiting = self.desk.waiting_for(station.number)
        if not waiting:
            return False
        station.hunt = Attempt(station.number, waiting[-1], self.clock.now_s, len(waiting))
        self.attempts.append(station.hunt)
        return True

    def _hunt(self, station: _Station) -> None:
        """Press Next the moment the target is among the draw's candidates; give up if it went elsewhere."""
        hunt = station.hunt
        if hunt is None or station.trader is not None:
            return
        assert isinstance(self.desk, CoreDesk)
        candidates = self.desk.candidates_if_ready(station.number)
        gone = not self.desk.is_waiting(hunt.target)
        ripe = candidates == (hunt.target,) if self.patient else hunt.target in candidates
        if not gone and not ripe and self.clock.now_s - hunt.since_s < HUNT_LIMIT_S:
            return
        station.hunt = None
        if not gone and ripe:
            hunt.pressed_s, hunt.candidates = self.clock.now_s, len(candidates)
        calls = self.desk.ready(station.number)
        hunt.caught = (station.number, hunt.target) in calls
        self._handle(calls)
        if station.leaving and station.trader is None:
            self._close(station)

    def _shift_start(self, number: int) -> None:
        station = self.stations[number]
        if station.on_duty:
            station.leaving = False  # still finishing the last shift: carry on
            return
        station.on_duty, station.duty_since = True, self.clock.now_s
        self._handle(self.desk.open(number))

    def _shift_end(self, number: int, overtime: bool) -> None:
        station = self.stations[number]
        if not station.on_duty:
            return
        station.leaving, station.overtime = True, overtime
        if station.trader is None:
            self._close(station)  # idle and ready: nothing it could serve is waiting

    def _break_start(self, number: int) -> None:
        station = self.stations[number]
        if not station.on_duty:
            return
        if station.trader is None:
            self._pause(station)
        else:
            station.want_break = True  # the officer finishes this trader first

    def _break_end(self, number: int) -> None:
        station = self.stations[number]
        if station.on_break:
            station.on_break, station.duty_since = False, self.clock.now_s
            self._handle(self.desk.resume(number))
        station.want_break = False

    def _pause(self, station: _Station) -> None:
        station.hunt = None
        self.desk.pause(station.number)
        station.on_break = True
        self.duty.append((station.number, station.duty_since, self.clock.now_s))

    def _close(self, station: _Station) -> None:
        station.hunt = None
        self.desk.close(station.number)
        if not station.on_break:
            self.duty.append((station.number, station.duty_since, self.clock.now_s))
        station.on_duty = station.on_break = station.leaving = False

    # ---- plumbing -----------------------------------------------------------------------

    def _at(self, when: float, action: Callable[..., None], *args: object) -> None:
        heapq.heappush(self.events, (when, next(self.seq), action, args))

    def _queue_change(self, delta: int) -> None:
        self.waiting += delta
        self.queue.append((self.clock.now_s, self.waiting))

"""The simulated day: the core's calls, officers' habits, no-shows, breaks, closing, and binding."""

import heapq
from dataclasses import replace

import pytest

from dispatcher.sim.engine import run_day
from dispatcher.sim.scenario import HOUR, CounterPlan, Traders
from dispatcher.sim.workload import draw_traders

from .helpers import mmc


def kiefer_wolfowitz(traders, counters: int) -> list[float]:
    """FIFO waits in an M/M/c queue, by the textbook recursion on the counters' free times."""
    free = [0.0] * counters
    waits = []
    for t in traders:
        start = max(heapq.heappop(free), t.arrival_s)
        waits.append(start - t.arrival_s)
        heapq.heappush(free, start + t.service_s)
    return waits


def test_core_with_k1_is_fifo_to_the_second():
    scenario = mmc(counters=3, rho=0.8, hours=40, k=1)
    traders = draw_traders(scenario)
    run = run_day(scenario, "fifo", traders)
    assert [v.wait_s for v in run.visits] == pytest.approx(kiefer_wolfowitz(traders, 3), abs=1e-6)
    assert all(d.tickets == 1 for d in run.draws)


def test_every_trader_is_accounted_for_and_no_counter_serves_two_at_once():
    scenario = mmc(counters=3, rho=0.9, hours=20)
    run = run_day(scenario)
    assert all(v.outcome == "done" for v in run.visits)
    assert len(run.draws) == len(run.visits)
    for number in (1, 2, 3):
        spans = sorted((a, b) for n, a, b in run.busy if n == number)
        assert all(b1 <= a2 for (_, b1), (a2, _) in zip(spans, spans[1:], strict=False))
    assert 0 < sum(1 for d in run.draws if d.tickets > 1) < len(run.draws)


def test_no_shows_hold_the_counter_for_the_officer_s_patience():
    behaviour = Traders(no_show_share=0.3, walk_s=15, recall_every_s=60, patience_s=150)
    scenario = replace(mmc(counters=2, rho=0.5, hours=10), traders=behaviour)
    run = run_day(scenario)
    no_shows = [v for v in run.visits if v.trader.no_show]
    assert no_shows and all(v.outcome == "no_show" for v in no_shows)
    assert all(v.finished_s - v.called_s == pytest.approx(150) for v in no_shows)
    shown = [v for v in run.visits if not v.trader.no_show]
    assert all(v.finished_s - v.called_s == pytest.approx(15 + v.trader.service_s) for v in shown)


def test_breaks_take_no_calls_and_wait_for_the_current_trader():
    scenario = mmc(counters=2, rho=0.6, hours=8)
    plans = (
        CounterPlan(1, frozenset({"A"}), ((0.0, 8 * HOUR),), ((2 * HOUR, 3 * HOUR),)),
        scenario.counters[1],
    )
    run = run_day(replace(scenario, counters=plans))
    first = [v for v in run.visits if v.counter == 1]
    assert not [v for v in first if 2 * HOUR <= v.called_s < 3 * HOUR]
    straddling = [v for v in first if v.called_s < 2 * HOUR < v.finished_s]
    off = [(a, b) for n, a, b in run.duty if n == 1]
    assert len(off) == 2  # before and after the break
    assert len(straddling) == 1  # with this seed, one trader was still at the counter at 02:00 ...
    assert off[0][1] == pytest.approx(straddling[0].finished_s)  # ... and the break began when they left


def test_closing_counters_serve_everyone_and_a_part_timer_leaves_on_time():
    scenario = mmc(counters=2, rho=1.3, hours=3)  # more than two counters can handle
    plans = (scenario.counters[0], CounterPlan(2, frozenset({"A"}), ((0.0, 2 * HOUR),)))
    run = run_day(replace(scenario, counters=plans))
    assert all(v.outcome == "done" for v in run.visits)
    assert max(v.finished_s for v in run.visits) > 3 * HOUR  # overtime at the closing counter
    part_timer = [v for v in run.visits if v.counter == 2]
    assert max(v.called_s for v in part_timer) < 2 * HOUR
    assert max(b for n, _, b in run.duty if n == 2) < 2 * HOUR + max(v.trader.service_s for v in part_timer)


def test_a_category_nobody_serves_any_more_expires():
    scenario = mmc(counters=1, rho=0.5, hours=2)
    plans = (CounterPlan(1, frozenset({"A"}), ((0.0, 1 * HOUR),)),)  # leaves an hour before closing
    run = run_day(replace(scenario, counters=plans))
    late = [v for v in run.visits if v.trader.arrival_s > 1.5 * HOUR]
    assert late and all(v.outcome == "expired" and v.wait_s is None for v in late)


def test_binding_keeps_each_ticket_at_its_counter():
    scenario = mmc(counters=3, rho=0.7, hours=20)
    traders = draw_traders(scenario)
    bound = run_day(scenario, "bound", traders)
    pooled = run_day(scenario, "pooled", traders)
    assert bound.draws == []
    assert {v.counter for v in bound.visits} == {1, 2, 3}
    for number in (1, 2, 3):
        mine = [v for v in bound.visits if v.counter == number]
        waits = kiefer_wolfowitz([v.trader for v in mine], 1)
        assert [v.wait_s for v in mine] == pytest.approx(waits, abs=1e-6)  # each counter is its own M/M/1
    assert sum(v.wait_s for v in bound.visits) > 2 * sum(v.wait_s for v in pooled.visits)


def test_same_seed_same_day():
    scenario = mmc(counters=3, rho=0.8, hours=5)
    first, second = run_day(scenario), run_day(scenario)
    assert [(v.called_s, v.counter) for v in first.visits] == [(v.called_s, v.counter) for v in second.visits]


def test_unknown_policy():
    with pytest.raises(ValueError, match="unknown policy"):
        run_day(mmc(counters=1, rho=0.5, hours=1), "lottery")

"""Erlang C against closed forms and published values."""

import math

import pytest

from dispatcher.sim.erlang import erlang_c, mean_wait, servers_needed, wait_within


def erlang_c_direct(c: int, a: float) -> float:
    """The textbook sum, for comparison with the recursion."""
    top = a**c / math.factorial(c) * c / (c - a)
    return top / (sum(a**n / math.factorial(n) for n in range(c)) + top)


@pytest.mark.parametrize("rho", [0.1, 0.5, 0.9])
def test_one_counter_is_mm1(rho):
    assert erlang_c(1, rho) == pytest.approx(rho)
    assert mean_wait(1, rho / 300, 300) == pytest.approx(rho / (1 - rho) * 300)


@pytest.mark.parametrize("rho", [0.2, 0.6, 0.95])
def test_two_counters_closed_form(rho):
    assert erlang_c(2, 2 * rho) == pytest.approx(2 * rho**2 / (1 + rho))


@pytest.mark.parametrize(("c", "a"), [(3, 2.5), (5, 4.0), (12, 10.0), (30, 27.3), (60, 50.0)])
def test_recursion_matches_the_sum(c, a):
    assert erlang_c(c, a) == pytest.approx(erlang_c_direct(c, a), rel=1e-9)


def test_published_call_centre_values():
    # 10 Erlangs: the usual Erlang C table gives 0.6821 for 11 agents and 0.4494 for 12
    assert erlang_c(11, 10.0) == pytest.approx(0.6821, abs=5e-5)
    assert erlang_c(12, 10.0) == pytest.approx(0.4494, abs=5e-5)


def test_wait_within():
    c, rate, service = 12, 10 / 180, 180.0  # 10 Erlangs of 3-minute calls
    assert wait_within(0, c, rate, service) == pytest.approx(1 - erlang_c(12, 10.0))
    # the service-level example: 12 agents answer about 75 % within 20 s
    assert wait_within(20, c, rate, service) == pytest.approx(1 - 0.4494 * math.exp(-2 * 20 / 180), abs=1e-4)
    assert wait_within(20, c, rate, service) < wait_within(60, c, rate, service) < 1


def test_overload_and_no_load():
    assert erlang_c(3, 3.0) == 1.0
    assert mean_wait(3, 1 / 100, 300) == math.inf
    assert wait_within(600, 3, 1 / 100, 300) == 0.0
    assert erlang_c(3, 0.0) == 0.0 and mean_wait(3, 0.0, 300) == 0.0
    assert servers_needed(0.0, 300, target_wait=600, target_share=0.9) == 0


@pytest.mark.parametrize(("rate", "target"), [(100 / 3600, 600), (100 / 3600, 60), (5 / 3600, 0), (400 / 3600, 120)])
def test_servers_needed_is_the_fewest_that_meet_the_target(rate, target):
    c = servers_needed(rate, 300, target_wait=target, target_share=0.9)
    assert wait_within(target, c, rate, 300) >= 0.9
    assert c - 1 <= rate * 300 or wait_within(target, c - 1, rate, 300) < 0.9


def test_servers_needed_rejects_an_impossible_share():
    with pytest.raises(ValueError):
        servers_needed(0.01, 300, target_wait=600, target_share=1.0)

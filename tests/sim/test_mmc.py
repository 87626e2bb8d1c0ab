"""The pooled core reaches the M/M/c optimum of Erlang C; binding tickets to counters does not.

The mean wait of one long run is noisy (about 6 % standard deviation for 50,000 traders at
70 % load, because consecutive waits are strongly correlated). So the check uses a control
variate with a known mean: the textbook FIFO recursion run on exactly the same traders, whose
expected mean wait is Erlang C's. The core's waits minus the recursion's waits, plus Erlang C,
estimates the core's mean wait without bias and with about 0.3 % standard deviation (measured
over seeds), so a 5 % tolerance is many standard deviations wide. The raw mean is checked too,
against a tolerance its noise allows.
"""

import math

from dispatcher.sim import erlang
from dispatcher.sim.engine import run_day
from dispatcher.sim.workload import draw_traders

from .helpers import mmc
from .test_engine import kiefer_wolfowitz

COUNTERS, RHO, SERVICE_S, HOURS = 4, 0.7, 300.0, 1500  # about 50,000 traders


def test_pooled_core_reaches_erlang_c_and_binding_does_not():
    scenario = mmc(counters=COUNTERS, rho=RHO, mean_service_s=SERVICE_S, hours=HOURS, seed=1)
    traders = draw_traders(scenario)
    assert len(traders) > 48_000
    rate = RHO * COUNTERS / SERVICE_S
    theory = erlang.mean_wait(COUNTERS, rate, SERVICE_S)

    pooled = run_day(scenario, "pooled", traders)
    core_waits = [v.wait_s for v in pooled.visits]
    core_mean = sum(core_waits) / len(core_waits)
    reference = kiefer_wolfowitz(traders, COUNTERS)
    estimate = core_mean - (sum(reference) / len(reference) - theory)
    assert math.isclose(estimate, theory, rel_tol=0.05), (estimate, theory)
    assert math.isclose(core_mean, theory, rel_tol=0.25), (core_mean, theory)  # raw: about 4 sd
    assert sum(1 for d in pooled.draws if d.tickets > 1) > 0.1 * len(pooled.draws)  # the draw did choose

    bound = run_day(scenario, "bound", traders)
    bound_mean = sum(v.wait_s for v in bound.visits) / len(bound.visits)
    mm1 = erlang.mean_wait(1, rate / COUNTERS, SERVICE_S)  # each counter alone, with a quarter of the traders
    assert math.isclose(bound_mean, mm1, rel_tol=0.15), (bound_mean, mm1)  # about 5 sd
    assert bound_mean > 5 * core_mean

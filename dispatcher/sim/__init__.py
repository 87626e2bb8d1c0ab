"""Day simulator and staffing planner: the real core in virtual time, measured against Erlang C."""

from .cli import plan_main, simulate_main
from .engine import POLICIES, DayRun, run_day
from .erlang import erlang_c, mean_wait, servers_needed, wait_within
from .metrics import Summary, summarise
from .plan import counters_per_hour, plan_scenario
from .scenario import Scenario, ScenarioError, load_scenario, parse_scenario

__all__ = [
    "POLICIES",
    "DayRun",
    "Scenario",
    "ScenarioError",
    "Summary",
    "counters_per_hour",
    "erlang_c",
    "load_scenario",
    "mean_wait",
    "parse_scenario",
    "plan_main",
    "plan_scenario",
    "run_day",
    "servers_needed",
    "simulate_main",
    "summarise",
    "wait_within",
]

"""Erlang C: the M/M/c queue that a pooled hall should match, and the counters it needs."""

from __future__ import annotations

import math


def erlang_c(servers: int, load: float) -> float:
    """Probability that a trader has to wait, for `load` Erlangs offered to `servers` counters."""
    if load <= 0:
        return 0.0
    if servers <= load:
        return 1.0
    blocking = 1.0  # Erlang B by its stable recursion, then C from B
    for n in range(1, servers + 1):
        blocking = load * blocking / (n + load * blocking)
    return servers * blocking / (servers - load * (1 - blocking))


def mean_wait(servers: int, arrival_rate: float, mean_service: float) -> float:
    """Mean wait in queue (same time unit as `mean_service`); infinite when the counters cannot keep up."""
    load = arrival_rate * mean_service
    if load <= 0:
        return 0.0
    if servers <= load:
        return math.inf
    return erlang_c(servers, load) * mean_service / (servers - load)


def wait_within(limit: float, servers: int, arrival_rate: float, mean_service: float) -> float:
    """P(wait <= limit): the share of traders called within `limit`."""
    load = arrival_rate * mean_service
    if load <= 0:
        return 1.0
    if servers <= load:
        return 0.0
    return 1.0 - erlang_c(servers, load) * math.exp(-(servers - load) * limit / mean_service)


def servers_needed(arrival_rate: float, mean_service: float, *, target_wait: float, target_share: float) -> int:
    """Fewest counters so that `target_share` of traders wait at most `target_wait`."""
    if not 0 < target_share < 1:
        raise ValueError("target_share must lie strictly between 0 and 1")
    load = arrival_rate * mean_service
    if load <= 0:
        return 0
    servers = math.floor(load) + 1
    while wait_within(target_wait, servers, arrival_rate, mean_service) < target_share:
        servers += 1
    return servers

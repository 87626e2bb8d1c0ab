"""Re-runs a closed day's draws from its revealed seed and names the first draw that does not match."""

from __future__ import annotations

from dispatcher.core import commitment as seed_commitment
from dispatcher.core import draw_index
from dispatcher.core.draws import RULES

from .records import DayLog, DayStream, draw_dict
from .replay import Replay, replay_records
from .verdict import Problem

CHECKED_FIELDS = ("ticket_candidates", "counter_candidates", "ticket_id", "counter")


def verify_draws(log: DayLog | DayStream, hall: Replay | None = None) -> tuple[list[Problem], list[str]]:
    """Problems in draw order (commitment first), and notes on what could not be checked."""
    if hall is None:
        records = log.records() if isinstance(log, DayStream) else log.records
        hall = replay_records(records)
    problems: list[Problem] = []
    notes: list[str] = []
    if log.seed is None:
        return [], [f"day {log.day} is not closed: its seed is still secret, draws not re-run"]
    if seed_commitment(log.seed) != log.commitment:
        problems.append(Problem("day", "SHA-256(seed) is not the published commitment"))
    if hall.commitment is not None and hall.commitment != log.commitment:
        problems.append(Problem("day", "the commitment in day.opened differs from the day's record"))
    if hall.seed_hex is not None and hall.seed_hex != log.seed.hex():
        problems.append(Problem("day", "the seed revealed in day.closed differs from the day's record"))
    if not hall.known_opening:
        notes.append("day.opened carries no opening state: candidate lists checked only for membership")
    elif hall.rule not in RULES:
        problems.append(Problem("day", f"day.opened names an unknown dispatch rule {hall.rule!r}"))

    seeds, segment_problems = _segment_seeds(hall, log.seed)
    problems += segment_problems
    logged = {c.draw["draw_no"]: c for c in hall.checks}
    table = {d.draw_no: draw_dict(d) for d in log.draws}
    for no in sorted(set(logged) | set(table)):
        check = logged.get(no)
        seed = seeds[check.segment] if check is not None and check.segment < len(seeds) else log.seed
        if seed is None:
            problems.append(Problem(f"draw {no}", "its part of the day was reopened before its seed was revealed"))
            continue
        problem = _check(seed, no, table.get(no), check)
        if problem:
            problems.append(problem)
    return problems, notes


def _segment_seeds(hall: Replay, last: bytes) -> tuple[list[bytes | None], list[Problem]]:
    """Each stretch of the day's seed: a reopened day's earlier ones are revealed by the day.closed ending them
    and must match the commitment published when that stretch began; the last one is the day's record."""
    seeds: list[bytes | None] = []
    problems = []
    for n, segment in enumerate(hall.segments):
        if n == len(hall.segments) - 1:
            seeds.append(last)
            continue
        where = f"event {segment.closed_seq}" if segment.closed_seq else f"day segment {n + 1}"
        try:
            seed = bytes.fromhex(segment.seed_hex or "")
        except ValueError:
            seed = b""
        if not seed:
            problems.append(Problem(where, "the day was reopened, but the seed of the part before is not revealed"))
            seeds.append(None)
            continue
        if seed_commitment(seed) != segment.commitment:
            opened = f" (event {segment.opened_seq})" if segment.opened_seq else ""
            problems.append(
                Problem(where, f"SHA-256 of the seed revealed in day.closed is not the commitment published{opened}")
            )
        seeds.append(seed)
    return seeds, problems


def _check(seed: bytes, no: int, row: dict | None, check) -> Problem | None:
    where = f"draw {no}" + (f" (event {check.seq})" if check and check.seq else "")
    if check is None:
        return Problem(where, "in the draw table but no ticket.called event records it")
    if row is None:
        return Problem(where, "recorded in the log but missing from the draw table")
    logged = check.draw
    for name in CHECKED_FIELDS:
        if row[name] != logged[name]:
            return Problem(where, f"draw table {name}={row[name]} but the log says {logged[name]}")
    tickets, counters = logged["ticket_candidates"], logged["counter_candidates"]
    if logged["ticket_id"] not in tickets:
        return Problem(where, f"ticket {logged['ticket_id']} is not among its candidates {tickets}")
    if logged["counter"] not in counters:
        return Problem(where, f"counter {logged['counter']} is not among its candidates {counters}")
    want_ticket = tickets[draw_index(seed, no, "ticket", tickets)]
    if want_ticket != logged["ticket_id"]:
        return Problem(where, f"the seed chooses ticket {want_ticket}, not {logged['ticket_id']}")
    want_counter = counters[draw_index(seed, no, "counter", counters)]
    if want_counter != logged["counter"]:
        return Problem(where, f"the seed chooses counter {want_counter}, not {logged['counter']}")
    if check.expected_tickets is not None and list(tickets) != check.expected_tickets:
        return Problem(where, f"ticket candidates {tickets}, but the k oldest eligible were {check.expected_tickets}")
    if check.expected_counters is not None and list(counters) != check.expected_counters:
        return Problem(where, f"counter candidates {counters}, but the ready eligible were {check.expected_counters}")
    return _check_reasons(where, logged, check.expected_pool)


def _check_reasons(where: str, logged: dict, pool) -> Problem | None:
    """The category, head and ageing a draw records must be the ones the rule gives."""
    if pool is None or (pool.category is None and "head" not in logged):
        return None  # a mixed-rule draw logged before draws recorded their reasons
    want = {"category": pool.category, "head": pool.head, "head_class": pool.head_class, "aged": list(pool.aged)}
    for name, value in want.items():
        if logged.get(name) != value:
            return Problem(where, f"the draw records {name}={logged.get(name)!r}, but the queues give {value!r}")
    return None

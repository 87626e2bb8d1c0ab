"""Verifies a day (its chain slice and its draws) or the whole log of a hall."""

from __future__ import annotations

from dispatcher.store import Store

from .chain_check import verify_chain
from .proof import verify_draws
from .records import DayLog, closed_days, load_day, load_records
from .replay import Replay
from .verdict import Problem, Verdict


def verify_day(log: DayLog, hall: Replay | None = None) -> Verdict:
    """The day's records link to the record before and to each other; its draws re-run from the seed."""
    verdict = Verdict(records=len(log.records), draws_checked=len(log.draws) if log.seed else 0)
    broken = verify_chain(log.records, log.anchor)
    if broken:
        verdict.chain.append(broken)
    elif log.published_head is not None and log.published_head != log.head:
        verdict.chain.append(Problem("day", "the last record is not the published head (records cut off?)"))
    verdict.draws, verdict.notes = verify_draws(log, hall)
    return verdict


def verify_store(store: Store, timezone: str, day: str | None = None) -> Verdict:
    """One day, or the whole chain plus the draws of every closed day."""
    if day is not None:
        return verify_day(load_day(store, day, timezone))
    records = load_records(store)
    verdict = Verdict(records=len(records))
    broken = verify_chain(records)
    if broken:
        verdict.chain.append(broken)
    for closed in closed_days(store):
        log = load_day(store, closed, timezone)
        problems, notes = verify_draws(log)
        verdict.draws += [type(p)(f"{closed} {p.where}", p.what) for p in problems]
        verdict.notes += notes
        verdict.draws_checked += len(log.draws)
    return verdict

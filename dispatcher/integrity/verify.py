"""Verifies a day (its chain slice and its draws) or the whole log of a hall."""

from __future__ import annotations

from dispatcher.store import Store
from dispatcher.store.hashchain import GENESIS
from dispatcher.store.tables import ArchivedDayRow

from .chain_check import verify_chain
from .proof import verify_draws
from .records import DayLog, archived_days, closed_days, load_day, load_records
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
    """One day, or the whole chain (from the last archived day's checkpoint) plus the draws of every closed day."""
    archived = archived_days(store)
    if day is not None:
        gone = next((a for a in archived if a.day == day), None)
        if gone:
            where = f"archived; verify its bundle {gone.bundle} with tools/verify_day.py"
            return Verdict(chain=[Problem("day", where)])
        return verify_day(load_day(store, day, timezone))
    records = load_records(store)
    verdict = Verdict(records=len(records))
    verdict.chain += verify_checkpoints(archived)
    anchor, seq = (archived[-1].last_hash, archived[-1].last_seq) if archived else (GENESIS, 0)
    if records and records[0].seq != seq + 1:
        since = f"the checkpoint of {archived[-1].day}" if archived else "the start of the log"
        verdict.chain.append(Problem(f"event {records[0].seq}", f"follows {since} (event {seq}): records missing"))
    broken = verify_chain(records, anchor)
    if broken:
        verdict.chain.append(broken)
    if archived:
        verdict.notes.append(
            f"{len(archived)} days archived ({archived[0].day} … {archived[-1].day}): the chain is checked from "
            f"their checkpoint (event {seq}); each bundle verifies on its own with tools/verify_day.py"
        )
    for closed in closed_days(store):
        log = load_day(store, closed, timezone)
        problems, notes = verify_draws(log)
        verdict.draws += [type(p)(f"{closed} {p.where}", p.what) for p in problems]
        verdict.notes += notes
        verdict.draws_checked += len(log.draws)
    return verdict


def verify_checkpoints(archived: list[ArchivedDayRow]) -> list[Problem]:
    """The archived days follow each other: each one's first record links to the one before's head."""
    problems = []
    seq, head = 0, GENESIS
    for a in archived:
        if a.first_seq != seq + 1 or a.anchor != head:
            problems.append(Problem(f"archived day {a.day}", f"does not follow event {seq} (checkpoints edited?)"))
        seq, head = a.last_seq, a.last_hash
    return problems

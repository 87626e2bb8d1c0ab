"""Verifies a day (its chain slice and its draws) or the whole log of a hall."""

from __future__ import annotations

from dispatcher.store import Store
from dispatcher.store.hashchain import GENESIS
from dispatcher.store.tables import ArchivedDayRow

from .chain_check import ChainCheck, verify_chain
from .fold import FoldedDay, fold_day
from .proof import verify_draws
from .records import DayLog, DayStream, Record, archived_days, closed_days, stream_day, stream_records
from .replay import Replay
from .verdict import Problem, Verdict


def verify_day(log: DayLog, hall: Replay | None = None) -> Verdict:
    """The day's records link to the record before and to each other; its draws re-run from the seed."""
    if hall is None:
        return verify_folded(log, fold_day(log))
    folded = FoldedDay(hall, len(log.records), log.head, verify_chain(log.records, log.anchor))
    return verify_folded(log, folded)


def verify_folded(log: DayLog | DayStream, folded: FoldedDay) -> Verdict:
    """The verdict on a day folded in one pass: its chain as the fold found it, its draws re-run from the seed."""
    verdict = Verdict(records=folded.records, draws_checked=len(log.draws) if log.seed else 0)
    if folded.chain:
        verdict.chain.append(folded.chain)
    elif log.published_head is not None and log.published_head != folded.head:
        verdict.chain.append(Problem("day", "the last record is not the published head (records cut off?)"))
    verdict.draws, verdict.notes = verify_draws(log, folded.hall)
    return verdict


def verify_store(store: Store, timezone: str, day: str | None = None) -> Verdict:
    """One day, or the whole chain (from the last archived day's checkpoint) plus the draws of every closed day."""
    archived = archived_days(store)
    if day is not None:
        gone = next((a for a in archived if a.day == day), None)
        if gone:
            where = f"archived; verify its bundle {gone.bundle} with tools/verify_day.py"
            return Verdict(chain=[Problem("day", where)])
        stream = stream_day(store, day, timezone)
        return verify_folded(stream, fold_day(stream))
    verdict = Verdict()
    verdict.chain += verify_checkpoints(archived)
    anchor, seq = (archived[-1].last_hash, archived[-1].last_seq) if archived else (GENESIS, 0)
    chain = ChainCheck(anchor)
    first: Record | None = None
    for r in stream_records(store):  # the whole log, a page at a time
        first = first or r
        verdict.records += 1
        chain.feed(r)
    if first is not None and first.seq != seq + 1:
        since = f"the checkpoint of {archived[-1].day}" if archived else "the start of the log"
        verdict.chain.append(Problem(f"event {first.seq}", f"follows {since} (event {seq}): records missing"))
    if chain.problem:
        verdict.chain.append(chain.problem)
    if archived:
        verdict.notes.append(
            f"{len(archived)} days archived ({archived[0].day} … {archived[-1].day}): the chain is checked from "
            f"their checkpoint (event {seq}); each bundle verifies on its own with tools/verify_day.py"
        )
    for closed in closed_days(store):
        log = stream_day(store, closed, timezone)
        problems, notes = verify_draws(log, fold_day(log).hall)
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

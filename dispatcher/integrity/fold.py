"""One pass over a day's records: the chain check, the replayed hall and the configuration changes together.

The records can come from a list (a bundle) or a page at a time from the store; nothing here keeps them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from dispatcher.core import CoreEvent
from dispatcher.store.hashchain import GENESIS
from protocol.events import EventKind

from .chain_check import ChainCheck
from .records import DayLog, DayStream, Record
from .replay import Replay
from .verdict import Problem

CONFIG_KINDS = (
    EventKind.ADMIN_CONFIG,
    EventKind.ADMIN_SETTING,
    EventKind.ADMIN_CATEGORY,
    EventKind.ADMIN_CATEGORY_REMOVED,
    EventKind.ADMIN_COUNTER,
    EventKind.ADMIN_COUNTER_REMOVED,
)


@dataclass
class FoldedDay:
    """What the report and the verdict read of a day's records, once they have all gone by."""

    hall: Replay
    records: int = 0
    head: str = GENESIS  # the last record's hash (the anchor for a day without records)
    chain: Problem | None = None  # the first break in the chain
    configuration: list[tuple[int, CoreEvent]] = field(default_factory=list)  # (seq, event) of config changes


def fold(records: Iterable[Record], anchor: str | Callable[[int], str] = GENESIS) -> FoldedDay:
    """Check, replay and pick out the configuration changes of the records, in one pass."""
    chain, hall = ChainCheck(anchor), Replay()
    out = FoldedDay(hall)
    last: Record | None = None
    for r in records:
        chain.feed(r)
        e = r.event()
        hall.feed(e, r.seq)  # type: ignore[arg-type]  # a frozen CoreEvent is read, never written
        if r.kind in CONFIG_KINDS:
            out.configuration.append((r.seq, e))
        out.records += 1
        last = r
    hall.finish()
    out.chain = chain.problem
    if last is not None:
        out.head = last.hash
    elif isinstance(anchor, str):
        out.head = anchor
    return out


def fold_day(log: DayLog | DayStream) -> FoldedDay:
    """A bundle's or the store's day, folded (the store's read a page at a time)."""
    if isinstance(log, DayStream):
        return fold(log.records(), log.anchor_of)
    return fold(log.records, log.anchor)

"""Checks the hash chain of the audit log and names the first record that breaks it."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from dispatcher.store.hashchain import GENESIS, event_hash

from .records import Record
from .verdict import Problem


class ChainCheck:
    """The chain checked one record at a time, as a day is read: it keeps only the last link and the first break."""

    def __init__(self, anchor: str | Callable[[int], str] = GENESIS):
        self._anchor = anchor  # the hash the first record links to, or how to find it from that record's seq
        self.prev_hash: str | None = None
        self.prev_seq = 0
        self.problem: Problem | None = None

    def feed(self, r: Record) -> None:
        """The next record: edited (hash), deleted/inserted (seq), reordered or relinked (prev_hash)."""
        if self.problem is not None:
            return
        if self.prev_hash is None:
            self.prev_seq = r.seq - 1
            self.prev_hash = self._anchor if isinstance(self._anchor, str) else self._anchor(r.seq)
        where = f"event {r.seq}"
        if r.seq != self.prev_seq + 1:
            gap = "missing records (deleted?)" if r.seq > self.prev_seq + 1 else "out of order (inserted or moved?)"
            self.problem = Problem(where, f"follows event {self.prev_seq}: {gap}")
        elif r.prev_hash != self.prev_hash:
            self.problem = Problem(where, f"does not link to event {self.prev_seq} (deleted, inserted or reordered)")
        elif event_hash(r.prev_hash, r.seq, r.kind, r.at, r.data) != r.hash:
            self.problem = Problem(where, f"{r.kind}: content does not match its hash (edited)")
        else:
            self.prev_hash, self.prev_seq = r.hash, r.seq


def verify_chain(records: Iterable[Record], anchor: str = GENESIS) -> Problem | None:
    """The first broken record: edited (hash), deleted/inserted (seq), reordered or relinked (prev_hash)."""
    check = ChainCheck(anchor)
    for r in records:
        check.feed(r)
        if check.problem is not None:
            break
    return check.problem

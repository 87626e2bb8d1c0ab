"""Checks the hash chain of the audit log and names the first record that breaks it."""

from __future__ import annotations

from collections.abc import Sequence

from dispatcher.store.hashchain import GENESIS, event_hash

from .records import Record
from .verdict import Problem


def verify_chain(records: Sequence[Record], anchor: str = GENESIS) -> Problem | None:
    """The first broken record: edited (hash), deleted/inserted (seq), reordered or relinked (prev_hash)."""
    prev_hash = anchor
    prev_seq = records[0].seq - 1 if records else 0
    for r in records:
        where = f"event {r.seq}"
        if r.seq != prev_seq + 1:
            gap = "missing records (deleted?)" if r.seq > prev_seq + 1 else "out of order (inserted or moved?)"
            return Problem(where, f"follows event {prev_seq}: {gap}")
        if r.prev_hash != prev_hash:
            return Problem(where, f"does not link to event {prev_seq} (deleted, inserted or reordered)")
        if event_hash(r.prev_hash, r.seq, r.kind, r.at, r.data) != r.hash:
            return Problem(where, f"{r.kind}: content does not match its hash (edited)")
        prev_hash, prev_seq = r.hash, r.seq
    return None

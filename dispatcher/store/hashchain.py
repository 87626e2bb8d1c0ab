"""The hash chain of the event log. Standard library only: the standalone verifier repeats it."""

from __future__ import annotations

import hashlib

GENESIS = "0" * 64


def event_hash(prev_hash: str, seq: int, kind: str, at_iso: str, data_json: str) -> str:
    """Hash of one record: it covers the previous record's hash, so no record can change unnoticed."""
    text = f"{prev_hash}|{seq}|{kind}|{at_iso}|{data_json}"
    return hashlib.sha256(text.encode()).hexdigest()

"""Verifiable draws: every random choice is HMAC-SHA256 of the day's secret seed and its inputs.

This module uses only the standard library on purpose: the standalone verifier repeats it.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence

DRAW_VERSION = "fairq-draw-v1"


def commitment(seed: bytes) -> str:
    """The public commitment to a day's seed: SHA-256, hex."""
    return hashlib.sha256(seed).hexdigest()


def draw_message(draw_no: int, purpose: str, candidates: Sequence[int]) -> bytes:
    """The exact bytes that are keyed with the seed for one choice."""
    return f"{DRAW_VERSION}|{draw_no}|{purpose}|{','.join(str(c) for c in candidates)}".encode()


def draw_index(seed: bytes, draw_no: int, purpose: str, candidates: Sequence[int]) -> int:
    """Index of the chosen candidate: a 256-bit HMAC reduced modulo the count (bias below 2**-240)."""
    if not candidates:
        raise ValueError("nothing to draw from")
    digest = hmac.new(seed, draw_message(draw_no, purpose, candidates), hashlib.sha256).digest()
    return int.from_bytes(digest, "big") % len(candidates)

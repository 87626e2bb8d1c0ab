"""Verifiable draws: every random choice is HMAC-SHA256 of the day's secret seed and its inputs.

Also the dispatch rule's deterministic half: which tickets a draw chooses among. This module uses
only the standard library on purpose: the standalone verifier repeats it.
"""

from __future__ import annotations

import bisect
import hashlib
import hmac
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

DRAW_VERSION = "fairq-draw-v1"
SCARCITY = "category-v2"  # BY_CATEGORY with a window and a counter choice that spare scarce categories (default)
BY_CATEGORY = "category"  # the queues decide the category, the seed the ticket within its block of k
MIXED = "mixed"  # the k oldest of every category at once (the rule before issue 16; kept for comparison)
RULES = (SCARCITY, BY_CATEGORY, MIXED)
CATEGORY_RULES = (SCARCITY, BY_CATEGORY)
WINDOW_S = 300.0  # under SCARCITY a ticket is drawn only among block-mates issued at most this long after the head


class Queued(Protocol):
    """A waiting ticket as the rule sees it."""

    id: int
    category: str
    issued_at: datetime


@dataclass(frozen=True)
class Pool:
    """The tickets one draw chooses among, and why: the ticket that decided the category and its class."""

    tickets: tuple[int, ...]
    category: str | None  # None under the mixed rule
    head: int  # the oldest eligible ticket of the best class: what strict FIFO would call now
    head_class: int  # the class the candidates are drawn in, after ageing
    aged: tuple[int, ...]  # candidates that waited past the ageing limit, so count as the top class


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


def ticket_class(ticket: Queued, priorities: Mapping[str, int], now: datetime, ageing: timedelta | None) -> int:
    """A ticket's priority class (0 first); past the ageing limit a lower class counts as the top one."""
    own = priorities.get(ticket.category, 0)
    top = min(priorities.values(), default=0)
    if ageing is not None and own > top and now - ticket.issued_at >= ageing:
        return top
    return own


def ticket_pool(
    eligible: Sequence[Queued],
    *,
    priorities: Mapping[str, int],
    k: int,
    now: datetime,
    ageing: timedelta | None = None,
    rule: str = SCARCITY,
    issued: Mapping[str, Sequence[Queued]] | None = None,
    window: timedelta = timedelta(seconds=WINDOW_S),
) -> Pool | None:
    """The draw's ticket candidates among `eligible` (waiting tickets a ready counter may serve, oldest first).

    The head is the oldest eligible ticket of the best class (after ageing): the one strict FIFO would call.
    By category: the head's category is served; its tickets today (`issued`, in issue order) form blocks
    of k, and the candidates are the head's block's eligible waiting tickets of that class, so that a
    ticket is passed over at most k - 1 times and a scarce category is never passed over for another.
    Under SCARCITY (category-v2) only those issued at most `window` after the head.
    Mixed: the k oldest eligible tickets of the best class, whatever their category.
    """
    if not eligible:
        return None
    classes = [ticket_class(t, priorities, now, ageing) for t in eligible]
    best = min(classes)
    head = eligible[classes.index(best)]
    same = [(t, c) for t, c in zip(eligible, classes, strict=True) if c == best]
    if rule == MIXED:
        chosen = same[:k]
        category = None
    elif rule in CATEGORY_RULES:
        if issued is None:
            raise ValueError("the category rule needs each category's tickets of the day")
        category = head.category
        order = issued[category]
        block = _position(order, head) // k
        chosen = [(t, c) for t, c in same if t.category == category and _position(order, t) // k == block]
        if rule == SCARCITY:  # a sparse category's block-mates come minutes apart: a late one would cost the head
            chosen = [(t, c) for t, c in chosen if t.issued_at - head.issued_at <= window]
    else:
        raise ValueError(f"unknown dispatch rule {rule!r}; choose from {', '.join(RULES)}")
    aged = sorted(t.id for t, c in chosen if c < priorities.get(t.category, 0))
    return Pool(
        tickets=tuple(t.id for t, _ in chosen),
        category=category,
        head=head.id,
        head_class=best,
        aged=tuple(aged),
    )


def counter_pool(ready: Sequence[tuple[int, frozenset[str]]], rule: str = SCARCITY) -> list[int]:
    """The draw's counter candidates among the ready counters allowed to serve the chosen ticket (number, categories).

    Under SCARCITY only those that serve the fewest categories: a counter that can also do rarer business is
    kept free for it, instead of the draw handing it a ticket another ready counter could take.
    """
    if rule == SCARCITY and ready:
        fewest = min(len(categories) for _, categories in ready)
        ready = [(n, categories) for n, categories in ready if len(categories) == fewest]
    return [n for n, _ in ready]


def _position(issued: Sequence[Queued], ticket: Queued) -> int:
    """Where a ticket stands among all its category's tickets today, in issue order."""
    return bisect.bisect_left(issued, (ticket.issued_at, ticket.id), key=lambda t: (t.issued_at, t.id))

"""Reconnect delays: exponential, capped, with jitter so that many clients do not retry in step."""

from __future__ import annotations

import random
from collections.abc import Callable


class Backoff:
    """Delays in seconds: ``initial * factor**n`` capped at ``cap``, each scaled by a random jitter."""

    def __init__(
        self,
        initial: float = 0.5,
        cap: float = 10.0,
        factor: float = 2.0,
        jitter: float = 0.5,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self.initial, self.cap, self.factor, self.jitter = initial, cap, factor, jitter
        self.rand = rand
        self.attempts = 0

    def next_delay(self) -> float:
        """The delay before the next attempt; each call counts one more failure."""
        base = min(self.cap, self.initial * self.factor**self.attempts)
        self.attempts += 1
        # full range [base*(1-jitter), base]: never longer than the cap
        return base * (1.0 - self.jitter * self.rand())

    def reset(self) -> None:
        """After a success the next failure starts from the initial delay again."""
        self.attempts = 0

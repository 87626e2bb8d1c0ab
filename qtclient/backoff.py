"""Reconnect delays: exponential, capped, with jitter so that many clients do not retry in step."""

from __future__ import annotations

import random
from collections.abc import Callable


class Backoff:
    """Delays in seconds: ``initial * factor**n`` capped at ``cap``, each scaled by a random jitter.

    With ``quick_tries``, the first that many attempts of an outage are capped at ``quick_cap`` instead
    (a restarted dispatcher is back in seconds: be there soon after it); only then do delays grow on
    from ``quick_cap`` to ``cap`` (a dispatcher that stays away is not hammered).
    """

    def __init__(
        self,
        initial: float = 0.5,
        cap: float = 10.0,
        factor: float = 2.0,
        jitter: float = 0.5,
        rand: Callable[[], float] = random.random,
        *,
        quick_tries: int = 0,
        quick_cap: float = 1.0,
    ) -> None:
        self.initial, self.cap, self.factor, self.jitter = initial, cap, factor, jitter
        self.quick_tries, self.quick_cap = quick_tries, quick_cap
        self.rand = rand
        self.attempts = 0

    @classmethod
    def reconnecting(cls) -> Backoff:
        """A link's default: first retry within 0.1 s, at most 1 s apart for ~20 s, then up to 10 s apart."""
        return cls(0.1, cap=10.0, quick_tries=25, quick_cap=1.0)

    def next_delay(self) -> float:
        """The delay before the next attempt; each call counts one more failure."""
        n = self.attempts
        if n < self.quick_tries:
            base = min(self.quick_cap, self.initial * self.factor**n)
        elif self.quick_tries:
            base = min(self.cap, max(self.quick_cap, self.initial) * self.factor ** (n - self.quick_tries + 1))
        else:
            base = min(self.cap, self.initial * self.factor**n)
        self.attempts += 1
        # full range [base*(1-jitter), base]: never longer than the cap
        return base * (1.0 - self.jitter * self.rand())

    def reset(self) -> None:
        """After a success the next failure starts from the initial delay again."""
        self.attempts = 0

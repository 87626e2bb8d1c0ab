"""Polling for tests, benchmarks and screenshot scripts: a bound on hanging, never a timed assertion."""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_until(
    condition: Callable[[], object],
    seconds: float = 30.0,
    *,
    every: float = 0.02,
    pump: Callable[[], object] | None = None,
) -> bool:
    """True as soon as `condition()` holds, False after `seconds`; `pump` runs each turn (e.g. Qt's processEvents)."""
    deadline = time.monotonic() + seconds
    while True:
        if pump is not None:
            pump()
        if condition():
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(every)

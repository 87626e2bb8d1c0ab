"""A daemon thread with a stop flag: how drivers and simulators run their loops beside the caller."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Self


class Worker:
    """Runs ``target`` in a daemon thread; the loop ends when ``stopping`` is set by `stop()`."""

    def __init__(self, target: Callable[[], None], *, name: str, join_s: float = 2.0) -> None:
        self.target = target
        self.name = name
        self.join_s = join_s
        self.stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> Self:
        self._thread = threading.Thread(target=self.target, daemon=True, name=self.name)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Ask the loop to end and wait for it (at most ``join_s``)."""
        self.stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=self.join_s)

"""What every pseudo-terminal simulator shares: a `_run` loop in a daemon thread, stopped and closed together."""

from __future__ import annotations

import threading
from typing import Self

from .ptyport import PtyPort


class PtySimulator:
    """Base of a simulator on `self.port`: `start()` runs `_run` until `stop()`; usable as a context manager."""

    thread_name = "pty-sim"

    def __init__(self, link=None) -> None:
        self.port = PtyPort(link)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def path(self) -> str:
        """The serial port path a driver opens."""
        return self.port.path

    def start(self) -> Self:
        """Run the simulator in a daemon thread."""
        self._thread = threading.Thread(target=self._run, daemon=True, name=self.thread_name)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the thread and close the terminal."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
        self.port.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _run(self) -> None:
        raise NotImplementedError

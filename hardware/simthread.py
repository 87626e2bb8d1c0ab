"""What every pseudo-terminal simulator shares: a `_run` loop in a daemon thread, stopped and closed together."""

from __future__ import annotations

from typing import Self

from .ptyport import PtyPort
from .worker import Worker


class PtySimulator:
    """Base of a simulator on `self.port`: `start()` runs `_run` until `stop()`; usable as a context manager."""

    thread_name = "pty-sim"

    def __init__(self, link=None) -> None:
        self.port = PtyPort(link)
        self._worker = Worker(self._run, name=self.thread_name)
        self._stop = self._worker.stopping  # set when the simulator stops; `_run` loops until then

    @property
    def path(self) -> str:
        """The serial port path a driver opens."""
        return self.port.path

    def start(self) -> Self:
        """Run the simulator in a daemon thread."""
        self._worker.start()
        return self

    def stop(self) -> None:
        """Stop the thread and close the terminal."""
        self._worker.stop()
        self.port.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _run(self) -> None:
        raise NotImplementedError

"""A background thread that turns keypad polls into callbacks and brings silent devices back."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence

from ..worker import Worker
from .devices import Device, Keypad
from .line import DeviceError
from .registers import Key

log = logging.getLogger(__name__)


class DevicePoller:
    """Polls a keypad every ``interval`` and re-checks offline devices every ``check_every``."""

    def __init__(
        self,
        keypad: Keypad | None = None,
        others: Sequence[Device] = (),
        *,
        on_key: Callable[[Key], None] | None = None,
        interval: float = 0.1,
        check_every: float = 1.0,
    ) -> None:
        self.keypad = keypad
        self.others = list(others)
        self.on_key = on_key
        self.interval = interval
        self.check_every = check_every
        self._worker = Worker(self._run, name="device-poller", join_s=5)  # a stop waits at most one bus timeout
        self._stop = self._worker.stopping

    def start(self) -> DevicePoller:
        """Start polling in a daemon thread."""
        self._worker.start()
        return self

    def stop(self) -> None:
        """Stop and wait for the thread (bounded by one bus timeout)."""
        self._worker.stop()

    def _run(self) -> None:
        last_check = 0.0
        while not self._stop.is_set():
            if self.keypad is not None:
                try:
                    for key in self.keypad.poll():
                        if self.on_key is not None:
                            self.on_key(key)
                except DeviceError:
                    pass  # marked offline by the bus; polling again is the retry
                except Exception:
                    log.exception("key handler failed")
            if time.monotonic() - last_check >= self.check_every:
                last_check = time.monotonic()
                for device in self.others:
                    if not device.online:
                        device.check()
            self._stop.wait(self.interval)

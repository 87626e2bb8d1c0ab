"""Work a commit calls for that must hold up neither its reply nor the hall: one thread, in order, waitable."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

log = logging.getLogger("fairq.later")

NAME = "fairq-later"


class Later:
    """A closed day's warnings are worked out here: at once in a tool or a test, after the reply in a server.

    In the background (`background = True`, set by the serving app) the work runs on one thread, in order, after
    the commit that asked for it is answered; otherwise at once, inside that commit, as a script expects.
    """

    def __init__(self, *, background: bool = False) -> None:
        self.background = background
        self._pool = ThreadPoolExecutor(1, thread_name_prefix=NAME)
        self._last: Future[None] | None = None
        self._guard = threading.Lock()

    def __call__(self, work: Callable[[], object]) -> None:
        """Run `work` now, or on the follow-up thread after what was handed over before it."""
        if not self.background:
            return _run(work)
        with self._guard:
            self._last = self._pool.submit(_run, work)

    def settle(self, timeout: float | None = None) -> None:
        """Wait until the work handed over so far is done (a reader of what it writes asks first); at once on the
        follow-up thread itself."""
        if threading.current_thread().name.startswith(NAME):
            return
        with self._guard:
            last = self._last
        if last is not None:
            last.result(timeout)

    def shutdown(self) -> None:
        """Finish what was handed over, then let the thread go."""
        self._pool.shutdown(wait=True)


def _run(work: Callable[[], object]) -> None:
    try:
        work()
    except Exception:  # committed already: redone by `fairq audit warnings record --day` or at the next start
        log.exception("follow-up work of a commit failed")

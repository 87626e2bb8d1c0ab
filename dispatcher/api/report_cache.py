"""Day reports built one at a time, and a closed day's report built only once."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

KEEP = 16  # closed days kept; a report is a few hundred kB at most


class ReportCache:
    """Reports of closed days are final: build each once, keep the last few; never build two at once."""

    def __init__(self, keep: int = KEEP):
        self.keep = keep
        self._built: OrderedDict[Hashable, dict[str, Any]] = OrderedDict()
        self._building = threading.Lock()
        self.builds = 0  # how many reports were built (tests and metrics read it)

    def get(self, key: Hashable, build: Callable[[], dict[str, Any]], *, final: bool) -> dict[str, Any]:
        """The report for `key`; `final` (the day is closed) lets it be kept for the next caller."""
        with self._building:
            if key in self._built:
                self._built.move_to_end(key)
                return self._built[key]
            report = build()
            self.builds += 1
            if final:
                self._built[key] = report
                while len(self._built) > self.keep:
                    self._built.popitem(last=False)
            return report

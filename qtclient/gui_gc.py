"""Python's cycle collector run on the GUI thread only: Qt objects freed on another thread crash the app.

Left automatic, the collector runs on whichever thread happens to allocate (zeroconf's, a REST worker's),
and a Qt object in a garbage cycle is then destroyed off its thread: "Timers cannot be stopped from another
thread", then a segmentation fault. `collect_on_gui_thread` turns the automatic collector off and runs it
from a timer on the GUI thread instead, generation by generation as the automatic one would.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject

from .timers import timer

INTERVAL_MS = 500


class GuiThreadCollector(QObject):
    """Runs `gc.collect` on the GUI thread when the allocation counts pass Python's thresholds."""

    def __init__(self, interval_ms: int = INTERVAL_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = timer(self, interval_ms, self.collect)

    def start(self) -> None:
        gc.disable()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        gc.enable()

    def collect(self) -> int:
        """Collect the oldest generation whose threshold was passed (as the automatic collector); returns it or -1."""
        counts, thresholds = gc.get_count(), gc.get_threshold()
        generation = -1
        for each in range(3):
            if counts[each] > thresholds[each]:
                generation = each
            else:
                break
        if generation >= 0:
            gc.collect(generation)
        return generation


def collect_on_gui_thread(app: QCoreApplication) -> GuiThreadCollector:
    """The app's one collector (started, owned by the app): made on the first call, the same one after."""
    existing = app.findChild(GuiThreadCollector)
    if isinstance(existing, GuiThreadCollector):
        return existing
    collector = GuiThreadCollector(parent=app)
    collector.start()
    return collector

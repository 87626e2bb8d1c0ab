"""The announcement queue: plans play one after another through an audio sink, in order, never overlapping.

During a burst nothing is dropped; an announcement that waited longer than ``stale_after_s`` is skipped
(a call from a minute ago is worse than none). The clock is injectable, so tests need no sleeping.
A sink that never reports the end of a plan is given up on after ``watchdog_s``, so the queue cannot stall.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal

from qtclient.timers import timer

from .phrases import LANGUAGES, Plan, plan_call

log = logging.getLogger("fairq.display.voice")


class AudioSink(QObject):
    """Plays one plan at a time and emits ``finished`` once it is over (played, failed or stopped)."""

    finished = Signal()
    name = "sink"

    def play(self, plan: Plan) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        """Cut the current plan short (``finished`` still comes)."""

    def describe(self) -> str:
        return self.name


class NullSink(AudioSink):
    """Voice off: every plan is over at once."""

    name = "off"

    def play(self, plan: Plan) -> None:
        QTimer.singleShot(0, self.finished.emit)


@dataclass
class Queued:
    plan: Plan
    queued_at: float  # on the announcer's clock, minus the age it already had


class Announcer(QObject):
    """Queues calls and plays their plans in order through one sink.

    Signals: ``started(Plan)``, ``done(Plan)``, ``skipped(Plan, str reason)``, ``idle()`` when the queue
    has run dry.
    """

    started = Signal(object)
    done = Signal(object)
    skipped = Signal(object, str)
    idle = Signal()

    def __init__(
        self,
        sink: AudioSink,
        *,
        repeat: int = 2,
        stale_after_s: float | None = 60.0,
        watchdog_s: float = 60.0,
        languages: tuple[str, ...] = LANGUAGES,
        clock: Callable[[], float] = time.monotonic,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.sink = sink
        self.repeat = max(1, repeat)
        self.stale_after_s = stale_after_s
        self.languages = languages
        self.clock = clock
        self._queue: deque[Queued] = deque()
        self._current: Queued | None = None
        self._watchdog = timer(self, int(watchdog_s * 1000), self._gave_up, single_shot=True)
        sink.finished.connect(self._sink_finished)

    @property
    def busy(self) -> bool:
        return self._current is not None

    @property
    def pending(self) -> list[Plan]:
        """Plans waiting their turn (not the one playing)."""
        return [q.plan for q in self._queue]

    @property
    def current(self) -> Plan | None:
        return self._current.plan if self._current else None

    def announce(self, label: str, counter: int, *, recall: bool = False, age_s: float = 0.0) -> Plan | None:
        """Queue one call; ``age_s`` is how old it already is (e.g. replayed after a lost link)."""
        try:
            plan = plan_call(label, int(counter), recall=recall, repeat=self.repeat, languages=self.languages)
        except (TypeError, ValueError) as exc:
            log.warning("cannot announce %r at counter %r: %s", label, counter, exc)
            return None
        self._queue.append(Queued(plan, self.clock() - max(0.0, age_s)))
        if self._current is None:
            self._next()
        return plan

    def clear(self) -> None:
        """Forget what is queued and cut the current plan short."""
        self._queue.clear()
        if self._current is not None:
            self.sink.stop()

    def _next(self) -> None:
        while self._current is None and self._queue:
            item = self._queue.popleft()
            age = self.clock() - item.queued_at
            if self.stale_after_s is not None and self.stale_after_s > 0 and age > self.stale_after_s:
                log.info("skipping the call of %s to counter %s: %.0f s old", item.plan.label, item.plan.counter, age)
                self.skipped.emit(item.plan, f"stale ({age:.0f} s)")
                continue
            self._current = item
            log.info("announcing %s at counter %s through %s", item.plan.label, item.plan.counter, self.sink.describe())
            self.started.emit(item.plan)
            self._watchdog.start()
            self.sink.play(item.plan)
            return
        if self._current is None:
            self.idle.emit()

    def _sink_finished(self) -> None:
        item, self._current = self._current, None
        self._watchdog.stop()
        if item is not None:
            self.done.emit(item.plan)
        QTimer.singleShot(0, self._next)  # not inside the sink's own signal

    def _gave_up(self) -> None:
        if self._current is not None:
            label = self._current.plan.label
            log.warning("audio sink %s did not finish %s in time; moving on", self.sink.describe(), label)
            self.sink.stop()
            if self._current is not None:  # the sink did not report the stop either
                self._sink_finished()

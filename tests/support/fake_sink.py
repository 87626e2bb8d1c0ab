"""An audio sink for tests: it records what would have been said and counts overlaps, with no sound."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer

from display.announcer import AudioSink
from display.phrases import Plan


class FakeSink(AudioSink):
    """For tests: records starts and ends, counts overlaps; a plan lasts ``duration_ms`` (or until `finish`)."""

    name = "fake"

    def __init__(self, *, duration_ms: int | None = 0, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.duration_ms = duration_ms  # None: only `finish()` ends a plan
        self.log: list[tuple[str, str]] = []  # ("start" | "end", label)
        self.played: list[Plan] = []
        self.playing: Plan | None = None
        self.overlaps = 0
        self._timer = QTimer(self, singleShot=True, timeout=self.finish)

    def play(self, plan: Plan) -> None:
        if self.playing is not None:
            self.overlaps += 1
        self.playing = plan
        self.played.append(plan)
        self.log.append(("start", plan.label))
        if self.duration_ms is not None:
            self._timer.start(self.duration_ms)

    def finish(self) -> None:
        if self.playing is None:
            return
        self.log.append(("end", self.playing.label))
        self.playing = None
        self.finished.emit()

    def stop(self) -> None:
        self._timer.stop()
        self.finish()

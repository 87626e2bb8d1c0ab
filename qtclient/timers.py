"""Qt timers made in one call, typed (PySide6's keyword-property constructor is invisible to mypy)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer


def timer(parent: QObject, interval_ms: int, slot: Callable[[], object], *, single_shot: bool = False) -> QTimer:
    """A stopped timer owned by `parent` that calls `slot` every `interval_ms` (once, if single_shot)."""
    made = QTimer(parent)
    made.setInterval(interval_ms)
    made.setSingleShot(single_shot)
    made.timeout.connect(slot)
    return made

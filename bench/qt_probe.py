"""Runs a Qt app's main() and reports when its first window is shown, then quits (used by qt_startup)."""

from __future__ import annotations

import importlib
import json
import sys
import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget

SETTLE_MS = 2000


def rss_kb() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def main() -> None:
    out_path, target, *argv = sys.argv[1:]
    shown: dict = {}

    def report() -> None:
        shown["rss_kb_settled"] = rss_kb()
        with open(out_path, "w") as f:
            json.dump(shown, f)
        QApplication.instance().exit(0)

    def wrap(name: str) -> None:
        original = getattr(QWidget, name)

        def patched(self, *a, **kw):
            result = original(self, *a, **kw)
            if not shown and self.isWindow():
                shown.update(shown_at=time.time(), rss_kb_shown=rss_kb())
                QTimer.singleShot(SETTLE_MS, report)
            return result

        setattr(QWidget, name, patched)

    for name in ("show", "showFullScreen", "showMaximized"):
        wrap(name)
    module_name, func = target.split(":")
    sys.exit(getattr(importlib.import_module(module_name), func)(argv))


if __name__ == "__main__":
    main()

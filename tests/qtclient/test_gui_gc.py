"""Qt objects in garbage cycles die on the GUI thread, however much other threads allocate.

Each case runs in its own process: the control (Python's automatic collector) is expected to crash.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import gc, sys, threading, weakref
    from PySide6.QtCore import QObject, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication
    from qtclient.gui_gc import collect_on_gui_thread

    app = QApplication([])
    if sys.argv[1] == "collector":
        collect_on_gui_thread(app)

    class Thing(QObject):  # a Qt object with a running timer, kept alive only by its own cycle
        def __init__(self):
            super().__init__()
            self.timer = QTimer(self)
            self.timer.timeout.connect(self.tick)
            self.timer.start(1000)
            self.me = self

        def tick(self):
            pass

    gc.disable()  # every Thing stays in the youngest generation until the next collection
    refs = [weakref.ref(Thing()) for _ in range(200)]

    def allocate():  # another thread making cycles: the automatic collector runs here
        if sys.argv[1] == "automatic":
            gc.enable()  # here, so that this thread allocates first
        junk = []
        for i in range(20000):
            cycle = [i]
            cycle.append(cycle)
            junk.append(cycle)
            if len(junk) > 100:
                junk.clear()

    worker = threading.Thread(target=allocate)
    worker.start()
    worker.join()
    QTest.qWait(1500)
    print("alive", sum(r() is not None for r in refs), "gc enabled", gc.isenabled(), flush=True)
    """
)


def run(mode: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-X", "faulthandler", "-c", SCRIPT, mode], capture_output=True, text=True, env=env, timeout=60
    )


def test_with_the_collector_qt_garbage_is_freed_on_the_gui_thread():
    done = run("collector")
    assert done.returncode == 0, done.stderr
    assert "another thread" not in done.stderr
    assert "alive 0 gc enabled False" in done.stdout


def test_the_automatic_collector_frees_qt_objects_on_the_allocating_thread():
    """The control: without the collector, the same script frees the timers off their thread."""
    done = run("automatic")
    assert "Timers cannot be stopped from another thread" in done.stderr or done.returncode < 0


def test_the_app_has_one_collector_and_gc_is_back_on_when_it_stops(qapp):
    import gc

    from qtclient.gui_gc import collect_on_gui_thread

    collector = collect_on_gui_thread(qapp)
    try:
        assert collect_on_gui_thread(qapp) is collector
        assert not gc.isenabled()
    finally:
        collector.stop()
        collector.setParent(None)
    assert gc.isenabled()

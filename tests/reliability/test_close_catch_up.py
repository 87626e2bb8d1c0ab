"""kill -9 between a close's reply and the day's warnings: the next dispatcher to start records them, once."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

from devtools.wait import wait_until
from dispatcher import dispositions
from dispatcher.integrity import cases as rules
from dispatcher.store.cases import CaseStore
from tests.warnings.hall import generated_hall, open_hall

DAY = "2026-11-27"  # the generated day (tests.integrity.gen)
CATCH_UP = "have no warnings recorded"  # dispositions.catch_up's line in the dispatcher's log

CRASH = """
import os, signal, sys, threading
from pathlib import Path
from dispatcher.wiring import SERVE
from tests.warnings.hall import generated_hall

busy = threading.Event()  # never set


def hold(svc):
    def first(events):  # before the watcher: the follow-up thread gets busy, the day's warnings queue behind it
        if any(e.kind == "day.closed" for e in events):
            svc.later(busy.wait)

    def last(events):  # after the watcher: the close is committed, its warnings handed over and not yet done
        if any(e.kind == "day.closed" for e in events):
            os.kill(os.getpid(), signal.SIGKILL)

    svc.after_commit.insert(0, first)
    svc.after_commit.append(last)


generated_hall(Path(sys.argv[1]), purpose=SERVE, started=hold)
"""


def crashed_hall(out: Path) -> None:
    """The generated day, closed by a serving dispatcher that was killed before it worked out the warnings."""
    done = subprocess.run([sys.executable, "-c", CRASH, str(out)], capture_output=True, text=True, timeout=90)
    assert done.returncode == -signal.SIGKILL, done.stderr[-3000:]


def runs_and_cases(out: Path) -> tuple[int, set[tuple[str, str]]]:
    svc = open_hall(out)
    try:
        store = CaseStore(svc.store)
        return len(store.case_events([rules.RUN])), {(c.rule, c.subject) for c in store.cases(days=[DAY])}
    finally:
        svc.store.engine.dispose()


def test_a_close_killed_before_its_warnings_gets_them_when_the_dispatcher_starts_and_only_once(tmp_path, spawn):
    out = tmp_path / "hall"
    crashed_hall(out)
    svc = open_hall(out)  # a tool opening the store records nothing: only a serving dispatcher catches up
    try:
        assert CaseStore(svc.store).run(DAY) is None
        assert dispositions.unrecorded_days(svc) == [DAY]
        live = {(c.rule, c.subject) for c in CaseStore(svc.store).cases(days=[DAY])}
    finally:
        svc.store.engine.dispose()
    expected = runs_and_cases(generated_hall(tmp_path / "ref"))  # the same day, its warnings recorded at its close
    assert expected[0] == 1 and live < expected[1]  # only the live rules' cases were raised before the kill

    server = spawn(data_dir=out / "data")
    assert wait_until(lambda: runs_and_cases(out)[0] == 1, 60, every=0.2), server.log()
    assert runs_and_cases(out) == expected
    server.kill()
    again = spawn(data_dir=out / "data", port=server.port)  # same log file: one catch-up line per start that had one
    assert again.health() is not None  # it answers: its first tick (the catch-up's turn) is behind it
    svc = open_hall(out)
    try:
        assert dispositions.unrecorded_days(svc) == []
    finally:
        svc.store.engine.dispose()
    again.stop()
    assert again.log_path.read_text(errors="replace").count(CATCH_UP) == 1
    assert runs_and_cases(out) == expected

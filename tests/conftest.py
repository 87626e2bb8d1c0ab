"""Fixtures shared by the whole suite."""

from __future__ import annotations

import gc
import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Load tests issue hundreds of tickets a minute from one kiosk: the per-kiosk limit is off for the
# suite (dispatchers in threads and `fairq serve` children alike); tests/security and the kiosk's
# own test of the limit turn it on again and check it.
os.environ.setdefault("FAIRQ_ISSUE_PER_MINUTE", "0")

from devtools.live import LiveDispatcher as QtLiveDispatcher
from tests.support.live import LiveDispatcher


@pytest.fixture(autouse=True)
def qt_garbage_freed_on_the_gui_thread(request):
    """After a Qt test, its garbage cycles are collected here, on the GUI thread, as the apps do (qtclient.gui_gc).

    Left to the automatic collector they die on whichever thread allocates next (a dispatcher's in a
    later test), and a Qt timer destroyed off its thread crashes the worker.
    """
    yield
    if "qapp" in request.fixturenames:
        gc.collect()


@pytest.fixture
def live(tmp_path):
    """A real dispatcher on a free loopback port with the sample hall."""
    server = LiveDispatcher(data_dir=tmp_path / "data").start()
    yield server
    server.stop()


@pytest.fixture
def hall(tmp_path):
    """The sample hall's dispatcher on loopback, as the Qt apps' tests use it (restartable on its port)."""
    with QtLiveDispatcher(tmp_path / "dispatcher") as live:
        yield live

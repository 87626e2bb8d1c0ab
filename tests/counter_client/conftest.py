"""A real dispatcher on loopback, counter devices on pseudo-terminals, and the counter app built on them."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from hardware import EvaluatorSim, KeypadSim, LedSim, LineSimulator  # noqa: E402
from qtclient.testing import LiveDispatcher  # noqa: E402


@pytest.fixture
def hall(tmp_path):
    with LiveDispatcher(tmp_path / "dispatcher") as live:
        live.add_officer("1001", "张三", "1234")
        yield live


@pytest.fixture
def line():
    sim = LineSimulator([LedSim(), KeypadSim(), EvaluatorSim()]).start()
    yield sim
    sim.stop()

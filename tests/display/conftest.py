"""Qt offscreen, a real dispatcher on loopback, and hall screens built from their config with a fake sink."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from devtools.halldriver import HallDriver
from display.app import DEFAULTS, build
from qtclient import Backoff, DeviceConfig
from tests.support.fake_sink import FakeSink


@pytest.fixture
def driver(hall):
    return HallDriver(hall)


@pytest.fixture
def make_display(qtbot, hall, tmp_path):
    made = []

    def make(*, size=(1920, 1080), sink=None, **values):
        token = hall.add_device("display", f"screen-{len(made) + 1}")
        config = DeviceConfig(tmp_path / f"display{len(made)}.toml", {**DEFAULTS, "url": hall.url, "token": token})
        config.update(**values)
        display = build(config, sink=sink or FakeSink(duration_ms=1), link_kw={"backoff": Backoff(0.05, cap=0.3)})
        made.append(display)
        qtbot.addWidget(display.window)
        display.window.resize(*size)
        display.window.show()
        with qtbot.waitSignal(display.link.linkUp, timeout=15000):
            display.start()
        return display

    yield make
    for display in made:
        display.stop()

"""A real dispatcher on loopback, counter devices on pseudo-terminals, and the counter app built on them."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from devtools.live import LiveDispatcher
from hardware import EvaluatorSim, KeypadSim, LedSim, LineSimulator


@pytest.fixture
def hall(tmp_path):
    with LiveDispatcher(tmp_path / "dispatcher") as live:
        live.add_officer("1001", "张三", "123456")
        yield live


@pytest.fixture
def line():
    sim = LineSimulator([LedSim(), KeypadSim(), EvaluatorSim()]).start()
    yield sim
    sim.stop()


@pytest.fixture
def make_counter(qtbot, tmp_path):
    """Build (and start) counter apps on a temporary config; all are stopped at the end."""
    from counter_client.app import build
    from qtclient import Backoff, DeviceConfig

    apps = []

    def make(url: str, token: str, devices: str = "", *, name: str = "counter.toml", start: bool = True, **values):
        config = DeviceConfig(tmp_path / name, {"url": url, "token": token, "devices": devices, **values})
        app = build(
            config,
            link_options={"backoff": Backoff(0.05, cap=0.3), "refresh_ms": 50, "ping_interval_ms": 500},
            device_options={"poll_ms": 50, "check_s": 0.2, "rating_timeout_s": 10},
        )
        qtbot.addWidget(app.window)
        app.window.resize(1920, 1080)
        apps.append(app)
        if start:
            app.start()
        return app

    yield make
    for app in apps:
        app.stop()

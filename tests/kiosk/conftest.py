"""The real kiosk window against a real dispatcher on loopback, printing to the printer simulator."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from hardware.printer import printed_tickets
from kiosk.app import DEFAULTS, build
from qtclient import Backoff, DeviceConfig


@pytest.fixture
def printer_dir(tmp_path):
    path = tmp_path / "printer"
    path.mkdir()
    return path


@pytest.fixture
def make_kiosk(qtbot, hall, printer_dir, tmp_path):
    made = []

    def make(*, language="en", orientation="portrait", poll_ms=150, **extra):
        token = hall.add_device("kiosk", f"kiosk-{len(made) + 1}")
        values = {
            **DEFAULTS,
            "url": hall.url,
            "token": token,
            "printer": f"sim://{printer_dir}",
            "printer_poll_ms": poll_ms,
            "language": language,
            "orientation": orientation,
            **extra,
        }
        kiosk = build(DeviceConfig(tmp_path / f"kiosk{len(made)}.toml", values))
        kiosk.link.backoff = Backoff(0.05, cap=0.3)
        made.append(kiosk)
        qtbot.addWidget(kiosk.window)
        kiosk.window.resize(*((1080, 1920) if orientation == "portrait" else (1920, 1080)))
        kiosk.window.show()
        kiosk.controller.start()
        qtbot.waitUntil(lambda: kiosk.controller.phase == "start", timeout=15000)
        return kiosk

    yield make
    for kiosk in made:
        kiosk.stop()


@pytest.fixture
def kiosk(make_kiosk):
    return make_kiosk()


@pytest.fixture
def printed(printer_dir):
    return lambda: len(printed_tickets(printer_dir))

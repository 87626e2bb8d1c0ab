"""Fixtures for the hardware tests: a sample ticket, printer and counter-line simulators."""

from __future__ import annotations

from datetime import datetime

import pytest

from hardware.bus import EvaluatorSim, KeypadSim, LedSim, LineSimulator, SerialBus
from hardware.printer import PrinterSimulator, TicketLayout


@pytest.fixture
def layout() -> TicketLayout:
    return TicketLayout(
        hall_name="阳光交单大厅",
        label="A023",
        category_zh="进口报关",
        category_en="Import",
        waiting_ahead=5,
        issued_at=datetime(2024, 5, 1, 9, 30),
        ticket_id="T-1",
        declaration_no="123456789012345678",
    )


@pytest.fixture
def printer_sim(tmp_path):
    with PrinterSimulator(tmp_path / "printer") as sim:
        yield sim


@pytest.fixture
def line(tmp_path):
    """A counter's line with an LED display (1), keypad (2) and evaluator (3) on one pty."""
    sim = LineSimulator([LedSim(), KeypadSim(), EvaluatorSim()], link=tmp_path / "ttyCounter")
    with sim:
        yield sim


@pytest.fixture
def bus(line):
    with SerialBus(line.path, timeout=0.2, retries=2) as bus:
        yield bus

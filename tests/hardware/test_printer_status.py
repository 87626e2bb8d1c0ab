"""Printer status through python-escpos's own query path against the printer simulator."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading

import pytest
from escpos.printer import Network

from hardware.printer import (
    CoverOpen,
    Paper,
    PaperOut,
    PrinterFault,
    PrinterOffline,
    PrinterSimulator,
    PrintIncomplete,
    open_printer,
    printed_tickets,
    render_escpos,
    set_printer_state,
)
from hardware.printer.status import QUERY_PAPER, QUERY_PRINTER
from protocol import PrinterState

FAST = "timeout=0.3"


@pytest.fixture
def printer(printer_sim):
    with open_printer(f"{printer_sim.url}&{FAST}") as printer:
        yield printer


@pytest.mark.parametrize(
    ("state", "online", "paper", "cover_open", "kiosk_state"),
    [
        ("ok", True, Paper.OK, False, PrinterState.OK),
        ("paper_near_end", True, Paper.NEAR_END, False, PrinterState.PAPER_NEAR_END),
        ("paper_out", False, Paper.OUT, False, PrinterState.PAPER_OUT),
        ("cover_open", False, Paper.OK, True, PrinterState.COVER_OPEN),
    ],
)
def test_status(printer, printer_sim, state, online, paper, cover_open, kiosk_state):
    set_printer_state(printer_sim.directory, state)
    status = printer.status()
    assert (status.online, status.paper, status.cover_open) == (online, paper, cover_open)
    assert status.state is kiosk_state


def test_no_answer_is_offline_not_a_hang(printer, printer_sim):
    set_printer_state(printer_sim.directory, "offline")
    status = printer.status()
    assert not status.online and status.state is PrinterState.OFFLINE
    set_printer_state(printer_sim.directory, "ok")
    assert printer.status().online  # a late answer, if any, is not taken for the next one


def test_python_escpos_query_path_reads_the_simulator(printer_sim):
    """The simulator answers python-escpos's own is_online / paper_status / query_status."""
    p = Network("127.0.0.1", printer_sim.port, timeout=1)
    try:
        assert p.is_online()
        assert p.paper_status() == 2
        set_printer_state(printer_sim.directory, "paper_near_end")
        assert p.paper_status() == 1
        set_printer_state(printer_sim.directory, "paper_out")
        assert p.paper_status() == 0
        assert not p.is_online()
        assert p.query_status(QUERY_PAPER) == b"\x72"
        set_printer_state(printer_sim.directory, "ok")
        assert p.query_status(QUERY_PRINTER) == b"\x12"
    finally:
        p.close()


def test_printer_fault_state(printer, printer_sim):
    set_printer_state(printer_sim.directory, "error")
    assert printer.status().state is PrinterState.ERROR
    with pytest.raises(PrinterFault):
        printer.status().raise_for_problem()


def test_print_ticket_writes_bytes_and_png(printer, printer_sim, layout):
    status = printer.print_ticket(layout)
    assert status.state is PrinterState.OK
    (ticket,) = printed_tickets(printer_sim.directory)
    assert ticket.read_bytes() == render_escpos(layout, 80)
    assert ticket.with_suffix(".png").exists()


@pytest.mark.parametrize(
    ("state", "error"),
    [("paper_out", PaperOut), ("cover_open", CoverOpen), ("offline", PrinterOffline)],
)
def test_problems_are_raised_before_the_ticket_is_sent(printer, printer_sim, layout, state, error):
    set_printer_state(printer_sim.directory, state)
    with pytest.raises(error):
        printer.print_ticket(layout)
    set_printer_state(printer_sim.directory, "ok")
    assert printed_tickets(printer_sim.directory) == []
    assert b"A023" not in (printer_sim.directory / "received.bin").read_bytes()


def test_paper_running_out_during_a_ticket_is_reported_after(printer, printer_sim, layout):
    set_printer_state(printer_sim.directory, "runs_out")
    with pytest.raises(PrintIncomplete) as caught:
        printer.print_ticket(layout)
    assert isinstance(caught.value.cause, PaperOut)
    assert printed_tickets(printer_sim.directory) == []


def test_near_end_still_prints_and_says_so(printer, printer_sim, layout):
    set_printer_state(printer_sim.directory, "paper_near_end")
    assert printer.print_ticket(layout).paper is Paper.NEAR_END
    assert len(printed_tickets(printer_sim.directory)) == 1


def test_printer_that_never_answers_over_tcp_is_offline():
    """A listener that accepts and reads but never replies (a stuck printer)."""
    server = socket.create_server(("127.0.0.1", 0))
    conns = []
    thread = threading.Thread(target=lambda: conns.append(server.accept()), daemon=True)
    thread.start()
    try:
        with open_printer(f"tcp://127.0.0.1:{server.getsockname()[1]}?{FAST}") as printer:
            assert printer.status().state is PrinterState.OFFLINE
            with pytest.raises(PrinterOffline):
                printer.print_raw(b"x")
    finally:
        thread.join(timeout=2)
        for conn, _ in conns:
            conn.close()
        server.close()


def test_nothing_listening_is_offline():
    with socket.create_server(("127.0.0.1", 0)) as s:
        port = s.getsockname()[1]
    with open_printer(f"tcp://127.0.0.1:{port}?{FAST}") as printer:
        assert not printer.status().online


def test_printer_simulator_restart_is_reconnected(tmp_path, layout):
    directory = tmp_path / "p"
    sim = PrinterSimulator(directory).start()
    printer = open_printer(f"{sim.url}&{FAST}")
    assert printer.status().online
    port = sim.port
    sim.stop()
    assert not printer.status().online
    with PrinterSimulator(directory, port=port):  # power-cycled on the same address
        assert printer.status().online
        printer.print_ticket(layout)
        printer.close()
    assert len(printed_tickets(directory)) == 1


def test_serial_printer_on_a_pty(tmp_path, layout):
    with PrinterSimulator(tmp_path / "p", transport="pty") as sim:
        with open_printer(f"{sim.url}&{FAST}") as printer:
            assert printer.status().state is PrinterState.OK
            printer.print_ticket(layout)
            set_printer_state(sim.directory, "offline")
            assert printer.status().state is PrinterState.OFFLINE
            set_printer_state(sim.directory, "cover_open")
            assert printer.status().state is PrinterState.COVER_OPEN
        assert printed_tickets(sim.directory)[0].read_bytes() == render_escpos(layout, 80)


def test_serial_printer_unplugged_and_plugged_back(tmp_path):
    link = str(tmp_path / "ttyPrinter")
    with PrinterSimulator(tmp_path / "p", transport="pty", link=link) as sim:
        with open_printer(f"serial://{link}?{FAST}") as printer:
            assert printer.status().online
            sim.unplug()
            assert printer.status().state is PrinterState.OFFLINE
            assert printer.status().state is PrinterState.OFFLINE  # the reopen fails cleanly
            sim.replug()
            assert printer.status().online


def test_sim_url_shares_one_simulator_across_processes(tmp_path, layout):
    """A simulator run by `fairq hw sim printer` in another process is found via sim://DIR."""
    directory = tmp_path / "shared"
    proc = subprocess.Popen(
        [sys.executable, "-m", "hardware.cli", "sim", "printer", "--dir", str(directory)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        url = proc.stdout.readline().strip()
        assert url.startswith("tcp://127.0.0.1:")
        with open_printer(f"sim://{directory}?{FAST}") as printer:
            assert printer.name.startswith("sim://")
            assert printer.status().online
            printer.print_ticket(layout)
            set_printer_state(directory, "paper_out")  # as a test in a third process would
            assert printer.status().paper is Paper.OUT
        assert len(printed_tickets(directory)) == 1
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_sim_url_starts_a_simulator_when_none_runs(tmp_path, layout):
    directory = tmp_path / "auto"
    with open_printer(f"sim://{directory}?paper=58&{FAST}") as printer:
        assert printer.paper_mm == 58
        printer.print_ticket(layout)
    (ticket,) = printed_tickets(directory)
    assert ticket.read_bytes() == render_escpos(layout, 58)
    assert (directory / "endpoint.json").exists()

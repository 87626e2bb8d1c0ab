"""Barcode scanner: line decoding, debouncing, and the reader against its pty simulator."""

from __future__ import annotations

import threading

from hardware.scanner import BarcodeScanner, Debouncer, LineDecoder, ScannerSimulator

CODE = "223320240000012345"


def test_cr_lf_and_crlf_end_a_code():
    decoder = LineDecoder()
    assert decoder.data_received(b"A1\rB2\nC3\r\n") == ["A1", "B2", "C3"]


def test_code_split_across_reads():
    decoder = LineDecoder()
    assert decoder.data_received(CODE[:5].encode()) == []
    assert decoder.data_received(CODE[5:].encode() + b"\r") == [CODE]


def test_garbage_and_overlong_lines_are_dropped():
    decoder = LineDecoder(max_length=20)
    assert decoder.data_received(b"\x00\x01\r\n" + b"9" * 50 + b"\r\nOK\r\n") == ["OK"]


def test_debounce_reports_a_repeat_once_within_the_window():
    now = [0.0]
    debouncer = Debouncer(0.5, clock=lambda: now[0])
    assert debouncer.accept("X")
    now[0] = 0.3
    assert not debouncer.accept("X")
    now[0] = 0.6  # the window runs from the last repeat
    assert not debouncer.accept("X")
    assert debouncer.accept("Y")
    now[0] = 2.0
    assert debouncer.accept("Y")


def test_scanner_reads_codes_from_the_simulator(tmp_path):
    with ScannerSimulator(link=tmp_path / "ttyScan") as sim:
        scanner = BarcodeScanner(sim.path, debounce=5)
        try:
            assert scanner.read(0.1) is None
            sim.scan(CODE)
            sim.scan(CODE)  # the trigger held down
            sim.send_garbage(b"\xff\xfe\r\n")
            sim.scan("B2")
            assert scanner.read(2) == CODE
            assert scanner.read(2) == "B2"
            assert scanner.read(0.2) is None
        finally:
            scanner.close()


def test_scanner_comes_back_after_unplug(tmp_path):
    with ScannerSimulator(link=tmp_path / "ttyScan") as sim:
        scanner = BarcodeScanner(sim.path)
        try:
            sim.scan("A1")
            assert scanner.read(2) == "A1"
            sim.unplug()
            assert scanner.read(0.2) is None
            assert not scanner.online
            sim.replug()
            for _ in range(50):
                scanner.read(0.05)
                if scanner.online:
                    break
            sim.scan("A2")
            assert scanner.read(2) == "A2"
        finally:
            scanner.close()


def test_scanner_callback_thread(tmp_path):
    got: list[str] = []
    seen = threading.Event()
    with ScannerSimulator(link=tmp_path / "ttyScan") as sim:
        scanner = BarcodeScanner(sim.path).start(lambda code: (got.append(code), seen.set()))
        try:
            sim.scan(CODE)
            assert seen.wait(5)
        finally:
            scanner.stop()
    assert got == [CODE]


def test_simulator_control_file(tmp_path):
    control = tmp_path / "scan.ctl"
    with ScannerSimulator(link=tmp_path / "ttyScan", control_file=control) as sim:
        scanner = BarcodeScanner(sim.path)
        try:
            scanner.read(0.05)  # port open before the scan
            from hardware.simctl import send_command

            send_command(control, f"scan {CODE}")
            assert scanner.read(5) == CODE
        finally:
            scanner.close()

"""Printer URLs: every form parses to the right python-escpos transport; bad ones fail clearly."""

from __future__ import annotations

import pytest
from escpos.printer import Usb

from hardware.printer import PrinterConfigError, open_printer, render_escpos
from hardware.printer.transports import (
    FilePrinter,
    NetworkPrinter,
    SerialPrinter,
    parse_printer_url,
)


@pytest.mark.parametrize(
    ("url", "scheme", "location", "options"),
    [
        ("usb://0416:5011", "usb", "0416:5011", {}),
        ("serial:///dev/ttyUSB0?baudrate=19200", "serial", "/dev/ttyUSB0", {"baudrate": "19200"}),
        ("tcp://127.0.0.1:9100?paper=58", "tcp", "127.0.0.1:9100", {"paper": "58"}),
        ("file:///dev/usb/lp0", "file", "/dev/usb/lp0", {}),
        ("sim:///var/fairq/printer", "sim", "/var/fairq/printer", {}),
        ("sim://", "sim", "", {}),
    ],
)
def test_url_forms(url, scheme, location, options):
    assert parse_printer_url(url) == (scheme, location, options)


def test_transports_are_not_opened_until_used():
    assert isinstance(open_printer("tcp://127.0.0.1:9100").escpos, NetworkPrinter)
    serial_printer = open_printer("serial:///dev/ttyUSB9?baudrate=19200&paper=58")
    assert isinstance(serial_printer.escpos, SerialPrinter)
    assert (serial_printer.escpos.baudrate, serial_printer.paper_mm) == (19200, 58)


def test_usb_needs_pyusb_or_says_so():
    if Usb.is_usable():
        assert open_printer("usb://0416:5011").escpos.idVendor == 0x0416
    else:
        with pytest.raises(PrinterConfigError, match="pyusb"):
            open_printer("usb://0416:5011")


@pytest.mark.parametrize(
    "url", ["lpt://1", "tcp://", "serial://", "usb://zz:yy", "tcp://h:9100?paper=76", "tcp://h?timeout=x"]
)
def test_bad_urls(url):
    with pytest.raises(PrinterConfigError):
        open_printer(url)


def test_file_printer_writes_the_bytes_without_status(tmp_path, layout):
    out = tmp_path / "ticket.bin"
    with open_printer(f"file://{out}") as printer:
        assert isinstance(printer.escpos, FilePrinter)
        assert not printer.status().queried
        printer.print_ticket(layout)
    assert out.read_bytes() == render_escpos(layout, 80)


def test_offline_serial_device_that_does_not_exist(tmp_path):
    with open_printer(f"serial://{tmp_path}/ttyNone?timeout=0.2") as printer:
        assert not printer.status().online

"""``fairq hw``: list ports, test and query printers, run simulators, drive counter devices."""

from __future__ import annotations

import argparse
import signal
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

from .bus import Evaluator, Keypad, LedDisplay, SerialBus
from .bus.line import DeviceError
from .bus.sim import KINDS, LineSimulator
from .printer import (
    PrinterError,
    PrinterSimulator,
    TicketLayout,
    open_printer,
    printed_tickets,
    render_png,
)
from .printer.transports import parse_printer_url
from .scanner import BarcodeScanner, ScannerSimulator


def sample_ticket() -> TicketLayout:
    """The ticket ``print-test`` prints."""
    return TicketLayout(
        hall_name="海关阳光交单大厅",
        label="A023",
        category_zh="进口报关",
        category_en="Import declaration",
        waiting_ahead=5,
        issued_at=datetime.now().replace(second=0, microsecond=0),
        ticket_id="T-PRINT-TEST-0001",
        declaration_no="123456789012345678",
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="fairq hw", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("ports", help="list serial ports")

    p = sub.add_parser("print-test", help="print a sample ticket")
    p.add_argument("--printer", required=True, help="printer URL (sim:///DIR, tcp://HOST:9100, ...)")
    p.add_argument("--preview", type=Path, help="also write the layout's PNG preview here")

    p = sub.add_parser("status", help="ask a printer for its status")
    p.add_argument("--printer", required=True, help="printer URL")

    p = sub.add_parser("sim", help="run a simulator until interrupted; prints where it listens")
    p.add_argument("kind", choices=["printer", "keypad", "led", "evaluator", "counter", "scanner"])
    p.add_argument("--dir", type=Path, help="printer: directory for state and output")
    p.add_argument("--pty", action="store_true", help="printer: a pseudo-terminal, not TCP")
    p.add_argument("--paper", type=int, choices=[58, 80], default=80, help="printer paper width")
    p.add_argument("--address", type=int, help="device address (default: the kind's own)")
    p.add_argument("--link", help="stable symlink to the pseudo-terminal")
    p.add_argument("--state", help="JSON file the simulator keeps its state in")
    p.add_argument("--control", help="file of command lines another process appends to")

    p = sub.add_parser("led", help="drive an LED number display")
    p.add_argument("action", choices=["show", "clear", "blink", "steady", "brightness"])
    p.add_argument("value", nargs="?", default="", help="text to show, or brightness 0..7")
    p.add_argument("--blink", action="store_true", help="show: blinking")
    _device_args(p, LedDisplay.DEFAULT_ADDRESS)

    p = sub.add_parser("keypad", help="print the keys pressed on a caller keypad")
    p.add_argument("action", choices=["watch", "show"])
    p.add_argument("text", nargs="?", default="", help="show: text for the keypad's screen")
    p.add_argument("--count", type=int, default=0, help="watch: stop after this many keys")
    p.add_argument("--seconds", type=float, default=0, help="watch: stop after this long")
    _device_args(p, Keypad.DEFAULT_ADDRESS)

    p = sub.add_parser("evaluator", help="ask a satisfaction evaluator for a rating")
    p.add_argument("action", choices=["ask"])
    p.add_argument("--timeout", type=float, default=30.0)
    _device_args(p, Evaluator.DEFAULT_ADDRESS)

    p = sub.add_parser("scanner", help="print codes read by a serial barcode scanner")
    p.add_argument("action", choices=["watch"])
    p.add_argument("--count", type=int, default=0)
    p.add_argument("--seconds", type=float, default=0)
    p.add_argument("--device", required=True, help="serial port or pyserial URL")
    p.add_argument("--baudrate", type=int, default=9600)
    return parser


def _device_args(p: argparse.ArgumentParser, address: int) -> None:
    p.add_argument("--device", required=True, help="serial port or pyserial URL of the line")
    p.add_argument("--address", type=int, default=address, help=f"default {address}")
    p.add_argument("--baudrate", type=int, default=9600)


def main(argv: list[str] | None = None) -> int:
    """Run ``fairq hw``; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except (PrinterError, DeviceError, ValueError) as exc:
        print(f"fairq hw: {exc}", file=sys.stderr)
        return 2


def cmd_ports(args: argparse.Namespace) -> int:
    """List serial ports with their USB ids."""
    from serial.tools.list_ports import comports

    for port in sorted(comports(), key=lambda p: p.device):
        print(f"{port.device}\t{port.description}\t{port.hwid}")
    return 0


def cmd_print_test(args: argparse.Namespace) -> int:
    """Print the sample ticket; for sim:// also report the PNG the simulator drew."""
    layout = sample_ticket()
    with open_printer(args.printer) as printer:
        if args.preview:
            render_png(layout, printer.paper_mm).save(args.preview)
            print(f"preview: {args.preview}")
        status = printer.print_ticket(layout)
    print(f"printed; printer {status.state}")
    scheme, location, _ = parse_printer_url(args.printer)
    if scheme == "sim" and location and (tickets := printed_tickets(location)):
        print(f"simulator PNG: {tickets[-1].with_suffix('.png')}")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    """Print the printer's status; exit 0 when it can print, 1 otherwise."""
    with open_printer(args.printer) as printer:
        status = printer.status()
    print(
        f"{status.state}\tonline={status.online} paper={status.paper} "
        f"cover_open={status.cover_open} error={status.error}"
    )
    return 0 if status.problem is None else 1


def cmd_sim(args: argparse.Namespace) -> int:
    """Run a simulator; the first line printed is where to point a driver."""
    sim: PrinterSimulator | ScannerSimulator | LineSimulator
    if args.kind == "printer":
        directory = args.dir or Path(tempfile.mkdtemp(prefix="fairq-printer-"))
        sim = printer = PrinterSimulator(
            directory, transport="pty" if args.pty else "tcp", paper_mm=args.paper, link=args.link
        ).start()
        print(printer.url, flush=True)
        print(f"directory: {directory}", file=sys.stderr, flush=True)
    elif args.kind == "scanner":
        sim = ScannerSimulator(link=args.link, control_file=args.control).start()
        print(sim.path, flush=True)
    else:
        kinds = ["led", "keypad", "evaluator"] if args.kind == "counter" else [args.kind]
        address = args.address if args.kind != "counter" else None
        devices = [KINDS[kind](address) for kind in kinds]
        sim = LineSimulator(devices, link=args.link, state_file=args.state, control_file=args.control).start()
        print(sim.path, flush=True)
    _wait_for_signal()
    sim.stop()
    return 0


def _wait_for_signal() -> None:
    """Block until SIGINT or SIGTERM."""
    done = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: done.set())
    while not done.wait(0.5):
        pass


def _bus(args: argparse.Namespace) -> SerialBus:
    return SerialBus(args.device, baudrate=args.baudrate)


def cmd_led(args: argparse.Namespace) -> int:
    """Show, clear, blink or dim an LED display."""
    with _bus(args) as bus:
        led = LedDisplay(bus, args.address)
        if args.action == "show":
            led.show(args.value, blink=args.blink)
        elif args.action == "clear":
            led.clear()
        elif args.action in ("blink", "steady"):
            led.blink(args.action == "blink")
        else:
            led.set_brightness(int(args.value))
    return 0


def cmd_keypad(args: argparse.Namespace) -> int:
    """Print each key pressed, one per line, or write the keypad's screen."""
    with _bus(args) as bus:
        keypad = Keypad(bus, args.address)
        if args.action == "show":
            keypad.show(args.text)
            return 0
        keypad.poll()  # sync with presses made before we started
        seen = 0
        end = time.monotonic() + args.seconds if args.seconds else None
        try:
            while end is None or time.monotonic() < end:
                try:
                    keys = keypad.poll()
                except DeviceError:
                    keys = []
                for key in keys:
                    print(key.value, flush=True)
                    seen += 1
                    if args.count and seen >= args.count:
                        return 0
                time.sleep(0.1)
        except KeyboardInterrupt:
            pass
    return 0


def cmd_evaluator(args: argparse.Namespace) -> int:
    """Ask for a rating and print it, or ``timeout``."""
    with _bus(args) as bus:
        rating = Evaluator(bus, args.address).ask(args.timeout)
    print(rating.value if rating else "timeout")
    return 0 if rating else 1


def cmd_scanner(args: argparse.Namespace) -> int:
    """Print each code scanned."""
    scanner = BarcodeScanner(args.device, baudrate=args.baudrate)
    seen = 0
    end = time.monotonic() + args.seconds if args.seconds else None
    try:
        while end is None or time.monotonic() < end:
            if (code := scanner.read(0.2)) is not None:
                print(code, flush=True)
                seen += 1
                if args.count and seen >= args.count:
                    break
    except KeyboardInterrupt:
        pass
    finally:
        scanner.close()
    return 0


COMMANDS = {
    "ports": cmd_ports,
    "print-test": cmd_print_test,
    "status": cmd_status,
    "sim": cmd_sim,
    "led": cmd_led,
    "keypad": cmd_keypad,
    "evaluator": cmd_evaluator,
    "scanner": cmd_scanner,
}

if __name__ == "__main__":
    sys.exit(main())

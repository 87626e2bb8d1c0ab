"""fairq's device drivers and simulators: no Qt, no HTTP; blocking calls with bounded waits.

Ticket printer (ESC/POS through python-escpos)::

    printer = open_printer("tcp://10.0.0.5:9100?paper=80")  # usb://, serial://, file://, sim://
    printer.status() -> PrinterStatus          # online, paper ok/near_end/out, cover_open
    printer.print_ticket(TicketLayout(...))    # raises PaperOut, CoverOpen, PrinterOffline,
                                               # PrinterFault before; PrintIncomplete after
    render_escpos(layout, paper_mm) -> bytes;  render_png(layout, paper_mm) -> PIL.Image
    set_printer_state(sim_dir, "paper_out")    # drive a sim:// printer from any process

Counter devices on one serial/RS-485 line (Modbus RTU through pymodbus)::

    bus = SerialBus("/dev/ttyUSB0", baudrate=9600)  # any serial.serial_for_url URL
    LedDisplay(bus, 1).show("A023", blink=True); .blink(); .clear(); .set_brightness(0..7)
    Keypad(bus, 2).poll() -> list[Key];  .show(text)   # or DevicePoller(..., on_key=...)
    Evaluator(bus, 3).ask(timeout) -> Rating | None
    bus.is_online(address); bus.add_listener(lambda address, online: ...)

Barcode scanner::

    BarcodeScanner("/dev/ttyUSB1").read(timeout) -> str | None;  .start(on_code); .stop()

Simulators (threads here, processes via ``fairq hw sim ...``): PrinterSimulator,
LineSimulator with LedSim / KeypadSim / EvaluatorSim, ScannerSimulator. See docs/hardware.md.
"""

from .bus import (
    DeviceError,
    DeviceOffline,
    DevicePoller,
    Evaluator,
    EvaluatorSim,
    Key,
    Keypad,
    KeypadSim,
    LedDisplay,
    LedSim,
    LineSimulator,
    SerialBus,
)
from .printer import (
    CoverOpen,
    Paper,
    PaperOut,
    PrinterConfigError,
    PrinterError,
    PrinterFault,
    PrinterOffline,
    PrinterSimulator,
    PrinterStatus,
    PrintIncomplete,
    TicketLayout,
    TicketPrinter,
    open_printer,
    printed_tickets,
    render_escpos,
    render_png,
    set_printer_state,
)
from .scanner import BarcodeScanner, ScannerSimulator

__all__ = [
    "BarcodeScanner",
    "CoverOpen",
    "DeviceError",
    "DeviceOffline",
    "DevicePoller",
    "Evaluator",
    "EvaluatorSim",
    "Key",
    "Keypad",
    "KeypadSim",
    "LedDisplay",
    "LedSim",
    "LineSimulator",
    "Paper",
    "PaperOut",
    "PrintIncomplete",
    "PrinterConfigError",
    "PrinterError",
    "PrinterFault",
    "PrinterOffline",
    "PrinterSimulator",
    "PrinterStatus",
    "ScannerSimulator",
    "SerialBus",
    "TicketLayout",
    "TicketPrinter",
    "open_printer",
    "printed_tickets",
    "render_escpos",
    "render_png",
    "set_printer_state",
]

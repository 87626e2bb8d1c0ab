"""Ticket printer: layout, ESC/POS and PNG rendering, status, URL-chosen transports, simulator."""

from .driver import TicketPrinter, open_printer
from .escpos_encode import encode_blocks, encode_text, render_escpos
from .escpos_parse import parse_escpos
from .layout import Block, Cut, Feed, Qr, Text, TicketLayout, ticket_blocks
from .preview import render_blocks, render_png
from .sim import PrinterSimulator, ensure_simulator, printed_tickets, set_printer_state
from .status import (
    CoverOpen,
    Paper,
    PaperOut,
    PrinterConfigError,
    PrinterError,
    PrinterFault,
    PrinterOffline,
    PrinterStatus,
    PrintIncomplete,
)

__all__ = [
    "Block",
    "CoverOpen",
    "Cut",
    "Feed",
    "Paper",
    "PaperOut",
    "PrintIncomplete",
    "PrinterConfigError",
    "PrinterError",
    "PrinterFault",
    "PrinterOffline",
    "PrinterSimulator",
    "PrinterStatus",
    "Qr",
    "Text",
    "TicketLayout",
    "TicketPrinter",
    "encode_blocks",
    "encode_text",
    "ensure_simulator",
    "open_printer",
    "parse_escpos",
    "printed_tickets",
    "render_blocks",
    "render_escpos",
    "render_png",
    "set_printer_state",
    "ticket_blocks",
]

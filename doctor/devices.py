"""The hardware an app drives: the kiosk's printer and scanner, the counter's serial devices, the display's audio."""

from __future__ import annotations

import os

import serial

from hardware import Evaluator, Keypad, LedDisplay, PrinterError, SerialBus, open_printer
from protocol import PrinterState

from .report import Check, failed, passed, warned

_qt_app = None
PRINTER_FIXES = {
    PrinterState.PAPER_OUT: "load a new paper roll and close the cover",
    PrinterState.PAPER_NEAR_END: "have a new paper roll ready: it is nearly used up",
    PrinterState.COVER_OPEN: "close the printer's cover",
    PrinterState.OFFLINE: "switch the printer on, check its cable, and the printer URL (fairq hw status --printer URL)",
    PrinterState.ERROR: "clear the printer's error (paper jam, cutter): open, clear, close; then power-cycle it",
}


def printer(role: str, url: str, where: str) -> Check:
    """The kiosk's ticket printer answers and can print."""
    if not url:
        return failed(
            role, "printer", f"no printer in {where}", f'set printer = "usb://…" or "tcp://…:9100" in {where}'
        )
    try:
        with open_printer(url) as p:
            status = p.status()
    except (PrinterError, OSError, ValueError) as err:
        return failed(role, "printer", f"{url}: {err}", f"check the printer URL in {where} (fairq hw ports)")
    if not status.queried:
        return warned(
            role, "printer", f"{url} cannot report paper or cover", "use a connection that answers (USB, serial, TCP)"
        )
    state = status.state
    detail = f"{url}: {state.value}"
    if url.startswith("sim://"):
        return warned(
            role, "printer", detail + " (a simulator, not a printer)", f"set the real printer's URL in {where}"
        )
    if state == PrinterState.OK:
        return passed(role, "printer", detail)
    if state == PrinterState.PAPER_NEAR_END:
        return warned(role, "printer", detail, PRINTER_FIXES[state])
    return failed(role, "printer", detail, PRINTER_FIXES[state])


def scanner(role: str, url: str, where: str) -> Check:
    """A serial barcode scanner's port opens (a keyboard-wedge scanner needs no port)."""
    if not url:
        return passed(role, "scanner", "no serial scanner configured (keyboard wedge or none)")
    try:
        port = serial.serial_for_url(url, timeout=0.2)
        port.close()
    except (serial.SerialException, OSError, ValueError) as err:
        return failed(
            role, "scanner", f"{url}: {err}", f"plug the scanner in, or fix scanner = … in {where} (fairq hw ports)"
        )
    return passed(role, "scanner", f"{url} opens")


def counter_devices(role: str, config, where: str) -> list[Check]:
    """The LED display, keypad and evaluator on the counter's serial line each answer at their address."""
    url = str(config.get("devices") or "")
    if not url:
        return [
            warned(
                role,
                "serial devices",
                "none configured: the officer uses the on-screen buttons only",
                f'set devices = "/dev/serial/by-id/…" in {where} if the counter has an LED display or keypad',
            )
        ]
    checks = []
    bus = SerialBus(url, baudrate=int(config.get("baudrate", 9600)), retries=1)
    try:
        for kind, cls, key in (
            ("LED display", LedDisplay, "led_address"),
            ("keypad", Keypad, "keypad_address"),
            ("evaluator", Evaluator, "evaluator_address"),
        ):
            address = int(config.get(key, cls.DEFAULT_ADDRESS))
            name = f"{kind} @{address}"
            if cls(bus, address).check():
                checks.append(passed(role, name, f"answers at address {address} on {url}"))
            else:
                checks.append(
                    failed(
                        role,
                        name,
                        f"no answer at address {address} on {url}",
                        f"check the {kind}'s power and RS-485 wiring (A/B, termination) and that its address "
                        f"switch is set to {address}, or set {key} in {where} to its address",
                    )
                )
    finally:
        bus.close()
    return checks


def audio(role: str, voice: str) -> Check:
    """The display can be heard: an audio output the voice can play on."""
    if voice == "off":
        return passed(role, "audio", "voice is off: calls are shown, not spoken")
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtMultimedia import QMediaDevices

    global _qt_app
    _qt_app = QCoreApplication.instance() or QCoreApplication([])  # QMediaDevices needs one, kept alive
    output = QMediaDevices.defaultAudioOutput()
    if output.isNull():
        return failed(
            role,
            "audio",
            "no audio output: calls would be shown but not heard",
            "connect the speakers (or HDMI audio), unmute, and check the session's sound server (pactl info)",
        )
    return passed(role, "audio", f"output {output.description()!r}")

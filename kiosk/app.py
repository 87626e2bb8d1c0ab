"""`fairq kiosk`: the ticket kiosk. Options override the kiosk's config file, which keeps its token."""

from __future__ import annotations

import argparse
import logging
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication

from qtclient import DISCOVER, DeviceConfig, DispatcherLink
from qtclient.appargs import AppParser, add_common_options, load_app_config
from qtclient.bootstrap import link_for, qt_application, run_until_closed
from qtclient.i18n import Translator

from .controller import KioskController
from .pending import PendingWork
from .printing import PrinterService
from .window import SIZES, KioskWindow

log = logging.getLogger("fairq.kiosk")

DEFAULTS: dict[str, Any] = {
    "url": DISCOVER,
    "token": "",
    "printer": "sim://",
    "scanner": "",
    "orientation": "portrait",
    "idle_timeout": 60,
    "ticket_timeout": 15,
    "language": "zh",
    "printer_poll_ms": 3000,
}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = AppParser(prog="fairq kiosk", description="The ticket kiosk of a fairq hall.")
    add_common_options(p, app="kiosk", device="kiosk")
    p.add_argument("--printer", help="printer URL: usb://, serial://, tcp://, file://, sim:///DIR")
    p.add_argument("--scanner", help="barcode scanner serial URL (a keyboard-wedge scanner needs none)")
    p.add_argument("--orientation", choices=["portrait", "landscape"])
    p.add_argument("--lang", choices=["zh", "en"], help="start language (default zh)")
    p.add_argument("--idle-timeout", type=float, help="seconds before an idle screen returns to the start")
    p.add_argument("--ticket-timeout", type=float, help="seconds the take-your-ticket screen stays")
    return p.parse_args(argv)


def load_config(args: argparse.Namespace) -> DeviceConfig:
    """The config file with the command line's options laid over it (a given token is saved)."""
    return load_app_config(
        args,
        app="kiosk",
        defaults=DEFAULTS,
        printer=args.printer,
        scanner=args.scanner,
        orientation=args.orientation,
        language=args.lang,
        idle_timeout=args.idle_timeout,
        ticket_timeout=args.ticket_timeout,
    )


class ScannerBridge(QObject):
    """Carries codes from the scanner's reader thread to the GUI thread."""

    codeScanned = Signal(str)


@dataclass
class Kiosk:
    """Everything one running kiosk is made of (tests drive it through these)."""

    config: DeviceConfig
    window: KioskWindow
    link: DispatcherLink
    printer: PrinterService
    controller: KioskController
    translator: Translator
    scanner: Any = None
    bridge: ScannerBridge | None = None

    def stop(self) -> None:
        self.controller.stop()
        self.translator.uninstall()
        if self.scanner is not None:
            self.scanner.stop()


def build(config: DeviceConfig, *, interfaces: list[str] | None = None) -> Kiosk:
    """Make the kiosk from its configuration (a QApplication must exist); `Kiosk.controller.start()` runs it."""
    orientation = config.get("orientation", "portrait")
    translator = Translator(["qtclient", "kiosk"])
    window = KioskWindow(orientation=orientation)
    link = link_for(config, interfaces=interfaces)
    printer = PrinterService(config.get("printer"), poll_ms=int(config.get("printer_poll_ms", 3000)))
    controller = KioskController(
        link=link,
        printer=printer,
        window=window,
        translator=translator,
        idle_timeout_s=float(config.get("idle_timeout", 60)),
        ticket_timeout_s=float(config.get("ticket_timeout", 15)),
        pending=PendingWork(config.path.with_name(config.path.stem + "-pending.json")),
    )
    translator.set_language(config.get("language", "zh"))
    window.set_language(translator.language)
    kiosk = Kiosk(config, window, link, printer, controller, translator)
    if config.get("scanner"):
        from hardware.scanner import BarcodeScanner

        kiosk.bridge = ScannerBridge()
        kiosk.bridge.codeScanned.connect(controller.scanned)
        kiosk.scanner = BarcodeScanner(config.get("scanner")).start(kiosk.bridge.codeScanned.emit)
    return kiosk


def show(widget, orientation: str, windowed: bool) -> None:
    width, height = SIZES[orientation]
    if windowed:
        screen = QApplication.primaryScreen().availableGeometry()
        scale = min(1.0, screen.width() / width, (screen.height() - 40) / height)
        widget.resize(int(width * scale), int(height * scale))
        widget.show()
    else:
        widget.showFullScreen()


def main(argv: list[str] | None = None) -> int:
    """Run the kiosk until its window is closed."""
    args = parse_args(argv)
    app = qt_application(args.verbose)
    config = load_config(args)
    orientation = config.get("orientation", "portrait")

    def start(kiosk_config: DeviceConfig) -> Kiosk:
        kiosk = build(kiosk_config)
        show(kiosk.window, kiosk_config.get("orientation", "portrait"), args.windowed)
        kiosk.controller.start()
        return kiosk

    return run_until_closed(app, config, role="kiosk", start=start, show=lambda w: show(w, orientation, args.windowed))


if __name__ == "__main__":
    raise SystemExit(main())

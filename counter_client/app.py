"""`fairq counter`: the officer's counter client. Options override the counter PC's config file."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import QApplication

from qtclient import DISCOVER, DeviceConfig, DispatcherLink
from qtclient.appargs import AppParser, add_common_options, load_app_config
from qtclient.bootstrap import enrolment_view, link_for, qt_application
from qtclient.i18n import Translator

from .controller import CounterController
from .devices import CounterDevices, DeviceLine
from .session import CounterSession
from .window import LAYOUT_SIZE, SIZES, CounterWindow, scale_for

log = logging.getLogger("fairq.counter")

DEFAULTS: dict[str, Any] = {
    "url": DISCOVER,
    "token": "",
    "language": "zh",
    "devices": "",  # the counter's RS-485 line: /dev/serial/by-id/..., a pty, rfc2217://...
    "led_address": 1,
    "keypad_address": 2,
    "evaluator_address": 3,
    "baudrate": 9600,
    "rating_timeout": 60,
    "size": "1080p",
}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = AppParser(prog="fairq counter", description="The officer's counter client of a fairq hall.")
    add_common_options(p, app="counter", device="counter PC")
    p.add_argument(
        "--devices",
        help="serial URL of the counter's RS-485 line (LED, keypad, evaluator); addresses from the config",
    )
    p.add_argument("--lang", choices=["zh", "en"], help="start language (default zh)")
    p.add_argument("--size", choices=sorted(SIZES), help="the counter PC's screen (default 1080p)")
    return p.parse_args(argv)


def load_config(args: argparse.Namespace) -> DeviceConfig:
    """The config file with the command line's options laid over it (a given token is saved)."""
    return load_app_config(
        args, app="counter", defaults=DEFAULTS, devices=args.devices, language=args.lang, size=args.size
    )


@dataclass
class CounterApp:
    """Everything one running counter client is made of (tests drive it through these)."""

    config: DeviceConfig
    window: CounterWindow
    link: DispatcherLink
    session: CounterSession
    controller: CounterController
    translator: Translator
    devices: CounterDevices | None = None

    def start(self) -> CounterApp:
        if self.config.enrolled:
            self.controller.start()
        return self

    def stop(self) -> None:
        """Stop the link and the devices, and take this app's catalogs out of the QApplication."""
        self.controller.stop()
        self.translator.uninstall()


def device_line(config: DeviceConfig) -> DeviceLine | None:
    """The counter's device line from the config, None when it has no devices."""
    url = str(config.get("devices", "") or "")
    if not url:
        return None
    return DeviceLine(
        url,
        led=int(config.get("led_address", 1)),
        keypad=int(config.get("keypad_address", 2)),
        evaluator=int(config.get("evaluator_address", 3)),
        baudrate=int(config.get("baudrate", 9600)),
    )


def build(
    config: DeviceConfig,
    *,
    link_options: dict[str, Any] | None = None,
    device_options: dict[str, Any] | None = None,
    interfaces: list[str] | None = None,
) -> CounterApp:
    """Make the counter client from its configuration (a QApplication must exist); `.start()` runs it."""
    translator = Translator(["qtclient", "counter_client"])
    window = CounterWindow()
    link = link_for(config, interfaces=interfaces, **(link_options or {}))
    session = CounterSession(link, parent=link)
    devices = None
    line = device_line(config)
    if line is not None:
        options = {"rating_timeout_s": float(config.get("rating_timeout", 60)), **(device_options or {})}
        devices = CounterDevices(line, **options)
    translator.set_language(config.get("language", "zh"))
    controller = CounterController(session=session, window=window, translator=translator, devices=devices)
    app = CounterApp(config, window, link, session, controller, translator, devices)
    if not config.enrolled:

        def enrolled(done: DeviceConfig) -> None:
            link.set_tls_pin(done.get("tls_pin"))  # the pin the enrolment screen checked, from the first request on
            if done.url != DISCOVER:
                link.set_url(done.url)
            link.set_token(done.token)
            window.show_login()
            controller.start()

        window.set_enrolment(enrolment_view(config, role="counter", enrolled=enrolled, discovery=link.discovery))
    return app


def main(argv: list[str] | None = None) -> int:
    """Run the counter client until its window is closed."""
    args = parse_args(argv)
    config = load_config(args)
    scale = scale_for(str(config.get("size", "1080p")))
    if scale != 1 and not QApplication.instance():  # a smaller screen shows the same layout, smaller
        os.environ.setdefault("QT_SCALE_FACTOR", f"{scale:.4f}")
    qapp = qt_application(args.verbose)
    app = build(config)
    width, height = LAYOUT_SIZE
    if args.windowed:
        screen = qapp.primaryScreen().availableGeometry()
        app.window.resize(min(width, screen.width()), min(height, screen.height() - 40))
        app.window.show()
    else:
        app.window.showFullScreen()
    app.start()
    try:
        return qapp.exec()
    finally:
        app.stop()


if __name__ == "__main__":
    sys.exit(main())

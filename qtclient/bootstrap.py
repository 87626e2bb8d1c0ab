"""How every fairq Qt app starts: logging and the themed QApplication, its dispatcher link, enrolment first.

``qt_application(verbose)`` once per process; ``link_for(config)`` connects to the configured URL or
finds the dispatcher by zeroconf; ``enrol_then_run(config, role=..., run=..., show=...)`` runs the app
at once on an enrolled device, else shows the one-time enrolment screen first (``enrolment_view`` is
that screen, for an app that shows it inside its own window).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtWidgets import QApplication, QWidget

from .config import DeviceConfig
from .discovery import DiscoveryBrowser, browser_for
from .enrol import EnrolmentView
from .gui_gc import collect_on_gui_thread
from .i18n import Translator
from .link import DispatcherLink
from .theme import apply_theme


def qt_application(verbose: bool = False) -> QApplication:
    """The process's QApplication, themed, logging at INFO (verbose) or WARNING, its garbage collected on its thread."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, force=True)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    apply_theme(app)
    collect_on_gui_thread(app)
    return app


def link_for(config: DeviceConfig, *, interfaces: list[str] | None = None, **options: Any) -> DispatcherLink:
    """The link to the config's dispatcher: its URL, or zeroconf discovery when the config says `discover`."""
    url = None if config.discover else config.url
    discovery = browser_for(config, interfaces=interfaces) if url is None else None
    return DispatcherLink(url, config.token, discovery=discovery, tls_pin=config.get("tls_pin"), **options)


def enrolment_view(
    config: DeviceConfig,
    *,
    role: str,
    enrolled: Callable[[DeviceConfig], None],
    discovery: DiscoveryBrowser | None = None,
) -> EnrolmentView:
    """The enrolment screen; once its token checks out, the config saves URL, token and pin and `enrolled` runs."""
    view = EnrolmentView(url=config.url, role=role, tls_pin=config.get("tls_pin"))
    if discovery is not None:  # offer the dispatcher found on the LAN
        discovery.found.connect(lambda url: setattr(view, "discovered_url", url))
        discovery.start()

    def done(url: str, token: str, device: dict[str, Any]) -> None:
        config.update(url=url, token=token, **view.pinning())  # the certificate pin and hall, where known
        config.save()
        enrolled(config)

    view.enrolled.connect(done)
    return view


@dataclass
class Enrolment:
    """What the enrolment screen needs kept alive while it is shown."""

    view: EnrolmentView | None = None
    browser: DiscoveryBrowser | None = None
    parts: list[Any] = field(default_factory=list)


def enrol_then_run(
    config: DeviceConfig, *, role: str, run: Callable[[DeviceConfig], None], show: Callable[[QWidget], None]
) -> Enrolment:
    """Run the app now on an enrolled device; else show the enrolment screen, and run the app once enrolled."""
    if config.enrolled:
        run(config)
        return Enrolment()
    translator = Translator(["qtclient"])
    translator.set_language(config.get("language", "zh"))
    browser = browser_for(config) if config.discover else None
    kept = Enrolment(browser=browser, parts=[translator])

    def enrolled(done: DeviceConfig) -> None:
        if browser is not None:
            browser.stop()
        if kept.view is not None:
            kept.view.close()
        run(done)

    kept.view = enrolment_view(config, role=role, enrolled=enrolled, discovery=browser)
    show(kept.view)
    return kept


def run_until_closed(
    app: QApplication,
    config: DeviceConfig,
    *,
    role: str,
    start: Callable[[DeviceConfig], Any],
    show: Callable[[QWidget], None],
) -> int:
    """Enrol if needed, `start` the app, run Qt until the window closes, then stop what `start` returned."""
    running: list[Any] = []
    enrolment = enrol_then_run(config, role=role, run=lambda done: running.append(start(done)), show=show)
    code = app.exec()
    del enrolment
    for part in running:
        part.stop()
    return code

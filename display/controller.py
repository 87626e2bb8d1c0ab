"""All the wiring of a hall screen: link events -> screen model -> window, calls -> announcer."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QObject, Signal

from qtclient import DispatcherLink

from .announcer import Announcer
from .model import ScreenModel, call_item
from .window import DisplayWindow
from .zones import Zone

log = logging.getLogger("fairq.display")


def event_age_s(event: dict[str, Any], now: datetime) -> float:
    """Seconds since the event happened (by the dispatcher's clock); 0 if its time is unreadable."""
    try:
        at = datetime.fromisoformat(str(event.get("at", "")).replace("Z", "+00:00"))
    except ValueError:
        return 0.0
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return max(0.0, (now - at).total_seconds())


class DisplayController(QObject):
    """Keeps the screen in step with the dispatcher and announces each call of its zone.

    Live calls are announced whatever the clocks say; calls replayed after a lost link are announced only
    if they are younger than the announcer's staleness limit (by the dispatcher's timestamps).
    """

    called = Signal(object)  # CallItem of a new call or recall in this zone, as shown

    def __init__(
        self,
        link: DispatcherLink,
        window: DisplayWindow,
        *,
        zone: Zone | None = None,
        announcer: Announcer | None = None,
        utc_now: Callable[[], datetime] = lambda: datetime.now(UTC),
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.link = link
        self.window = window
        self.zone = zone or Zone()
        self.model = ScreenModel(zone=self.zone)
        self.announcer = announcer
        self.utc_now = utc_now
        self.was_up = False
        link.stateChanged.connect(self.refresh)
        link.ticketCalled.connect(self._called)
        link.ticketRecalled.connect(self._called)
        link.linkUp.connect(self._up)
        link.linkDown.connect(self._down)
        link.authFailed.connect(self._auth_failed)
        link.tlsRefused.connect(self._tls_refused)

    def start(self) -> None:
        log.info("display of %s starting (%s)", self.link.url or "a discovered dispatcher", self.zone.describe())
        self.window.show_banner("connecting")
        self.link.start()

    def stop(self) -> None:
        self.link.stop()
        if self.announcer is not None:
            self.announcer.clear()

    def refresh(self) -> None:
        self.model.refresh(self.link.state)
        self.window.show_model(self.model)

    # ---- signals ------------------------------------------------------------------------

    def _called(self, event: dict[str, Any]) -> None:
        call = (event.get("data") or {}).get("call") or {}
        if not call or not self.zone.accepts_call(call):
            return
        self.refresh()
        item = self.model.latest
        if item is None or item.ticket_id != call.get("ticket_id"):
            item = call_item(call)
        self.window.flash_call(item)
        log.info("showing call %s at counter %s%s", item.label, item.counter, " (recall)" if call.get("recall") else "")
        self.called.emit(item)
        if self.announcer is not None:
            age = self._replay_age(event)
            self.announcer.announce(call["label"], call["counter"], recall=bool(call.get("recall")), age_s=age)

    def _replay_age(self, event: dict[str, Any]) -> float:
        """How old a replayed event is; live events count as new (clocks of two hosts may differ)."""
        hello = self.link.last_hello or {}
        if hello.get("mode") == "replay" and int(event.get("seq", 0)) <= int(hello.get("seq") or 0):
            return event_age_s(event, self.utc_now())
        return 0.0

    def _up(self) -> None:
        self.was_up = True
        log.info("link up: %s", self.link.url)
        self.window.show_banner(None)
        self.refresh()

    def _down(self, reason: str) -> None:
        if reason == "stopped":
            return
        log.warning("link down: %s", reason)
        self.window.show_banner("link_lost" if self.was_up else "connecting", reason)

    def _tls_refused(self, reason: str) -> None:
        log.error("dispatcher refused: %s", reason)
        self.window.show_banner("tls_refused", reason)

    def _auth_failed(self, message: str) -> None:
        log.error("token refused: %s", message)
        self.window.show_banner("auth_failed", message)

"""`CounterController`: all the signal wiring of a counter PC — session, devices, window — in one place."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QDateTime, QObject

from qtclient.i18n import Translator
from qtclient.timers import timer

from .devices import CounterDevices
from .model import ACTIONS, led_for, pause_or_resume
from .session import CounterSession
from .window import CounterWindow

log = logging.getLogger("fairq.counter")


class CounterController(QObject):
    """Buttons, F-keys and keypad keys all end in `trigger`; the session's state is drawn by `render`
    and mirrored on the LED display and the keypad's screen."""

    def __init__(
        self,
        *,
        session: CounterSession,
        window: CounterWindow,
        translator: Translator,
        devices: CounterDevices | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.link = session.link
        self.window = window
        self.translator = translator
        self.devices = devices
        self._login_waiting = ""  # the "waiting for the dispatcher" text now on the login page, if any
        self._rated: dict[int, str] = {}  # ticket id -> label, for the message when its rating arrives
        service = window.service
        # what the officer does
        service.actionTriggered.connect(self.trigger)
        service.transfer.confirmed.connect(self.confirm_transfer)
        service.transfer.cancelled.connect(self.cancel_transfer)
        service.pin.confirmed.connect(self.session.change_pin)
        service.pin.cancelled.connect(service.pin.hide)
        window.login.loginRequested.connect(self.session.login)
        window.languageToggled.connect(self.toggle_language)
        # what the dispatcher says
        session.changed.connect(self.render)
        session.loggedIn.connect(self._logged_in)
        session.loggedOut.connect(self._logged_out)
        session.loginFailed.connect(self._login_failed)
        session.actionDone.connect(self._done)
        session.actionFailed.connect(self._failed)
        session.statsChanged.connect(service.side.show_stats)
        session.ticketDone.connect(self._ticket_done)
        session.ratingSent.connect(self._rating_sent)
        session.pinChanged.connect(self._pin_changed)
        session.pinFailed.connect(lambda message: service.show_message(message, error=True))
        # the devices
        if devices is not None:
            devices.keyPressed.connect(self.key)
            devices.ticketRated.connect(self.session.rate)
            devices.ratingTimedOut.connect(lambda ticket_id: self._rated.pop(ticket_id, None))
            devices.deviceOnline.connect(lambda _kind, _online: self.render())
        translator.languageChanged.connect(lambda _lang: self.render())
        self._clock = timer(self, 1000, self._tick)
        self.render()

    # ---- life ------------------------------------------------------------------------------

    def start(self) -> None:
        if self.devices is not None:
            self.devices.start()
            self._mirror()
        self.link.start()
        self._clock.start()
        self.render()

    def stop(self) -> None:
        self._clock.stop()
        if self.devices is not None:
            self.devices.stop()
        self.link.stop()

    # ---- input -------------------------------------------------------------------------

    def trigger(self, action: str) -> bool:
        """One officer action, from a button, an F-key or a keypad key."""
        session = self.session
        service = self.window.service
        if self.window.page != "service" or not session.logged_in:
            return False
        if action == "transfer":
            if session.can("transfer"):
                service.transfer.open(session.transfer_targets(), self.translator.language)
                service.show_message(self.tr("Choose the category and give the reason, then Transfer (Enter)."))
                return True
            ok = False
        elif action == "done":
            ok = session.done(service.outcome.currentText())
        else:
            ok = session.act(action)
        if not ok:
            service.show_message(self._why_not(action), error=True)
        return ok

    def key(self, key: str) -> None:
        """A caller keypad key: the same as its button."""
        if key in ACTIONS:
            self.trigger(key)

    def confirm_transfer(self, category: str, reason: str) -> None:
        self.session.transfer(category, reason)

    def cancel_transfer(self) -> None:
        self.window.service.transfer.hide()
        self.window.service.show_message("")

    def toggle_language(self) -> None:
        self.translator.toggle()

    # ---- output ------------------------------------------------------------------------

    def render(self) -> None:
        session, window = self.session, self.window
        service, status = window.service, window.status
        language = self.translator.language
        name = session.counter_name or (str(session.number) if session.number else "")
        status.counter.setText(name or self.tr("Counter"))
        status.officer.setText(f"{session.officer_name} ({session.staff_id})" if session.logged_in else "")
        key, text = self._state_text()
        status.show_state(key, text)
        online = self.devices.online if self.devices is not None else {}
        status.show_devices(online)
        status.clock.setText(QDateTime.currentDateTime().toString("HH:mm:ss"))
        # banners
        window.link_banner.setVisible(not session.online)
        window.link_banner.setText(
            self.tr("Connection to the dispatcher lost — reconnecting… Actions are unavailable; the ticket stays.")
        )
        missing = [status.device_names()[k] for k, v in online.items() if v is False]
        window.device_banner.setVisible(bool(missing))
        window.device_banner.setText(
            self.tr("Not responding: %1 — keep working with the screen.").replace("%1", "、".join(missing))
        )
        # login page
        window.login.set_counter(name)
        window.login.login_button.setEnabled(session.can_login())
        waiting = self.tr("Waiting for the dispatcher…")
        if not session.online and window.login.status.text() in ("", self._login_waiting):
            window.login.status.setText(waiting)
            self._login_waiting = waiting
        elif session.online and self._login_waiting and window.login.status.text() == self._login_waiting:
            window.login.status.setText("")
            self._login_waiting = ""
        # service page
        ticket = session.ticket
        category = session.link.state.category((ticket or {}).get("category", ""))
        service.card.show_ticket(ticket, session.state, category, language, session.waited_s(), session.service_s())
        service.side.show_queue(session.waiting_counts(), language)
        service.set_pause_mode(session.state)
        for action, button in service.buttons.items():
            button.setEnabled(session.can(action))
        service.outcome.setEnabled(session.can("done"))
        if service.transfer.isVisible() and not session.can("transfer") and session.pending != "transfer":
            service.transfer.hide()
        self._mirror()

    def _mirror(self) -> None:
        """The LED display and the keypad's screen show what the screen shows."""
        if self.devices is None:
            return
        image = led_for(self.session.state, self.session.ticket)
        if (image.text, image.blink) != (self.devices.led_text, self.devices.led_blink):
            self.devices.show_led(image.text, image.blink)
        self.devices.show_keypad(self._keypad_text())

    def _keypad_text(self) -> str:
        session = self.session
        if not session.logged_in:
            return "未登录"
        if session.ticket:
            return f"{session.ticket['label']} {'办理中' if session.ticket.get('state') == 'serving' else '呼叫中'}"
        if session.state == "paused":
            return "暂停服务"
        waiting = sum(int(c.get("waiting") or 0) for c in session.waiting_counts())
        return f"等候 {waiting}"

    def _tick(self) -> None:
        """Once a second: the service timer and the clock."""
        session = self.session
        self.window.status.clock.setText(QDateTime.currentDateTime().toString("HH:mm:ss"))
        if session.ticket:
            category = session.link.state.category(session.ticket.get("category", ""))
            self.window.service.card.show_ticket(
                session.ticket,
                session.state,
                category,
                self.translator.language,
                session.waited_s(),
                session.service_s(),
            )

    def _state_text(self) -> tuple[str, str]:
        session = self.session
        if not session.logged_in:
            return "closed", self.tr("Closed")
        held = (session.ticket or {}).get("state")
        if held == "serving":
            return "serving", self.tr("Serving")
        if held == "called":
            return "called", self.tr("Called")
        return session.state, {
            "idle": self.tr("Free"),
            "ready": self.tr("Ready"),
            "busy": self.tr("Busy"),
            "paused": self.tr("Paused"),
        }.get(session.state, session.state)

    def _why_not(self, action: str) -> str:
        session = self.session
        if not session.online:
            return self.tr("Not connected to the dispatcher; please wait.")
        if session.pending:
            return self.tr("One moment, the last action is still being sent.")
        if action == "pause":
            action = pause_or_resume(session.state)
        name = self.window.service.action_names().get(action, action)
        return self.tr("“%1” is not possible now.").replace("%1", name)

    # ---- replies -----------------------------------------------------------------------

    def _logged_in(self, data: dict[str, Any]) -> None:
        self.window.login.status.setText("")
        self.window.show_service()
        ticket = data.get("current_ticket")
        self.window.service.show_message(
            self.tr("Welcome back: %1 is still yours.").replace("%1", ticket["label"]) if ticket else ""
        )
        if data.get("must_change_pin"):  # an officer from before 6-digit PINs
            self.window.service.pin.open()
        self.render()

    def _pin_changed(self) -> None:
        self.window.service.pin.hide()
        self.window.service.show_message(self.tr("Your new PIN is set."))

    def _logged_out(self, reason: str) -> None:
        self.window.show_login()
        self.window.login.status.setText(reason)
        self.window.service.show_message("")
        self.window.service.side.show_stats({})
        self.render()

    def _login_failed(self, message: str) -> None:
        self.window.login.status.setText(message)
        self.window.login.reset()

    def _done(self, action: str) -> None:
        service = self.window.service
        ticket = self.session.ticket
        if action == "transfer":
            service.transfer.hide()
            service.show_message(self.tr("Transferred."))
        elif action == "done":
            service.outcome.setCurrentIndex(0)
            service.outcome.setEditText("")
            service.show_message(self.tr("Done. Press Next (F1) for the next trader."))
        elif action == "next":
            service.outcome.setEditText("")
            service.show_message(self.tr("Called %1.").replace("%1", ticket["label"]) if ticket else "")
        else:
            service.show_message("")

    def _failed(self, action: str, message: str) -> None:
        service = self.window.service
        service.show_message(message, error=True)
        if action == "transfer" and service.transfer.isVisible():
            service.transfer.mark_invalid()

    def _ticket_done(self, ticket: dict[str, Any]) -> None:
        """Ask the trader at the evaluator (if there is one) about the ticket just finished."""
        if self.devices is not None and ticket.get("id"):
            self._rated[int(ticket["id"])] = str(ticket.get("label", ""))
            self.devices.ask_rating(int(ticket["id"]))

    def _rating_sent(self, ticket_id: int, rating: str) -> None:
        names = {
            "very_satisfied": self.tr("very satisfied"),
            "satisfied": self.tr("satisfied"),
            "basically_satisfied": self.tr("basically satisfied"),
            "unsatisfied": self.tr("unsatisfied"),
            "very_unsatisfied": self.tr("very unsatisfied"),
        }
        label = self._rated.pop(ticket_id, str(ticket_id))
        self.window.service.show_message(
            self.tr("Rating for %1: %2").replace("%1", label).replace("%2", names.get(rating, rating))
        )

"""`CounterSession`: one officer at one counter, as the dispatcher sees it; no widgets."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from qtclient import ApiResult, DispatcherLink

from .model import ENDPOINTS, allowed, newer_ticket, parse_time, pause_or_resume, seconds_between

log = logging.getLogger("fairq.counter")


class CounterSession(QObject):
    """The counter's state (closed, idle, ready, busy, paused), its current ticket and the officer's figures.

    Actions go to the dispatcher with the officer's session token; the reply (an ``ActionResult``) is
    applied at once. A ticket the draw assigns later comes as a ``ticket.called`` event. After a lost
    link, an unexpected event or a refused action the counter view is fetched again (``resync``), so
    the screen never trusts a guess. One action at a time: while one is in flight nothing else is allowed.
    """

    changed = Signal()  # state, ticket, link, pending or waiting counts changed: redraw
    loggedIn = Signal(dict)  # the LoginResponse
    loggedOut = Signal(str)  # why ("" after the officer's own logout)
    loginFailed = Signal(str)  # the dispatcher's message
    actionDone = Signal(str)  # action name (next, recall, start, done, no_show, transfer, pause, resume, logout)
    actionFailed = Signal(str, str)  # action, message to show
    ticketDone = Signal(dict)  # a ticket was closed as done here: ask the trader for a rating
    ratingSent = Signal(int, str)  # ticket id, rating: the dispatcher has it
    statsChanged = Signal(dict)
    pinChanged = Signal()  # the new PIN is set
    pinFailed = Signal(str)  # why it was not

    def __init__(self, link: DispatcherLink, *, parent: QObject | None = None, clock: Callable[[], float] = time.time):
        super().__init__(parent)
        self.link = link
        self.clock = clock
        self.number: int | None = None
        self.staff_id: str | None = None
        self.officer_name: str | None = None
        self.token: str | None = None
        self.state = "closed"
        self.ticket: dict[str, Any] | None = None
        self.pending: str | None = None
        self.stats: dict[str, Any] = {}
        self.clock_offset = 0.0  # dispatcher clock minus ours, from event times
        self._epoch = 0  # bumped by every action: an older resync reply is not applied
        self._ratings: list[tuple[int, str]] = []  # ratings waiting for the link
        link.deviceInfo.connect(self._device)
        link.linkUp.connect(self._link_up)
        link.linkDown.connect(self._link_down)
        link.eventReceived.connect(self._event)
        link.stateChanged.connect(self.changed)
        if link.device:
            self._device(link.device)

    # ---- what the screen asks ------------------------------------------------------------

    @property
    def logged_in(self) -> bool:
        return self.token is not None

    @property
    def online(self) -> bool:
        return self.link.is_up

    def can(self, action: str) -> bool:
        """Whether ``action`` may be done now (logged in, link up, nothing in flight, state allows)."""
        if not (self.logged_in and self.online and self.pending is None):
            return False
        return allowed(action, self.state, self.ticket)

    def can_login(self) -> bool:
        return self.online and self.number is not None and self.pending is None and not self.logged_in

    @property
    def own_number(self) -> int:
        """This PC's counter number, asked only once the dispatcher has said it."""
        if self.number is None:
            raise RuntimeError("this counter PC does not know its counter number yet")
        return self.number

    @property
    def counter_view(self) -> dict[str, Any]:
        """This counter as the hall state last saw it (name, categories)."""
        return (self.link.state.counter(self.number) if self.number is not None else None) or {}

    @property
    def counter_name(self) -> str:
        return str(self.counter_view.get("name") or (self.number or ""))

    @property
    def categories(self) -> list[str]:
        """The categories this counter serves."""
        return list(self.counter_view.get("categories") or [])

    def waiting_counts(self) -> list[dict[str, Any]]:
        """This counter's categories with their waiting counts (never which tickets)."""
        mine = set(self.categories)
        return [
            {k: c.get(k) for k in ("code", "name_zh", "name_en", "waiting", "oldest_wait_s")}
            for c in self.link.state.category_list()
            if c.get("code") in mine
        ]

    def transfer_targets(self) -> list[dict[str, Any]]:
        """Categories the current ticket can be transferred to (every other one of the hall)."""
        current = (self.ticket or {}).get("category")
        return [c for c in self.link.state.category_list() if c.get("code") != current]

    def server_now(self) -> float:
        return self.clock() + self.clock_offset

    def waited_s(self) -> float | None:
        """How long the current ticket's trader waited before being called."""
        return seconds_between((self.ticket or {}).get("issued_at"), (self.ticket or {}).get("called_at"))

    def service_s(self) -> float | None:
        """Seconds since service started (serving) or since the call (called)."""
        ticket = self.ticket or {}
        since = parse_time(ticket.get("started_at") if ticket.get("state") == "serving" else ticket.get("called_at"))
        return None if since is None else max(0.0, self.server_now() - since.timestamp())

    # ---- officer actions -----------------------------------------------------------------

    def login(self, staff_id: str, pin: str) -> bool:
        """Log in at this counter; logging in again while a ticket is open resumes it."""
        staff_id, pin = staff_id.strip(), pin.strip()
        if not staff_id or not pin:
            self.loginFailed.emit(self.tr("Enter your staff id and PIN."))
            return False
        if not self.can_login():
            self.loginFailed.emit(self.tr("The dispatcher is not reachable; please wait."))
            return False
        self._set_pending("login")
        self.link.counter_action(self.own_number, "login", {"staff_id": staff_id, "pin": pin}, callback=self._logged_in)
        return True

    def change_pin(self, pin: str, new_pin: str, repeat: str) -> bool:
        """Set a new PIN (6 to 12 digits) with the current one; the result comes as pinChanged or pinFailed."""
        if not self.token:
            return False
        if not (new_pin.isdigit() and 6 <= len(new_pin) <= 12):
            self.pinFailed.emit(self.tr("A new PIN has 6 to 12 digits."))
            return False
        if new_pin != repeat:
            self.pinFailed.emit(self.tr("The two new PINs differ."))
            return False
        self.link.post(
            f"/counters/{self.number}/pin",
            {"pin": pin, "new_pin": new_pin},
            callback=self._pin_result,
            token=self.token,
        )
        return True

    def _pin_result(self, result: ApiResult) -> None:
        if result.ok:
            self.pinChanged.emit()
        else:
            self.pinFailed.emit(self._message(result))

    def act(self, action: str, body: dict[str, Any] | None = None) -> bool:
        """Do one action (see `model.ACTIONS`; ``pause`` toggles) if allowed; the result comes as signals."""
        if action == "pause":
            action = pause_or_resume(self.state)
        if not self.can(action):
            return False
        closing = self.ticket if action in ("next", "done") else None
        self._epoch += 1
        self._set_pending(action)
        self.link.counter_action(
            self.own_number,
            ENDPOINTS[action],
            body,
            token=self.token,
            callback=lambda result: self._acted(action, closing, result),
        )
        return True

    def next(self) -> bool:
        return self.act("next")

    def recall(self) -> bool:
        return self.act("recall")

    def start(self) -> bool:
        return self.act("start")

    def done(self, outcome: str | None = None) -> bool:
        outcome = (outcome or "").strip()
        return self.act("done", {"outcome": outcome} if outcome else None)

    def no_show(self) -> bool:
        return self.act("no_show")

    def transfer(self, category: str, reason: str) -> bool:
        """Transfer with a reason; refused here (no request) when the reason is empty."""
        if not self.can("transfer"):
            return False
        if not reason.strip():
            self.actionFailed.emit("transfer", self.tr("A transfer needs a reason."))
            return False
        if not category or category == (self.ticket or {}).get("category"):
            self.actionFailed.emit("transfer", self.tr("Choose another category."))
            return False
        return self.act("transfer", {"category": category, "reason": reason.strip()})

    def pause(self) -> bool:
        return self.act("pause") if self.state != "paused" else False

    def resume(self) -> bool:
        return self.act("resume")

    def logout(self) -> bool:
        return self.act("logout")

    def rate(self, ticket_id: int, rating: str) -> None:
        """Send the trader's rating (with the device token: it may come after the officer left)."""
        if not self.online:
            self._ratings.append((ticket_id, rating))
            return
        self.link.counter_action(
            self.own_number,
            "rate",
            {"ticket_id": ticket_id, "rating": rating},
            callback=lambda result: self._rated(ticket_id, rating, result),
        )

    def resync(self) -> None:
        """Fetch this counter's view (and the figures) again and take it, unless an action overtook it."""
        if self.number is None:
            return
        epoch = self._epoch
        self.link.get("/counters", lambda result: self._resynced(epoch, result))
        self.refresh_stats()

    def refresh_stats(self) -> None:
        if self.logged_in and self.number is not None:
            self.link.get(f"/counters/{self.number}/stats", self._stats, token=self.token)

    # ---- replies ---------------------------------------------------------------------------

    def _logged_in(self, result: ApiResult) -> None:
        self._set_pending(None)
        if not result.ok:
            self.loginFailed.emit(self._message(result))
            return
        data = result.data
        self.token = data["token"]
        self.staff_id = data["staff_id"]
        self.officer_name = data["name"]
        self.ticket = data.get("current_ticket")
        self.state = "busy" if self.ticket else "idle"
        self._epoch += 1
        self.loggedIn.emit(data)
        self.changed.emit()
        self.resync()

    def _acted(self, action: str, closing: dict[str, Any] | None, result: ApiResult) -> None:
        self._set_pending(None, emit=False)
        if result.ok:
            self._apply_view(result.data.get("counter") or {})
            if action == "logout":
                self._clear_officer()
                self.changed.emit()
                self.actionDone.emit(action)
                self.loggedOut.emit("")
                return
            if closing is not None:
                self.ticketDone.emit(closing)
            self.changed.emit()
            self.actionDone.emit(action)
            if action in ("next", "done", "no_show", "transfer"):
                self.refresh_stats()
            return
        self.changed.emit()
        if result.status == 401:
            self._clear_officer()
            self.changed.emit()
            self.loggedOut.emit(self._message(result))
            return
        self.actionFailed.emit(action, self._message(result))
        if result.reached or result.code == "timeout":
            self.resync()  # refused (the screen was behind) or maybe done: see what is true now

    def _resynced(self, epoch: int, result: ApiResult) -> None:
        if not result.ok or epoch != self._epoch or self.pending is not None:
            return
        self._take_view(next((c for c in result.data or [] if c.get("number") == self.number), None))

    def _take_view(self, view: dict[str, Any] | None) -> None:
        """This counter as the dispatcher (or the folded stream) says it is now."""
        if view is None or not self.logged_in:
            return
        if view.get("staff_id") != self.staff_id:
            self._clear_officer()
            self.changed.emit()
            self.loggedOut.emit(self.tr("This counter was closed by the dispatcher."))
            return
        self._apply_view(view)
        self.changed.emit()

    def _stats(self, result: ApiResult) -> None:
        if result.ok and isinstance(result.data, dict):
            self.stats = result.data
            self.statsChanged.emit(self.stats)

    def _rated(self, ticket_id: int, rating: str, result: ApiResult) -> None:
        if result.ok:
            self.ratingSent.emit(ticket_id, rating)
        elif not result.reached:
            self._ratings.append((ticket_id, rating))
        else:
            log.warning("rating of ticket %s refused: %s", ticket_id, result.message)

    # ---- the link ------------------------------------------------------------------------

    def _device(self, device: dict[str, Any]) -> None:
        number = device.get("counter")
        if isinstance(number, int) and number != self.number:
            self.number = number
            self.changed.emit()

    def _link_up(self) -> None:
        if self.logged_in:
            self.resync()
        ratings, self._ratings = self._ratings, []
        for ticket_id, rating in ratings:
            self.rate(ticket_id, rating)
        self.changed.emit()

    def _link_down(self, _reason: str) -> None:
        self.changed.emit()

    def _event(self, event: dict[str, Any]) -> None:
        at = parse_time(event.get("at"))
        if at is not None:
            self.clock_offset = at.timestamp() - self.clock()
        if not self.logged_in or self.number is None:
            return
        data = event.get("data") or {}
        ticket = data.get("ticket") or {}
        ours = data.get("counter", ticket.get("counter")) == self.number
        kind = event.get("kind", "")
        if not (ours or kind.startswith("day.")) or self.pending is not None:
            return  # not ours, or an action in flight whose reply will say
        if kind.startswith(("ticket.", "counter.", "day.")):
            # the draw assigned a ticket, or someone else (another client, an admin, the day) acted on this
            # counter: the shared reducer has already folded it in, so its view is taken, with no round trip
            self._take_view(self.link.state.counter(self.number))

    # ---- helpers ---------------------------------------------------------------------------

    def _apply_view(self, view: dict[str, Any]) -> None:
        if view.get("state"):
            self.state = str(view["state"])
        self.ticket = newer_ticket(self.ticket, view.get("ticket")) if view.get("ticket") else None

    def _clear_officer(self) -> None:
        self.token = self.staff_id = self.officer_name = None
        self.state = "closed"
        self.ticket = None
        self.stats = {}
        self._epoch += 1

    def _set_pending(self, action: str | None, *, emit: bool = True) -> None:
        self.pending = action
        if emit:
            self.changed.emit()

    def _known_errors(self) -> dict[str, str]:
        """The dispatcher's messages are English; these codes get a translated text (%1: the number in it)."""
        return {
            "bad_credentials": self.tr("Wrong staff id or PIN."),
            "too_many_attempts": self.tr("Too many wrong PINs; try again in %1 s."),
            "officer_elsewhere": self.tr("You are logged in at counter %1; log out there first."),
            "counter_in_use": self.tr("Counter %1 is in use by another officer."),
            "ticket_in_hand": self.tr("Finish the current ticket before pausing."),
            "ticket_in_service": self.tr("Finish the ticket in service before logging out."),
            "reason_required": self.tr("A transfer needs a reason."),
            "same_category": self.tr("The ticket is already in that category."),
            "not_paused": self.tr("The counter is not paused."),
        }

    def _message(self, result: ApiResult) -> str:
        known = self._known_errors().get(result.code) if result.reached else None
        if known:
            numbers = re.findall(r"\d+", result.message or "") or ["?"]
            return known.replace("%1", numbers[-1] if result.code == "officer_elsewhere" else numbers[0])
        if result.reached:
            return result.message or self.tr("The dispatcher refused it (%1).").replace("%1", str(result.status))
        if result.code == "timeout":
            return self.tr("No answer from the dispatcher in time; checking what was done.")
        return self.tr("The dispatcher cannot be reached: %1").replace("%1", result.message)

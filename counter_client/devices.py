"""`CounterDevices`: the counter's LED display, caller keypad and evaluator, driven from a worker thread."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from PySide6.QtCore import QMetaObject, QObject, Qt, QThread, QTimer, Signal, Slot

from hardware import DeviceError, Evaluator, Keypad, LedDisplay, SerialBus

log = logging.getLogger("fairq.counter.devices")

KINDS = ("led", "keypad", "evaluator")


@dataclass(frozen=True)
class DeviceLine:
    """Where the counter's devices are: one serial URL and an address per device."""

    url: str
    led: int = 1
    keypad: int = 2
    evaluator: int = 3
    baudrate: int = 9600


class _Worker(QObject):
    """Lives in the devices thread: owns the bus; every serial call happens here."""

    keyPressed = Signal(str)
    online = Signal(str, bool)
    rated = Signal(int, str)
    askEnded = Signal(int)  # the rating request for this ticket ended without an answer

    def __init__(self, line: DeviceLine, poll_ms: int, check_s: float, rating_timeout_s: float) -> None:
        super().__init__()
        self.line = line
        self.poll_ms = poll_ms
        self.check_s = check_s
        self.rating_timeout_s = rating_timeout_s
        self.bus: SerialBus | None = None
        self._timer: QTimer | None = None
        self._led_want: tuple[str, bool] | None = None
        self._led_dirty = False
        self._screen_want: str | None = None
        self._screen_dirty = False
        self._ask: dict | None = None  # {ticket, request, deadline}
        self._last_try: dict[str, float] = {}
        self._last_health = 0.0

    @Slot()
    def begin(self) -> None:
        line = self.line
        self.bus = SerialBus(line.url, baudrate=line.baudrate)
        self.led = LedDisplay(self.bus, line.led)
        self.keypad = Keypad(self.bus, line.keypad)
        self.evaluator = Evaluator(self.bus, line.evaluator)
        self._kinds = {line.led: "led", line.keypad: "keypad", line.evaluator: "evaluator"}
        self.bus.add_listener(self._listener)
        self._timer = QTimer(self)
        self._timer.setInterval(self.poll_ms)
        self._timer.timeout.connect(self._tick)
        for device in (self.led, self.evaluator):
            self._try(device)
        self._timer.start()

    @Slot()
    def end(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        if self.bus is not None:
            if self._ask is not None and self.bus.is_online(self.line.evaluator):
                try:
                    self.evaluator.cancel()
                except DeviceError:
                    pass
            self.bus.close()

    @Slot(str, bool)
    def set_led(self, text: str, blink: bool) -> None:
        if self._led_want != (text, blink):
            self._led_want = (text, blink)
            self._led_dirty = True
            self._flush(force=True)

    @Slot(str)
    def set_screen(self, text: str) -> None:
        if self._screen_want != text:
            self._screen_want = text
            self._screen_dirty = True

    @Slot(int)
    def ask(self, ticket_id: int) -> None:
        self._ask = {"ticket": ticket_id, "request": None, "deadline": time.monotonic() + self.rating_timeout_s}
        self._ask_step()

    @Slot()
    def cancel_ask(self) -> None:
        if self._ask is not None:
            self._ask = None
            self._call(self.evaluator, self.evaluator.cancel)

    # -- the loop -------------------------------------------------------------------------

    def _listener(self, address: int, online: bool) -> None:
        kind = self._kinds.get(address)
        if kind is None:
            return
        if online and kind == "led":
            self._led_dirty = self._led_want is not None
        if online and kind == "keypad":
            self._screen_dirty = self._screen_want is not None
        self.online.emit(kind, online)

    def _due(self, device, name: str) -> bool:
        """An online device is asked every tick; an offline one once per check interval."""
        if device.online:
            return True
        now = time.monotonic()
        if now - self._last_try.get(name, 0.0) >= self.check_s:
            self._last_try[name] = now
            return True
        return False

    def _try(self, device) -> None:
        try:
            device.check()
        except DeviceError:
            pass

    def _call(self, device, fn, *args, **kw):
        try:
            return fn(*args, **kw)
        except DeviceError as exc:
            log.debug("device %s: %s", device.address, exc)
            return None

    def _tick(self) -> None:
        if self._due(self.keypad, "keypad"):
            keys = self._call(self.keypad, self.keypad.poll) or []
            for key in keys:
                self.keyPressed.emit(str(key))
        self._flush()
        if self._ask is not None:
            self._ask_step()
        now = time.monotonic()
        if now - self._last_health >= self.check_s:
            # the LED and the evaluator are otherwise only written to: ask them, so a silent one is noticed
            self._last_health = now
            if not self._led_dirty:
                self._try(self.led)
            if self._ask is None:
                self._try(self.evaluator)

    def _flush(self, *, force: bool = False) -> None:
        if self._led_dirty and self._led_want is not None and (force or self._due(self.led, "led")):
            text, blink = self._led_want
            if text:
                self._call(self.led, self.led.show, text, blink=blink)
            else:
                self._call(self.led, self.led.clear)
            self._led_dirty = not self.led.online
        if self._screen_dirty and self._screen_want is not None and self.keypad.online:
            self._call(self.keypad, self.keypad.show, self._screen_want)
            self._screen_dirty = not self.keypad.online

    def _ask_step(self) -> None:
        ask = self._ask
        if ask is None:
            return
        if time.monotonic() > ask["deadline"]:
            self._ask = None
            self._call(self.evaluator, self.evaluator.cancel)
            self.askEnded.emit(ask["ticket"])
            return
        if not self._due(self.evaluator, "evaluator"):
            return
        if ask["request"] is None:
            ask["request"] = self._call(self.evaluator, self.evaluator.request)
            return
        rating = self._call(self.evaluator, self.evaluator.answer, ask["request"])
        if rating is not None:
            self._ask = None
            self._call(self.evaluator, self.evaluator.cancel)
            self.rated.emit(ask["ticket"], str(rating))


class CounterDevices(QObject):
    """LED display, keypad and evaluator of one counter; the window never knows if they are real or simulated.

    Serial I/O runs in its own thread (a bus call may wait up to a second for a silent device); this
    object lives on the GUI thread and re-emits what the worker reports. The LED and the keypad's
    screen are told what to show (``show_led``); the worker writes it, and writes it again when a
    device comes back, so the display is right after a power cut. A missing device is only a warning.
    """

    keyPressed = Signal(str)  # next, recall, start, done, no_show, transfer, pause
    ratingReceived = Signal(str)  # a protocol Rating value, one of five
    ticketRated = Signal(int, str)  # the ticket the rating was asked for, and the rating
    ratingTimedOut = Signal(int)
    deviceOnline = Signal(str, bool)  # led|keypad|evaluator, online

    _ledRequested = Signal(str, bool)
    _screenRequested = Signal(str)
    _askRequested = Signal(int)
    _cancelRequested = Signal()

    def __init__(
        self,
        line: DeviceLine,
        *,
        parent: QObject | None = None,
        poll_ms: int = 100,
        check_s: float = 1.0,
        rating_timeout_s: float = 60.0,
    ) -> None:
        super().__init__(parent)
        self.line = line
        self.online: dict[str, bool | None] = dict.fromkeys(KINDS)  # None: not known yet
        self.led_text = ""
        self.led_blink = False
        self._thread = QThread()
        self._thread.setObjectName("counter-devices")
        self._worker = _Worker(line, poll_ms, check_s, rating_timeout_s)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.begin)
        self._worker.keyPressed.connect(self._key)
        self._worker.online.connect(self._online)
        self._worker.rated.connect(self._rated)
        self._worker.askEnded.connect(self.ratingTimedOut)
        self._ledRequested.connect(self._worker.set_led)
        self._screenRequested.connect(self._worker.set_screen)
        self._askRequested.connect(self._worker.ask)
        self._cancelRequested.connect(self._worker.cancel_ask)
        self._running = False

    def start(self) -> CounterDevices:
        if not self._running:
            self._running = True
            self._thread.start()
        return self

    def stop(self) -> None:
        """Cancel any rating request, close the port and end the thread."""
        if not self._running:
            return
        self._running = False
        QMetaObject.invokeMethod(self._worker, "end", Qt.ConnectionType.BlockingQueuedConnection)
        self._thread.quit()
        self._thread.wait(5000)

    def show_led(self, text: str, blink: bool = False) -> None:
        """What the LED display shows ("" blanks it)."""
        self.led_text, self.led_blink = text, blink
        self._ledRequested.emit(text, blink)

    def show_keypad(self, text: str) -> None:
        """What the keypad's small screen shows."""
        self._screenRequested.emit(text)

    def ask_rating(self, ticket_id: int) -> None:
        """Light the evaluator for this ticket; ``ticketRated`` comes when the trader presses a key."""
        self._askRequested.emit(ticket_id)

    def cancel_rating(self) -> None:
        self._cancelRequested.emit()

    def is_online(self, kind: str) -> bool:
        return bool(self.online.get(kind))

    @Slot(str)
    def _key(self, key: str) -> None:
        self.keyPressed.emit(key)

    @Slot(str, bool)
    def _online(self, kind: str, online: bool) -> None:
        if self.online.get(kind) != online:
            self.online[kind] = online
            self.deviceOnline.emit(kind, online)

    @Slot(int, str)
    def _rated(self, ticket_id: int, rating: str) -> None:
        self.ratingReceived.emit(rating)
        self.ticketRated.emit(ticket_id, rating)

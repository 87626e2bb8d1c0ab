"""Drivers for the counter's LED display, caller keypad and satisfaction evaluator."""

from __future__ import annotations

import contextlib
import threading
import time

from protocol import Rating

from .line import DeviceError, DeviceOffline, SerialBus
from .registers import (
    KEYS_BY_CODE,
    RATINGS_BY_CODE,
    RECENT_KEYS,
    EvaluatorHolding,
    EvaluatorInput,
    Key,
    KeypadHolding,
    KeypadInput,
    Led,
    encode_text,
)


class Device:
    """A device at one address on a bus."""

    DEFAULT_ADDRESS = 1

    def __init__(self, bus: SerialBus, address: int | None = None) -> None:
        self.bus = bus
        self.address = address if address is not None else self.DEFAULT_ADDRESS

    @property
    def online(self) -> bool:
        """Whether it answered last time it was asked."""
        return self.bus.is_online(self.address)

    def check(self) -> bool:
        """Ask the device something harmless; True if it answered."""
        try:
            self.bus.read_holding(self.address, 0, 1)
        except DeviceError:
            return False
        return True


class LedDisplay(Device):
    """The number display above a counter window."""

    DEFAULT_ADDRESS = 1

    def show(self, text: str, *, blink: bool = False) -> None:
        """Show text (a ticket label, "A023→5"), steady or blinking, in one write."""
        self.bus.write_registers(self.address, Led.BLINK, [int(blink), *encode_text(text)])

    def blink(self, on: bool = True) -> None:
        """Start or stop blinking what is shown."""
        self.bus.write_register(self.address, Led.BLINK, int(on))

    def clear(self) -> None:
        """Blank the display."""
        self.bus.write_registers(self.address, Led.BLINK, [0, *encode_text("")])

    def set_brightness(self, level: int) -> None:
        """0 (dim) to 7 (bright)."""
        if not 0 <= level <= 7:
            raise ValueError("brightness is 0..7")
        self.bus.write_register(self.address, Led.BRIGHTNESS, level)


class Keypad(Device):
    """The officer's caller keypad; presses are read by polling, none lost between polls."""

    DEFAULT_ADDRESS = 2

    def __init__(self, bus: SerialBus, address: int | None = None) -> None:
        super().__init__(bus, address)
        self._sequence: int | None = None

    def poll(self) -> list[Key]:
        """Keys pressed since the last poll, oldest first (up to 8); the first poll only syncs."""
        registers = self.bus.read_input(self.address, KeypadInput.SEQUENCE, 1 + RECENT_KEYS)
        sequence, recent = registers[0], registers[1:]
        if self._sequence is None:
            self._sequence = sequence
            return []
        count = min((sequence - self._sequence) & 0xFFFF, RECENT_KEYS)
        self._sequence = sequence
        codes = reversed(recent[:count])
        return [KEYS_BY_CODE[code] for code in codes if code in KEYS_BY_CODE]

    def show(self, text: str) -> None:
        """Write the keypad's own small screen (ticket being served, waiting count)."""
        self.bus.write_registers(self.address, KeypadHolding.LENGTH, encode_text(text))


class Evaluator(Device):
    """The satisfaction evaluator facing the trader."""

    DEFAULT_ADDRESS = 3

    def __init__(self, bus: SerialBus, address: int | None = None) -> None:
        super().__init__(bus, address)
        self._request = int(time.time()) % 0xFFFF  # differs across restarts of the app

    def request(self) -> int:
        """Light the evaluator's keys; returns the request id to look for."""
        self._request = self._request % 0xFFFF + 1
        self.bus.write_register(self.address, EvaluatorHolding.REQUEST, self._request)
        return self._request

    def answer(self, request_id: int) -> Rating | None:
        """The rating given for that request, or None while there is none."""
        answered, code = self.bus.read_input(self.address, EvaluatorInput.ANSWERED, 2)
        return RATINGS_BY_CODE.get(code) if answered == request_id else None

    def cancel(self) -> None:
        """Stop asking."""
        self.bus.write_register(self.address, EvaluatorHolding.REQUEST, 0)

    def ask(
        self, timeout: float = 30.0, *, interval: float = 0.1, stop: threading.Event | None = None
    ) -> Rating | None:
        """Ask for a rating and wait for it; None after ``timeout`` (or ``stop``), asking ends."""
        request_id = self.request()
        stop = stop or threading.Event()
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline and not stop.is_set():
                try:
                    if (rating := self.answer(request_id)) is not None:
                        return rating
                except DeviceOffline:
                    pass  # a missed poll is retried; the answer waits in the device
                stop.wait(interval)
        finally:
            with contextlib.suppress(DeviceError):
                self.cancel()
        return None

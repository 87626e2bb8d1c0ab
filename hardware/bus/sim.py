"""Simulated counter devices on a pseudo-terminal, speaking Modbus RTU like the real ones.

Several devices can share one line by address, as on a real RS-485 pair. Tests script them
directly (``press``, ``pick``, ``silent``, ``send_garbage``, ``unplug``) or, from another
process, through a control file of command lines; the simulator writes its state as JSON.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Any

from pymodbus.pdu import ExceptionResponse, ModbusPDU
from pymodbus.pdu.register_message import (
    ReadHoldingRegistersResponse,
    ReadInputRegistersResponse,
    WriteMultipleRegistersResponse,
    WriteSingleRegisterResponse,
)

from protocol import Rating

from ..simctl import ControlFile, write_state
from ..simthread import PtySimulator
from .registers import (
    KEY_CODES,
    RATING_CODES,
    RECENT_KEYS,
    TEXT_REGISTERS,
    EvaluatorHolding,
    EvaluatorInput,
    Key,
    KeypadHolding,
    KeypadInput,
    Led,
    decode_text,
)
from .rtu import RtuFrameReader, build_frame

log = logging.getLogger(__name__)

ILLEGAL_FUNCTION, ILLEGAL_ADDRESS = 1, 2


class DeviceSim:
    """Registers of one simulated device; subclasses react to writes."""

    kind = "device"
    DEFAULT_ADDRESS = 1

    def __init__(self, address: int | None = None) -> None:
        self.address = address if address is not None else self.DEFAULT_ADDRESS
        self.holding = [0] * 32
        self.inputs = [0] * 16
        self.silent = False
        self.lock = threading.RLock()
        self.changed: threading.Event = threading.Event()

    def handle(self, request: ModbusPDU) -> ModbusPDU:
        """The reply a real device gives to a request for its address."""
        with self.lock:
            reply = self._handle(request)
        reply.dev_id = self.address
        return reply

    def _handle(self, request: ModbusPDU) -> ModbusPDU:
        fc, start, count = request.function_code, request.address, request.count
        if fc in (3, 4):
            table = self.holding if fc == 3 else self.inputs
            if start + count > len(table):
                return ExceptionResponse(fc, ILLEGAL_ADDRESS)
            values = table[start : start + count]
            cls = ReadHoldingRegistersResponse if fc == 3 else ReadInputRegistersResponse
            return cls(registers=values)
        if fc in (6, 16):
            values = list(request.registers)
            if start + len(values) > len(self.holding):
                return ExceptionResponse(fc, ILLEGAL_ADDRESS)
            self.holding[start : start + len(values)] = values
            self.written(start, len(values))
            self.changed.set()
            if fc == 6:
                return WriteSingleRegisterResponse(address=start, registers=values)
            return WriteMultipleRegistersResponse(address=start, count=len(values))
        return ExceptionResponse(fc, ILLEGAL_FUNCTION)

    def written(self, start: int, count: int) -> None:
        """Hook: holding registers changed."""

    def state(self) -> dict[str, Any]:
        """What a test may assert on."""
        return {"kind": self.kind, "address": self.address, "silent": self.silent}

    def command(self, words: list[str]) -> None:
        """A control-file command for this device (``press next``, ``rate satisfied``)."""
        raise ValueError(f"{self.kind} does not understand {' '.join(words)!r}")


class LedSim(DeviceSim):
    """LED number display: shows text, blinks, dims."""

    kind = "led"
    DEFAULT_ADDRESS = 1

    def __init__(self, address: int | None = None) -> None:
        super().__init__(address)
        self.holding[Led.BRIGHTNESS] = 7

    @property
    def text(self) -> str:
        """What the display shows now ("" when blank)."""
        with self.lock:
            return decode_text(self.holding[Led.LENGTH : Led.TEXT + TEXT_REGISTERS])

    @property
    def blinking(self) -> bool:
        """Whether the text blinks."""
        return bool(self.holding[Led.BLINK])

    @property
    def brightness(self) -> int:
        """0..7."""
        return self.holding[Led.BRIGHTNESS]

    def state(self) -> dict[str, Any]:
        return {
            **super().state(),
            "text": self.text,
            "blinking": self.blinking,
            "brightness": self.brightness,
        }


class KeypadSim(DeviceSim):
    """Caller keypad: ``press(key)`` as the officer would; has a small screen."""

    kind = "keypad"
    DEFAULT_ADDRESS = 2

    def press(self, key: Key | str) -> None:
        """Press a key once."""
        code = KEY_CODES[Key(key)]
        with self.lock:
            seq = (self.inputs[KeypadInput.SEQUENCE] + 1) & 0xFFFF
            recent = self.inputs[KeypadInput.RECENT : KeypadInput.RECENT + RECENT_KEYS]
            self.inputs[KeypadInput.SEQUENCE] = seq
            self.inputs[KeypadInput.RECENT : KeypadInput.RECENT + RECENT_KEYS] = [
                code,
                *recent[:-1],
            ]
        self.changed.set()

    @property
    def presses(self) -> int:
        """Presses so far (modulo 65536)."""
        return self.inputs[KeypadInput.SEQUENCE]

    @property
    def screen(self) -> str:
        """What the keypad's own screen shows."""
        with self.lock:
            return decode_text(self.holding[KeypadHolding.LENGTH : KeypadHolding.TEXT + TEXT_REGISTERS])

    def state(self) -> dict[str, Any]:
        return {**super().state(), "screen": self.screen, "presses": self.presses}

    def command(self, words: list[str]) -> None:
        if words[0] == "press" and len(words) == 2:
            self.press(words[1])
        else:
            super().command(words)


class EvaluatorSim(DeviceSim):
    """Satisfaction evaluator: ``pick(rating)`` as the trader would."""

    kind = "evaluator"
    DEFAULT_ADDRESS = 3

    def __init__(self, address: int | None = None) -> None:
        super().__init__(address)
        self._queued: Rating | None = None

    @property
    def asking(self) -> bool:
        """Whether its keys are lit, waiting for a rating."""
        with self.lock:
            request = self.holding[EvaluatorHolding.REQUEST]
            return request != 0 and request != self.inputs[EvaluatorInput.ANSWERED]

    def pick(self, rating: Rating | str) -> None:
        """Press a rating key: answers the open request, or the next one if none is open."""
        rating = Rating(rating)
        with self.lock:
            if self.asking:
                self._answer(rating)
            else:
                self._queued = rating
        self.changed.set()

    def written(self, start: int, count: int) -> None:
        if self.asking and self._queued is not None:
            self._answer(self._queued)
            self._queued = None

    def _answer(self, rating: Rating) -> None:
        self.inputs[EvaluatorInput.ANSWERED] = self.holding[EvaluatorHolding.REQUEST]
        self.inputs[EvaluatorInput.RATING] = RATING_CODES[rating]

    def state(self) -> dict[str, Any]:
        return {**super().state(), "asking": self.asking}

    def command(self, words: list[str]) -> None:
        if words[0] in ("rate", "pick") and len(words) == 2:
            self.pick(words[1])
        else:
            super().command(words)


KINDS: dict[str, type[DeviceSim]] = {"led": LedSim, "keypad": KeypadSim, "evaluator": EvaluatorSim}


class LineSimulator(PtySimulator):
    """One RS-485 line on a pseudo-terminal with simulated devices on it, run by a thread."""

    thread_name = "line-sim"

    def __init__(
        self,
        devices: list[DeviceSim],
        *,
        link: str | Path | None = None,
        state_file: str | Path | None = None,
        control_file: str | Path | None = None,
    ) -> None:
        super().__init__(link)
        self.devices = {device.address: device for device in devices}
        self.state_file = Path(state_file) if state_file else None
        self.control = ControlFile(control_file) if control_file else None
        self.split_replies = 0  # >0: send replies in chunks of this many bytes
        self.corrupt_replies = 0  # replies still to send with a broken CRC
        self.garbage_before_reply = b""  # sent in front of every reply
        self.requests = 0
        self._written_state: dict[str, Any] | None = None

    def device(self, address: int) -> DeviceSim:
        """The simulated device at an address."""
        return self.devices[address]

    def start(self) -> LineSimulator:
        """Answer requests in a daemon thread."""
        self._write_state()
        return super().start()

    # -- faults a test can inject ------------------------------------------------------

    def send_garbage(self, data: bytes) -> None:
        """Put noise on the line now."""
        self.port.write(data)

    def unplug(self) -> None:
        """Pull the USB-RS485 adapter out."""
        self.port.unplug()
        self._write_state()

    def replug(self) -> None:
        """Plug it back in (same path, new terminal)."""
        self.port.replug()
        self._write_state()

    def command(self, line: str) -> None:
        """One control command: press KEY, rate RATING, silent on|off [ADDR], garbage HEX,
        split N, badcrc N, unplug, replug."""
        words = line.split()
        name, args = words[0], words[1:]
        if name == "silent":
            targets = [self.devices[int(args[1])]] if len(args) > 1 else self.devices.values()
            for device in targets:
                device.silent = args[0] in ("on", "1", "true")
        elif name == "garbage":
            self.send_garbage(bytes.fromhex("".join(args)))
        elif name == "split":
            self.split_replies = int(args[0])
        elif name == "badcrc":
            self.corrupt_replies = int(args[0])
        elif name == "unplug":
            self.unplug()
        elif name == "replug":
            self.replug()
        else:
            handled = False
            for device in self.devices.values():
                try:
                    device.command(words)
                    handled = True
                    break
                except (ValueError, KeyError):
                    continue
            if not handled:
                log.warning("line sim: unknown command %r", line)
        self._write_state()

    # -- the loop ---------------------------------------------------------------------------

    def _run(self) -> None:
        reader = RtuFrameReader(server=True)
        while not self._stop.is_set():
            if self.control is not None:
                for line in self.control.poll():
                    try:
                        self.command(line)
                    except Exception:
                        log.exception("line sim: bad command %r", line)
            data = self.port.read(0.02)
            if not self.port.is_open:
                time.sleep(0.02)
                continue
            if data:
                reader.data_received(data)
            while reader.frames:
                self._answer(reader.frames.popleft())
            if any(d.changed.is_set() for d in self.devices.values()):
                for device in self.devices.values():
                    device.changed.clear()
                self._write_state()

    def _answer(self, request: ModbusPDU) -> None:
        device = self.devices.get(request.dev_id)
        if device is None or device.silent:
            return  # another device's address, or a device that stopped answering
        self.requests += 1
        frame = build_frame(device.handle(request))
        if self.corrupt_replies > 0:
            self.corrupt_replies -= 1
            frame = frame[:-1] + bytes([frame[-1] ^ 0xFF])
        frame = self.garbage_before_reply + frame
        if self.split_replies > 0:
            for i in range(0, len(frame), self.split_replies):
                self.port.write(frame[i : i + self.split_replies])
                time.sleep(0.01)
        else:
            self.port.write(frame)

    def state(self) -> dict[str, Any]:
        """The line and its devices, as written to the state file."""
        return {
            "path": self.path,
            "plugged": self.port.is_open,
            "devices": {str(a): d.state() for a, d in self.devices.items()},
        }

    def _write_state(self) -> None:
        if self.state_file is None:
            return
        state = self.state()
        if state != self._written_state:
            write_state(self.state_file, state)
            self._written_state = state

"""One serial (RS-485) line shared by several Modbus RTU devices, each known by its address."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import serial
from pymodbus.pdu import ExceptionResponse, ModbusPDU
from pymodbus.pdu.register_message import (
    ReadHoldingRegistersRequest,
    ReadInputRegistersRequest,
    WriteMultipleRegistersRequest,
    WriteSingleRegisterRequest,
)

from ..serialport import ReopeningPort
from .rtu import RtuFrameReader, build_frame

log = logging.getLogger(__name__)

try:
    from termios import error as termios_error

    _TERMIOS_ERRORS: tuple[type[Exception], ...] = (termios_error,)
except ImportError:  # not on POSIX
    _TERMIOS_ERRORS = ()
# What a vanished adapter raises, depending on where in pyserial it is noticed.
PORT_ERRORS: tuple[type[Exception], ...] = (serial.SerialException, OSError, *_TERMIOS_ERRORS)

Listener = Callable[[int, bool], None]


class DeviceError(Exception):
    """A device answered with a Modbus exception, or the line cannot be used."""


class DeviceOffline(DeviceError):
    """A device did not answer (after retries), or its line is unplugged."""


class SerialBus:
    """Master of a serial line: one request at a time, bounded waits, online tracking per address.

    ``url`` is anything ``serial.serial_for_url`` opens: /dev/ttyUSB0, a pty path,
    rfc2217://host:port, socket://host:port, loop://.
    """

    def __init__(
        self,
        url: str,
        *,
        baudrate: int = 9600,
        timeout: float = 0.3,
        retries: int = 2,
        parity: str = serial.PARITY_NONE,
    ) -> None:
        self.url = url
        self.baudrate = baudrate
        self.timeout = timeout
        self.retries = retries
        self.parity = parity
        self._port = ReopeningPort(url, baudrate=baudrate, parity=parity, timeout=0.02)
        self._lock = threading.RLock()
        self._online: dict[int, bool] = {}
        self._listeners: list[Listener] = []
        self._reader = RtuFrameReader(server=False)

    @property
    def opens(self) -> int:
        """How many times the port was opened (a reopen after an unplug counts)."""
        return self._port.opens

    # -- registers -------------------------------------------------------------------

    def read_holding(self, address: int, start: int, count: int) -> list[int]:
        """FC 03."""
        reply = self.transact(ReadHoldingRegistersRequest(address=start, count=count, dev_id=address))
        return list(reply.registers)

    def read_input(self, address: int, start: int, count: int) -> list[int]:
        """FC 04."""
        reply = self.transact(ReadInputRegistersRequest(address=start, count=count, dev_id=address))
        return list(reply.registers)

    def write_register(self, address: int, start: int, value: int) -> None:
        """FC 06."""
        self.transact(WriteSingleRegisterRequest(address=start, registers=[value], dev_id=address))

    def write_registers(self, address: int, start: int, values: list[int]) -> None:
        """FC 16, all registers in one frame so the device never shows half an update."""
        self.transact(WriteMultipleRegistersRequest(address=start, registers=values, dev_id=address))

    # -- online state ------------------------------------------------------------------

    def is_online(self, address: int) -> bool:
        """Whether the device answered its last request (False before any)."""
        return self._online.get(address, False)

    def add_listener(self, listener: Listener) -> None:
        """Call ``listener(address, online)`` whenever a device goes offline or comes back."""
        self._listeners.append(listener)

    def _mark(self, address: int, online: bool) -> None:
        if self._online.get(address) == online:
            return
        self._online[address] = online
        log.info("device %d on %s is %s", address, self.url, "online" if online else "offline")
        for listener in list(self._listeners):
            try:
                listener(address, online)
            except Exception:
                log.exception("bus listener failed")

    # -- transactions --------------------------------------------------------------------

    def transact(self, request: ModbusPDU) -> ModbusPDU:
        """Send a request and return its reply; retried, then DeviceOffline. Never blocks longer
        than (retries + 1) x timeout."""
        address = request.dev_id
        frame = build_frame(request)
        attempts = 1 if not self.is_online(address) and address in self._online else self.retries + 1
        with self._lock:
            for attempt in range(attempts):
                try:
                    reply = self._exchange(frame, request)
                except PORT_ERRORS as exc:
                    self._lost_port(exc)
                    self._mark(address, False)
                    raise DeviceOffline(f"{self.url}: {exc}") from exc
                if reply is not None:
                    self._mark(address, True)
                    if isinstance(reply, ExceptionResponse):
                        raise DeviceError(f"device {address}: Modbus exception {reply.exception_code}")
                    return reply
                log.debug("device %d: no answer (attempt %d)", address, attempt + 1)
            self._mark(address, False)
        raise DeviceOffline(f"device {address} on {self.url} does not answer")

    def _exchange(self, frame: bytes, request: ModbusPDU) -> ModbusPDU | None:
        """One write and the wait for the matching reply."""
        port = self._open()
        port.reset_input_buffer()
        self._reader.reset()
        port.write(frame)
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            data = port.read(max(1, port.in_waiting))
            if data:
                self._reader.data_received(data)
            while self._reader.frames:
                reply = self._reader.frames.popleft()
                if reply.dev_id == request.dev_id and (reply.function_code & 0x7F == request.function_code):
                    return reply
        return None

    def _open(self) -> serial.SerialBase:
        """The open port, opening (or reopening after an unplug) as needed."""
        return self._port.get()

    def _lost_port(self, exc: Exception) -> None:
        """The adapter is gone: close it, and every device on it is offline until it answers."""
        self._port.lost(exc)
        for address in list(self._online):
            self._mark(address, False)

    def close(self) -> None:
        """Release the port."""
        with self._lock:
            self._port.close()

    def __enter__(self) -> SerialBus:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

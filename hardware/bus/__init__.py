"""Counter devices on a serial/RS-485 line (Modbus RTU): drivers, framing, simulators."""

from .devices import Device, Evaluator, Keypad, LedDisplay
from .line import DeviceError, DeviceOffline, SerialBus
from .poller import DevicePoller
from .registers import Key
from .rtu import RtuFrameReader, build_frame
from .sim import EvaluatorSim, KeypadSim, LedSim, LineSimulator

__all__ = [
    "Device",
    "DeviceError",
    "DeviceOffline",
    "DevicePoller",
    "Evaluator",
    "EvaluatorSim",
    "Key",
    "Keypad",
    "KeypadSim",
    "LedDisplay",
    "LedSim",
    "LineSimulator",
    "RtuFrameReader",
    "SerialBus",
    "build_frame",
]

"""Modbus RTU framing as a protocol object: whole, CRC-checked frames out of any byte stream.

pymodbus encodes, decodes and checks CRCs; this only hunts for frame boundaries, so split
reads, garbage between frames and corrupted frames cost a retry, never a wrong answer.
"""

from __future__ import annotations

from collections import deque

from pymodbus.framer import FramerRTU
from pymodbus.pdu import DecodePDU, ModbusPDU

MAX_BUFFER = 512


def build_frame(pdu: ModbusPDU) -> bytes:
    """The RTU frame of a request or response: address, PDU, CRC-16."""
    return FramerRTU(DecodePDU(is_server=False)).buildFrame(pdu)


class RtuFrameReader:
    """Feed it bytes with ``data_received``; take decoded PDUs from ``frames``."""

    def __init__(self, *, server: bool) -> None:
        self.decoder = DecodePDU(is_server=server)
        self.buffer = bytearray()
        self.frames: deque[ModbusPDU] = deque()
        self.garbage = 0  # bytes skipped so far, for diagnostics

    def data_received(self, data: bytes) -> None:
        """Add bytes and collect every whole frame they complete."""
        self.buffer += data
        if len(self.buffer) > MAX_BUFFER:
            self._skip(len(self.buffer) - MAX_BUFFER)
        while self._take_frame():
            pass

    def reset(self) -> None:
        """Forget partial input and undelivered frames (before a new request)."""
        self.buffer.clear()
        self.frames.clear()

    def _take_frame(self) -> bool:
        """Move the first valid frame into ``frames``; drop garbage in front of it."""
        could_start = None
        for i in range(len(self.buffer)):
            size = self._frame_size(i)
            if size is None:
                could_start = i if could_start is None else could_start
                continue
            if size == 0:
                continue
            frame = bytes(self.buffer[i : i + size])
            self._skip(i + size)
            self.garbage += i
            pdu = self.decoder.decode(frame[1:-2])
            if pdu is not None:
                pdu.dev_id = frame[0]
                self.frames.append(pdu)
            return True
        if could_start:  # nothing before it can become a frame any more
            self._skip(could_start)
            self.garbage += could_start
        return False

    def _frame_size(self, i: int) -> int | None:
        """Size of a CRC-valid frame at ``i``, 0 if none can be there, None if it may still come."""
        data = bytes(self.buffer[i:])
        if len(data) < FramerRTU.MIN_SIZE:
            return None
        try:
            pdu_class = self.decoder.lookupPduClass(data)
            size = pdu_class.calculateRtuFrameSize(data) if pdu_class else 0
        except Exception:  # pymodbus cannot size it: not a frame start
            return 0
        if pdu_class is None or size > FramerRTU.MAX_SIZE:
            return 0
        if size == 0 or len(data) < size:
            return None
        crc = int.from_bytes(data[size - 2 : size], "big")
        return size if FramerRTU.check_CRC(data[: size - 2], crc) else 0

    def _skip(self, n: int) -> None:
        del self.buffer[:n]

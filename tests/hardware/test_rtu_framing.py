"""Modbus RTU framing fed byte streams directly: split, garbage, bad CRC, overflow."""

from __future__ import annotations

from pymodbus.pdu.register_message import (
    ReadHoldingRegistersRequest,
    ReadHoldingRegistersResponse,
    WriteMultipleRegistersRequest,
)

from hardware.bus import RtuFrameReader, build_frame

REPLY = build_frame(ReadHoldingRegistersResponse(registers=[0x1234, 0xABCD], dev_id=1))


def test_reply_bytes_are_modbus_rtu():
    request = build_frame(ReadHoldingRegistersRequest(address=0, count=2, dev_id=1))
    assert request == bytes.fromhex("010300000002c40b")
    assert REPLY[:7] == bytes.fromhex("01030412 34abcd".replace(" ", ""))


def test_whole_frame():
    reader = RtuFrameReader(server=False)
    reader.data_received(REPLY)
    (pdu,) = reader.frames
    assert (pdu.dev_id, pdu.function_code, list(pdu.registers)) == (1, 3, [0x1234, 0xABCD])


def test_frame_split_into_single_bytes():
    reader = RtuFrameReader(server=False)
    for i in range(len(REPLY)):
        assert not reader.frames
        reader.data_received(REPLY[i : i + 1])
    assert len(reader.frames) == 1


def test_garbage_before_between_and_after_frames():
    reader = RtuFrameReader(server=False)
    reader.data_received(b"\x00\xff\x01\x03\x99noise" + REPLY + b"\x13\x37" + REPLY + b"\xfe")
    assert len(reader.frames) == 2
    assert reader.garbage > 0


def test_bad_crc_is_dropped_and_the_next_frame_still_found():
    reader = RtuFrameReader(server=False)
    bad = REPLY[:-1] + bytes([REPLY[-1] ^ 0xFF])
    reader.data_received(bad)
    assert not reader.frames
    reader.data_received(REPLY)
    assert len(reader.frames) == 1


def test_garbage_that_looks_like_a_long_frame_does_not_block_a_real_one():
    reader = RtuFrameReader(server=False)
    reader.data_received(b"\x01\x03\xf0")  # claims 240 data bytes that never come
    reader.data_received(REPLY)
    assert len(reader.frames) == 1


def test_server_side_reads_requests_and_survives_endless_noise():
    reader = RtuFrameReader(server=True)
    reader.data_received(bytes(range(256)) * 8)
    assert len(reader.buffer) <= 512
    frame = build_frame(WriteMultipleRegistersRequest(address=1, registers=[1, 2, 3], dev_id=7))
    reader.data_received(b"\x00" * 5 + frame[:4])
    reader.data_received(frame[4:])
    pdu = reader.frames[-1]
    assert (pdu.dev_id, pdu.function_code, list(pdu.registers)) == (7, 16, [1, 2, 3])

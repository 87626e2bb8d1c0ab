"""The register maps of fairq's counter devices (Modbus RTU), shared by drivers and simulators."""

from __future__ import annotations

from enum import IntEnum, StrEnum

from protocol import Rating

TEXT_BYTES = 32  # text area: 16 registers, GB18030, two bytes per register, high byte first
TEXT_REGISTERS = TEXT_BYTES // 2


class Key(StrEnum):
    """The keys of a counter's caller keypad (呼叫器)."""

    NEXT = "next"
    RECALL = "recall"
    START = "start"
    DONE = "done"
    NO_SHOW = "no_show"
    TRANSFER = "transfer"
    PAUSE = "pause"


KEY_CODES: dict[Key, int] = {key: code for code, key in enumerate(Key, start=1)}
KEYS_BY_CODE: dict[int, Key] = {code: key for key, code in KEY_CODES.items()}
RATING_CODES: dict[Rating, int] = {
    Rating.VERY_SATISFIED: 1,
    Rating.SATISFIED: 2,
    Rating.BASICALLY_SATISFIED: 3,
    Rating.UNSATISFIED: 4,
    Rating.VERY_UNSATISFIED: 5,
}
RATINGS_BY_CODE: dict[int, Rating] = {code: rating for rating, code in RATING_CODES.items()}


class Led(IntEnum):
    """LED number display, default address 1: holding registers."""

    BRIGHTNESS = 0  # 0 (dim) .. 7 (bright)
    BLINK = 1  # 0 steady, 1 blinking
    LENGTH = 2  # text length in bytes, 0 = blank
    TEXT = 3  # 16 registers of text


class KeypadInput(IntEnum):
    """Caller keypad, default address 2: input registers."""

    SEQUENCE = 0  # presses so far, modulo 65536
    RECENT = 1  # 8 registers: codes of the last 8 presses, newest first, 0 = none


class KeypadHolding(IntEnum):
    """Caller keypad: holding registers for its own small screen."""

    LENGTH = 0
    TEXT = 1  # 16 registers of text


RECENT_KEYS = 8


class EvaluatorHolding(IntEnum):
    """Satisfaction evaluator, default address 3: holding registers."""

    REQUEST = 0  # write a request id (1..65535) to ask for a rating, 0 to cancel


class EvaluatorInput(IntEnum):
    """Satisfaction evaluator: input registers."""

    ANSWERED = 0  # id of the last answered request
    RATING = 1  # its rating code: 1 very satisfied .. 5 very unsatisfied (RATING_CODES)


def encode_text(text: str, limit: int = TEXT_BYTES) -> list[int]:
    """Length register plus the text area: GB18030, cut at a whole character, zero padded."""
    data = b""
    for ch in text:
        encoded = ch.encode("gb18030", errors="replace")
        if len(data) + len(encoded) > limit:
            break
        data += encoded
    padded = data.ljust(limit, b"\0")
    return [len(data)] + [int.from_bytes(padded[i : i + 2], "big") for i in range(0, limit, 2)]


def decode_text(registers: list[int]) -> str:
    """The text from a length register and the text area that follows it."""
    length, area = registers[0], registers[1:]
    data = b"".join(r.to_bytes(2, "big") for r in area)[:length]
    return data.decode("gb18030", errors="replace")

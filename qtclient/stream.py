"""The event stream's state machine without Qt or sockets, so that replay, gaps and reconnects can be unit-tested.

`DispatcherLink` owns the WebSocket and the timers; it hands every text frame to `StreamMachine.receive`
and does what the returned effects say. The machine keeps the sequence number, decides what to ask for
on the next connect (``since``), applies snapshots and events to the `HallState`, and times reconnects.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from pydantic import ValidationError

from protocol.events import check_event
from protocol.models import StreamHello

from .backoff import Backoff
from .hallstate import HallState

log = logging.getLogger("fairq.qtclient")


class Answer(Protocol):
    """What the machine reads of a REST result (an `ApiResult`)."""

    @property
    def ok(self) -> bool: ...

    @property
    def status(self) -> int: ...

    @property
    def code(self) -> str: ...


class Verdict(StrEnum):
    """What to do after GET /devices/me, the token check before each connect."""

    OPEN = "open"  # the token is good: open the stream
    AUTH_FAILED = "auth_failed"  # refused: enrol again (retry slowly)
    TLS_REFUSED = "tls_refused"  # the certificate is not the pinned one
    UNREACHABLE = "unreachable"  # no answer, or a standby: try the next dispatcher


@dataclass(frozen=True)
class Hello:
    """The stream said hello (``mode`` "snapshot" or "replay")."""

    hello: StreamHello


@dataclass(frozen=True)
class Snapshot:
    """A whole picture of the hall arrived and was applied."""

    snapshot: dict[str, Any]


@dataclass(frozen=True)
class Applied:
    """The next event in sequence, applied to the state."""

    event: dict[str, Any]


@dataclass(frozen=True)
class Invalid:
    """An event that breaks the event contract: skipped; the next snapshot puts the state right."""

    event: dict[str, Any]


@dataclass(frozen=True)
class Gap:
    """Events were lost between ``expected`` and ``got``: reconnect now and replay from `StreamMachine.since`."""

    expected: int
    got: int


@dataclass(frozen=True)
class Up:
    """The stream is open and caught up."""


Effect = Hello | Snapshot | Applied | Invalid | Gap | Up


class StreamMachine:
    """One client's place in the stream: the last sequence number, the last hello, and the reconnect backoff.

    The first connect asks for a snapshot; every later one asks ``since=last_seq`` (a replay). Duplicates
    (a replay overlapping live events) are dropped; an event beyond the next one is a gap.
    """

    def __init__(self, state: HallState | None = None, backoff: Backoff | None = None) -> None:
        self.state = state or HallState()
        self.backoff = backoff or Backoff()
        self.last_seq = 0
        self.last_hello: dict[str, Any] = {}
        self.have_base = False  # a snapshot or replay base exists, so `since` can be asked

    def since(self) -> int | None:
        """What the next connect asks for: events after this seq, or None for a snapshot."""
        return self.last_seq if self.have_base else None

    def checked(self, result: Answer) -> Verdict:
        """The verdict on the token check of one connect attempt."""
        if result.ok:
            return Verdict.OPEN
        if result.status in (401, 403):
            return Verdict.AUTH_FAILED
        if result.code == "tls":
            return Verdict.TLS_REFUSED
        return Verdict.UNREACHABLE

    def receive(self, text: str) -> list[Effect]:
        """One text frame of the stream; what the link must do about it, in order."""
        try:
            message = json.loads(text)
            kind = message.get("type")
        except (ValueError, AttributeError):
            log.warning("garbage on the stream: %.80r", text)
            return []
        if kind == "hello":
            return self._hello(message)
        if kind == "snapshot":
            return self._snapshot(message["snapshot"])
        if kind == "event":
            return self._event(message["event"])
        if kind == "error":
            log.warning("stream error: %s", message)
        return []

    def _hello(self, message: dict[str, Any]) -> list[Effect]:
        try:
            hello = StreamHello.model_validate(message)
        except ValidationError as err:
            log.warning("a hello that is not the stream's: %s", err)
            return []
        log.info("stream open: mode %s, head %s, last_seq %s", hello.mode, hello.seq, self.last_seq)
        self.last_hello = message
        self.backoff.reset()
        return [Hello(hello), Up()] if hello.mode == "replay" else [Hello(hello)]

    def _snapshot(self, snapshot: dict[str, Any]) -> list[Effect]:
        self.last_seq = int(snapshot["seq"])
        self.have_base = True
        self.state.apply_snapshot(snapshot)
        return [Snapshot(snapshot), Up()]

    def _event(self, event: dict[str, Any]) -> list[Effect]:
        seq = int(event["seq"])
        if seq <= self.last_seq:
            return []  # already seen (a replay overlapping live events)
        if seq != self.last_seq + 1:
            log.warning("gap in the stream: expected %d, got %d; resyncing", self.last_seq + 1, seq)
            return [Gap(self.last_seq + 1, seq)]
        self.last_seq = seq
        try:
            check_event(event, cut=True)  # the contract, checked on this side too (our role's cut of it)
        except ValidationError as err:
            log.error("event %d (%s) does not match the event contract; skipped: %s", seq, event.get("kind"), err)
            return [Invalid(event)]
        self.state.apply_event(event)
        return [Applied(event)]

    # ---- reconnect timing: the one place that decides how long to wait -------------------

    def retry_delay(self, *, slow: bool = False) -> float:
        """Seconds before the next connect attempt (``slow``: a refusal that will not mend by itself)."""
        return self.backoff.cap if slow else self.backoff.next_delay()

    def reset_backoff(self) -> None:
        """A deliberate reconnect starts from the shortest delay again."""
        self.backoff.reset()

    @staticmethod
    def silent(elapsed_ms: int, ping_interval_ms: int) -> bool:
        """Whether a stream that sent nothing for ``elapsed_ms`` counts as lost (no pong within 3 pings)."""
        return elapsed_ms > 3 * ping_interval_ms

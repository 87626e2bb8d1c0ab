"""Fan-out of committed events to WebSocket subscribers, safe to call from any thread."""

from __future__ import annotations

import asyncio
import json
import threading
from dataclasses import dataclass, field

from dispatcher import projection
from protocol.models import Event

QUEUE_LIMIT = 5000


@dataclass(frozen=True)
class Outgoing:
    """An event as it goes on the wire, serialised once per cut (staff, public, a counter's own) for all."""

    seq: int
    event: Event
    kind: str = ""  # the stream re-checks its token after a revocation or a logout
    _texts: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def text_for(self, aud: projection.Audience) -> str:
        """The stream message for this audience; each cut is serialised once, for all who share it."""
        cut = projection.variant(aud, self.event)
        text = self._texts.get(cut)
        if text is None:
            text = self._texts[cut] = stream_message(projection.event(aud, self.event))
        return text


def stream_message(event: Event) -> str:
    """The stream's JSON message for one event."""
    return json.dumps({"type": "event", "event": event.model_dump(mode="json")}, ensure_ascii=False)


class Subscriber:
    """One stream client's queue; it overflows rather than letting a slow client hold up the hall."""

    def __init__(self, loop: asyncio.AbstractEventLoop):
        self.loop = loop
        self.queue: asyncio.Queue[Outgoing] = asyncio.Queue(maxsize=QUEUE_LIMIT)
        self.overflowed = False

    def _push(self, item: Outgoing) -> None:
        try:
            self.queue.put_nowait(item)
        except asyncio.QueueFull:
            self.overflowed = True


class EventHub:
    """Subscribers register here; `publish` delivers events in commit order."""

    def __init__(self) -> None:
        self._subs: set[Subscriber] = set()
        self._lock = threading.Lock()

    def subscribe(self) -> Subscriber:
        sub = Subscriber(asyncio.get_running_loop())
        with self._lock:
            self._subs.add(sub)
        return sub

    def unsubscribe(self, sub: Subscriber) -> None:
        with self._lock:
            self._subs.discard(sub)

    def publish(self, events: list[Event]) -> None:
        with self._lock:
            subs = list(self._subs)
        if not subs:
            return
        items = [Outgoing(e.seq, e, e.kind) for e in events]
        for sub in subs:
            for item in items:
                try:
                    sub.loop.call_soon_threadsafe(sub._push, item)
                except RuntimeError:  # its loop is gone
                    self.unsubscribe(sub)
                    break

    def __len__(self) -> int:
        return len(self._subs)

"""Fan-out of committed events to WebSocket subscribers, safe to call from any thread."""

from __future__ import annotations

import asyncio
import threading
from collections import deque
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
    """The stream's JSON message for one event (pydantic writes the JSON: a third of json.dumps's time)."""
    return '{"type": "event", "event": ' + event.model_dump_json() + "}"


class Subscriber:
    """One stream client's queue; it overflows rather than letting a slow client hold up the hall."""

    def __init__(self, loop: asyncio.AbstractEventLoop):
        self.loop = loop
        self._items: deque[Outgoing] = deque()
        self._ready = asyncio.Event()
        self.overflowed = False
        self.closed = False

    def _push(self, item: Outgoing) -> None:
        if len(self._items) >= QUEUE_LIMIT:
            self.overflowed = True
        else:
            self._items.append(item)
        self._ready.set()

    def close(self) -> None:
        """Wake `take` for good: the stream is ending (its client left)."""
        self.closed = True
        self._ready.set()

    async def take(self) -> list[Outgoing]:
        """Every event queued so far, in order, once there is one (empty once closed or overflowed)."""
        while not self._items and not self.closed and not self.overflowed:
            self._ready.clear()
            await self._ready.wait()
        if self.closed or self.overflowed:
            return []
        items = list(self._items)
        self._items.clear()
        return items


def _deliver(subs: list[Subscriber], items: list[Outgoing]) -> None:
    """On the subscribers' loop: queue a commit's events for each of them, in order."""
    for sub in subs:
        for item in items:
            sub._push(item)


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
        """Hand a commit's events to every subscriber: one wake-up per event loop, not one per subscriber and event."""
        with self._lock:
            subs = list(self._subs)
        if not subs:
            return
        items = [Outgoing(e.seq, e, e.kind) for e in events]
        by_loop: dict[asyncio.AbstractEventLoop, list[Subscriber]] = {}
        for sub in subs:
            by_loop.setdefault(sub.loop, []).append(sub)
        for loop, mine in by_loop.items():
            try:
                loop.call_soon_threadsafe(_deliver, mine, items)
            except RuntimeError:  # its loop is gone
                for sub in mine:
                    self.unsubscribe(sub)

    def __len__(self) -> int:
        return len(self._subs)

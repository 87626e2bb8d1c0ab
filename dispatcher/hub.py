"""Fan-out of committed events to WebSocket subscribers, safe to call from any thread."""

from __future__ import annotations

import asyncio
import threading

from protocol.models import Event

QUEUE_LIMIT = 5000


class Subscriber:
    """One stream client's queue; it overflows rather than letting a slow client hold up the hall."""

    def __init__(self, loop: asyncio.AbstractEventLoop):
        self.loop = loop
        self.queue: asyncio.Queue[Event] = asyncio.Queue(maxsize=QUEUE_LIMIT)
        self.overflowed = False

    def _push(self, event: Event) -> None:
        try:
            self.queue.put_nowait(event)
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
        for sub in subs:
            for event in events:
                try:
                    sub.loop.call_soon_threadsafe(sub._push, event)
                except RuntimeError:  # its loop is gone
                    self.unsubscribe(sub)
                    break

    def __len__(self) -> int:
        return len(self._subs)

"""The hub's fan-out: commits published from worker threads reach every subscriber whole, in order."""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime

from dispatcher import hub as hub_module
from dispatcher.hub import EventHub
from protocol.models import Event


def events(first: int, count: int) -> list[Event]:
    at = datetime(2026, 12, 2, tzinfo=UTC)
    return [Event(seq=s, kind="ticket.issued", at=at, data={"n": s}) for s in range(first, first + count)]


async def drain(sub, until: int) -> list[int]:
    seen: list[int] = []
    while not seen or seen[-1] < until:
        seen += [item.seq for item in await asyncio.wait_for(sub.take(), 5)]
    return seen


def test_commits_from_many_threads_arrive_in_order_at_every_subscriber_with_one_wake_up_each():
    async def main() -> tuple[list[list[int]], int]:
        hub = EventHub()
        subs = [hub.subscribe() for _ in range(3)]
        loop = asyncio.get_running_loop()
        wakeups = 0
        original = loop.call_soon_threadsafe

        def counting(*args, **kw):
            nonlocal wakeups
            wakeups += 1
            return original(*args, **kw)

        loop.call_soon_threadsafe = counting  # type: ignore[method-assign]
        lock = threading.Lock()  # the service publishes under its hall lock, in commit order
        batches = iter(events(1, 300)[i : i + 3] for i in range(0, 300, 3))

        def commit() -> None:
            for _ in range(25):
                with lock:
                    hub.publish(next(batches))

        threads = [threading.Thread(target=commit) for _ in range(4)]
        for t in threads:
            t.start()
        seen = await asyncio.gather(*(drain(s, 300) for s in subs))
        for t in threads:
            t.join()
        return seen, wakeups

    seen, wakeups = asyncio.run(main())
    assert all(s == list(range(1, 301)) for s in seen)
    assert wakeups == 100  # one per commit for all three subscribers, not one per subscriber and event


def test_a_closed_subscriber_takes_nothing_and_an_overflowing_one_is_told(monkeypatch):
    monkeypatch.setattr(hub_module, "QUEUE_LIMIT", 5)

    async def main() -> tuple[list, bool, list, bool]:
        hub = EventHub()
        slow, gone = hub.subscribe(), hub.subscribe()
        waiting = asyncio.create_task(gone.take())
        await asyncio.sleep(0)
        gone.close()
        left = await asyncio.wait_for(waiting, 5)
        hub.publish(events(1, 8))
        await asyncio.sleep(0.05)
        return left, gone.closed, await slow.take(), slow.overflowed

    left, closed, taken, overflowed = asyncio.run(main())
    assert (left, closed) == ([], True)
    assert (taken, overflowed) == ([], True)  # the stream closes it with 1013: reconnect with since

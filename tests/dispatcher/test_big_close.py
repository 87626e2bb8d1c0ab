"""Closing a day with more waiting tickets than a stream's queue holds: one change, one event, no stream dropped."""

from __future__ import annotations

import asyncio
import json

import websockets

from dispatcher.hub import QUEUE_LIMIT
from dispatcher.integrity import load_day
from tests.integrity.helpers import package_says, standalone_says

WAITING = QUEUE_LIMIT + 500  # one event per ticket would overflow every stream (closed with 1013)


async def hear_the_close(url: str, token: str, opened: asyncio.Event) -> dict:
    async with websockets.connect(url, additional_headers={"Authorization": f"Bearer {token}"}) as ws:
        opened.set()
        while True:
            message = json.loads(await asyncio.wait_for(ws.recv(), 60))
            if message.get("type") == "event" and message["event"]["kind"] == "day.closed":
                return message["event"]


def test_a_day_with_thousands_waiting_closes_in_one_event_and_keeps_the_streams(live):
    svc = live.svc
    svc.run(lambda h: [h.issue_ticket(category="C") for _ in range(WAITING)])  # one commit for all of them
    seq = svc.seq
    screen = live.device("display", "screen")

    async def scenario() -> list[dict]:
        opened = [asyncio.Event() for _ in range(3)]
        streams = [asyncio.create_task(hear_the_close(live.ws_url, screen, o)) for o in opened]
        await asyncio.wait_for(asyncio.gather(*(o.wait() for o in opened)), 30)
        await asyncio.sleep(0.5)
        await asyncio.to_thread(svc.close_day)
        return await asyncio.gather(*streams)

    heard = asyncio.run(scenario())
    assert len(heard) == 3  # every stream heard the close (none was dropped for being too slow)
    events = svc.events_since(seq)
    assert [e.kind for e in events].count("ticket.expired") == 0
    closed = next(e for e in events if e.kind == "day.closed")
    assert len(closed.data["expired"]["waiting_at_close"]) == WAITING
    assert heard[0]["data"]["expired"] == closed.data["expired"]
    assert all(str(t.state) == "expired" for t in svc.store.load().tickets)  # the bulk write reached the store
    bundle = load_day(svc.store, svc.hall.day.day, svc.config.timezone).to_bundle()
    assert package_says(bundle) == "OK"
    assert standalone_says(bundle).startswith("OK")

"""Replay storm: S streams connect with `since` far behind on a long day while a kiosk keeps issuing.

Prints one JSON line per bound: `--bounds 20000,2000` compares the old replay limit (20,000 events
sent to each stream) with the new default (a stream that far behind gets one snapshot).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time

import httpx
import websockets

from dispatcher.wiring import build_service

from .common import Dispatcher, emit, percentile


def fill(server: Dispatcher, events: int) -> None:
    """Write a long day's worth of events (about 1 kB each, like a ticket event) before the server starts."""
    svc = build_service(server.process.settings())
    try:
        for start in range(0, events, 1000):
            batch = [("hall.notice", {"text": "排队 " * 200, "n": n}) for n in range(start, min(events, start + 1000))]
            svc.run(lambda hall: None, audit=batch)
    finally:
        svc.store.engine.dispose()


async def stream(url: str, token: str, since: int, head: int, got: list[int], modes: list[str]) -> None:
    """Read until caught up with `head` (a snapshot at it, or the last replayed event); record the bytes."""
    auth = {"Authorization": f"Bearer {token}"}
    async with websockets.connect(f"{url}?since={since}", additional_headers=auth, max_size=2**24) as ws:
        size = 0
        while True:
            text = await asyncio.wait_for(ws.recv(), 300)
            size += len(text)
            message = json.loads(text)
            if message["type"] == "hello":
                modes.append(message["mode"])
            if message["type"] == "snapshot" and message["snapshot"]["seq"] >= head:
                break
            if message["type"] == "event" and message["event"]["seq"] >= head:
                break
        got.append(size)


async def kiosk_latencies(api: str, token: str, seconds: float, until: list | None = None) -> list[float]:
    """A ticket every 50 ms for `seconds`, and on while any of the `until` tasks runs."""
    out = []
    async with httpx.AsyncClient(base_url=api, headers={"Authorization": f"Bearer {token}"}, timeout=60) as c:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end or any(not t.done() for t in until or ()):
            t0 = time.perf_counter()
            (await c.post("/tickets", json={"category": "C"})).raise_for_status()
            out.append(time.perf_counter() - t0)
            await asyncio.sleep(0.05)
    return out


async def run(bound: int, events: int, streams: int, behind: int) -> dict:
    server = Dispatcher(counters=2)
    server.process.env = {**server.process.env, "FAIRQ_STREAM_MAX_REPLAY": str(bound)}
    fill(server, events)
    server.process.start(wait=False)
    server.process.wait_ready(180)  # a busy machine takes its time to import everything
    try:
        kiosk, screen = server.device("kiosk", "bench-kiosk"), server.device("display", "bench-screen")
        alone = await kiosk_latencies(server.process.api, kiosk, 2)
        with server.client() as c:
            head = c.get("/health").json()["seq"]  # the streams ask for `behind` events before this
        got: list[int] = []
        modes: list[str] = []
        ws_url = server.url.replace("http", "ws") + "/api/v1/stream"
        t0 = time.perf_counter()
        tasks = [
            asyncio.create_task(stream(ws_url, screen, max(0, head - behind), head, got, modes)) for _ in range(streams)
        ]
        during = await kiosk_latencies(server.process.api, kiosk, 2, until=tasks)
        await asyncio.gather(*tasks)
        took = time.perf_counter() - t0
    finally:
        server.stop()
    return {
        "bench": "replay_storm",
        "max_replay": bound,
        "events": events,
        "streams": streams,
        "since": f"head-{behind}",
        "modes": sorted(set(modes)),
        "mb_sent": round(sum(got) / 1e6, 2),
        "streams_caught_up_s": round(took, 2),
        "kiosk_alone_p50_ms": round(percentile(alone, 50) * 1000, 1),
        "kiosk_during_p50_ms": round(percentile(during, 50) * 1000, 1),
        "kiosk_during_p99_ms": round(percentile(during, 99) * 1000, 1),
        "kiosk_during_max_ms": round(max(during) * 1000, 1),
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--bounds", default="20000,2000", help="replay limits to compare (old,new)")
    p.add_argument("--events", type=int, default=20000)
    p.add_argument("--streams", type=int, default=10)
    p.add_argument("--behind", type=int, default=19000)  # a little under the old bound, which it replayed
    args = p.parse_args()
    for bound in (int(b) for b in args.bounds.split(",")):
        emit(asyncio.run(run(bound, args.events, args.streams, args.behind)))


if __name__ == "__main__":
    main()

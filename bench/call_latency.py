"""Call-to-screen latency: C counters press Next while D displays hold WebSockets; time until each display hears it."""

from __future__ import annotations

import argparse
import asyncio
import json
import time

import httpx
import websockets

from dispatcher.stats import percentile
from protocol.events import EventKind

from .common import Dispatcher, emit


async def display(url: str, token: str, seen: dict[int, list[float]], ready: asyncio.Event, expected: int) -> None:
    async with websockets.connect(url, additional_headers={"Authorization": f"Bearer {token}"}, max_size=2**24) as ws:
        ready.set()
        got = 0
        while got < expected:
            message = json.loads(await ws.recv())
            if message.get("type") == "event" and message["event"]["kind"] == EventKind.TICKET_CALLED:
                seen.setdefault(message["event"]["data"]["ticket"]["id"], []).append(time.perf_counter())
                got += 1


async def run(counters: int, displays: int, calls: int) -> dict:
    server = Dispatcher(counters=counters)
    server.start()
    try:
        kiosk = server.device("kiosk", "bench-kiosk")
        screen = server.device("display", "bench-screen")
        sessions = [server.officer_session(n) for n in range(1, counters + 1)]
        with server.client(kiosk) as c:
            for _ in range(calls):
                c.post("/tickets", json={"category": "C"}).raise_for_status()
        seen: dict[int, list[float]] = {}
        readies = [asyncio.Event() for _ in range(displays)]
        ws_url = server.url.replace("http", "ws") + "/api/v1/stream"
        tasks = [asyncio.create_task(display(ws_url, screen, seen, readies[i], calls)) for i in range(displays)]
        await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), 30)
        await asyncio.sleep(0.5)  # let every stream finish its snapshot
        sent: dict[int, float] = {}
        replies: list[float] = []

        async def counter(n: int, token: str, share: int) -> None:
            async with httpx.AsyncClient(
                base_url=f"{server.url}/api/v1", headers={"Authorization": f"Bearer {token}"}, timeout=30
            ) as c:
                for _ in range(share):
                    t0 = time.perf_counter()
                    r = await c.post(f"/counters/{n}/next")
                    r.raise_for_status()
                    replies.append(time.perf_counter() - t0)
                    ticket = r.json()["ticket"]
                    if ticket:
                        sent[ticket["id"]] = t0

        share = calls // counters
        await asyncio.gather(*(counter(n + 1, t, share) for n, t in enumerate(sessions)))
        await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), 10)
        latencies = [t - sent[tid] for tid, times in seen.items() if tid in sent for t in times]
        return {
            "bench": "call_latency",
            "counters": counters,
            "displays": displays,
            "calls": len(sent),
            "deliveries": len(latencies),
            "p50_ms": round(percentile(latencies, 50) * 1000, 2),
            "p99_ms": round(percentile(latencies, 99) * 1000, 2),
            "max_ms": round(max(latencies) * 1000, 2),
            "next_reply_p50_ms": round(percentile(replies, 50) * 1000, 2),
        }
    finally:
        server.stop()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--counters", type=int, default=5)
    p.add_argument("--displays", type=int, default=20)
    p.add_argument("--calls", type=int, default=200)
    args = p.parse_args()
    emit(asyncio.run(run(args.counters, args.displays, args.calls)))


if __name__ == "__main__":
    main()

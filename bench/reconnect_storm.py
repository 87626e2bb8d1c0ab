"""Reconnect storm: the dispatcher is killed and restarted under N connected stream clients; time until all resync."""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time

import httpx
import websockets

from .common import Dispatcher, emit


class Client:
    """A display-like stream client: keeps last_seq, reconnects with backoff and jitter, asks `since`."""

    def __init__(self, url: str, token: str, rng: random.Random):
        self.url, self.token, self.rng = url, token, rng
        self.last_seq = 0
        self.connected = asyncio.Event()
        self.resynced_at: float | None = None
        self.generation = 0

    async def run(self, stop: asyncio.Event) -> None:
        delay = 0.1
        while not stop.is_set():
            try:
                since = f"?since={self.last_seq}" if self.last_seq else ""
                async with websockets.connect(
                    f"{self.url}{since}", additional_headers={"Authorization": f"Bearer {self.token}"}, open_timeout=10
                ) as ws:
                    delay = 0.1
                    hello = json.loads(await ws.recv())
                    head = hello["seq"]
                    if hello["mode"] == "snapshot":
                        self.last_seq = json.loads(await ws.recv())["snapshot"]["seq"]
                    while self.last_seq < head:
                        self.last_seq = json.loads(await ws.recv())["event"]["seq"]
                    self.generation += 1
                    self.resynced_at = time.perf_counter()
                    self.connected.set()
                    async for raw in ws:
                        message = json.loads(raw)
                        if message.get("type") == "event":
                            self.last_seq = message["event"]["seq"]
            except (TimeoutError, OSError, websockets.WebSocketException):
                pass
            if stop.is_set():
                return
            await asyncio.sleep(delay * (0.5 + self.rng.random()))
            delay = min(delay * 2, 2.0)


async def run(clients: int) -> dict:
    server = Dispatcher()
    server.start()
    stop = asyncio.Event()
    try:
        token = server.device("display", "bench-screen")
        kiosk = server.device("kiosk", "bench-kiosk")
        url = server.url.replace("http", "ws") + "/api/v1/stream"
        rng = random.Random(1)
        crowd = [Client(url, token, rng) for _ in range(clients)]
        tasks = [asyncio.create_task(c.run(stop)) for c in crowd]
        await asyncio.wait_for(asyncio.gather(*(c.connected.wait() for c in crowd)), 60)
        auth = {"Authorization": f"Bearer {kiosk}"}
        async with httpx.AsyncClient(base_url=f"{server.url}/api/v1", headers=auth) as k:
            for _ in range(20):
                (await k.post("/tickets", json={"category": "C"})).raise_for_status()
        await asyncio.sleep(0.5)
        t_kill = time.perf_counter()
        server.kill()
        restart_s = await asyncio.to_thread(server.start)
        async with httpx.AsyncClient(base_url=f"{server.url}/api/v1", headers=auth) as k:
            (await k.post("/tickets", json={"category": "C"})).raise_for_status()
            head = (await k.get("/health")).json()["seq"]
        deadline = time.perf_counter() + 120
        while time.perf_counter() < deadline:
            if all(c.generation >= 2 and c.last_seq >= head for c in crowd):
                break
            await asyncio.sleep(0.05)
        done = [c for c in crowd if c.generation >= 2 and c.last_seq >= head]
        last = max(c.resynced_at for c in done) if done else float("nan")
        stop.set()
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        return {
            "bench": "reconnect_storm",
            "clients": clients,
            "resynced": len(done),
            "restart_s": round(restart_s, 2),
            "kill_to_all_resynced_s": round(last - t_kill, 2),
        }
    finally:
        server.stop()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--clients", type=int, default=200)
    args = p.parse_args()
    emit(asyncio.run(run(args.clients)))


if __name__ == "__main__":
    main()

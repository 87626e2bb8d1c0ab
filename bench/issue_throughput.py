"""Ticket issue throughput: N kiosks issuing tickets concurrently over HTTP to a real dispatcher."""

from __future__ import annotations

import argparse
import os
import threading
import time

import httpx

from dispatcher.stats import percentile

from .common import Dispatcher, emit


def run(kiosks: int, per_kiosk: int, database_url: str | None) -> dict:
    server = Dispatcher(database_url=database_url)
    server.start()
    try:
        tokens = [server.device("kiosk", f"bench-kiosk-{i}") for i in range(kiosks)]
        latencies: list[float] = []
        lock = threading.Lock()

        def kiosk(i: int) -> None:
            mine = []
            with httpx.Client(base_url=f"{server.url}/api/v1", headers={"Authorization": f"Bearer {tokens[i]}"}) as c:
                for j in range(per_kiosk):
                    t0 = time.perf_counter()
                    r = c.post("/tickets", json={"category": "C"}, headers={"Idempotency-Key": f"{i}-{j}"})
                    r.raise_for_status()
                    mine.append(time.perf_counter() - t0)
            with lock:
                latencies.extend(mine)

        threads = [threading.Thread(target=kiosk, args=(i,)) for i in range(kiosks)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - t0
        return {
            "bench": "issue_throughput",
            "store": "postgresql" if database_url else "sqlite",
            "kiosks": kiosks,
            "tickets": len(latencies),
            "tickets_per_s": round(len(latencies) / elapsed, 1),
            "p50_ms": round(percentile(latencies, 50) * 1000, 2),
            "p99_ms": round(percentile(latencies, 99) * 1000, 2),
        }
    finally:
        server.stop()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--kiosks", type=int, default=4)
    p.add_argument("--per-kiosk", type=int, default=150)
    p.add_argument("--store", choices=["sqlite", "postgresql", "both"], default="both")
    args = p.parse_args()
    stores = ["sqlite", "postgresql"] if args.store == "both" else [args.store]
    for store in stores:
        url = None
        if store == "postgresql":
            url = os.environ.get("FAIRQ_TEST_PG_URL")
            if not url:
                emit({"bench": "issue_throughput", "store": "postgresql", "skipped": "FAIRQ_TEST_PG_URL not set"})
                continue
        emit(run(args.kiosks, args.per_kiosk, url))


if __name__ == "__main__":
    main()

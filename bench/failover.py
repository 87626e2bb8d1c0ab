"""Standby takeover time: kill -9 the active dispatcher of a PostgreSQL pair; time until the standby serves.

Run with a server: scripts/with-postgres.sh .venv/bin/python -m bench.failover [--rounds 5]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from devtools.hall_file import write_hall
from devtools.pg import fresh_database
from devtools.procs import Enrolment, ServeProcess

from .common import emit

PAIR_ENV = {"FAIRQ_TICK_S": "0.5", "FAIRQ_LEADER_POLL_S": "0.2"}


def first_success(server: ServeProcess, token: str, deadline_s: float = 60) -> float:
    """Issue tickets at the server until one is acknowledged; returns when (monotonic)."""
    end = time.monotonic() + deadline_s
    with server.client(token, timeout=2) as c:
        while time.monotonic() < end:
            try:
                if c.post("/tickets", json={"category": "A"}).status_code == 200:
                    return time.monotonic()
            except httpx.TransportError:
                pass
            time.sleep(0.01)
    raise RuntimeError("the standby never served")


def run(rounds: int) -> dict:
    active_s, serving_s = [], []
    with tempfile.TemporaryDirectory() as tmp, fresh_database() as url:
        tmp = Path(tmp)
        hall = write_hall(tmp / "hall.toml", counters=4)
        e = Enrolment(ServeProcess(data_dir=tmp / "a", database_url=url, config=hall).settings())
        kiosk = e.device("kiosk", "kiosk")
        e.close()
        pair = [ServeProcess(data_dir=tmp / name, database_url=url, config=hall, env=PAIR_ENV) for name in "ab"]
        try:
            for server in pair:
                server.start()
            for _ in range(rounds):
                active, standby = sorted(pair, key=lambda s: (s.health() or {}).get("role") != "active")
                first_success(active, kiosk)
                active.kill()
                killed = time.monotonic()
                while (standby.health() or {}).get("role") != "active":
                    if time.monotonic() - killed > 60:
                        raise RuntimeError("no takeover")
                    time.sleep(0.01)
                active_s.append(time.monotonic() - killed)
                serving_s.append(first_success(standby, kiosk) - killed)
                active.start()  # comes back as the standby for the next round
        finally:
            for server in pair:
                server.kill()
    return {
        "benchmark": "failover",
        "rounds": rounds,
        "leader_poll_s": float(PAIR_ENV["FAIRQ_LEADER_POLL_S"]),
        "active_after_kill_s": {"median": statistics.median(active_s), "max": max(active_s)},
        "serving_after_kill_s": {"median": statistics.median(serving_s), "max": max(serving_s)},
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--rounds", type=int, default=5)
    emit(run(p.parse_args().rounds))


if __name__ == "__main__":
    main()

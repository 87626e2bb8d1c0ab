"""Busy kiosks and counters against one or more dispatcher URLs, recording every acknowledged reply.

Each actor behaves like the real clients: a kiosk retries with the same Idempotency-Key until it is
acknowledged; a counter that lost a reply asks the dispatcher what it holds before acting again; on a
connection error or a 503 it moves to the next URL of its list (the standby pair's failover).
"""

from __future__ import annotations

import random
import threading
from collections import defaultdict
from dataclasses import dataclass, field

import httpx

from dispatcher.store import LoadedState, Store, make_engine
from dispatcher.store.codec import utc
from dispatcher.store.hashchain import GENESIS, event_hash
from dispatcher.store.repo import iso

RANK = {"waiting": 0, "called": 1, "serving": 2, "done": 3}


@dataclass
class Ledger:
    """What the dispatcher acknowledged: ticket -> highest state, ticket -> counters it was called to."""

    state: dict[int, str] = field(default_factory=dict)
    called_at: dict[int, set[int]] = field(default_factory=lambda: defaultdict(set))
    keys: dict[str, int] = field(default_factory=dict)
    errors: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def ack(self, ticket: dict, counter: int | None = None) -> None:
        with self.lock:
            old = self.state.get(ticket["id"])
            if old is None or RANK[ticket["state"]] > RANK[old]:
                self.state[ticket["id"]] = ticket["state"]
            if counter is not None and ticket["state"] == "called":
                self.called_at[ticket["id"]].add(counter)

    def failed(self) -> None:
        with self.lock:
            self.errors += 1


class Actor:
    """One client with its token and list of dispatcher URLs."""

    def __init__(self, urls: list[str], token: str):
        self.urls = urls
        self.at = 0
        self.clients = [
            httpx.Client(base_url=f"{u}/api/v1", headers={"Authorization": f"Bearer {token}"}, timeout=3, verify=False)
            for u in urls
        ]

    def post(self, path: str, **kw) -> httpx.Response | None:
        return self._call("post", path, **kw)

    def get(self, path: str) -> httpx.Response | None:
        return self._call("get", path)

    def _call(self, method: str, path: str, **kw) -> httpx.Response | None:
        """The reply, or None after a connection error or 503 (and the next URL is tried next time)."""
        try:
            r = getattr(self.clients[self.at], method)(path, **kw)
        except httpx.TransportError:
            r = None
        if r is None or r.status_code == 503:
            self.at = (self.at + 1) % len(self.urls)
            return None
        r.raise_for_status()
        return r

    def close(self) -> None:
        for c in self.clients:
            c.close()


def ticket_body(category: str, kiosk: int, n: int) -> dict:
    """A kiosk's ticket request: import (A) and export (B) declarations need their own number, unique in the day."""
    if category not in "AB":
        return {"category": category}
    io_flag = "1" if category == "A" else "0"
    return {"category": category, "declaration_no": f"22012026{io_flag}{kiosk:03d}{n:06d}"}


class Workload:
    """Kiosks issuing and counters serving until stopped; `ledger` holds what was acknowledged."""

    def __init__(self, urls: list[str], kiosks: list[str], sessions: dict[int, str]):
        self.urls, self.kiosks, self.sessions = urls, kiosks, sessions
        self.ledger = Ledger()
        self.halt = threading.Event()
        self.threads = [threading.Thread(target=self._kiosk, args=(i, t), daemon=True) for i, t in enumerate(kiosks)]
        self.threads += [threading.Thread(target=self._counter, args=(n, t), daemon=True) for n, t in sessions.items()]

    def start(self) -> Workload:
        for t in self.threads:
            t.start()
        return self

    def stop(self, seconds: float = 30) -> None:
        self.halt.set()
        for t in self.threads:
            t.join(timeout=seconds)

    def _kiosk(self, i: int, token: str) -> None:
        actor, rng, j = Actor(self.urls, token), random.Random(i), 0
        try:
            body: dict | None = None
            while not self.halt.is_set():
                key = f"k{i}-{j}"
                body = body or ticket_body(rng.choice("ABC"), i, j)  # a retry sends the same body with its key
                r = actor.post("/tickets", json=body, headers={"Idempotency-Key": key})
                if r is None:
                    self.ledger.failed()
                    self.halt.wait(0.05)
                    continue  # retry the same key until it is acknowledged: never a second ticket
                ticket = r.json()
                self.ledger.keys[key] = ticket["id"]
                self.ledger.ack(ticket)
                j, body = j + 1, None
                self.halt.wait(0.01)
        finally:
            actor.close()

    def _counter(self, n: int, token: str) -> None:
        actor = Actor(self.urls, token)
        current: dict | None = None
        ask = False  # ask the dispatcher what this counter holds (after a lost reply, or while ready)
        try:
            while not self.halt.is_set():
                if ask:
                    r = actor.get("/counters")
                    if r is None:
                        self.halt.wait(0.05)
                        continue
                    mine = next(c for c in r.json() if c["number"] == n)
                    current = mine["ticket"]
                    if current is None and mine["state"] == "ready":
                        self.halt.wait(0.02)  # the draw has not sent anything yet (the Qt client hears the stream)
                        continue
                    ask = False
                    if current is not None:
                        self.ledger.ack(current, n)
                if current is None:
                    r = actor.post(f"/counters/{n}/next")
                elif current["state"] == "called":
                    r = actor.post(f"/counters/{n}/start")
                else:
                    r = actor.post(f"/counters/{n}/complete")
                if r is None:
                    self.ledger.failed()
                    ask = True
                    self.halt.wait(0.05)
                    continue
                if current is not None and current["state"] == "serving":
                    self.ledger.ack({**current, "state": "done"}, n)
                current = r.json()["ticket"]
                if current is not None:
                    self.ledger.ack(current, n)
                else:
                    ask = r.json()["counter"]["state"] == "ready"
        finally:
            actor.close()


def stored(url: str, hall_id: str) -> tuple[Store, dict]:
    """The hall as committed in the database: the store and its loaded state."""
    store = Store(make_engine(url), hall_id)
    return store, store.load()


def verify_log(store: Store) -> int:
    """The event log is gap-free from 1 and every record's hash chains to the one before; returns its length."""
    prev = GENESIS
    rows = store.event_rows()
    for expected, row in enumerate(rows, start=1):
        assert row.seq == expected, f"gap: seq {row.seq} where {expected} was due"
        assert row.prev_hash == prev, f"seq {row.seq} does not chain to its predecessor"
        assert event_hash(prev, row.seq, row.kind, iso(utc(row.at)), row.data) == row.hash, f"seq {row.seq} altered"
        prev = row.hash
    return len(rows)


def check_acknowledged(ledger: Ledger, state: LoadedState) -> None:
    """Every acknowledged ticket is stored, in its acknowledged state or one step further, never duplicated."""
    tickets = {t.id: t for t in state.tickets}
    for ticket_id, acked in ledger.state.items():
        assert ticket_id in tickets, f"acknowledged ticket {ticket_id} is lost"
        now = str(tickets[ticket_id].state)
        assert RANK.get(now, 99) >= RANK[acked], f"ticket {ticket_id} went back from {acked} to {now}"
    keys = [t.idempotency_key for t in state.tickets if t.idempotency_key]
    assert len(keys) == len(set(keys)), "one idempotency key made two tickets"
    labels = [t.label for t in state.tickets]
    assert len(labels) == len(set(labels)), "a label was given twice"
    holders = [c.ticket_id for c in state.counters if c.ticket_id is not None]
    assert len(holders) == len(set(holders)), "a ticket is at two counters"
    for c in state.counters:
        if c.ticket_id is not None:
            assert str(tickets[c.ticket_id].state) in ("called", "serving")
            assert tickets[c.ticket_id].counter == c.number

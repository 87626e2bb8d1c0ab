"""A whole day over HTTP: concurrent kiosks and counters, then the day's invariants."""

import random
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor

from tests.support.live import LiveDispatcher

FINAL = {"done", "no_show", "cancelled", "expired"}


def write_hall(path, counters: int) -> None:
    lines = ['hall_id = "t"', 'name = "测试大厅"', "k = 3", ""]
    for code, zh, en in [("A", "进口", "Import"), ("B", "出口", "Export"), ("C", "其他", "Other")]:
        lines += ["[[categories]]", f'code = "{code}"', f'name_zh = "{zh}"', f'name_en = "{en}"', ""]
    for n in range(1, counters + 1):
        lines += ["[[counters]]", f"number = {n}", 'categories = ["A", "B", "C"]', ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def test_scripted_day_three_kiosks_five_counters(tmp_path):
    hall = tmp_path / "hall.toml"
    write_hall(hall, counters=5)
    server = LiveDispatcher(data_dir=tmp_path / "d", config=hall).start()
    try:
        kiosks = [server.client(server.device("kiosk", f"kiosk-{i}")) for i in range(3)]
        for n in range(1, 6):
            server.officer(f"O{n}")
        officers = {n: server.login(n, f"O{n}") for n in range(1, 6)}
        issued: list[dict] = []
        lock = threading.Lock()
        stop = threading.Event()

        def kiosk_loop(i: int) -> None:
            rng = random.Random(i)
            for j in range(100):
                r = kiosks[i].post(
                    "/tickets", json={"category": rng.choice("ABC")}, headers={"Idempotency-Key": f"{i}-{j}"}
                )
                r.raise_for_status()
                with lock:
                    issued.append(r.json())

        def counter_loop(n: int) -> None:
            rng = random.Random(100 + n)
            c = officers[n]
            while not stop.is_set():
                got = c.post(f"/counters/{n}/next").json()
                ticket = got["ticket"]
                if ticket is None:
                    stop.wait(0.01)
                    continue
                roll = rng.random()
                if roll < 0.1:
                    c.post(f"/counters/{n}/no-show").raise_for_status()
                elif roll < 0.15 and ticket["category"] != "C":
                    c.post(f"/counters/{n}/transfer", json={"category": "C", "reason": "其他业务"}).raise_for_status()
                else:
                    if roll < 0.2:
                        c.post(f"/counters/{n}/recall").raise_for_status()
                    c.post(f"/counters/{n}/start").raise_for_status()
                    c.post(f"/counters/{n}/complete").raise_for_status()

        with ThreadPoolExecutor(max_workers=8) as pool:
            counters = [pool.submit(counter_loop, n) for n in range(1, 6)]
            for f in [pool.submit(kiosk_loop, i) for i in range(3)]:
                f.result()
            # let the counters drain the queues
            admin = server.client(server.device("admin", "boss"))
            end = time.monotonic() + 120
            while time.monotonic() < end:
                snap = admin.get("/snapshot").json()
                if sum(c["waiting"] for c in snap["categories"]) == 0:
                    break
                time.sleep(0.1)
            stop.set()
            for f in counters:
                f.result()
        for n, c in officers.items():
            state = c.get("/snapshot").json()
            mine = next(x for x in state["counters"] if x["number"] == n)
            if mine["ticket"]:
                c.post(f"/counters/{n}/complete").raise_for_status()
        assert admin.post("/admin/day/close").status_code == 200

        assert len(issued) == 300 and len({t["id"] for t in issued}) == 300
        tickets = [admin.get(f"/tickets/{t['id']}").json() for t in issued]
        assert all(t["state"] in FINAL for t in tickets)
        assert Counter(t["state"] for t in tickets)["done"] > 200

        events = []
        since = 0
        while True:
            page = admin.get("/events", params={"since": since}).json()
            if not page:
                break
            events += page
            since = page[-1]["seq"]
        assert [e["seq"] for e in events] == list(range(1, len(events) + 1))  # gap-free

        served = Counter(e["data"]["ticket"]["id"] for e in events if e["kind"] == "ticket.completed")
        assert max(served.values()) == 1  # no ticket served twice
        holder: dict[int, int] = {}
        for e in events:  # no ticket is ever at two counters at once
            if e["kind"] == "ticket.called":
                tid = e["data"]["ticket"]["id"]
                assert tid not in holder
                holder[tid] = e["data"]["counter"]
            elif e["kind"] in ("ticket.completed", "ticket.no_show", "ticket.transferred", "ticket.returned"):
                holder.pop(e["data"]["ticket"]["id"], None)

        by_category = defaultdict(list)
        for e in events:
            if e["kind"] == "ticket.issued":
                by_category[e["data"]["ticket"]["category"]].append(int(e["data"]["ticket"]["label"][1:]))
        for numbers in by_category.values():
            assert numbers == list(range(1, len(numbers) + 1))  # labels gap-free per category
    finally:
        server.stop()


def test_twenty_counters_pressing_next_together_never_share_a_ticket(tmp_path):
    hall = tmp_path / "hall.toml"
    write_hall(hall, counters=20)
    server = LiveDispatcher(data_dir=tmp_path / "d", config=hall).start()
    try:
        kiosk = server.client(server.device("kiosk", "kiosk-1"))
        for n in range(1, 21):
            server.officer(f"O{n}")
        officers = {n: server.login(n, f"O{n}") for n in range(1, 21)}
        received: list[int] = []
        for round_no in range(5):
            for _ in range(15):  # fewer tickets than counters: some get none
                kiosk.post("/tickets", json={"category": "A"}).raise_for_status()
            barrier = threading.Barrier(20)

            def press(n: int, barrier: threading.Barrier = barrier) -> int | None:
                barrier.wait()
                r = officers[n].post(f"/counters/{n}/next")
                r.raise_for_status()
                t = r.json()["ticket"]
                return t["id"] if t else None

            with ThreadPoolExecutor(max_workers=20) as pool:
                got = [x for x in pool.map(press, range(1, 21)) if x is not None]
            assert len(got) == len(set(got)), f"round {round_no}: a ticket went to two counters"
            received += got
        assert len(received) == len(set(received))
        counters_by_ticket = defaultdict(set)
        for e in server.svc.events_since(0, limit=100000):
            if e.kind == "ticket.called":
                counters_by_ticket[e.data["ticket"]["id"]].add(e.data["counter"])
        assert all(len(c) == 1 for c in counters_by_ticket.values())
    finally:
        server.stop()


def test_wrong_pins_are_rate_limited(live):
    live.officer("1001", pin="432100")
    device = live.client(live.device("counter", "pc-3", counter=3))
    codes = [device.post("/counters/3/login", json={"staff_id": "1001", "pin": "0000"}).status_code for _ in range(6)]
    assert codes[:5] == [401] * 5 and codes[5] == 429
    r = device.post("/counters/3/login", json={"staff_id": "1001", "pin": "432100"})
    assert r.status_code == 429 and r.json()["error"]["code"] == "too_many_attempts"
    assert int(r.headers["Retry-After"]) > 0

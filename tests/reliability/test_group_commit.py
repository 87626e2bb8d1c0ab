"""Group commit: requests that arrive together share one transaction, yet nothing acknowledged is ever lost
and a batch that fails fails every request in it, each with a clear answer."""

from __future__ import annotations

import random
import threading

import httpx
import pytest
from sqlalchemy.exc import OperationalError

from devtools.hall_file import write_hall
from devtools.procs import Enrolment, ServeProcess
from devtools.wait import wait_until
from dispatcher.api.errors import storage_problem
from dispatcher.service import CommitFailed
from dispatcher.settings import Settings
from dispatcher.wiring import build_service

from .workload import stored

KIOSKS = 12


def batch_figures(server: ServeProcess) -> tuple[float, float]:
    """(commands committed, commits) from the dispatcher's own metrics."""
    text = httpx.get(f"{server.url}/metrics", timeout=10).text
    values = {}
    for line in text.splitlines():
        if line.startswith("fairq_commit_batch_commands_"):
            name, value = line.split()
            values[name] = float(value)
    return values.get("fairq_commit_batch_commands_sum", 0.0), values.get("fairq_commit_batch_commands_count", 0.0)


def test_kill_9_during_a_burst_loses_no_acknowledged_ticket(tmp_path, spawn):
    hall = write_hall(tmp_path / "hall.toml", counters=2)
    server = ServeProcess(data_dir=tmp_path / "d", config=hall)
    e = Enrolment(server.settings())
    try:
        tokens = [e.device("kiosk", f"kiosk-{i}") for i in range(KIOSKS)]
    finally:
        e.close()
    first = spawn(data_dir=server.data_dir, config=hall, port=server.port)
    acked: dict[str, int] = {}  # idempotency key -> ticket id, for every 200 the kiosks got
    lock = threading.Lock()
    stop = threading.Event()

    def kiosk(i: int) -> None:
        with server.client(tokens[i], timeout=5) as c:
            n = 0
            while not stop.is_set():
                key = f"k{i}-{n}"
                try:
                    r = c.post("/tickets", json={"category": "C"}, headers={"Idempotency-Key": key})
                except httpx.HTTPError:
                    continue  # the dispatcher is gone: this one was never acknowledged
                if r.status_code == 200:
                    with lock:
                        acked[key] = r.json()["id"]
                    n += 1

    threads = [threading.Thread(target=kiosk, args=(i,), daemon=True) for i in range(KIOSKS)]
    for t in threads:
        t.start()
    try:
        assert wait_until(lambda: len(acked) >= 150, 60), "the kiosks could not issue"
        commands, commits = batch_figures(first)
        assert commands > commits, "no two requests were ever written together: no group commit happened"
        first.kill()  # kill -9 in the middle of the burst
        with lock:
            before_kill = dict(acked)
    finally:
        stop.set()
        for t in threads:
            t.join(10)
    restarted = spawn(data_dir=server.data_dir, config=hall, port=server.port)
    store, state = stored(restarted.settings().db_url(), "t")
    try:
        kept = {t.id: t.idempotency_key for t in state.tickets}
    finally:
        store.engine.dispose()
    lost = [key for key, ticket_id in before_kill.items() if ticket_id not in kept]
    assert not lost, f"{len(lost)} acknowledged tickets are gone after kill -9: {lost[:5]}"
    assert all(kept[ticket_id].endswith(f":{key}") for key, ticket_id in before_kill.items())
    key, ticket_id = random.Random(1).choice(sorted(before_kill.items()))
    kiosk_no = int(key[1:].split("-")[0])
    with restarted.client(tokens[kiosk_no]) as c:  # the kiosk's retry of an acknowledged key: the same ticket
        r = c.post("/tickets", json={"category": "C"}, headers={"Idempotency-Key": key})
        assert r.status_code == 200 and r.json()["id"] == ticket_id


HALL = """
hall_id = "h"
name = "测试"
[[categories]]
code = "C"
name_zh = "其他"
name_en = "Other"
[[counters]]
number = 1
categories = ["C"]
"""


@pytest.fixture
def svc(tmp_path):
    (tmp_path / "hall.toml").write_text(HALL, encoding="utf-8")
    settings = Settings(data_dir=tmp_path / "d", config=tmp_path / "hall.toml", zeroconf=False)
    svc = build_service(settings)
    svc.run(lambda h: h.open_day())
    yield svc
    svc.store.engine.dispose()


def together(svc, commands) -> list[object]:
    """Run the commands from one thread each so that they form one batch; each one's result or error."""
    outcomes: list[object] = [None] * len(commands)

    def call(i: int, command) -> None:
        try:
            outcomes[i] = svc.run(command)
        except Exception as e:
            outcomes[i] = e

    threads = [threading.Thread(target=call, args=(i, c)) for i, c in enumerate(commands)]
    with svc.lock:  # a commit under way: every command queues behind it
        for t in threads:
            t.start()
        assert wait_until(lambda: len(svc._queue) == len(commands), 10)
    for t in threads:
        t.join(10)
    return outcomes


def issue(hall):
    return hall.issue_ticket(category="C")[0].id


def test_requests_that_arrive_together_share_one_commit(svc, monkeypatch):
    batches = []
    write = svc.store.write_batch
    monkeypatch.setattr(svc.store, "write_batch", lambda writes: batches.append(len(writes)) or write(writes))
    ids = together(svc, [issue] * 6)
    assert sorted(ids) == list(range(1, 7))
    assert batches == [6]  # one transaction for all six
    assert {t.id for t in svc.store.load().tickets} == set(ids)
    assert svc.seq == svc.store.last_seq


def test_a_failed_batch_fails_every_request_in_it_clearly(svc, monkeypatch):
    def broken(writes):
        raise OperationalError("INSERT", {}, Exception("disk I/O error"))

    monkeypatch.setattr(svc.store, "write_batch", broken)
    outcomes = together(svc, [issue] * 5)
    assert all(isinstance(o, OperationalError) for o in outcomes), outcomes
    assert len({id(o) for o in outcomes}) == 5  # each request raises its own error
    code, message = storage_problem(outcomes[0])
    assert code == "storage_unavailable" and "nothing was changed" in message
    monkeypatch.undo()
    assert svc.hall.tickets == {}  # memory was read back: none of the five half-exists
    assert svc.run(issue) == 1  # and the hall goes on


def test_a_command_that_breaks_a_batch_takes_only_the_ones_before_it(svc):
    def crash(hall):
        hall.issue_ticket(category="C")
        raise RuntimeError("a bug half-way through a command")

    outcomes = together(svc, [issue, issue, crash, issue])
    first, second, broken, after = outcomes
    for lost in (first, second):
        assert isinstance(lost, CommitFailed)
        assert "not saved" in str(lost) and "please try again" in str(lost) and "RuntimeError" in str(lost)
    assert isinstance(broken, RuntimeError)
    assert isinstance(after, int)  # applied on the hall as it was read back, and committed
    assert [t.id for t in svc.store.load().tickets] == [after]


def test_the_api_says_why_a_batch_was_dropped(tmp_path):
    from fastapi.testclient import TestClient

    from dispatcher.api.app import create_app

    (tmp_path / "hall.toml").write_text(HALL, encoding="utf-8")
    app = create_app(Settings(data_dir=tmp_path / "d", config=tmp_path / "hall.toml", zeroconf=False))

    def dropped() -> None:
        raise CommitFailed("This request was not saved: … please try again.")

    app.add_api_route("/api/v1/dropped", dropped, methods=["POST"])
    with TestClient(app) as client:
        r = client.post("/api/v1/dropped")
    assert r.status_code == 503 and r.headers["retry-after"] == "1"
    assert r.json()["error"] == {"code": "commit_failed", "message": "This request was not saved: … please try again."}

"""A counter client killed mid-service: its ticket waits for the officer, or after a silence goes back to the head."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta

from devtools.hall_file import write_hall
from devtools.procs import Enrolment, ServeProcess, login
from devtools.wait import wait_until
from dispatcher.settings import Settings
from dispatcher.wiring import build_service
from tests.dispatcher.core_helpers import FakeClock


def start_counter_client(server: ServeProcess, token: str, counter: int) -> tuple[subprocess.Popen, dict]:
    """Start the stand-in client; returns it and the ticket its Next got."""
    ws = f"ws://127.0.0.1:{server.port}/api/v1/stream"
    cmd = [sys.executable, "-m", "tests.reliability.counter_proc", server.api, ws, token, str(counter)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    assert line, "the counter client did not get a ticket"
    return proc, json.loads(line)


def setup_hall(tmp_path, spawn, lost_after_s: int):
    hall = write_hall(tmp_path / "hall.toml", counters=2, lost_after_s=lost_after_s)
    server = ServeProcess(data_dir=tmp_path / "d", config=hall)
    e = Enrolment(server.settings())
    kiosk, pc, screen = e.device("kiosk", "k"), e.device("counter", "pc-1", counter=1), e.device("display", "s")
    e.officer("O1")
    e.close()
    server = spawn(data_dir=server.data_dir, config=hall, port=server.port, env={"FAIRQ_TICK_S": "0.2"})
    with server.client(kiosk) as k:
        first = k.post("/tickets", json={"category": "A"}).json()
    session = login(server, pc, 1, "O1")
    return server, kiosk, session, screen, first


def test_killed_counter_gives_its_ticket_back_after_the_silence(tmp_path, spawn):
    server, kiosk, session, screen, first = setup_hall(tmp_path, spawn, lost_after_s=2)
    client, got = start_counter_client(server, session, 1)
    try:
        assert got["id"] == first["id"] and got["state"] == "called"
        with server.client(kiosk) as k:
            later = k.post("/tickets", json={"category": "A"}).json()
            client.kill()
            client.wait(timeout=10)
            assert k.get(f"/tickets/{first['id']}").json()["state"] == "called"  # kept while the silence is short

            def returned() -> bool:
                return k.get(f"/tickets/{first['id']}").json()["state"] == "waiting"

            assert wait_until(returned), "the silent counter's ticket never came back"
            back = k.get(f"/tickets/{first['id']}").json()
            assert back["waiting_ahead"] == 0 and back["counter"] is None  # head of the queue, before `later`
            assert k.get(f"/tickets/{later['id']}").json()["waiting_ahead"] == 1
            events = k.get("/events").json()
        lost = [e for e in events if e["kind"] == "counter.lost"]
        returns = [e for e in events if e["kind"] == "ticket.returned" and e["data"]["why"] == "counter_lost"]
        assert len(lost) == 1 and lost[0]["data"]["counter"] == 1
        assert [e["data"]["ticket"]["id"] for e in returns] == [first["id"]]
        # the officer comes back: still logged in, and Next draws again
        with server.client(session) as officer:
            again = officer.post("/counters/1/next").json()
            assert again["ticket"]["id"] in (first["id"], later["id"]) and again["ticket"]["state"] == "called"
    finally:
        client.kill()


def test_ticket_stays_with_the_counter_when_its_officer_returns(tmp_path, spawn):
    server, kiosk, session, screen, first = setup_hall(tmp_path, spawn, lost_after_s=60)
    client, got = start_counter_client(server, session, 1)
    client.kill()
    client.wait(timeout=10)
    # the PC restarts and the officer logs in again: the same ticket is still theirs
    e = Enrolment(server.settings())
    pc = e.device("counter", "pc-1-again", counter=1)
    e.close()
    with server.client(pc) as c:
        r = c.post("/counters/1/login", json={"staff_id": "O1", "pin": "123456"})
        assert r.status_code == 200, r.text
        assert r.json()["current_ticket"]["id"] == first["id"]
    with server.client(kiosk) as k:
        t = k.get(f"/tickets/{first['id']}").json()
        events = k.get("/events").json()
    assert t["state"] == "called" and t["counter"] == 1
    assert not [e for e in events if e["kind"] in ("counter.lost", "ticket.returned")]


def test_silence_is_measured_from_the_last_request_or_stream(tmp_path):
    """In-process, with a clock that moves only when told: what counts as a counter still being there."""
    clock = FakeClock()
    svc = build_service(Settings(data_dir=tmp_path / "d", zeroconf=False), clock=clock)
    svc.tick()
    from dispatcher import admin
    from protocol.models import OfficerCreate

    admin.add_officer(svc, OfficerCreate(staff_id="O1", name="关员", pin="123456"), by="test")
    svc.run(lambda h: h.login(1, "O1"))
    svc.run(lambda h: h.next(1))
    svc.run(lambda h: h.issue_ticket(category="A", declaration_no="220120261000012345"))
    assert svc.hall.current_ticket(1).state == "called"
    limit = svc.config.counter_lost_after_s
    clock.advance(limit - 1)
    svc.seen(1)  # a request from the counter
    clock.advance(limit - 1)
    assert svc.silent_counters() == []
    svc.stream_opened(1)
    clock.advance(limit * 3)
    assert svc.silent_counters() == []  # an open stream means the counter is there
    svc.stream_closed(1)
    clock.advance(timedelta(seconds=limit).total_seconds())
    assert svc.silent_counters() == [1]
    svc.tick()
    assert svc.hall.current_ticket(1) is None and svc.hall.counters[1].state == "idle"
    svc.store.engine.dispose()

"""kill -9 the dispatcher while kiosks and counters are busy; restart it; nothing acknowledged is lost."""

from __future__ import annotations

import time

from devtools.hall_file import write_hall
from devtools.procs import Enrolment, ServeProcess, login
from devtools.wait import wait_until
from tests.support.follower import Follower

from .workload import Workload, check_acknowledged, stored, verify_log

COUNTERS = 4


def enrol(server: ServeProcess) -> tuple[list[str], dict[int, str], str]:
    """Two kiosks, a display, and counter PCs with officers; returns kiosk tokens, counter PC tokens, display."""
    e = Enrolment(server.settings())
    try:
        kiosks = [e.device("kiosk", f"kiosk-{i}") for i in range(2)]
        pcs = {n: e.device("counter", f"pc-{n}", counter=n) for n in range(1, COUNTERS + 1)}
        for n in pcs:
            e.officer(f"O{n}")
        return kiosks, pcs, e.device("display", "screen")
    finally:
        e.close()


def test_kill_9_under_load_loses_nothing(tmp_path, spawn):
    hall = write_hall(tmp_path / "hall.toml", counters=COUNTERS)
    server = ServeProcess(data_dir=tmp_path / "d", config=hall)
    kiosks, pcs, display = enrol(server)
    first = spawn(data_dir=server.data_dir, config=hall, port=server.port)
    sessions = {n: login(server, pcs[n], n, f"O{n}") for n in pcs}
    follower = Follower(f"ws://127.0.0.1:{server.port}/api/v1/stream", display)
    follower.start()
    load = Workload([server.url], kiosks, sessions).start()
    try:
        assert wait_until(lambda: sum(s == "done" for s in load.ledger.state.values()) >= 15), "the hall is not busy"
        first.kill()
        acked_before = dict(load.ledger.state)
        time.sleep(0.5)  # clients see the dispatcher gone and keep retrying
        server = spawn(data_dir=server.data_dir, config=hall, port=server.port)
        assert wait_until(lambda: load.ledger.errors > 0 and len(load.ledger.state) > len(acked_before) + 5)
    finally:
        load.stop()
    head = server.health()["seq"]
    try:
        assert follower.wait_for(head), f"the follower resynced only to {follower.last} of {head}"
    finally:
        follower.stop()
    store, state = stored(server.settings().db_url(), "t")
    try:
        assert verify_log(store) == head
        check_acknowledged(load.ledger, state)
    finally:
        store.engine.dispose()
    assert follower.seqs == list(range(1, head + 1)), "the stream client missed or doubled events"
    assert all(h["mode"] == "replay" for h in follower.hellos[1:]), "after the restart the client had to start over"
    assert load.ledger.errors > 0  # the clients did see the dispatcher go away

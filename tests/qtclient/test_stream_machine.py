"""The stream's state machine and the endpoint choice on their own: no Qt event loop, no socket, no server."""

from __future__ import annotations

import json
from types import SimpleNamespace

from qtclient import Backoff, HallState
from qtclient.endpoints import Endpoints, standby_close
from qtclient.stream import Applied, Gap, Hello, Invalid, Snapshot, StreamMachine, Up, Verdict

SNAPSHOT = {
    "seq": 10,
    "hall_id": "h",
    "hall_name": "测试大厅",
    "day": None,
    "categories": [],
    "counters": [],
    "recent_calls": [],
    "notice": "",
}


def frame(kind: str, **fields) -> str:
    return json.dumps({"type": kind, **fields})


def notice(seq: int, text: str = "午休") -> str:
    event = {"seq": seq, "kind": "hall.notice", "at": "2026-12-02T04:00:00+00:00", "data": {"by": "t", "text": text}}
    return frame("event", event=event)


def machine() -> StreamMachine:
    return StreamMachine(HallState(), Backoff(1.0, cap=8.0, jitter=0.0))


def connected(m: StreamMachine) -> None:
    """The first connect: hello in snapshot mode, then the snapshot."""
    m.receive(frame("hello", mode="snapshot", seq=10))
    m.receive(frame("snapshot", snapshot=SNAPSHOT))


def test_first_connect_asks_for_a_snapshot_then_for_what_came_after_it():
    m = machine()
    assert m.since() is None
    effects = m.receive(frame("hello", mode="snapshot", seq=10))
    assert [type(e) for e in effects] == [Hello]  # not up until the snapshot is in
    effects = m.receive(frame("snapshot", snapshot=SNAPSHOT))
    assert [type(e) for e in effects] == [Snapshot, Up]
    assert (m.last_seq, m.since(), m.state.hall_name, m.state.loaded) == (10, 10, "测试大厅", True)


def test_events_apply_in_order_and_duplicates_of_a_replay_are_dropped():
    m = machine()
    connected(m)
    assert [type(e) for e in m.receive(notice(11, "一"))] == [Applied]
    assert m.receive(notice(11, "again")) == []  # a replay overlapping live events
    assert m.receive(notice(9)) == []
    assert (m.last_seq, m.state.notice) == (11, "一")


def test_a_gap_asks_for_a_replay_from_the_last_event_seen():
    m = machine()
    connected(m)
    m.receive(notice(11, "一"))
    assert m.receive(notice(14, "四")) == [Gap(expected=12, got=14)]
    assert (m.last_seq, m.state.notice, m.since()) == (11, "一", 11)  # nothing past the gap applied
    # the reconnect: the stream replays from 11, and is up at the hello
    assert [type(e) for e in m.receive(frame("hello", mode="replay", since=11, seq=14))] == [Hello, Up]
    for seq, text in ((12, "二"), (13, "三"), (14, "四")):
        assert [type(e) for e in m.receive(notice(seq, text))] == [Applied]
    assert (m.last_seq, m.state.notice, m.last_hello["mode"]) == (14, "四", "replay")


def test_an_event_that_breaks_the_contract_is_skipped_but_counted():
    m = machine()
    connected(m)
    bad = {"seq": 11, "kind": "hall.notice", "at": "2026-12-02T04:00:00+00:00", "data": {"text": 5}}
    (effect,) = m.receive(frame("event", event=bad))
    assert isinstance(effect, Invalid) and m.last_seq == 11 and m.state.notice == ""
    assert [type(e) for e in m.receive(notice(12))] == [Applied]


def test_garbage_errors_and_foreign_hellos_change_nothing():
    m = machine()
    connected(m)
    for text in ("not json", "[1, 2]", frame("error", detail="x"), frame("hello", mode="sideways", seq=3)):
        assert m.receive(text) == []
    assert m.last_seq == 10 and m.last_hello["mode"] == "snapshot"


def test_reconnect_delays_back_off_and_a_hello_resets_them():
    m = machine()
    assert [m.retry_delay() for _ in range(5)] == [1.0, 2.0, 4.0, 8.0, 8.0]
    assert m.retry_delay(slow=True) == 8.0  # a refused token or certificate: wait the longest
    m.receive(frame("hello", mode="replay", since=0, seq=0))
    assert m.retry_delay() == 1.0
    assert not m.silent(15000, 5000) and m.silent(15001, 5000)


def test_the_token_check_decides_what_comes_next():
    def answer(ok, status, code=""):
        return SimpleNamespace(ok=ok, status=status, code=code)

    m = machine()
    assert m.checked(answer(True, 200)) is Verdict.OPEN
    assert m.checked(answer(False, 401, "unauthorized")) is Verdict.AUTH_FAILED
    assert m.checked(answer(False, 403, "forbidden")) is Verdict.AUTH_FAILED
    assert m.checked(answer(False, 0, "tls")) is Verdict.TLS_REFUSED
    assert m.checked(answer(False, 503, "standby")) is Verdict.UNREACHABLE
    assert m.checked(answer(False, 0, "network")) is Verdict.UNREACHABLE


def test_a_health_round_takes_the_active_dispatcher_of_a_pair():
    ends = Endpoints("http://127.0.0.1:1/, http://127.0.0.1:2")
    assert ends.urls == ["http://127.0.0.1:1", "http://127.0.0.1:2"] and ends.current == "http://127.0.0.1:1"
    search = ends.search()
    assert search.answered("http://127.0.0.1:1", ok=True, code="", message="", data={"role": "standby"}) is None
    choice = search.answered("http://127.0.0.1:2", ok=True, code="", message="", data={"role": "active"})
    assert choice is not None and choice.url == ends.current == "http://127.0.0.1:2"
    assert search.answered("http://127.0.0.1:1", ok=True, code="", message="", data={}) is None  # decided once
    assert ends.next_url() and ends.current == "http://127.0.0.1:1"


def test_a_pinned_pair_never_stays_on_a_refused_url():
    pin = "ab" * 32
    ends = Endpoints("http://127.0.0.1:1,https://127.0.0.1:2", tls_pin=pin)
    assert ends.plain_refusal("http://127.0.0.1:1") and ends.pin_for("https://127.0.0.1:2") == pin
    search = ends.search()
    search.answered("http://127.0.0.1:1", ok=False, code="tls", message="plain", data=None)
    choice = search.answered("https://127.0.0.1:2", ok=False, code="network", message="down", data=None)
    assert choice is not None and choice.url == "https://127.0.0.1:2"
    only = Endpoints("https://127.0.0.1:2,https://127.0.0.1:3", tls_pin=pin).search()
    only.answered("https://127.0.0.1:2", ok=False, code="tls", message="wrong certificate", data=None)
    choice = only.answered("https://127.0.0.1:3", ok=False, code="tls", message="wrong too", data=None)
    assert choice is not None and (choice.url, choice.refusal) == (None, "wrong certificate")


def test_adverts_of_one_hall_are_followed_with_their_pins():
    def found(url, hall_id="h", fingerprint=""):
        return SimpleNamespace(url=url, hall_id=hall_id, fingerprint=fingerprint)

    ends = Endpoints(None)
    first = ends.discovered(found("https://127.0.0.1:1", fingerprint="AB" * 32))
    assert first.taken and first.new_pin and first.new_url and first.moved
    assert ends.current == "https://127.0.0.1:1" and ends.pin_for(ends.current) == "ab" * 32
    assert not ends.discovered(found("http://127.0.0.1:9", hall_id="other")).taken
    second = ends.discovered(found("http://127.0.0.1:2"))
    assert second.new_url and not second.moved and ends.urls == ["https://127.0.0.1:1", "http://127.0.0.1:2"]
    assert ends.lost("https://127.0.0.1:1") and ends.current == "http://127.0.0.1:2"
    assert not ends.lost("http://127.0.0.1:2") and ends.urls == ["http://127.0.0.1:2"]  # the last one stays


def test_an_advert_never_replaces_the_configured_pin():
    pin = "cd" * 32
    ends = Endpoints(None, tls_pin=pin)
    assert not ends.discovered(SimpleNamespace(url="http://127.0.0.1:1", hall_id="h", fingerprint="")).taken
    ends.discovered(SimpleNamespace(url="https://127.0.0.1:2", hall_id="h", fingerprint="ab" * 32))
    assert ends.pin_for("https://127.0.0.1:2") == pin
    assert standby_close("dispatcher is a standby") and not standby_close("too slow; reconnect with since")

"""Backoff, HallState and DeviceConfig: the logic without a network."""

from __future__ import annotations

import stat

from qtclient import Backoff, DeviceConfig, HallState


def test_backoff_grows_to_its_cap_with_jitter_below():
    b = Backoff(0.5, cap=10, factor=2, jitter=0.5, rand=lambda: 0.0)
    assert [b.next_delay() for _ in range(7)] == [0.5, 1, 2, 4, 8, 10, 10]
    b.reset()
    assert b.next_delay() == 0.5
    jittered = Backoff(1, cap=10, jitter=0.5, rand=lambda: 1.0)
    assert jittered.next_delay() == 0.5


def test_reconnect_backoff_is_quick_while_an_outage_is_young_then_slows_to_its_cap():
    b = Backoff(0.1, cap=10, quick_tries=6, quick_cap=1.0, rand=lambda: 0.0)
    assert [round(b.next_delay(), 3) for _ in range(11)] == [0.1, 0.2, 0.4, 0.8, 1, 1, 2, 4, 8, 10, 10]
    b.reset()
    assert b.next_delay() == 0.1
    link_default = Backoff.reconnecting()
    link_default.rand = lambda: 1.0
    delays = [link_default.next_delay() for _ in range(40)]
    assert delays[0] <= 0.1 and max(delays[:25]) <= 1.0 and delays[-1] == 5.0  # jitter 0.5 at the 10 s cap


def snapshot(seq=10):
    return {
        "seq": seq,
        "hall_id": "h",
        "hall_name": "大厅",
        "day": {"day": "2024-05-01", "is_open": True, "commitment": "ab", "seed": None},
        "categories": [
            {"code": "A", "name_zh": "进口", "name_en": "Import", "waiting": 2, "estimated_wait_s": 60},
            {"code": "C", "name_zh": "其他", "name_en": "Other", "waiting": 0},
        ],
        "counters": [{"number": 1, "name": "1", "categories": ["A"], "state": "ready", "ticket": None}],
        "recent_calls": [],
        "notice": "",
    }


def ticket(tid, category="A", counter=None, state="waiting"):
    return {"id": tid, "label": f"{category}{tid:03d}", "category": category, "counter": counter, "state": state}


def event(seq, kind, **data):
    return {"seq": seq, "kind": kind, "at": "2024-05-01T01:00:00Z", "data": data}


def test_hallstate_follows_tickets_and_counters():
    s = HallState()
    s.apply_snapshot(snapshot())
    assert s.loaded and s.day_open and s.category("A")["waiting"] == 2
    assert s.apply_event(event(11, "ticket.issued", ticket=ticket(3)))
    assert not s.apply_event(event(11, "ticket.issued", ticket=ticket(3)))  # doubled: ignored
    assert s.category("A")["waiting"] == 3
    call = {"ticket_id": 1, "label": "A001", "category": "A", "counter": 1, "at": "x", "recall": False}
    s.apply_event(event(12, "ticket.called", ticket=ticket(1, counter=1, state="called"), counter=1, call=call))
    assert s.category("A")["waiting"] == 2
    assert s.counter(1)["state"] == "busy" and s.counter(1)["ticket"]["label"] == "A001"
    assert s.recent_calls[-1]["label"] == "A001"
    s.apply_event(event(13, "ticket.cancelled", ticket=ticket(1, counter=1), after_call=True))
    assert s.counter(1)["state"] == "ready" and s.counter(1)["ticket"] is None
    s.apply_event(event(14, "counter.logout", counter=1, staff_id="1001"))
    assert s.counter(1)["state"] == "closed"
    assert s.seq == 14


def test_hallstate_late_snapshot_keeps_newer_events():
    s = HallState()
    s.apply_snapshot(snapshot(10))
    s.apply_event(event(11, "ticket.issued", ticket=ticket(3, "C")))
    s.apply_event(event(12, "ticket.issued", ticket=ticket(4, "C")))
    # a snapshot fetched when only event 11 had happened arrives after event 12
    late = snapshot(11)
    late["categories"][1]["waiting"] = 1
    s.apply_snapshot(late)
    assert s.seq == 12 and s.category("C")["waiting"] == 2


def test_config_round_trip_is_private(tmp_path):
    path = tmp_path / "sub" / "kiosk.toml"
    config = DeviceConfig.load(path, {"printer": "sim:///x", "idle_timeout": 30})
    assert config.discover and not config.enrolled and config.get("idle_timeout") == 30
    config.update(url="http://127.0.0.1:1", token='to"k\\en', orientation="portrait")
    config.save()
    again = DeviceConfig.load(path)
    assert again.url == "http://127.0.0.1:1" and again.token == 'to"k\\en' and again["printer"] == "sim:///x"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_hallstate_puts_snapshot_calls_oldest_first():
    def call(tid, at):
        return {"ticket_id": tid, "label": f"A{tid:03d}", "category": "A", "counter": 1, "at": at, "recall": False}

    s = HallState()
    newest_first = [call(2, "2024-05-01T01:00:05Z"), call(1, "2024-05-01T01:00:00.5Z")]  # as the dispatcher sends
    s.apply_snapshot({**snapshot(), "recent_calls": newest_first})
    assert [c["label"] for c in s.recent_calls] == ["A001", "A002"]
    later = call(3, "2024-05-01T01:00:09Z")
    s.apply_event(event(11, "ticket.called", ticket=ticket(3, counter=1), counter=1, call=later))
    assert s.recent_calls[-1]["label"] == "A003"


def test_a_device_can_be_kept_to_its_own_hall(tmp_path, qapp):
    """`--hall` is kept in the config and the app's discovery then accepts that hall only."""
    import argparse

    from qtclient.appargs import add_common_options, load_app_config
    from qtclient.discovery import browser_for

    parser = argparse.ArgumentParser()
    add_common_options(parser, app="display", device="display")
    args = parser.parse_args(["--config", str(tmp_path / "d.toml"), "--discover", "--hall", "pudong-2"])
    config = load_app_config(args, app="display", defaults={})
    assert config.get("hall_id") == "pudong-2" and config.discover
    browser = browser_for(config, interfaces=["127.0.0.1"])
    assert browser.hall_id == "pudong-2" and browser.interfaces == ["127.0.0.1"]

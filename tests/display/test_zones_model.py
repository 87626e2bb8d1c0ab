"""Zones and the screen model, without a window or a dispatcher."""

from __future__ import annotations

import pytest

from display.model import ScreenModel, short_commitment
from display.zones import Zone, compact_ranges, parse_counters
from qtclient import HallState

COUNTERS = [
    {"number": n, "name": f"{n}号窗口", "categories": cats, "state": "idle", "ticket": None}
    for n, cats in [(1, ["A"]), (2, ["A", "B"]), (3, ["B"]), (4, ["C"])]
]


def call(tid, label, counter, at, recall=False):
    return {"ticket_id": tid, "label": label, "category": label[0], "counter": counter, "at": at, "recall": recall}


def state() -> HallState:
    s = HallState()
    s.apply_snapshot(
        {
            "seq": 10,
            "hall_id": "h",
            "hall_name": "大厅",
            "day": {"day": "2024-05-01", "is_open": True, "commitment": "AB12CD34EF56" + "0" * 52, "seed": None},
            "categories": [
                {"code": c, "name_zh": c, "name_en": c, "waiting": w} for c, w in [("A", 3), ("B", 1), ("C", 0)]
            ],
            "counters": COUNTERS,
            "recent_calls": [
                call(3, "C001", 4, "2024-05-01T01:00:03Z"),
                call(2, "B001", 3, "2024-05-01T01:00:02Z"),
                call(1, "A001", 1, "2024-05-01T01:00:01Z"),
            ],
            "notice": "hello",
        }
    )
    return s


def test_parse_zones():
    assert parse_counters("1-3, 7,9-10") == {1, 2, 3, 7, 9, 10}
    assert parse_counters("") is None and parse_counters(None) is None
    assert compact_ranges({1, 2, 3, 7, 9, 10}) == "1-3,7,9-10"
    for bad in ["3-1", "x", "0"]:
        with pytest.raises(ValueError):
            parse_counters(bad)
    zone = Zone.parse("a, b", None)
    assert zone.categories == {"A", "B"} and zone.accepts("A", 99) and not zone.accepts("C", 1)
    assert Zone.parse(None, "1-2").accepts("C", 2) and not Zone.parse(None, "1-2").accepts("A", 3)
    assert Zone.parse("A", "1-2").accepts("A", 1) and not Zone.parse("A", "1-2").accepts("B", 2)
    assert Zone().everything and Zone().describe() == "whole hall"


def test_model_whole_hall():
    model = ScreenModel()
    model.refresh(state())
    assert model.latest.label == "C001" and [c.label for c in model.history] == ["B001", "A001"]
    assert [t.number for t in model.tiles] == [1, 2, 3, 4]
    assert [(q.code, q.waiting) for q in model.queues] == [("A", 3), ("B", 1), ("C", 0)]
    assert model.short_commitment == "ab12 cd34 ef56" == short_commitment(model.commitment)
    assert model.notice == "hello" and model.hall_name == "大厅" and model.day_open


def test_model_zones():
    by_category = ScreenModel(zone=Zone.parse("B", None))
    by_category.refresh(state())
    assert by_category.latest.label == "B001" and by_category.history == []
    assert [t.number for t in by_category.tiles] == [2, 3]  # counters serving B
    assert [q.code for q in by_category.queues] == ["B"]
    by_counter = ScreenModel(zone=Zone.parse(None, "1,4"))
    by_counter.refresh(state())
    assert [c.label for c in [by_counter.latest, *by_counter.history]] == ["C001", "A001"]
    assert [q.code for q in by_counter.queues] == ["A", "C"]  # what those counters serve


def test_model_marks_what_became_of_a_call():
    s = state()
    model = ScreenModel()
    ticket = {"id": 4, "label": "A002", "category": "A", "counter": 1, "state": "called"}
    events = [
        {"seq": 11, "kind": "ticket.called", "at": "x", "data": {"ticket": ticket, "counter": 1}},
        {"seq": 12, "kind": "ticket.no_show", "at": "x", "data": {"ticket": {**ticket, "state": "no_show"}}},
    ]
    events[0]["data"]["call"] = call(4, "A002", 1, "2024-05-01T01:00:09Z")
    for event in events:
        s.apply_event(event)
        model.refresh(s)
    assert model.latest.label == "A002" and model.latest.status == "no_show" and not model.latest.active
    assert model.tiles[0].label is None
    assert s.call_status == {4: "no_show"}  # the shared reducer's: the screen keeps no copy of its own


def test_a_late_snapshot_keeps_what_became_of_the_calls_and_trusts_the_counters():
    s = state()
    model = ScreenModel()
    model.refresh(s)
    assert [c.status for c in [model.latest, *model.history]] == ["done", "done", "done"]  # ended before we came
    a002 = {"id": 4, "label": "A002", "category": "A", "counter": 1, "state": "called"}
    b002 = {"id": 5, "label": "B002", "category": "B", "counter": 3, "state": "called"}
    for seq, kind, ticket, counter, at in [
        (11, "ticket.called", a002, 1, "2024-05-01T01:00:09Z"),
        (12, "ticket.called", b002, 3, "2024-05-01T01:00:10Z"),
        (13, "ticket.transferred", {**a002, "state": "waiting", "category": "B"}, 1, None),
    ]:
        data = {"ticket": ticket, "counter": counter}
        if at:
            data["call"] = call(ticket["id"], ticket["label"], counter, at)
        s.apply_event({"seq": seq, "kind": kind, "at": "2024-05-01T01:00:11Z", "data": data})
    model.refresh(s)
    assert [(c.label, c.status) for c in [model.latest, *model.history]][:2] == [
        ("B002", "called"),
        ("A002", "transferred"),
    ]
    # a reconnect: the snapshot has B002 being served at counter 3, and A002 still transferred
    serving = {**COUNTERS[2], "state": "busy", "ticket": {**b002, "state": "serving"}}
    snapshot = {k: v for k, v in s.hall.items() if k != "call_status"}  # a snapshot has no call_status
    s.apply_snapshot({**snapshot, "seq": 14, "counters": [*COUNTERS[:2], serving, COUNTERS[3]]})
    model.refresh(s)
    assert [(c.label, c.status) for c in [model.latest, *model.history]][:2] == [
        ("B002", "serving"),
        ("A002", "transferred"),
    ]
    s.apply_snapshot(
        {**snapshot, "seq": 15, "day": {**snapshot["day"], "day": "2024-05-02"}, "counters": s.hall["counters"]}
    )  # another day: nothing known of yesterday's calls carries over
    assert s.call_status == {5: "serving"}

"""What a counter may do in each state, what its LED shows, and how times read."""

from __future__ import annotations

import pytest

from counter_client.model import (
    ACTIONS,
    SHORTCUTS,
    allowed,
    fmt_duration,
    led_for,
    newer_ticket,
    pause_or_resume,
    seconds_between,
)

CALLED = {"id": 1, "label": "B001", "state": "called"}
SERVING = {"id": 1, "label": "B001", "state": "serving", "started_at": "2026-01-05T09:00:00Z"}


def test_eight_actions_on_f1_to_f8():
    assert list(SHORTCUTS.values()) == [f"F{i}" for i in range(1, 9)]
    assert ACTIONS[:7] == ("next", "recall", "start", "done", "no_show", "transfer", "pause")  # the keypad's keys


@pytest.mark.parametrize(
    ("state", "ticket", "expected"),
    [
        ("closed", None, set()),
        ("idle", None, {"next", "pause", "logout"}),
        ("ready", None, {"pause", "logout"}),
        ("busy", CALLED, {"next", "recall", "start", "done", "no_show", "transfer", "logout"}),
        ("busy", SERVING, {"next", "done", "transfer"}),
        ("paused", None, {"next", "pause", "logout"}),
    ],
)
def test_what_is_allowed(state, ticket, expected):
    assert {a for a in ACTIONS if allowed(a, state, ticket)} == expected
    assert allowed("resume", state, ticket) == (state == "paused")
    assert pause_or_resume(state) == ("resume" if state == "paused" else "pause")


def test_led_mirrors_the_counter():
    assert led_for("busy", CALLED) == ("B001", True)
    assert led_for("busy", SERVING) == ("B001", False)
    for state in ("idle", "ready", "paused", "closed"):
        assert led_for(state, None) == ("", False)
    assert led_for("closed", CALLED) == ("", False)


def test_times():
    assert fmt_duration(None) == "--:--"
    assert fmt_duration(0) == "00:00"
    assert fmt_duration(61.9) == "01:01"
    assert fmt_duration(3725) == "1:02:05"
    assert seconds_between("2026-01-05T09:00:00Z", "2026-01-05T09:02:30+00:00") == 150
    assert seconds_between(None, "2026-01-05T09:02:30Z") is None
    assert seconds_between("garbage", "2026-01-05T09:02:30Z") is None


def test_a_late_event_never_takes_a_served_ticket_back():
    late_call = {**CALLED, "recalls": 1}
    merged = newer_ticket(SERVING, late_call)
    assert merged["state"] == "serving" and merged["started_at"] == SERVING["started_at"] and merged["recalls"] == 1
    assert newer_ticket(CALLED, SERVING) == SERVING
    other = {"id": 2, "label": "B002", "state": "called"}
    assert newer_ticket(SERVING, other) == other
    assert newer_ticket(None, CALLED) == CALLED


def test_led_shows_a_four_digit_label_whole():
    assert led_for("busy", CALLED | {"label": "B1000"}) == ("B1000", True)
    assert led_for("busy", SERVING | {"label": "B1000"}) == ("B1000", False)

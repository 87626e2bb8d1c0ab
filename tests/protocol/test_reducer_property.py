"""Folding the stream from the first snapshot gives exactly the server's snapshot, after every command.

The real service (store, group-commit path, queue figures) is driven with random commands; after each
one, the events it committed are folded with `protocol.reducer.fold`, for the staff's view and for a
hall display's (public) view, and compared with the service's own snapshot in that view. The only thing
left out is `oldest_wait_s`, which counts to "now": the fold keeps `oldest_issued_at`, which it counts from.
The fold's own `call_status` (what became of each recent call, which the hall screen marks) is checked
against the server's tickets instead.
"""

from __future__ import annotations

import os
import random
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from dispatcher import admin, projection
from dispatcher.core import DomainError
from dispatcher.settings import Settings
from dispatcher.wiring import build_service
from protocol import Role
from protocol.models import OfficerCreate, Snapshot
from protocol.reducer import fold
from tests.dispatcher.core_helpers import FakeClock

HALL = """
hall_id = "h"
name = "测试大厅"
k = 2
[[categories]]
code = "A"
name_zh = "进口"
name_en = "Import"
[[categories]]
code = "C"
name_zh = "其他"
name_en = "Other"
priority = 1
[[counters]]
number = 1
categories = ["A"]
[[counters]]
number = 2
categories = ["A", "C"]
[[counters]]
number = 3
categories = ["C"]
"""
DISPLAY = projection.audience(Role.DISPLAY, name="screen")
VIEWS = {"staff": projection.Audience(projection.STAFF), "display": DISPLAY}
STEPS = {"count": 0}


# A ticket's state on the server -> what the fold may say became of its call.
CALL_STATUS = {
    "waiting": {"transferred", "returned"},
    "called": {"called"},
    "serving": {"serving"},
    "done": {"done"},
    "no_show": {"no_show"},
    "cancelled": {"cancelled"},
    "expired": {"done"},
}
SEEN_STATUSES: set[str] = set()


def comparable(snapshot: Snapshot) -> dict:
    data = snapshot.model_dump(mode="json")
    for cat in data["categories"]:
        cat.pop("oldest_wait_s")
    return data


class FoldedHall(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="fairq-fold-"))
        (self.dir / "hall.toml").write_text(HALL, encoding="utf-8")
        self.clock = FakeClock(datetime(2026, 11, 27, 1, 0, tzinfo=UTC))
        rng = random.Random(3)
        settings_ = Settings(data_dir=self.dir / "d", config=self.dir / "hall.toml", zeroconf=False)
        self.svc = build_service(settings_, clock=self.clock, entropy=lambda n: rng.randbytes(n))
        for n in (1, 2, 3, 4):
            admin.add_officer(self.svc, OfficerCreate(staff_id=f"O{n}", name=f"关员{n}", pin="123456"), by="test")
        self.svc.run(lambda h: h.open_day())
        self.seq = self.svc.seq
        self.steps, self.closed = 0, False
        first = self.svc.snapshot()  # the client connects here
        self.folded = {name: projection.snapshot(aud, first).model_dump(mode="json") for name, aud in VIEWS.items()}

    def teardown(self) -> None:
        self.svc.store.engine.dispose()
        shutil.rmtree(self.dir, ignore_errors=True)

    def act(self, command) -> None:
        try:
            self.svc.run(command)
        except DomainError:
            pass
        for event in self.svc.events_since(self.seq, limit=100_000):
            for name, aud in VIEWS.items():
                self.folded[name] = fold(self.folded[name], projection.event(aud, event).model_dump(mode="json"))
            self.seq = event.seq
        STEPS["count"] += 1
        self.steps += 1

    @rule(category=st.sampled_from("AC"))
    def issue(self, category):
        self.act(lambda h: h.issue_ticket(category=category))

    @rule(counter=st.integers(1, 3), officer=st.integers(1, 4))
    def login(self, counter, officer):
        self.act(lambda h: h.login(counter, f"O{officer}"))

    @rule(counter=st.integers(1, 3), action=st.sampled_from(["next", "next", "start", "no_show", "recall", "complete"]))
    def press(self, counter, action):
        self.act(lambda h: getattr(h, action)(counter))

    @rule(counter=st.integers(1, 3), then=st.sampled_from(["", "start", "complete", "no_show", "transfer", "recall"]))
    def serve(self, counter, then):
        """A counter's whole turn (a ticket it serves, its officer, Next, one thing done with it): calls to mark."""
        self.act(lambda h: h.issue_ticket(category="C" if counter == 3 else "A"))
        self.act(lambda h: h.login(counter, f"O{counter}"))
        self.act(lambda h: h.next(counter))
        if then in ("start", "complete"):
            self.act(lambda h: h.start(counter))
        if then == "transfer":
            self.act(lambda h: h.transfer(counter, category="C", reason="转办"))
        elif then in ("complete", "no_show", "recall"):
            self.act(lambda h: getattr(h, then)(counter))

    @rule(counter=st.integers(1, 3), action=st.sampled_from(["pause", "resume", "logout", "counter_lost"]))
    def break_or_leave(self, counter, action):
        self.act(lambda h: getattr(h, action)(counter))

    @rule(counter=st.integers(1, 3), category=st.sampled_from("AC"))
    def transfer(self, counter, category):
        self.act(lambda h: h.transfer(counter, category=category, reason="转办"))

    @precondition(lambda self: self.svc.hall.tickets)
    @rule(data=st.data())
    def cancel_or_arrive(self, data):
        ticket_id = data.draw(st.sampled_from(sorted(self.svc.hall.tickets)))
        if data.draw(st.booleans()):
            self.act(lambda h: h.cancel_ticket(ticket_id, reason="作废"))
        else:
            self.act(lambda h: h.arrived_late(ticket_id, by="S1"))

    @rule(text=st.sampled_from(["", "午休 12:00-13:00", "系统维护"]))
    def notice(self, text):
        admin.set_notice(self.svc, text, by="test")
        self.act(lambda h: None)

    @rule(seconds=st.integers(0, 900))
    def wait(self, seconds):
        self.clock.advance(seconds)

    @precondition(lambda self: self.steps >= 40 and not self.closed)
    @rule()
    def close(self):
        self.closed = True
        self.svc.close_day()
        self.act(lambda h: None)

    @invariant()
    def fold_equals_snapshot(self):
        server = self.svc.snapshot()
        for name, aud in VIEWS.items():
            expected = comparable(projection.snapshot(aud, server))
            folded = {k: v for k, v in self.folded[name].items() if k != "call_status"}
            got = comparable(Snapshot.model_validate(folded))
            assert got == expected, f"{name} view differs after seq {self.seq}"

    @invariant()
    def every_recent_call_is_marked_as_its_ticket_is(self):
        for name in VIEWS:
            folded = self.folded[name]
            status = folded.get("call_status", {})
            assert set(status) == {c["ticket_id"] for c in folded["recent_calls"]}, name
            for ticket_id, mark in status.items():
                state = self.svc.hall.tickets[ticket_id].state
                assert mark in CALL_STATUS[state], f"{name}: ticket {ticket_id} is {state}, its call says {mark}"
                SEEN_STATUSES.add(mark)


@pytest.mark.timeout(900)
def test_folding_the_stream_gives_the_servers_snapshot():
    STEPS["count"] = 0
    SEEN_STATUSES.clear()
    run_state_machine_as_test(
        FoldedHall,
        settings=settings(
            max_examples=int(os.environ.get("FOLD_EXAMPLES", "40")),
            stateful_step_count=50,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
    assert STEPS["count"] >= 1000  # thousands of random steps, each one checked
    assert SEEN_STATUSES == {s for marks in CALL_STATUS.values() for s in marks}  # every mark was met

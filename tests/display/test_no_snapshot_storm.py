"""A live hall screen follows a burst of calls from the events alone: no snapshot request after the first.

What it shows (queues, counters, the calls and what became of each) is derived from the shared reducer's
folded hall, so it must equal what the server says without a single GET /snapshot.
"""

from __future__ import annotations

from qtclient.link import DispatcherLink
from tests.support.fake_sink import FakeSink


def test_a_burst_of_calls_costs_the_screen_no_snapshot(qtbot, driver, make_display, monkeypatch):
    asked: list[str] = []
    request = DispatcherLink.request

    def counting(self, method, path, *args, **kw):
        if path == "/snapshot":
            asked.append(method)
        return request(self, method, path, *args, **kw)

    monkeypatch.setattr(DispatcherLink, "request", counting)
    display = make_display(sink=FakeSink(duration_ms=1))  # the stream's own snapshot when it connects
    window = display.window
    for counter in (1, 2, 3):
        driver.login(counter)
    driver.issue("A", 12)
    driver.issue("C", 6)
    qtbot.waitUntil(lambda: [q.waiting for q in window.queues.queues] == [12, 0, 6], timeout=10000)
    called = []
    marks = {1: "no-show", 2: "complete", 3: None}  # what each counter does with the ticket before its next
    for round_ in range(4):  # a burst: every counter presses Next, again and again
        for counter in (1, 2, 3):
            if round_ and marks[counter] == "complete":
                driver.act(counter, "start")
            if round_ and marks[counter]:
                driver.act(counter, marks[counter])
            called.append(driver.next(counter))
    server = driver.service.snapshot()
    expected = [c.waiting for c in server.categories]
    qtbot.waitUntil(lambda: [q.waiting for q in window.queues.queues] == expected, timeout=10000)
    qtbot.waitUntil(lambda: display.link.state.seq == server.seq, timeout=10000)
    qtbot.wait(1500)  # longer than the old one-second refresh after events
    assert asked == [], f"the screen asked for {len(asked)} snapshots during the burst"
    state = display.link.state
    assert [c["estimated_wait_s"] for c in state.category_list()] == [c.estimated_wait_s for c in server.categories]
    assert {n: (c["ticket"] or {}).get("label") for n, c in state.counters.items()} == {
        c.number: c.ticket.label if c.ticket else None for c in server.counters
    }
    assert window.latest.call is not None and window.latest.call.label == called[-1]
    tickets = {t.label: t.state for t in driver.service.hall.tickets.values()}
    shown = {c.label: c.status for c in [display.controller.model.latest, *display.controller.model.history]}
    assert shown == {label: tickets[label] for label in shown}  # the server's ticket states: called, done, no_show
    assert {"no_show", "done", "called"} <= set(shown.values())  # each mark came from events alone

"""Real-time satisfaction: the live hall shows each officer's five rating levels as they arrive, and a low
rating's follow-up case is open (with its 15-working-day deadline) the moment the rating is in."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from dispatcher.api import create_app
from dispatcher.settings import Settings
from tests.console.conftest import log_in
from tests.integrity.gen import OPEN, FakeClock

from .hall import PASSWORD, SUPERVISOR

MONDAY = "2026-11-30"


@pytest.fixture
def live(hall_dir):
    app = create_app(Settings(data_dir=hall_dir / "data", zeroconf=False), clock=FakeClock(OPEN.replace(day=30)))
    with TestClient(app, base_url="http://127.0.0.1") as client:
        assert log_in(client, SUPERVISOR, PASSWORD).status_code == 303
        yield client, app.state.service


def _serve(svc, counter: int, rating: str) -> None:
    svc.run(lambda h: h.issue_ticket(category="A"))
    if svc.hall.current_ticket(counter) is None:
        svc.run(lambda h: h.next(counter))
    ticket = svc.hall.current_ticket(counter)
    svc.run(lambda h: h.start(counter))
    svc.run(lambda h: h.complete(counter))
    svc.run(lambda h: h.rate(counter, ticket.id, rating))


def test_ratings_per_officer_arrive_on_the_live_hall_and_a_low_one_opens_its_case(live):
    client, svc = live
    svc.run(lambda h: h.open_day())
    for n in range(2, 7):
        svc.run(lambda h, n=n: h.logout(n))  # only 1号窗口 (O1) serves
    _serve(svc, 1, "very_satisfied")
    view = client.get("/console/hall.json").json()
    (o1,) = view["officers"]
    assert o1["staff_id"] == "O1" and o1["ratings"] == [1, 0, 0, 0, 0] and o1["open_cases"] == 0
    assert o1["satisfied_pct"] == 100
    _serve(svc, 1, "very_unsatisfied")
    (o1,) = client.get("/console/hall.json").json()["officers"]
    assert o1["ratings"] == [1, 0, 0, 0, 1] and o1["satisfied_pct"] == 50 and o1["open_cases"] == 1
    counter = next(c for c in client.get("/console/hall.json").json()["counters"] if c["number"] == 1)
    assert counter["ratings"] == [1, 0, 0, 0, 1]
    morning = client.get(f"/console/warnings?day={MONDAY}").text
    assert "差评回访" in morning and "2026-12-21" in morning  # open at once, 15 working days to follow up

"""The console's report pages serve a closed day's kept report, after a restart too, and build it when it moved."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import text

from dispatcher import admin
from dispatcher.api import create_app
from dispatcher.integrity import day_report
from dispatcher.settings import Settings

from .conftest import log_in
from .hall import ADMIN, SUPERVISOR


def test_the_report_pages_serve_the_kept_report_after_a_restart(app, clock, tmp_path):
    svc = app.state.service
    svc.run(lambda h: h.issue_ticket(category="C"))
    admin.close_day(svc, by=ADMIN)
    day = svc.hall.day.day
    clock.now += timedelta(days=2)  # days later: the views' own records fall on a later day
    with TestClient(app, base_url="http://127.0.0.1") as client:
        assert log_in(client, SUPERVISOR).status_code == 303
        first = client.get(f"/console/reports/{day}/report.json").json()
        assert client.get(f"/console/reports?day={day}").status_code == 200  # its verdict read from the kept one
        assert "廉政监督日报" in client.get(f"/console/reports/{day}/page").text
    assert app.state.reports.builds == 1
    assert (tmp_path / "data" / "reports" / svc.store.hall_id / f"{day}.json").exists()
    svc.store.engine.dispose()

    restarted = create_app(Settings(data_dir=tmp_path / "data", zeroconf=False), clock=clock)
    with TestClient(restarted, base_url="http://127.0.0.1") as client:
        assert log_in(client, SUPERVISOR).status_code == 303
        again = client.get(f"/console/reports/{day}/report.json").json()
        assert restarted.state.reports.builds == 0 and again == first
        assert again["verification"] == day_report(restarted.state.service, day)["verification"]
        with restarted.state.service.store.engine.begin() as conn:  # a record of the day edited, its hash left
            seq = conn.execute(text("SELECT max(seq) FROM event WHERE kind = 'ticket.issued'")).scalar()
            conn.execute(text("UPDATE event SET data = replace(data, '\"C\"', '\"A\"') WHERE seq = :s"), {"s": seq})
        doctored = client.get(f"/console/reports/{day}/report.json").json()
        assert restarted.state.reports.builds == 1 and not doctored["verification"]["ok"]
        assert "核验" in client.get(f"/console/reports?day={day}").text
    restarted.state.service.store.engine.dispose()

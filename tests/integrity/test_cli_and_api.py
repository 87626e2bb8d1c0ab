"""`fairq audit` on a real store (doctored with SQL), and the report routes with their roles."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from dispatcher.admin import add_device
from dispatcher.api import create_app
from dispatcher.integrity.cli import main
from dispatcher.settings import Settings
from protocol import Role
from protocol.models import DeviceCreate

from .helpers import service_day, standalone


@pytest.fixture
def day_dir(tmp_path):
    svc, _ = service_day(tmp_path)
    day = svc.hall.day.day
    svc.store.engine.dispose()
    return tmp_path, day


def sql(data_dir, statement: str) -> None:
    from dispatcher.store import make_engine

    engine = make_engine(Settings(data_dir=data_dir).db_url())
    with engine.begin() as conn:
        conn.execute(text(statement))
    engine.dispose()


def audit(data_dir, *args: str) -> int:
    return main(["--data-dir", str(data_dir), *args])


def test_verify_export_and_report_of_an_honest_day(day_dir, capsys, tmp_path):
    data_dir, day = day_dir
    assert audit(data_dir, "verify") == 0
    assert audit(data_dir, "verify", "--day", day) == 0
    out = capsys.readouterr().out
    assert out.startswith("OK the whole log") and f"OK day {day}" in out
    bundle_path = tmp_path / "bundle.json"
    assert audit(data_dir, "export", "--day", day, "-o", str(bundle_path)) == 0
    assert standalone().verify(json.loads(bundle_path.read_text(encoding="utf-8"))).startswith(day)
    report = tmp_path / "report.html"
    assert audit(data_dir, "report", "--day", day, "-o", str(report)) == 0
    assert "本日核验通过" in report.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("statement", "where"),
    [
        ("UPDATE event SET data = json_set(data, '$.counter', 5) WHERE seq = 60", "event 60:"),
        ("DELETE FROM event WHERE seq = 45", "event 46:"),
        ("UPDATE event SET seq = 1000 WHERE seq = 30; UPDATE event SET seq = 30 WHERE seq = 31;"
         "UPDATE event SET seq = 31 WHERE seq = 1000", "event 30:"),
        ("UPDATE draw SET counter = 99 WHERE draw_no = 5", "draw 5"),
    ],
)  # fmt: skip
def test_verify_names_the_first_broken_record_in_the_store(day_dir, capsys, statement, where):
    data_dir, day = day_dir
    for part in statement.split(";"):
        if part.strip():
            sql(data_dir, part)
    assert audit(data_dir, "verify") == 1
    out = capsys.readouterr().out
    assert out.startswith("FAILED") and where in out.splitlines()[0], out
    assert audit(data_dir, "verify", "--day", day) == 1


def test_report_routes_for_supervisors_and_admins_only(day_dir):
    data_dir, day = day_dir
    app = create_app(Settings(data_dir=data_dir, zeroconf=False))
    svc = app.state.service
    tokens = {r: add_device(svc, DeviceCreate(name=f"t-{r}", role=r), by="t").token
              for r in (Role.SUPERVISOR, Role.ADMIN, Role.DISPLAY, Role.KIOSK)}  # fmt: skip
    with TestClient(app) as client:

        def get(path, role=None):
            headers = {"Authorization": f"Bearer {tokens[role]}"} if role else {}
            return client.get(f"/api/v1/reports/{path}", headers=headers)

        assert get(f"{day}.html").status_code == 401
        assert get(f"{day}.html", Role.DISPLAY).status_code == 403
        assert get(f"{day}.json", Role.KIOSK).status_code == 403
        page = get(f"{day}.html", Role.SUPERVISOR)
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert "<svg" in page.text and "廉政风险预警" in page.text and "本日核验通过" in page.text
        data = get(f"{day}.json", Role.ADMIN).json()
        assert data["day"] == day and data["verification"]["ok"] and data["commitment"]
        csv = get(f"{day}.csv", Role.SUPERVISOR)
        assert csv.status_code == 200 and csv.text.startswith("section,subject,metric,value")
        assert get("2001-01-01.html", Role.SUPERVISOR).status_code == 404
        assert get("yesterday.json", Role.SUPERVISOR).status_code == 422

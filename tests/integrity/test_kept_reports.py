"""A closed day's report kept in the data directory: served after a restart as built, never once the day moved."""

from __future__ import annotations

import json
import os
import stat

import pytest
from fastapi.testclient import TestClient

from dispatcher import admin
from dispatcher.admin import add_device
from dispatcher.api import create_app
from dispatcher.day_reports import Keeper
from dispatcher.integrity import Thresholds, day_report
from dispatcher.integrity.cli import main
from dispatcher.report_files import ReportFiles
from dispatcher.settings import Settings
from dispatcher.wiring import build_service
from protocol import Role
from protocol.events import OfficerLoginFailed
from protocol.models import DeviceCreate

from .helpers import service_day
from .test_cli_and_api import sql


@pytest.fixture
def closed(tmp_path):
    svc, clock = service_day(tmp_path)
    return svc, clock, svc.hall.day.day


def kept_file(data_dir, svc, day):
    return data_dir / "reports" / svc.store.hall_id / f"{day}.json"


def test_a_report_served_after_a_restart_is_the_one_a_fresh_build_gives(closed, tmp_path):
    svc, _, day = closed
    first = Keeper(tmp_path)
    built = first.report(svc, day)
    assert first.builds == 1 and kept_file(tmp_path, svc, day).exists()
    svc.store.engine.dispose()
    again = build_service(Settings(data_dir=tmp_path, zeroconf=False))  # a restart: a new process's service
    keeper = Keeper(tmp_path)
    served = keeper.report(again, day)
    assert keeper.builds == 0  # read from the file, not built
    assert served == built == day_report(again, day)
    assert served["verification"]["ok"] and served["categories"]


def test_a_late_record_of_the_day_builds_it_afresh(closed, tmp_path):
    svc, clock, day = closed
    keeper = Keeper(tmp_path)
    before = keeper.report(svc, day)
    clock.advance(600)
    svc.record(OfficerLoginFailed(counter=1, staff_id="1009"))  # after the close, on the day's date
    after = keeper.report(svc, day)
    assert keeper.builds == 2 and after == day_report(svc, day)
    assert after["verification"]["records"] == before["verification"]["records"] + 1
    assert Keeper(tmp_path).report(svc, day) == after  # and the new one is kept


@pytest.mark.parametrize(
    ("statement", "verifies"),
    [
        ("UPDATE event SET data = replace(data, '\"C\"', '\"A\"') WHERE seq = 20", False),  # its hash left alone
        ("DELETE FROM event WHERE seq = (SELECT max(seq) FROM event)", True),  # the tail cut off: one record less
        ("UPDATE draw SET counter = 99 WHERE draw_no = 3", False),  # the draw table edited
    ],
)
def test_a_doctored_store_is_never_shown_the_kept_report(closed, tmp_path, statement, verifies):
    svc, _, day = closed
    keeper = Keeper(tmp_path)
    kept = keeper.report(svc, day)
    assert kept["verification"]["ok"]
    sql(tmp_path, statement)
    fresh = day_report(svc, day)
    assert fresh["verification"]["ok"] == verifies and fresh != kept
    assert keeper.report(svc, day) == fresh and keeper.builds == 2
    assert Keeper(tmp_path).verification(svc, day) == fresh["verification"]


def test_a_reopened_day_is_built_while_open_and_kept_once_closed_again(closed, tmp_path):
    svc, clock, day = closed
    keeper = Keeper(tmp_path)
    keeper.report(svc, day)
    clock.advance(300)
    admin.reopen_day(svc, day=day, reason="误点结束营业", by="admin-1")
    while_open = keeper.report(svc, day)
    assert while_open["seed"] is None and while_open == day_report(svc, day)
    assert keeper.verification(svc, day) is None  # nothing kept is served for an open day
    keeper.report(svc, day)
    assert keeper.builds == 3  # an open day is built on every read
    clock.advance(60)
    admin.close_day(svc, by="admin-1")
    closed_again = keeper.report(svc, day)
    assert len(closed_again["segments"]) == 2 and closed_again == day_report(svc, day)
    assert keeper.report(svc, day) == closed_again and keeper.builds == 4


def test_other_thresholds_build_it_afresh(closed, tmp_path):
    svc, _, day = closed
    keeper = Keeper(tmp_path)
    keeper.report(svc, day)
    strict = Thresholds(no_show_min=1)
    assert keeper.report(svc, day, strict) == day_report(svc, day, strict) and keeper.builds == 2
    assert keeper.report(svc, day, strict) is not None and keeper.builds == 2


def test_a_kept_file_is_private_and_whole(closed, tmp_path):
    svc, _, day = closed
    old = os.umask(0o022)  # as a shell might leave it: the files are private all the same
    try:
        Keeper(tmp_path).report(svc, day)
    finally:
        os.umask(old)
    path = kept_file(tmp_path, svc, day)
    modes = {p: stat.S_IMODE(p.stat().st_mode) for p in (path, path.parent, path.parent.parent)}
    assert modes == {path: 0o600, path.parent: 0o700, path.parent.parent: 0o700}
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left beside it
    path.write_text(path.read_text(encoding="utf-8")[:-40], encoding="utf-8")  # cut short (a full disk)
    assert ReportFiles(tmp_path, svc.store.hall_id).read(day) is None
    keeper = Keeper(tmp_path)
    assert keeper.report(svc, day) == day_report(svc, day) and keeper.builds == 1


def test_prepare_builds_the_last_closed_day_once_its_log_is_quiet(closed, tmp_path):
    svc, clock, day = closed
    keeper = Keeper(tmp_path)
    assert keeper.prepare(svc) is None and keeper.builds == 0  # the first look: the log may still move
    assert keeper.prepare(svc) == day and keeper.builds == 1
    assert keeper.prepare(svc) is None and keeper.builds == 1  # nothing moved: nothing to do
    clock.advance(60)
    svc.record(OfficerLoginFailed(counter=1, staff_id="1009"))
    assert keeper.prepare(svc) is None
    assert keeper.prepare(svc) == day and keeper.builds == 2
    restarted = Keeper(tmp_path)
    assert restarted.prepare(svc) is None and restarted.prepare(svc) is None and restarted.builds == 0  # kept
    assert restarted.report(svc, day) == day_report(svc, day)


def test_api_console_and_audit_report_serve_the_kept_report(closed, tmp_path, capsys):
    svc, _, day = closed
    token = add_device(svc, DeviceCreate(name="sup", role=Role.SUPERVISOR), by="t").token
    svc.store.engine.dispose()
    app = create_app(Settings(data_dir=tmp_path, zeroconf=False))
    with TestClient(app) as client:
        got = client.get(f"/api/v1/reports/{day}.json", headers={"Authorization": f"Bearer {token}"}).json()
    assert app.state.reports.builds == 1 and kept_file(tmp_path, app.state.service, day).exists()
    app.state.service.store.engine.dispose()

    restarted = create_app(Settings(data_dir=tmp_path, zeroconf=False))
    with TestClient(restarted) as client:
        again = client.get(f"/api/v1/reports/{day}.json", headers={"Authorization": f"Bearer {token}"}).json()
        page = client.get(f"/api/v1/reports/{day}.html", headers={"Authorization": f"Bearer {token}"})
    assert again == got and "本日核验通过" in page.text and restarted.state.reports.builds == 0
    fresh = day_report(restarted.state.service, day)
    assert got == json.loads(json.dumps(fresh))
    restarted.state.service.store.engine.dispose()

    before = kept_file(tmp_path, svc, day).stat().st_mtime_ns
    assert main(["--data-dir", str(tmp_path), "report", "--day", day, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["head"] == got["head"]
    assert kept_file(tmp_path, svc, day).stat().st_mtime_ns == before  # the CLI reads the kept file, never writes

"""Two halls on one PostgreSQL: the district page and `fairq audit report --district` show both, side by side,
to a supervisor of both; a supervisor of hall A alone sees hall A only, and cannot drill into hall B."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from devtools.pg import fresh_database
from devtools.procs import ServeProcess
from dispatcher import district
from dispatcher.admin import add_officer
from dispatcher.api import create_app
from dispatcher.console import accounts
from dispatcher.integrity import cli as audit_cli
from dispatcher.settings import Settings
from protocol.models import OfficerCreate
from tests.console.browser import all_css, by_css, chrome, fits_the_width, wait_for
from tests.console.browser import log_in as browser_log_in
from tests.console.conftest import log_in

from .hall import HEAD_1, PASSWORD, SUPERVISOR, generated_hall, open_hall

DAY = "2026-11-27"
ONLY_A = "SA"


@pytest.fixture(scope="module")
def two_halls(tmp_path_factory):
    with fresh_database() as url:
        root = tmp_path_factory.mktemp("district")
        generated_hall(root / "a", hall_id="hall-a", url=url)
        generated_hall(root / "b", hall_id="hall-b", url=url, seed=8, name="东港现场")
        svc = open_hall(root / "a", url=url)
        try:  # a supervisor given hall A only (S1 is supervisor in both halls)
            add_officer(svc, OfficerCreate(staff_id=ONLY_A, name="吴主管", pin="123456", role="supervisor"), by="a")
            accounts.set_password(svc, ONLY_A, PASSWORD, by="admin-1")
        finally:
            svc.store.engine.dispose()
        yield url, root


def test_the_district_view_and_report_show_both_halls_to_a_supervisor_of_both(two_halls, tmp_path, capsys):
    url, root = two_halls
    svc = open_hall(root / "a", url=url)
    try:
        both = district.district(svc, SUPERVISOR, DAY)
        assert [h["hall_id"] for h in both["halls"]] == ["hall-a", "hall-b"]
        assert all(h["open"] and h["issued"] > 100 and h["verifies"] for h in both["halls"])
        assert {c["hall"] for c in both["warnings"]} == {"hall-a", "hall-b"}
        assert [h["hall_id"] for h in district.district(svc, ONLY_A, DAY)["halls"]] == ["hall-a"]
        with pytest.raises(district.dp.Forbidden):
            district.district(svc, HEAD_1, DAY)  # a department head supervises no hall
    finally:
        svc.store.engine.dispose()
    store = ["--database-url", url, "--hall", "hall-a", "--data-dir", str(root / "a" / "data")]
    out = tmp_path / "district.json"
    assert audit_cli.main(["report", "--district", "--day", DAY, "--format", "json", "-o", str(out), *store]) == 0
    assert [h["hall_id"] for h in json.loads(out.read_text())["halls"]] == ["hall-a", "hall-b"]
    assert audit_cli.main(["report", "--district", "--day", DAY, "--as", ONLY_A, "--format", "json", *store]) == 0
    assert [h["hall_id"] for h in json.loads(capsys.readouterr().out)["halls"]] == ["hall-a"]
    page = tmp_path / "district.html"
    assert audit_cli.main(["report", "--district", "--day", DAY, "-o", str(page), *store]) == 0
    html = page.read_text()
    assert "海关业务现场" in html and "东港现场" in html and "<script" not in html


def test_the_district_page_and_drill_down_follow_who_supervises_which_hall(two_halls):
    url, root = two_halls
    app = create_app(Settings(data_dir=root / "a" / "data", database_url=url, hall="hall-a", zeroconf=False))
    with TestClient(app, base_url="http://127.0.0.1") as both, TestClient(app, base_url="http://127.0.0.1") as one:
        assert log_in(both, SUPERVISOR, PASSWORD).status_code == 303
        assert log_in(one, ONLY_A, PASSWORD).status_code == 303
        page = both.get(f"/console/district?day={DAY}").text
        assert re.findall(r'<th class="n" data-hall="([^"]+)"', page) == ["hall-a", "hall-b"]
        assert "东港现场" in page and 'data-hall="hall-b" data-case=' in page
        drill = both.get(f"/console/district/hall-b/{DAY}/page")
        assert drill.status_code == 200 and "东港现场" in drill.text and "预警处置 Dispositions" in drill.text
        morning = both.get(f"/console/warnings?day={DAY}").text
        assert 'id="hall-hall-b"' in morning  # the morning page covers both halls (B read only here)
        page = one.get(f"/console/district?day={DAY}").text
        assert re.findall(r'<th class="n" data-hall="([^"]+)"', page) == ["hall-a"] and "东港现场" not in page
        assert one.get(f"/console/district/hall-b/{DAY}/page").status_code == 404
        assert 'id="hall-hall-b"' not in one.get(f"/console/warnings?day={DAY}").text


def test_the_district_page_in_the_browser_shows_both_halls_side_by_side(two_halls, tmp_path):
    url, root = two_halls
    server = ServeProcess(root / "a" / "data", database_url=url, args=["--hall", "hall-a"])
    server.start()
    driver = chrome(tmp_path / "browser")
    try:
        browser_log_in(driver, server.url, SUPERVISOR, PASSWORD)
        wait_for(driver, lambda d: d.current_url.endswith("/console/hall"))
        driver.get(f"{server.url}/console/district?day={DAY}")
        heads = [th.get_attribute("data-hall") for th in all_css(driver, "#district thead th[data-hall]")]
        assert heads == ["hall-a", "hall-b"]
        assert {r.get_attribute("data-hall") for r in all_css(driver, "#district-cases tr.case")} == {
            "hall-a",
            "hall-b",
        }
        assert fits_the_width(driver)
        png = tmp_path / "warnings-district.png"
        driver.save_screenshot(str(png))
        keep = os.environ.get("FAIRQ_SCREENSHOTS")
        if keep:
            shutil.copy(png, Path(keep) / png.name)
        by_css(driver, f"a.drill[href$='/district/hall-b/{DAY}/page']").click()
        wait_for(driver, lambda d: "东港现场" in by_css(d, "body").text)
    finally:
        driver.quit()
        server.stop()

"""The departments page: admins add a department with its head and put officers in it; each change is in the log;
supervisors and heads are refused on the server."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from fastapi.testclient import TestClient

from devtools.live import LiveDispatcher
from dispatcher.admin import add_officer
from dispatcher.api import create_app
from dispatcher.console import accounts
from dispatcher.settings import Settings
from dispatcher.store.cases import CaseStore
from protocol.models import OfficerCreate
from tests.console.browser import by_css, chrome, fits_the_width, wait_for
from tests.console.browser import log_in as browser_log_in
from tests.console.conftest import log_in
from tests.console.hall import csrf_of

from .hall import HEAD_1, PASSWORD, SUPERVISOR, open_hall


def test_an_admin_sets_departments_and_members_others_are_refused(hall_dir):
    svc = open_hall(hall_dir)
    try:
        add_officer(svc, OfficerCreate(staff_id="A1", name="王管理", pin="123456", role="admin"), by="test")
        accounts.set_password(svc, "A1", PASSWORD, by="test")
    finally:
        svc.store.engine.dispose()
    app = create_app(Settings(data_dir=hall_dir / "data", zeroconf=False))
    with TestClient(app, base_url="http://127.0.0.1") as admin, TestClient(app, base_url="http://127.0.0.1") as sup:
        assert log_in(admin, "A1", PASSWORD).status_code == 303
        page = admin.get("/console/admin/departments")
        assert page.status_code == 200 and 'data-department="K1"' in page.text and "综合二科" in page.text
        form = {"csrf": csrf_of(page.text), "action": "department", "code": "K3", "name": "查验科", "head": HEAD_1}
        assert 'data-department="K3"' in admin.post("/console/admin/departments", data=form).text
        form = {"csrf": csrf_of(page.text), "action": "member", "staff_id": "O6", "department": "K3"}
        assert admin.post("/console/admin/departments", data=form).status_code == 200
        bad = {"csrf": csrf_of(page.text), "action": "member", "staff_id": "O6", "department": "K9"}
        assert "没有这个科室。" in admin.post("/console/admin/departments", data=bad).text
        store = CaseStore(app.state.service.store)
        assert store.department("K3").head == HEAD_1 and store.member("O6").department == "K3"
        kinds = [e.kind for e in app.state.service.events_since(0, limit=100000)]
        assert kinds.count("admin.department") == 3 and kinds.count("admin.department_member") == 7
        assert log_in(sup, SUPERVISOR, PASSWORD).status_code == 303
        assert sup.get("/console/admin/departments").status_code == 403
        no_csrf = sup.post("/console/admin/departments", data={"action": "department", "code": "X", "name": "X"})
        assert no_csrf.status_code == 403 and store.department("X") is None


def test_the_departments_page_in_the_browser(hall_dir, tmp_path):
    svc = open_hall(hall_dir)
    try:
        add_officer(svc, OfficerCreate(staff_id="A1", name="王管理", pin="123456", role="admin"), by="test")
        accounts.set_password(svc, "A1", PASSWORD, by="test")
    finally:
        svc.store.engine.dispose()
    with LiveDispatcher(hall_dir / "data") as hall:
        driver = chrome(tmp_path / "browser")
        try:
            browser_log_in(driver, hall.url, "A1", PASSWORD)
            wait_for(driver, lambda d: d.current_url.endswith("/console/hall"))
            driver.get(f"{hall.url}/console/admin/departments")
            row = by_css(driver, "#members tr[data-staff='O6']")
            assert "K2" in row.find_element("css selector", "select").get_attribute("value")
            assert fits_the_width(driver)
            png = tmp_path / "console-departments.png"
            driver.save_screenshot(str(png))
            if os.environ.get("FAIRQ_SCREENSHOTS"):
                shutil.copy(png, Path(os.environ["FAIRQ_SCREENSHOTS"]) / png.name)
        finally:
            driver.quit()

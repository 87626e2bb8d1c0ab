"""The console in a real headless chromium against a real `fairq serve --tls` process.

The tests run in file order on one dispatcher; the throttling test comes last, because it locks
the browser's address out of console logins for a while.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from devtools.procs import ServeProcess
from devtools.wait import wait_until
from dispatcher.settings import Settings
from dispatcher.tls import fingerprint
from hardware.printer import open_printer
from hardware.printer.sim import PrinterSimulator, set_printer_state
from protocol.enrolment import parse_enrolment_code
from tests.integrity.helpers import standalone

from .browser import all_css, by_css, chrome, fits_the_width, log_in, no_alert_dialog, wait_for
from .hall import ADMIN, OFFICER, PASSWORD, SUPERVISOR, add_officers, closed_yesterday, enrol

CREW = {"O002": "陈关员", "O003": "刘关员", "O004": "周关员"}
HOSTILE = '<script>alert(1)</script>"\' onmouseover=alert(2) =HYPERLINK("http://x")'


@dataclass
class ConsoleHall:
    """The dispatcher process the browser tests share, with its tokens and counter PCs."""

    server: ServeProcess
    yesterday: str
    counter_token: str
    kiosk_token: str
    root: Path
    pcs: dict[int, str]

    @property
    def base(self) -> str:
        return self.server.url

    def api(self, token: str) -> httpx.Client:
        return self.server.client(token)


@pytest.fixture(scope="module")
def hall(tmp_path_factory):
    root = tmp_path_factory.mktemp("console-browser")
    settings = Settings(data_dir=root / "data", zeroconf=False)
    yesterday = closed_yesterday(settings)
    counter_token = enrol(settings, "counter", "counter-pc-8", counter=8)
    kiosk_token = enrol(settings, "kiosk", "kiosk-1")
    pcs = {n: enrol(settings, "counter", f"counter-pc-{n}", counter=n) for n in (1, 3, 5, 7)}
    add_officers(settings, CREW)
    server = ServeProcess(root / "data", args=["--tls"], env={"FAIRQ_LOGIN_ATTEMPTS": "3"})
    server.start()
    yield ConsoleHall(server, yesterday, counter_token, kiosk_token, root, pcs)
    server.stop()


@pytest.fixture
def browser(hall, tmp_path):
    driver = chrome(tmp_path / "downloads")
    driver.downloads = tmp_path / "downloads"
    yield driver
    driver.quit()


def logged_in(driver, hall: ConsoleHall, staff_id: str = ADMIN) -> None:
    log_in(driver, hall.base, staff_id, PASSWORD)
    wait_for(driver, lambda d: d.current_url.endswith("/console/hall"))


def live(driver) -> bool:
    return "live" in by_css(driver, "#link").get_attribute("class")


def test_log_in_and_the_live_hall_updates_by_itself(hall, browser, tmp_path):
    logged_in(browser, hall)
    wait_for(browser, live)
    browser.execute_script("window.notReloaded = true")
    with hall.api(hall.counter_token) as pc:
        session = pc.post("/counters/8/login", json={"staff_id": OFFICER, "pin": "123456"}).json()["token"]
    with hall.api(session) as officer, hall.api(hall.kiosk_token) as kiosk:
        officer.post("/counters/8/next").raise_for_status()
        label = kiosk.post("/tickets", json={"category": "C"}).json()["label"]
    row = '#counters tr[data-counter="8"]'
    wait_for(browser, lambda d: label in by_css(d, f"{row} td.ticket").text)
    assert by_css(browser, f"{row} td.state").text == "办理中" or "已叫号" in by_css(browser, f"{row} td.ticket").text

    sim = PrinterSimulator(tmp_path / "printer").start()
    try:
        printer = open_printer(sim.url)
        set_printer_state(sim.directory, "paper_out")
        status = printer.status()
        assert status.state == "paper_out"
        with hall.api(hall.kiosk_token) as kiosk:  # what the kiosk app does when its printer changes
            kiosk.post("/devices/me/printer", json={"state": str(status.state)}).raise_for_status()
    finally:
        sim.stop()
    alert = wait_for(browser, lambda d: all_css(d, '#alerts li[data-kind="printer_paper_out"]'))[0]
    assert "kiosk-1" in alert.text and "缺纸" in alert.text
    assert browser.execute_script("return window.notReloaded") is True


def test_the_live_hall_says_it_is_stale_and_recovers_after_a_restart(hall, browser):
    logged_in(browser, hall)
    wait_for(browser, live)
    hall.server.kill()
    wait_for(browser, lambda d: "stale" in by_css(d, "#link").get_attribute("class"))
    assert "连接中断" in by_css(browser, "#link").text
    hall.server.start()
    wait_for(browser, live, seconds=40)
    before = int(by_css(browser, '#queues tr[data-category="B"] td.waiting').text)
    with hall.api(hall.kiosk_token) as kiosk:
        kiosk.post("/tickets", json={"category": "B", "declaration_no": "223320240000123456"}).raise_for_status()
    wait_for(browser, lambda d: int(by_css(d, '#queues tr[data-category="B"] td.waiting').text) == before + 1)


def test_yesterdays_report_with_csv_and_bundle(hall, browser):
    logged_in(browser, hall, SUPERVISOR)
    browser.get(f"{hall.base}/console/reports?day={hall.yesterday}")
    assert "核验通过" in by_css(browser, "#verdict-ok").text
    browser.switch_to.frame(by_css(browser, "#report"))
    wait_for(browser, lambda d: "廉政监督日报" in d.find_element("tag name", "body").text)
    assert len(all_css(browser, "svg")) >= 4
    browser.switch_to.default_content()
    by_css(browser, "#dl-csv").click()
    by_css(browser, "#dl-bundle").click()
    csv_file = browser.downloads / f"fairq-report-{hall.yesterday}.csv"
    bundle_file = browser.downloads / f"fairq-bundle-{hall.yesterday}.json"
    assert wait_until(lambda: csv_file.exists() and bundle_file.exists(), 30)
    assert csv_file.read_text(encoding="utf-8").startswith("section,subject,metric,value")
    bundle = json.loads(bundle_file.read_text(encoding="utf-8"))
    assert standalone().verify(bundle).startswith(hall.yesterday)


def test_enrol_a_device_and_read_its_token_and_pin(hall, browser):
    logged_in(browser, hall)
    browser.get(f"{hall.base}/console/admin/devices")
    by_css(browser, "#device-name").send_keys("display-north")
    by_css(browser, "#device-role").send_keys("display")
    by_css(browser, "#enrol").click()
    token = wait_for(browser, lambda d: by_css(d, "#enrolled-token")).text
    pin = by_css(browser, "#enrolled-pin").text
    assert pin == fingerprint(hall.server.data_dir / "tls" / "cert.pem")
    code = parse_enrolment_code(by_css(browser, "#enrolled-code").text)  # what the device's enrolment screen takes
    assert (code.token, code.pin, code.url) == (token, pin, hall.base)
    assert by_css(browser, "#enrolled-qr").get_attribute("src").startswith("data:image/svg+xml;base64,")
    with hall.api(token) as device:
        assert device.get("/devices/me").json()["name"] == "display-north"
    browser.get(f"{hall.base}/console/admin/devices")
    assert not all_css(browser, "#enrolled-token")  # shown once


def test_add_an_officer_who_then_logs_in(hall, browser):
    logged_in(browser, hall)
    browser.get(f"{hall.base}/console/admin/officers")
    form = by_css(browser, "#add-officer")
    for name, value in {"staff_id": "S777", "name": "钱主管", "pin": "777777", "password": "seven sevens 7777"}.items():
        form.find_element("name", name).send_keys(value)
    form.find_element("name", "role").send_keys("主管")
    form.find_element("css selector", "button").click()
    wait_for(browser, lambda d: all_css(d, 'tr[data-staff="S777"]'))
    assert by_css(browser, 'tr[data-staff="S777"] td.name').text == "钱主管"
    by_css(browser, "#logout").click()
    wait_for(browser, lambda d: "/console/login" in d.current_url)
    log_in(browser, hall.base, "S777", "seven sevens 7777")
    wait_for(browser, lambda d: d.current_url.endswith("/console/hall"))
    assert "钱主管" in by_css(browser, ".me").text


def test_a_supervisor_is_refused_the_administration_pages(hall, browser):
    logged_in(browser, hall, SUPERVISOR)
    assert not [a for a in all_css(browser, "nav a") if "/admin/" in a.get_attribute("href")]
    for page in ("officers", "devices", "counters", "categories", "day"):
        browser.get(f"{hall.base}/console/admin/{page}")
        assert "仅限管理员" in by_css(browser, "#refused").text
    status = browser.execute_async_script(
        """const done = arguments[arguments.length - 1];
        const csrf = document.querySelector('input[name=csrf]').value;
        fetch('/console/admin/day', {method: 'POST', body: new URLSearchParams({csrf, action: 'close'})})
          .then(r => done(r.status));"""
    )
    assert status == 403
    assert hall.server.health()["day_open"] is True


def test_a_forged_form_without_the_csrf_token_is_refused(hall, browser):
    logged_in(browser, hall)
    browser.execute_script(
        """const f = document.createElement('form');
        f.method = 'post'; f.action = '/console/admin/devices';
        for (const [k, v] of [['action', 'enrol'], ['name', 'forged-kiosk'], ['role', 'kiosk']]) {
          const i = document.createElement('input'); i.name = k; i.value = v; f.appendChild(i);
        }
        document.body.appendChild(f); f.submit();"""
    )
    wait_for(browser, lambda d: all_css(d, "#refused"))
    assert "校验码" in by_css(browser, "#refused").text
    browser.get(f"{hall.base}/console/admin/devices")
    assert "forged-kiosk" not in browser.page_source


def busy_hall(hall: ConsoleHall) -> None:
    """Officers at counters 1, 3 and 5, a few traders waiting, a break, one served and rated unsatisfied."""
    sessions = {}
    for n, staff_id in zip((1, 3, 5), CREW, strict=True):
        with hall.api(hall.pcs[n]) as c:
            sessions[n] = c.post(f"/counters/{n}/login", json={"staff_id": staff_id, "pin": "123456"}).json()["token"]
    with hall.api(hall.kiosk_token) as kiosk:
        for i in range(6):
            kiosk.post("/tickets", json={"category": "A", "declaration_no": f"22332026100000{i + 1:04d}"})
        kiosk.post("/tickets", json={"category": "B", "declaration_no": "223320260000009999"})
    with hall.api(sessions[1]) as one, hall.api(sessions[3]) as three, hall.api(sessions[5]) as five:
        served = one.post("/counters/1/next").json()["ticket"]
        one.post("/counters/1/start")
        one.post("/counters/1/complete")
        with hall.api(hall.pcs[1]) as pc:
            pc.post("/counters/1/rate", json={"ticket_id": served["id"], "rating": "unsatisfied"})
        one.post("/counters/1/next")
        one.post("/counters/1/start")
        three.post("/counters/3/next")
        five.post("/counters/5/pause")


def report_shown(driver) -> bool:
    """The report page has loaded into its frame (a first report takes a moment to compute)."""
    driver.switch_to.frame("report")
    try:
        return "Draw proof" in driver.find_element("tag name", "body").text
    finally:
        driver.switch_to.default_content()


def test_screenshots_fit_1366x768_in_chinese_and_english(hall, browser):
    """The live hall, a report and an administration page, in both languages; kept when FAIRQ_SCREENSHOTS is set."""
    keep = os.environ.get("FAIRQ_SCREENSHOTS")
    busy_hall(hall)
    logged_in(browser, hall)
    shots = {"hall": "/console/hall", "report": f"/console/reports?day={hall.yesterday}",
             "admin-officers": "/console/admin/officers"}  # fmt: skip
    for lang in ("zh", "en"):
        if lang == "en":
            by_css(browser, "#lang").click()
            wait_for(browser, lambda d: d.find_element("tag name", "html").get_attribute("lang") == "en")
            assert by_css(browser, "nav a").text == "Live hall"
        for name, path in shots.items():
            browser.get(f"{hall.base}{path}")
            if name == "hall":
                wait_for(browser, live)
            if name == "report":
                wait_for(browser, report_shown)
            assert fits_the_width(browser), f"{name} ({lang}) runs off the right edge at 1366 px"
            png = browser.downloads / f"console-{name}-{lang}.png"
            browser.save_screenshot(str(png))
            if keep:
                shutil.copy(png, Path(keep) / png.name)
    tablet = {"width": 800, "height": 1280, "deviceScaleFactor": 1, "mobile": True}
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", tablet)
    for name, path in shots.items():
        browser.get(f"{hall.base}{path}")
        assert fits_the_width(browser), f"{name} runs off the right edge of an 800 px tablet"
    browser.get(f"{hall.base}/console/hall")
    wait_for(browser, live)
    png = browser.downloads / "console-hall-tablet-en.png"
    browser.save_screenshot(str(png))
    if keep:
        shutil.copy(png, Path(keep) / png.name)


def test_hostile_names_are_text_in_the_browser(hall, browser):
    logged_in(browser, hall)
    browser.get(f"{hall.base}/console/admin/officers")
    form = by_css(browser, "#add-officer")
    for name, value in {"staff_id": "X1", "name": HOSTILE[:64], "pin": "111111"}.items():
        form.find_element("name", name).send_keys(value)
    form.find_element("css selector", "button").click()
    cell = wait_for(browser, lambda d: all_css(d, 'tr[data-staff="X1"] td.name'))[0]
    assert cell.text == HOSTILE[:64] and no_alert_dialog(browser)
    with hall.api(hall.pcs[7]) as pc:  # the hostile officer at a counter: the live hall shows the name
        pc.post("/counters/7/login", json={"staff_id": "X1", "pin": "111111"}).raise_for_status()
    browser.get(f"{hall.base}/console/hall")
    wait_for(browser, lambda d: "<script>" in by_css(d, '#counters tr[data-counter="7"]').text)
    assert no_alert_dialog(browser)
    assert browser.execute_script("return document.querySelectorAll('#counters script').length") == 0


def test_logout_ends_the_session(hall, browser):
    logged_in(browser, hall)
    cookie = browser.get_cookie("fairq_console")
    assert cookie["httpOnly"] and cookie["secure"] and cookie["sameSite"] == "Strict"
    by_css(browser, "#logout").click()
    wait_for(browser, lambda d: "/console/login" in d.current_url)
    r = httpx.get(f"{hall.base}/console/hall.json", cookies={"fairq_console": cookie["value"]}, verify=False)
    assert r.status_code == 401
    browser.get(f"{hall.base}/console/hall")
    assert "/console/login" in browser.current_url


def test_a_wrong_password_is_throttled(hall, browser):
    for _ in range(3):
        log_in(browser, hall.base, SUPERVISOR, "not the password")
        assert "工号或密码错误" in by_css(browser, "#error").text
    log_in(browser, hall.base, SUPERVISOR, PASSWORD)
    assert "错误次数过多" in by_css(browser, "#error").text
    assert "/console/login" in browser.current_url

"""预警处置 in a real headless chromium against a real `fairq serve`: the morning page, a disposition with one
send-back, a department head who sees only their department, the spot check, and the day report's dispositions."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from devtools.procs import ServeProcess
from tests.console.browser import all_css, by_css, chrome, fits_the_width, log_in, submit, wait_for

from .hall import HEAD_1, HEAD_2, PASSWORD, SUPERVISOR, generated_hall

DAY = "2026-11-27"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = tmp_path_factory.mktemp("warnings-browser")
    # one working day for the conduct rules, so Friday's cases are overdue by now; low ratings keep their 15
    generated_hall(root / "hall", cases="default_days = 1\n")
    server = ServeProcess(root / "hall" / "data")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def browsers(tmp_path):
    opened = []

    def open_one(name: str):
        driver = chrome(tmp_path / name)
        opened.append(driver)
        return driver

    yield open_one
    for driver in opened:
        driver.quit()


def _shot(driver, name: str) -> Path:
    """The page as it looks, kept in docs/screenshots when FAIRQ_SCREENSHOTS names that folder."""
    png = Path(driver.capabilities.get("chrome", {}).get("userDataDir", "/tmp")).parent / f"{name}.png"
    driver.save_screenshot(str(png))
    keep = os.environ.get("FAIRQ_SCREENSHOTS")
    if keep:
        shutil.copy(png, Path(keep) / png.name)
    return png


def _state(driver) -> str:
    return by_css(driver, "#state .badge").text


def test_the_morning_page_a_disposition_and_the_spot_check_in_the_browser(served, browsers):
    base = served.url
    sup = browsers("supervisor")
    log_in(sup, base, SUPERVISOR, PASSWORD)
    wait_for(sup, lambda d: d.current_url.endswith("/console/hall"))
    sup.get(f"{base}/console/warnings?day={DAY}")
    rows = all_css(sup, "#cases-hall-1 tr.case")
    assert len(rows) >= 6
    late = all_css(sup, "#cases-hall-1 tr.case.late")
    assert late and all("超期" in r.find_element("css selector", ".late-by").text for r in late)
    assert all(r.value_of_css_property("background-color") != "rgba(0, 0, 0, 0)" for r in
               late[0].find_elements("css selector", "td"))  # fmt: skip
    assert "未办结" in by_css(sup, "#counts").text
    assert fits_the_width(sup)
    _shot(sup, "warnings-morning")
    withholding = next(r for r in rows if "withholding" in r.text)
    case_id = withholding.get_attribute("data-case")
    k2_ids = {r.get_attribute("data-case") for r in rows if r.find_elements("css selector", "td")[2].text == "K2"}
    assert k2_ids
    withholding.find_element("css selector", "a.button").click()
    wait_for(sup, lambda d: d.current_url.endswith(f"/console/warnings/{case_id}"))
    assert by_css(sup, "#assign-to").get_attribute("value") == "department:K1"
    submit(sup, "#assign")
    wait_for(sup, lambda d: _state(d) == "已交办")

    head = browsers("head-1")
    log_in(head, base, HEAD_1, PASSWORD)
    wait_for(head, lambda d: "/console/warnings" in d.current_url)  # a head lands on the warnings
    head.get(f"{base}/console/warnings?day={DAY}")
    seen = {r.get_attribute("data-case") for r in all_css(head, "#cases-hall-1 tr.case")}
    assert case_id in seen and not seen & k2_ids
    assert [a.text for a in all_css(head, "nav a")] == ["预警处置"]
    head.get(f"{base}/console/hall")
    assert "403" in head.title or by_css(head, "h1").text  # refused on the server
    head.get(f"{base}/console/warnings/{case_id}")
    by_css(head, "#explain-text").send_keys("经查，该关员14:05–14:50 离岗参加业务培训，已补办请假手续。")
    by_css(head, "#explain-reference").send_keys("一科〔2026〕31号")
    submit(head, "#explain")
    wait_for(head, lambda d: _state(d) == "已说明")

    other = browsers("head-2")
    log_in(other, base, HEAD_2, PASSWORD)
    wait_for(other, lambda d: "/console/warnings" in d.current_url)
    other.get(f"{base}/console/warnings/{case_id}")
    assert "没有您可查看的这条预警" in by_css(other, "main").text

    sup.get(f"{base}/console/warnings/{case_id}")
    by_css(sup, "#send-back-note").send_keys("请附培训签到表")
    submit(sup, "#send-back")
    wait_for(sup, lambda d: _state(d) == "已退回")
    head.get(f"{base}/console/warnings/{case_id}")
    by_css(head, "#explain-text").send_keys("培训签到表已附，见附件。")
    submit(head, "#explain")
    wait_for(head, lambda d: _state(d) == "已说明")
    sup.get(f"{base}/console/warnings/{case_id}")
    by_css(sup, "#close-note").send_keys("说明属实，予以办结")
    submit(sup, "#close")
    wait_for(sup, lambda d: _state(d) == "已办结")
    steps = [r.find_elements("css selector", "td")[1].text for r in all_css(sup, "#history tbody tr")]
    assert steps == ["预警生成", "交办", "情况说明", "退回重办", "情况说明", "审核办结"]
    assert fits_the_width(sup)
    _shot(sup, "warnings-disposition")

    sup.get(f"{base}/console/warnings?day={DAY}")
    by_css(sup, "#sample-size").clear()
    by_css(sup, "#sample-size").send_keys("1")
    submit(sup, "#commit-sample")
    wait_for(sup, lambda d: all_css(d, ".draw-sample"))
    commitment = by_css(sup, ".sample .commitment").text
    assert len(commitment) == 64
    by_css(sup, ".draw-sample").click()
    wait_for(sup, lambda d: all_css(d, f"tr[data-chosen='{case_id}']"))  # the only closed case
    by_css(sup, f"tr[data-chosen='{case_id}'] button").click()
    wait_for(sup, lambda d: "维持" in by_css(d, f"tr[data-chosen='{case_id}']").text)

    sup.get(f"{base}/console/reports/{DAY}/page")
    report = by_css(sup, "body").text
    assert "预警处置 Dispositions" in report and "已办结 closed" in report and "已补办请假手续" not in report
    assert "培训签到表已附" in report

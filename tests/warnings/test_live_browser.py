"""The live hall in a real chromium: an officer's five rating levels appear as the ratings arrive, and a low
rating shows its open follow-up case on the same page (the sample hall, open round the clock)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from devtools.live import LiveDispatcher
from dispatcher.store.cases import CaseStore
from tests.console.browser import by_css, chrome, fits_the_width, log_in, wait_for
from tests.console.hall import OFFICER, PASSWORD, SUPERVISOR, add_people


def _serve(svc, rating: str) -> None:
    svc.run(lambda h: h.issue_ticket(category="C"))
    if svc.hall.current_ticket(8) is None:
        svc.run(lambda h: h.next(8))
    ticket = svc.hall.current_ticket(8)
    svc.run(lambda h: h.start(8))
    svc.run(lambda h: h.complete(8))
    svc.run(lambda h: h.rate(8, ticket.id, rating))


def _cells(driver) -> list[str]:
    return [
        td.text for td in by_css(driver, f"#officers tr[data-staff='{OFFICER}']").find_elements("css selector", "td")
    ]


def test_ratings_arrive_on_the_live_hall_and_a_low_one_opens_its_case(tmp_path):
    with LiveDispatcher(tmp_path / "data") as hall:
        svc = hall.service
        svc.tick()  # the sample hall's day opens whenever it is
        add_people(svc)
        svc.run(lambda h: h.login(8, OFFICER))
        driver = chrome(tmp_path / "browser")
        try:
            log_in(driver, hall.url, SUPERVISOR, PASSWORD)
            wait_for(driver, lambda d: d.current_url.endswith("/console/hall"))
            _serve(svc, "very_satisfied")
            wait_for(driver, lambda d: _cells(d)[1:7] == ["1", "0", "0", "0", "0", "100%"])
            _serve(svc, "satisfied")
            _serve(svc, "unsatisfied")
            wait_for(driver, lambda d: _cells(d)[1:8] == ["1", "1", "0", "1", "0", "67%", "1"])
            (case,) = CaseStore(svc.store).cases(days=[svc.hall.day.day])
            assert case.rule == "low_rating" and case.live and case.staff_id == OFFICER
            assert "已生成回访件" in by_css(driver, "#alerts").text
            assert "over" in by_css(driver, f"#officers tr[data-staff='{OFFICER}']").get_attribute("class")
            assert fits_the_width(driver)
            driver.execute_script("document.getElementById('officers').scrollIntoView({block: 'end'})")
            png = tmp_path / "console-hall-satisfaction.png"
            driver.save_screenshot(str(png))
            if os.environ.get("FAIRQ_SCREENSHOTS"):
                shutil.copy(png, Path(os.environ["FAIRQ_SCREENSHOTS"]) / png.name)
        finally:
            driver.quit()

"""Debian's chromium driven by Selenium: headless, loopback only, at an office PC's 1366×768."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]  # fmt: skip
SIZE = (1366, 768)


def chrome(downloads: Path, size: tuple[int, int] = SIZE):
    """A fresh browser (its own profile, so no cookie is shared between people)."""
    if not (shutil.which(CHROMIUM) and shutil.which(DRIVER)):
        pytest.fail("chromium and chromium-driver are needed: scripts/bootstrap.sh test installs them")
    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must not fetch anything
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--window-size={size[0]},{size[1] + 200}")
    options.add_argument("--lang=zh-CN")
    options.accept_insecure_certs = True  # the dispatcher's self-signed certificate (its pin is what devices check)
    downloads.mkdir(parents=True, exist_ok=True)
    options.add_experimental_option(
        "prefs", {"download.default_directory": str(downloads), "download.prompt_for_download": False}
    )
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    metrics = {"width": size[0], "height": size[1], "deviceScaleFactor": 1, "mobile": False}
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)  # the page sees exactly this screen
    return driver


def wait_for(driver, condition, seconds: float = 30):
    """Until the condition holds; rows redrawn by the live page under the condition are simply looked up again."""
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException, WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    def holds(d):
        try:
            return condition(d)
        except WebDriverException as error:  # chromium's own words for a node of the page just replaced
            if "does not belong to the document" in str(error):
                return False
            raise

    ignored = (NoSuchElementException, StaleElementReferenceException)
    return WebDriverWait(driver, seconds, poll_frequency=0.1, ignored_exceptions=ignored).until(holds)


def by_css(driver, selector: str):
    from selenium.webdriver.common.by import By

    return driver.find_element(By.CSS_SELECTOR, selector)


def all_css(driver, selector: str):
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, selector)


def log_in(driver, base: str, staff_id: str, password: str) -> None:
    driver.get(f"{base}/console/login")
    by_css(driver, "#staff_id").send_keys(staff_id)
    by_css(driver, "#password").send_keys(password)
    page = by_css(driver, "html")
    by_css(driver, "#submit").click()
    wait_for_new_page(driver, page)


def submit(driver, selector: str) -> None:
    """Press a form's button and wait for the page it answers with."""
    page = by_css(driver, "html")
    by_css(driver, selector).click()
    wait_for_new_page(driver, page)


def wait_for_new_page(driver, old_page, seconds: float = 30) -> None:
    """Until the page a form was posted from has been replaced, so what follows reads the answer, not the form."""
    from selenium.webdriver.support import expected_conditions

    wait_for(driver, expected_conditions.staleness_of(old_page), seconds)
    wait_for(driver, lambda d: d.execute_script("return document.readyState") == "complete", seconds)


def no_alert_dialog(driver) -> bool:
    from selenium.common.exceptions import NoAlertPresentException

    try:
        _ = driver.switch_to.alert
    except NoAlertPresentException:
        return True
    return False


def fits_the_width(driver) -> bool:
    """Nothing runs off the right edge: the page needs no horizontal scrolling."""
    return driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")

"""The workbench in a real browser (headless Chromium): a manager's whole
morning, page by page, with a screenshot of each step kept as a test
artefact (``tests/artifacts/web-*.png``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("fastapi")

from roster.store import Store
from roster.web.app import create_app
from web_support import SMALL, chromium, live_server, store, url  # noqa: F401

ARTIFACTS = Path(__file__).parent / "artifacts"


def screenshot(driver, name: str) -> None:  # type: ignore[no-untyped-def]
    """The whole page as ``tests/artifacts/web-<name>.png``."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    height = driver.execute_script("return document.body.scrollHeight")
    driver.set_window_size(1400, max(600, min(height + 40, 4000)))
    path = ARTIFACTS / f"web-{name}.png"
    assert driver.save_screenshot(str(path))
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def no_script_errors(driver) -> None:  # type: ignore[no-untyped-def]
    errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == [], errors


@pytest.fixture
def site(store: Store) -> Iterator[str]:
    with live_server(create_app(store)) as base:
        yield base


@pytest.fixture
def driver():  # type: ignore[no-untyped-def]
    d = chromium()
    try:
        yield d
    finally:
        d.quit()


@pytest.mark.slow
def test_a_manager_makes_publishes_and_repairs_a_roster(site: str, store: Store, driver) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(driver, 60)

    # a unit from a scenario file
    driver.get(site + "/")
    driver.find_element(By.NAME, "file").send_keys(str(SMALL.resolve()))
    driver.find_element(By.NAME, "name").send_keys("Ward 7")
    screenshot(driver, "1-units")
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    wait.until(ec.text_to_be_present_in_element((By.TAG_NAME, "h1"), "Ward 7"))
    [unit] = store.units()
    assert driver.find_element(By.ID, "staff").text == "6"
    screenshot(driver, "2-unit")

    # solve, watching the progress
    limit = driver.find_element(By.NAME, "time_limit")
    limit.clear()
    limit.send_keys("20")
    driver.find_element(By.CSS_SELECTOR, f"form[action='/units/{unit.id}/runs'] button").click()
    wait.until(ec.presence_of_element_located((By.ID, "latest")))
    link = wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "#roster a")))
    [run] = store.runs(unit.id)
    assert run.state == "finished" and "done" in run.log
    assert driver.find_element(By.ID, "state").text == "finished"
    screenshot(driver, "3-run")
    no_script_errors(driver)
    link.click()
    wait.until(ec.presence_of_element_located((By.ID, "download-xlsx")))
    screenshot(driver, "4-roster")

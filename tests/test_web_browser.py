"""The workbench in a real browser (headless Chromium): a manager's whole
morning, page by page, with a screenshot of each step kept as a test
artefact (``tests/artifacts/web-*.png``)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

pytest.importorskip("fastapi")

from click.testing import CliRunner
from openpyxl import Workbook

from roster.cli import main
from roster.generate import unit as generated_unit
from roster.load import parse_text
from roster.store import Store
from roster.web.app import create_app
from web_support import (  # noqa: F401
    SMALL,
    chromium,
    live_server,
    no_script_errors,
    screenshot,
    store,
    url,
)

SAT, MON = dt.date(2026, 12, 12), dt.date(2026, 12, 14)


def spreadsheet(folder: Path, name: str, rows: list[list[object]]) -> Path:
    """An .xlsx as a ward keeps one: a header row, then a row per entry."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    path = folder / f"{name}.xlsx"
    book.save(path)
    return path


#: the small ward's shifts needing at least one of a role, and no more asked
AT_LEAST_ONE = (("N", "RN"), ("L", "RN"), ("E", "PH"))


def alone_on_a_shift(rows: list[dict[str, str]]) -> tuple[str, str]:
    """(staff, date) of someone alone on a shift that needs one of their role."""
    working: dict[tuple[str, str, str], list[str]] = {}
    for r in rows:
        working.setdefault((r["shift"], r["role"], r["date"]), []).append(r["staff"])
    alone = [
        (staff[0], date)
        for (shift, role, date), staff in sorted(working.items())
        if (shift, role) in AT_LEAST_ONE and len(staff) == 1
    ]
    assert alone, working
    return alone[0]


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
def test_a_manager_makes_publishes_and_repairs_a_roster(  # type: ignore[no-untyped-def]
    site: str, store: Store, driver, tmp_path: Path
) -> None:
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import Select, WebDriverWait

    waiting = WebDriverWait(driver, 60)

    class wait:
        """Waiting that, on a timeout, says what the page showed."""

        @staticmethod
        def until(condition):  # type: ignore[no-untyped-def]
            try:
                return waiting.until(condition)
            except TimeoutException:
                screenshot(driver, "failed")
                shown = [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".problems")]
                raise AssertionError(f"waited in vain at {driver.current_url}: {shown}") from None

    # a unit from a scenario file
    driver.get(site + "/")
    driver.find_element(By.NAME, "file").send_keys(str(SMALL.resolve()))
    driver.find_element(By.NAME, "name").send_keys("Ward 7")
    screenshot(driver, "1-units")
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    wait.until(ec.text_to_be_present_in_element((By.TAG_NAME, "h1"), "Ward 7"))
    [unit] = store.units()
    assert driver.find_element(By.ID, "staff").text == "6"

    # staff, leave and requests from the workbooks the ward keeps; the staff
    # sheet's id column has a name of its own, mapped by hand
    sheets = {
        "staff": [
            ["Payroll no", "Full name", "Job role", "Contract", "Weekly hours"],
            ["G", "Gil", "RN", "full-time", 37.5],
            ["D", "Dev", "RN", "full-time", 30],
        ],
        "leave": [["Staff ID", "Start date", "End date", "Leave type"], ["G", MON, MON, "annual"]],
        "requests": [["Staff", "Date", "Shift", "Request", "Priority"], ["C", SAT, "E", "off", 2]],
    }
    for kind, rows in sheets.items():
        driver.get(f"{site}/units/{unit.id}/import")
        Select(driver.find_element(By.NAME, "kind")).select_by_value(kind)
        driver.find_element(By.NAME, "file").send_keys(str(spreadsheet(tmp_path, kind, rows)))
        driver.find_element(By.CSS_SELECTOR, "#import button[type=submit]").click()
        wait.until(ec.presence_of_element_located((By.ID, "mapping")))
        if kind == "staff":
            Select(driver.find_element(By.NAME, "map.id")).select_by_value("Payroll no")
            screenshot(driver, "2-import-mapping")
        driver.find_element(By.CSS_SELECTOR, "#mapping button[type=submit]").click()
        done = wait.until(ec.presence_of_element_located((By.ID, "import-result")))
        assert done.text, kind
    imported = store.scenario(unit.id).scenario()
    assert [p.id for p in imported.staff][-1] == "G"
    assert imported.staff_by_id["D"].hours_per_week == 30
    assert imported.leave_of["G"] == {3: "annual"}
    assert [r.want for r in imported.staff_by_id["C"].requests] == ["off"]
    screenshot(driver, "2-imported")

    # an edit: a bad value is shown beside its field and nothing saved; a good one saved
    driver.get(f"{site}/units/{unit.id}/edit")
    # (a number out of range the browser itself refuses: its limits come from the model)
    assert driver.find_element(By.NAME, "staff[3].hours_per_week").get_attribute("max") == "168"
    roles = driver.find_element(By.NAME, "staff[0].roles")
    roles.clear()
    roles.send_keys("RN, surgeon")
    driver.find_element(By.CSS_SELECTOR, "#edit-staff button[type=submit]").click()
    wrong = wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "#edit-staff .problems")))
    assert "staff[0] (A).roles[1]: unknown role 'surgeon'; allowed: PH, RN" in wrong.text
    field = driver.find_element(By.NAME, "staff[0].roles")
    assert field.get_attribute("aria-invalid") == "true"
    assert field.get_attribute("value") == "RN, surgeon"
    screenshot(driver, "2-edit-refused")
    versions = len(store.versions(unit.id))
    week = driver.find_element(By.NAME, "contracts[0].hours_per_week")
    week.clear()
    week.send_keys("36")
    driver.find_element(By.CSS_SELECTOR, "#edit-contracts button[type=submit]").click()
    wait.until(ec.presence_of_element_located((By.ID, "saved")))
    assert len(store.versions(unit.id)) == versions + 1
    assert store.scenario(unit.id).scenario().contracts[0].hours_per_week == 36
    no_script_errors(driver)

    driver.get(f"{site}/units/{unit.id}")
    assert driver.find_element(By.ID, "staff").text == "7"
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
    solved = run.roster_id
    screenshot(driver, "4-roster")

    # a cell changed: someone alone on a shift that needs one taken off shows the rule broken
    who, when = alone_on_a_shift(store.roster(solved).rows)
    driver.find_element(
        By.CSS_SELECTOR, f"#grid td[data-staff='{who}'][data-date='{when}'] a"
    ).click()
    shift = wait.until(ec.element_to_be_clickable((By.ID, "cell-shift")))
    Select(shift).select_by_value("off")
    broken = wait.until(ec.visibility_of_element_located((By.ID, "cell-broken")))
    assert "hard rule" in broken.text
    assert driver.find_element(By.ID, "penalty-change").text.strip()
    screenshot(driver, "5-cell-check")
    # applying it without confirming is refused and stores nothing
    driver.find_element(By.ID, "cell-apply").click()
    wait.until(ec.text_to_be_present_in_element((By.ID, "cell-panel"), "hard rule"))
    assert [r.id for r in store.rosters(unit.id)] == [solved]
    no_script_errors(driver)

    # publish the solved roster
    driver.get(f"{site}/rosters/{solved}")
    driver.find_element(By.ID, "publish-note").send_keys("week 50")
    driver.find_element(By.ID, "publish").click()
    wait.until(ec.url_contains("/published/"))
    [first] = store.published(unit.id)
    assert first.roster_id == solved and first.note == "week 50"
    screenshot(driver, "6-published")

    # a sick call, repaired: the changes listed and outlined
    driver.get(f"{site}/rosters/{solved}")
    Select(driver.find_element(By.ID, "sick-staff")).select_by_value(who)
    for field in ("sick-first", "sick-last"):  # the night we saw, as from and to
        value = when
        driver.execute_script(
            "arguments[0].value = arguments[1]", driver.find_element(By.ID, field), value
        )
    driver.find_element(By.ID, "sick-reason").send_keys("flu")
    # pressed twice: it says it is working, and the roster is repaired once
    busy = driver.execute_script(
        "const f = document.getElementById('sick'); f.requestSubmit();"
        "setTimeout(() => f.requestSubmit(), 200);"
        "return document.querySelector('#sick .busy').textContent"
    )
    assert busy.startswith("Repairing the roster")
    changes = wait.until(ec.presence_of_element_located((By.ID, "changes")))
    [repaired] = [r for r in store.rosters(unit.id) if r.kind == "repair"]
    assert repaired.kind == "repair" and repaired.parent_id == solved
    assert re.search(rf"\n\w+ \({who}\) {when} \w+ off absent", changes.text), changes.text
    assert (
        "flu" in driver.find_element(By.CSS_SELECTOR, "section[aria-labelledby=changes-title]").text
    )
    assert not [r for r in repaired.rows if r["staff"] == who and r["date"] == when]
    assert driver.find_elements(By.CSS_SELECTOR, "#grid td.changed")
    screenshot(driver, "7-repaired")
    no_script_errors(driver)

    # the repaired roster's workbook, as downloaded, passes roster check
    href = driver.find_element(By.ID, "download-xlsx").get_attribute("href")
    workbook = tmp_path / "roster.xlsx"
    workbook.write_bytes(httpx.get(href).content)
    scenario = tmp_path / "scenario.yaml"
    scenario.write_bytes(httpx.get(f"{site}/units/{unit.id}/scenario.yaml").content)
    checked = CliRunner().invoke(main, ["check", str(scenario), str(workbook)])
    assert checked.exit_code == 0, checked.output


@pytest.mark.slow
def test_progress_streams_live_and_stop_keeps_the_best_roster(  # type: ignore[no-untyped-def]
    site: str, store: Store, driver
) -> None:
    """A solve too big to finish at once: the run page shows the progress
    line as it comes (server-sent events), and Stop ends it keeping the best
    roster found."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    big = store.create_unit("Big ward", generated_unit(40, 28))
    driver.get(f"{site}/units/{big.id}")
    limit = driver.find_element(By.NAME, "time_limit")
    limit.clear()
    limit.send_keys("600")
    driver.find_element(By.CSS_SELECTOR, "#solve button[type=submit]").click()
    WebDriverWait(driver, 120).until(
        ec.text_to_be_present_in_element((By.ID, "latest"), "best roster so far")
    )
    assert driver.find_element(By.ID, "state").text == "running"  # not reloaded: streamed
    screenshot(driver, "3-progress")
    driver.find_element(By.CSS_SELECTOR, "#stop button").click()
    WebDriverWait(driver, 120).until(ec.text_to_be_present_in_element((By.ID, "state"), "finished"))
    assert "stopped: kept the best roster found" in driver.find_element(By.ID, "latest").text
    assert driver.find_element(By.CSS_SELECTOR, "#roster a").is_displayed()
    no_script_errors(driver)


@pytest.mark.slow
def test_a_what_if_in_the_browser(site: str, store: Store, driver) -> None:  # type: ignore[no-untyped-def]
    """Keys and values typed in, the variants run in the background, and the
    page shows the table, the chart (an image that loads) and the answer."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    unit = store.create_unit("Ward 7", parse_text(SMALL.read_text()))
    driver.get(f"{site}/units/{unit.id}/whatif")
    driver.find_elements(By.NAME, "key")[0].send_keys("staff.RN")
    driver.find_elements(By.NAME, "values")[0].send_keys("-1,0")
    driver.find_element(By.NAME, "time_limit").send_keys("3")
    driver.find_element(By.CSS_SELECTOR, "#whatif button[type=submit]").click()
    WebDriverWait(driver, 120).until(
        ec.text_to_be_present_in_element((By.CSS_SELECTOR, "h1"), "finished")
    )
    rows = driver.find_elements(By.CSS_SELECTOR, "#whatif-table tr td:first-child")
    assert len(rows) == 2, driver.find_element(By.ID, "whatif-table").text
    chart = driver.find_element(By.ID, "whatif-chart")
    assert driver.execute_script("return arguments[0].naturalWidth", chart) > 0
    # -1 RN was already enough: the answer is a bound, and says so
    answer = driver.find_element(By.ID, "whatif-answer").text
    assert "RN: at most 4 (5 now, -1)" in answer and "Not settled" in answer
    screenshot(driver, "8-whatif")
    no_script_errors(driver)

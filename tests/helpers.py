"""Small scenarios and rosters for tests."""

from __future__ import annotations

import copy
import datetime as dt
import shutil
from typing import Any

import pandas as pd
import pytest

from roster import Roster, Scenario, SolveParams, check, load_scenario, solve

START = dt.date(2026, 12, 7)  # a Monday

BASE: dict[str, Any] = {
    "horizon": {"start": START.isoformat(), "days": 7},
    "shifts": [
        {"id": "E", "start": "07:00", "end": "15:00"},
        {"id": "L", "start": "14:00", "end": "22:00"},
        {"id": "N", "start": "21:30", "end": "07:30"},
    ],
    "roles": [{"id": "RN"}],
    "staff": [{"id": f"S{i}", "roles": ["RN"]} for i in range(1, 4)],
}


def scenario(**sections: Any) -> Scenario:
    """BASE with some sections replaced, validated."""
    data = copy.deepcopy(BASE)
    data.update(copy.deepcopy(sections))
    return load_scenario(data)


def roster(sc: Scenario, rows: list[tuple[str, int, str]] | dict[str, str]) -> Roster:
    """A roster from (staff, day, shift) rows or {staff: 'E.LN..'} strings
    (one character a day, '.' = off)."""
    if isinstance(rows, dict):
        rows = [(s, d, c) for s, line in rows.items() for d, c in enumerate(line) if c != "."]
    records = []
    for staff, day, shift in rows:
        person = sc.staff_by_id[staff]
        records.append((staff, sc.horizon.start + dt.timedelta(days=day), shift, person.roles[0]))
    return Roster(pd.DataFrame(records, columns=["staff", "date", "shift", "role"]))


def solve_and_check(sc: Scenario, **params: Any):  # type: ignore[no-untyped-def]
    """Solve deterministically; assert the checker agrees with the objective."""
    opts = {"time_limit": 20.0, "workers": 1, "seed": 0} | params
    result = solve(sc, SolveParams(**opts))
    if result.roster is not None:
        report = check(sc, result.roster, soft_cover=opts.get("soft_cover", False))
        assert report.feasible, report.hard_violations
        assert report.total_penalty == result.objective
    return result


def solved_table(path: Any):  # type: ignore[no-untyped-def]
    """Solve a shipped scenario (20 s, 2 workers) and return its published
    table with real instants and dates, for first-principles re-checks."""
    sc = load_scenario(path)
    result = solve(sc, SolveParams(time_limit=20, workers=2, seed=0))
    assert result.roster is not None and result.report is not None
    assert result.report.feasible
    df = result.roster.table(sc)
    df["start"] = df["start"].map(dt.datetime.fromisoformat)
    df["end"] = df["end"].map(dt.datetime.fromisoformat)
    df["date"] = df["date"].map(dt.date.fromisoformat)
    return df


def chromium(width: int = 1400, height: int = 1000):  # type: ignore[no-untyped-def]
    """Headless Chromium under selenium; the test is skipped where there is
    no browser (Debian: chromium chromium-driver)."""
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    driver_path = shutil.which("chromedriver")
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if not (driver_path and binary):
        pytest.skip("headless Chromium is not installed (Debian: chromium chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        f"--window-size={width},{height}",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(driver_path), options=options)

"""report.html: what it shows, and that a real browser renders it cleanly."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from roster import SolveParams, check, load_scenario, solve
from roster.cli import main
from roster.report import render, verdict, write_report
from roster.result import Result, SolveStatus
from tests.helpers import roster as make_roster

DATA = Path(__file__).parent / "data"
WARD = Path(__file__).parents[1] / "scenarios" / "medical-ward.yaml"
#: where the browser test leaves its screenshot (a CI artefact)
ARTIFACTS = Path(os.environ.get("ROSTER_ARTIFACTS", Path(__file__).parent / "artifacts"))


@pytest.fixture(scope="module")
def ward():  # type: ignore[no-untyped-def]
    sc = load_scenario(WARD)
    return sc, solve(sc, SolveParams(time_limit=20, workers=2, seed=0))


def test_report_shows_every_person_and_date(ward) -> None:
    sc, result = ward
    html = render(sc, result.roster, result.report, result)
    assert re.findall(r'data-staff="([^"]+)"', html) == [
        p.id for r in sc.roles for p in sc.staff if p.roles[0] == r.id
    ]
    assert re.findall(r'data-date="([^"]+)"', html) == [x.isoformat() for x in sc.dates]
    assert verdict(result, result.report) in html
    # R01 is pinned on Wednesday, R07 on leave Monday to Wednesday
    assert "pinned" in _cell(html, "R01", 2)
    assert all("leave" in _cell(html, "R07", d) for d in range(3))
    # R11 asked for Monday's early, which her history rules out: refused
    assert "req refused" in _cell(html, "R11", 0)
    for need in sc.needs[:3]:
        assert f"<td>{need.shift}</td><td>{need.role or ''}</td>" in html


def _cell(html: str, staff: str, day: int) -> str:
    row = html.split(f'data-staff="{staff}"', 1)[1].split("</tr>", 1)[0]
    return re.findall(r'<td class="cell[^"]*".*?</td>', row, re.S)[day]


def test_hand_made_roster_with_broken_rules(tmp_path: Path) -> None:
    sc = load_scenario(DATA / "small.yaml")
    # B works on her leave day (Sunday): a hard rule broken
    r = make_roster(sc, [("B", 2, "E"), ("A", 0, "N"), ("P1", 0, "E")])
    report = check(sc, r)
    assert not report.feasible
    html = render(sc, r, report)
    assert "broken" in _cell(html, "B", 2)
    assert "Hard rules broken" in html and "This roster breaks" in html
    runner = CliRunner()
    (tmp_path / "r.csv").write_text("staff,date,shift\nB,2026-12-13,E\n")
    res = runner.invoke(
        main,
        [
            "report",
            str(DATA / "small.yaml"),
            str(tmp_path / "r.csv"),
            "-o",
            str(tmp_path / "report.html"),
        ],
    )
    assert res.exit_code == 0, res.output
    assert "hard violation" in res.output and (tmp_path / "report.html").exists()


@pytest.mark.parametrize(
    "status, objective, bound, words",
    [
        (SolveStatus.OPTIMAL, 7, 7, "Proven best"),
        (SolveStatus.FEASIBLE, 100, 98, "Within 2.0% of the best possible roster"),
        (SolveStatus.FEASIBLE, 100, 0, "could not prove how close"),
    ],
)
def test_verdict_in_plain_words(status, objective, bound, words) -> None:  # type: ignore[no-untyped-def]
    from roster.result import CheckReport

    result = Result(status, objective, bound, 1.0, None, None)
    assert words in verdict(result, CheckReport(()))


def test_report_is_written_atomically(tmp_path: Path, ward, monkeypatch) -> None:
    sc, result = ward

    def boom(*a, **k):  # type: ignore[no-untyped-def]
        raise OSError("disk full")

    monkeypatch.setattr("roster.report.render", lambda *a, **k: "<html>" + boom())
    with pytest.raises(OSError):
        write_report(tmp_path / "report.html", sc, result.roster, result.report, result)
    assert list(tmp_path.iterdir()) == []


def _driver():  # type: ignore[no-untyped-def]
    webdriver = pytest.importorskip("selenium.webdriver")
    chromedriver = shutil.which("chromedriver")
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if not (chromedriver and browser):
        pytest.skip("headless Chromium is not installed (Debian: chromium chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1600,1200"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    from selenium.webdriver.chrome.service import Service

    return webdriver.Chrome(service=Service(chromedriver), options=options)


def test_report_in_a_real_browser(tmp_path: Path, ward) -> None:
    sc, result = ward
    path = write_report(tmp_path / "report.html", sc, result.roster, result.report, result)
    driver = _driver()
    try:
        driver.get(path.resolve().as_uri())
        errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        assert errors == []
        from selenium.webdriver.common.by import By

        rows = driver.find_elements(By.CSS_SELECTOR, "#grid tr[data-staff]")
        assert sorted(r.get_attribute("data-staff") for r in rows) == sorted(p.id for p in sc.staff)
        assert all(r.is_displayed() for r in rows)
        heads = driver.find_elements(By.CSS_SELECTOR, "#grid th[data-date]")
        assert [h.get_attribute("data-date") for h in heads] == [x.isoformat() for x in sc.dates]
        # every worked shift is drawn in its cell
        texts = [
            c.get_attribute("textContent").replace("✓", "").replace("✗", "").strip()
            for c in driver.find_elements(By.CSS_SELECTOR, "#grid td.cell")
        ]
        assert len(texts) == len(sc.staff) * len(sc.dates)
        assert sum(len(t.split("+")) for t in texts if t) == len(result.roster)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        height = driver.execute_script("return document.body.scrollHeight")
        driver.set_window_size(1600, min(height, 6000))
        assert driver.save_screenshot(str(ARTIFACTS / "report.png"))
    finally:
        driver.quit()
    assert (ARTIFACTS / "report.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

"""report.html: what it shows, and that a real browser renders it cleanly."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from roster import SolveParams, check, load_scenario, solve
from roster.cli import main
from roster.report import render, verdict, write_report
from roster.result import Result, SolveStatus
from tests.helpers import chromium
from tests.helpers import roster as make_roster

DATA = Path(__file__).parent / "data"
WARD = Path(__file__).parents[1] / "scenarios" / "medical-ward.yaml"
#: where the browser test leaves its screenshot (a CI artefact)
ARTIFACTS = Path(os.environ.get("ROSTER_ARTIFACTS", Path(__file__).parent / "artifacts"))


@pytest.fixture(scope="module")
def ward():  # type: ignore[no-untyped-def]
    sc = load_scenario(WARD)
    return sc, solve(sc, SolveParams(time_limit=20, workers=2, seed=0))


@pytest.fixture(scope="module")
def short():  # type: ignore[no-untyped-def]
    """A ward whose only pharmacists are on leave one night: the best roster
    with cover made soft leaves that night short."""
    sc = load_scenario(Path(__file__).parents[1] / "scenarios" / "infeasible-ward.yaml")
    return sc, solve(sc, SolveParams(time_limit=20, workers=2, seed=0, soft_cover=True))


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
    return chromium(1600, 1200)


#: per grid cell: the shift's text (its first text node) and the on-call duties' text
CELL_TEXTS = """return [...document.querySelectorAll('#grid td.cell')].map(td => [
    td.firstChild && td.firstChild.nodeType === 3 ? td.firstChild.textContent.trim() : '',
    [...td.querySelectorAll('.duty')].map(s => s.textContent).join('+')])"""


def _screenshot(driver, name: str) -> Path:  # type: ignore[no-untyped-def]
    """The whole page as a PNG in the artefacts folder."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    height = driver.execute_script("return document.body.scrollHeight")
    driver.set_window_size(1600, min(height, 6000))
    assert driver.save_screenshot(str(ARTIFACTS / name))
    assert (ARTIFACTS / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    return ARTIFACTS / name


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
        # every worked shift and on-call duty is drawn in its cell
        cells = driver.execute_script(CELL_TEXTS)
        assert len(cells) == len(sc.staff) * len(sc.dates)
        drawn = sum(len(part.split("+")) for cell in cells for part in cell if part)
        assert drawn == len(result.roster)
        _screenshot(driver, "report.png")
    finally:
        driver.quit()


def test_report_with_a_shortfall_in_a_real_browser(tmp_path: Path, short) -> None:
    """The headline names the shift left short first; the screenshot is the
    page a manager sees (a CI artefact)."""
    sc, result = short
    path = write_report(tmp_path / "report.html", sc, result.roster, result.report, result)
    driver = _driver()
    try:
        driver.get(path.resolve().as_uri())
        from selenium.webdriver.common.by import By

        lines = driver.find_elements(By.CSS_SELECTOR, "#verdict p")
        assert lines[0].text.startswith("1 shift below minimum cover: Tue 08 Dec PN PH")
        assert lines[0].is_displayed()
        short_rows = driver.find_elements(By.CSS_SELECTOR, "#cover-short tbody tr")
        assert len(short_rows) == 1 and "Tue 08 Dec" in short_rows[0].text
        _screenshot(driver, "report-shortfall.png")
    finally:
        driver.quit()


def test_the_headline_puts_a_cover_shortfall_before_optimality(short, ward) -> None:
    sc, result = short
    assert result.status == SolveStatus.OPTIMAL
    html = render(sc, result.roster, result.report, result)
    first, second = re.findall(r'<p class="verdict[^"]*">([^<]*)</p>', html)
    assert first == "1 shift below minimum cover: Tue 08 Dec PN PH (0 of 1 present)."
    assert second.startswith("Proven best")
    # without a shortfall the headline is the verdict alone
    ward_sc, ok = ward
    page = render(ward_sc, ok.roster, ok.report, ok)
    assert re.findall(r'<p class="verdict[^"]*">([^<]*)</p>', page) == [verdict(ok, ok.report)]


def test_each_day_of_cover_by_the_clock_is_labelled_above_its_own_chart(ward) -> None:
    """Read from the SVG: the day's name is inside its chart, above every
    band; every day is drawn on one scale, the last one to its end too."""
    sc, result = ward
    html = render(sc, result.roster, result.report, result)
    charts = re.findall(r'<svg [^>]*data-chart-date="([^"]+)"[^>]*>(.*?)</svg>', html, re.S)
    assert [d for d, _ in charts] == [x.isoformat() for x in sc.dates]
    widths = set()
    for iso, svg in charts:
        label = re.search(r'<text class="day" x="0" y="([\d.]+)"[^>]*>([^<]+)</text>', svg)
        assert label is not None
        assert label.group(2) == f"{dt.date.fromisoformat(iso):%a %d %b}"
        tops = [float(y) for y in re.findall(r'<rect class="segment" x="[\d.]+" y="([\d.]+)"', svg)]
        assert tops and float(label.group(1)) < min(tops)
        hours = re.findall(r'<line x1="([\d.]+)"', svg)
        widths.add((hours[1], len(hours)))  # the scale: where 03:00 falls, and how many lines
    assert len(widths) == 1
    last = charts[-1][1]
    assert "roster ends" in last  # the night after the last day is shaded, not cut off


def test_the_role_worked_shows_in_every_grid(tmp_path) -> None:
    """An ICU nurse working as the shift's coordinator: 'D (CN)' in
    grid.csv, the report and the workbook, not a bare 'D'."""
    sc = load_scenario(Path(__file__).parents[1] / "scenarios" / "icu-4-weeks.yaml")
    result = solve(sc, SolveParams(time_limit=10, workers=2, seed=0))
    roster = result.roster
    away = roster.df[roster.df["role"].notna()]
    home = {p.id: p.roles[0] for p in sc.staff}
    other = away[[r != home[s] for s, r in zip(away["staff"], away["role"])]]
    assert len(other) > 0, "the ward has seniors working as coordinators"
    staff, date, shift, role = next(other.itertuples(index=False))
    text = f"{shift} ({role})"
    grid = roster.grid(sc)
    assert grid.at[staff, date.isoformat()].split("+")[0] == text
    html = render(sc, roster, result.report, result)
    assert f">{text}<" in html or f">{text}<span" in html
    from openpyxl import load_workbook

    from roster.export import write_xlsx

    write_xlsx(tmp_path / "r.xlsx", sc, roster, result.report)
    ws = load_workbook(tmp_path / "r.xlsx")["Roster"]
    row = next(r for r in ws.iter_rows(values_only=True) if r[0] == staff)
    col = 3 + sc.day_index(date)
    assert str(row[col]).split("+")[0] == text

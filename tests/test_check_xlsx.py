"""`roster check` on a workbook `roster export xlsx` wrote, edited in Excel
or not: the same roster and score as the CSV, every bad cell located."""

from __future__ import annotations

import shutil
from typing import Any

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from roster import Roster, SolveParams, check, load_scenario, solve
from roster.export import write_xlsx
from roster.load import read_data
from roster.validation import ScenarioError
from tests.test_cli import SMALL, run


def base() -> dict[str, Any]:
    data = read_data(SMALL)
    assert isinstance(data, dict)
    return data


# -- roster check on a workbook ---------------------------------------------------------
@pytest.fixture(scope="module")
def solved(tmp_path_factory):
    sc = load_scenario(SMALL)
    result = solve(sc, SolveParams(time_limit=10, workers=1, seed=0))
    assert result.roster is not None
    book = tmp_path_factory.mktemp("xlsx") / "roster.xlsx"
    write_xlsx(book, sc, result.roster)
    return sc, result.roster, book


def test_xlsx_round_trip_is_the_same_roster_and_score(solved):
    sc, roster, book = solved
    again = Roster.from_xlsx(book, sc)
    assert again.df.equals(roster.df)
    assert check(sc, again).total_penalty == check(sc, roster).total_penalty
    # B's leave day shows its type and is not read as worked
    ws = load_workbook(book)["Roster"]
    assert ws["F3"].value == "annual"


def test_xlsx_roles_and_duties_round_trip(tmp_path):
    data = base()
    data["roles"].append({"id": "CN", "name": "coordinator"})
    data["staff"][0]["roles"] = ["RN", "CN"]
    data["duties"] = [{"id": "OC", "start": "17:00", "end": "08:00", "roles": ["PH"]}]
    sc = load_scenario(data)
    rows = [
        ("A", sc.dates[0], "E", "CN"),
        ("P1", sc.dates[1], "E", "PH"),
        ("P1", sc.dates[1], "OC", "PH"),
    ]
    roster = Roster(pd.DataFrame(rows, columns=["staff", "date", "shift", "role"]))
    book = write_xlsx(tmp_path / "r.xlsx", sc, roster)
    ws = load_workbook(book)["Roster"]
    assert ws["D2"].value == "E (CN)" and ws["E7"].value == "E+OC"
    assert Roster.from_xlsx(book, sc).df.equals(roster.df)


def test_an_edited_workbook_every_bad_cell_located(solved, tmp_path):
    sc, _, book = solved
    wb = load_workbook(book)
    ws = wb["Roster"]
    ws["E3"] = "X"  # B, 2026-12-12
    ws["D4"] = "E (ZZ)"  # C
    ws["F5"] = "E+Q"  # D
    ws["A6"] = "Nobody"
    ws["G1"] = "Fri 01 Jan"
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    with pytest.raises(ScenarioError) as exc:
        Roster.from_xlsx(edited, sc)
    where = [loc for loc, _ in exc.value.problems]
    assert where == ["Roster!G1", "Roster!E3", "Roster!D4", "Roster!F5", "Roster!A6"]
    text = dict(exc.value.problems)
    assert text["Roster!E3"].startswith("'X' is not a shift or on-call duty; allowed: E, L, N")
    assert text["Roster!D4"] == "'ZZ' is not one of C's roles (RN)"
    assert text["Roster!F5"].startswith("'Q' in 'E+Q' is not a shift")
    assert text["Roster!G1"].startswith("'Fri 01 Jan' is not a day of the horizon")


def test_an_edit_that_breaks_a_rule_is_scored(solved, tmp_path):
    sc, _, book = solved
    wb = load_workbook(book)
    wb["Roster"]["F3"] = "E"  # B works on her day of leave
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)
    report = check(sc, Roster.from_xlsx(edited, sc))
    assert not report.feasible
    assert any(v.staff == "B" for v in report.hard_violations)


def test_cli_check_reads_a_workbook(solved, tmp_path):
    sc, roster, book = solved
    want = check(sc, roster).total_penalty
    r = run("check", SMALL, book)
    assert r.exit_code == 0, r.output + r.stderr
    assert f"feasible; total penalty {want}" in r.output
    # a workbook under another name is still read as one
    renamed = tmp_path / "roster.dat"
    shutil.copy(book, renamed)
    assert run("check", SMALL, renamed).exit_code == 0
    wb = load_workbook(book)
    wb["Roster"]["E3"] = "X"
    wb.save(tmp_path / "bad.xlsx")
    r = run("check", SMALL, tmp_path / "bad.xlsx")
    assert r.exit_code == 2 and "Roster!E3: 'X' is not a shift" in r.stderr
    wb = Workbook()
    wb.save(tmp_path / "other.xlsx")
    r = run("check", SMALL, tmp_path / "other.xlsx")
    assert r.exit_code == 2 and "no sheet 'Roster'" in r.stderr


def test_report_and_suggest_read_a_workbook_too(solved, tmp_path):
    """Every command that reads a roster takes the workbook a manager edited."""
    sc, roster, book = solved
    out = tmp_path / "report.html"
    r = run("report", SMALL, book, "-o", out)
    assert r.exit_code == 0, r.output + r.stderr
    assert out.read_text().count("data-staff=") == len(sc.staff)
    date, shift = roster.df["date"].iloc[0], roster.df["shift"].iloc[0]
    r = run("suggest", SMALL, book, "--date", date.isoformat(), "--shift", shift)
    assert r.exit_code == 0, r.output + r.stderr

"""Staff, leave and requests from spreadsheets (CSV, XLSX) into a scenario,
and `roster check` on a workbook edited in Excel."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from roster import load_scenario
from roster.errors import InputError
from roster.importers.sheets import SheetError, import_sheet, parse_sheet, read_sheet
from roster.load import read_data
from roster.validation import ScenarioError
from tests.test_cli import SMALL, run

DATA = Path(__file__).parent / "data"
STAFF_CSV = DATA / "sheets" / "staff.csv"
LEAVE_CSV = DATA / "sheets" / "leave.csv"
REQUESTS_CSV = DATA / "sheets" / "requests.csv"


def base() -> dict[str, Any]:
    data = read_data(SMALL)
    assert isinstance(data, dict)
    return data


def xlsx(path: Path, rows: list[list[Any]], title: str = "Sheet1") -> Path:
    """A one-sheet workbook, made here rather than committed as a binary."""
    wb = Workbook()
    ws = wb.worksheets[0]
    ws.title = title
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def person(data: dict[str, Any], sid: str) -> dict[str, Any]:
    return next(p for p in data["staff"] if p["id"] == sid)


def problems(exc: pytest.ExceptionInfo[InputError]) -> list[tuple[str, str]]:
    return exc.value.problems


# -- staff ------------------------------------------------------------------------------
def test_staff_csv_merges_by_id_and_keeps_the_rest():
    done = import_sheet(base(), "staff", read_sheet(STAFF_CSV))
    ann, gus = person(done.data, "A"), person(done.data, "G")
    # updated: the given fields only; her requests stay
    assert ann["name"] == "Ann Smith" and ann["hours_per_week"] == 30
    assert ann["requests"] == person(base(), "A")["requests"]
    assert gus == {
        "id": "G",
        "name": "Gus",
        "roles": ["RN", "PH"],
        "contract": "full-time",
        "hours_per_week": 37.5,
    }
    # a blank cell leaves the field as it was
    assert person(done.data, "B")["name"] == "Bea"
    assert [p.id for p in done.scenario.staff][-1] == "G"
    assert done.summary == (
        "1 person added, 2 updated; 4 in the scenario not in the file: C, D, F, P1 "
        "(columns not read: Notes)"
    )
    assert done.unread == ["Notes"]


def test_staff_xlsx_with_aliases_mapping_and_a_named_sheet(tmp_path):
    path = xlsx(
        tmp_path / "people.xlsx",
        [
            [],  # blank rows above the header are skipped
            ["Payroll no", "NAME", "job role", "Contracted Hours"],
            [1017, "Nia", "RN", 22.5],  # an id typed as a number
            [None, None, None, None],  # a blank row
            ["P1", "Pat Jones", "PH", 30],
        ],
        title="Team",
    )
    done = import_sheet(base(), "staff", read_sheet(path, "Team"), {"id": "payroll no"})
    assert person(done.data, "1017") == {
        "id": "1017",
        "name": "Nia",
        "roles": ["RN"],
        "hours_per_week": 22.5,
    }
    assert person(done.data, "P1")["name"] == "Pat Jones"
    assert done.summary.startswith("1 person added, 1 updated")
    # without the mapping, no column is the id: said at the header's row
    with pytest.raises(SheetError) as exc:
        import_sheet(base(), "staff", read_sheet(path, "Team"))
    ((where, message),) = problems(exc)
    assert where == "people.xlsx row 2" and message.startswith("no column for id")


def test_staff_every_problem_in_one_pass_located_by_row_and_column(tmp_path):
    path = tmp_path / "staff.csv"
    path.write_text(
        "Staff ID,Name,Roles,Skills,Contract,Hours\n"
        "A,Ann,RNN,,,\n"  # row 2
        "\n"  # row 3: blank, skipped, still counted
        "H,Hal,RN; PH,wings,fulltime,200\n"  # row 4
        "A,Ann again,RN,,,\n"  # row 5
        ",nobody,RN,,,\n"  # row 6
        "Z z,Zed,RN,,,\n"  # row 7
        "N1,New,,,,\n",  # row 8: new without roles
        encoding="utf-8",
    )
    with pytest.raises(SheetError) as exc:
        import_sheet(base(), "staff", read_sheet(path))
    assert problems(exc) == [
        ("staff.csv row 2, column 'Roles'", "'RNN' is not a role; allowed: PH, RN"),
        ("staff.csv row 4, column 'Skills'", "'wings' is not a skill; allowed: charge"),
        ("staff.csv row 4, column 'Contract'", "'fulltime' is not a contract; allowed: full-time"),
        ("staff.csv row 4, column 'Hours'", "'200' is not hours a week: a number, 0 to 168"),
        ("staff.csv row 5, column 'Staff ID'", "A is on row 2 too; one row a person"),
        ("staff.csv row 6, column 'Staff ID'", "blank id: every row is one person"),
        (
            "staff.csv row 7, column 'Staff ID'",
            "'Z z' is not an id: letters, digits and _ . + - only, starting with a "
            "letter or digit, at most 64",
        ),
        (
            "staff.csv row 8, column 'Roles'",
            "N1 is new to the scenario: give their roles; allowed: PH, RN",
        ),
    ]
    assert str(exc.value).startswith("8 problem(s) in the staff file:")


def test_header_problems_are_listed_together(tmp_path):
    path = tmp_path / "staff.csv"
    path.write_text("who,role,role\nA,RN,RN\n", encoding="utf-8")
    with pytest.raises(SheetError) as exc:
        import_sheet(base(), "staff", read_sheet(path), {"shoe size": "who", "name": "Name"})
    found = problems(exc)
    assert found[0] == (
        "map",
        "'shoe size' is not a field of a staff sheet; fields: "
        "id, name, roles, skills, contract, hours_per_week",
    )
    assert found[1] == (
        "map name",
        "no column 'Name' in staff.csv row 1; its columns: 'who', 'role', 'role'",
    )
    assert found[2][0] == "staff.csv row 1" and found[2][1].startswith("no column for id")
    assert found[3] == ("staff.csv row 1", "2 columns are called 'role'; rename all but one")


# -- leave ------------------------------------------------------------------------------
def test_leave_semicolon_csv_by_name_and_id_with_types():
    done = import_sheet(base(), "leave", read_sheet(LEAVE_CSV))
    assert person(done.data, "C")["leave"] == [
        {"from": "2026-12-12", "to": "2026-12-13", "type": "sick"},
        {"date": "2026-12-14", "type": "study"},
    ]
    assert person(done.data, "D")["leave"] == ["2026-12-14"]
    assert person(done.data, "B")["leave"] == [
        "2026-12-13",
        {"from": "2026-12-11", "to": "2026-12-12"},
    ]
    assert done.summary == "4 leave entries added for 3 people"
    assert done.scenario.leave_of["C"][1] == "sick"
    # the same sheet again adds nothing
    again = import_sheet(done.data, "leave", read_sheet(LEAVE_CSV))
    assert again.data == done.data
    assert again.summary == "0 leave entries added for 0 people; 4 already in the scenario"


def test_leave_xlsx_with_real_dates_and_a_range_in_one_cell(tmp_path):
    path = xlsx(
        tmp_path / "leave.xlsx",
        [
            ["Staff", "From", "To", "Date", "Leave type"],
            ["A", dt.datetime(2026, 12, 11), dt.datetime(2026, 12, 12), None, None],
            ["F", None, None, "2026-12-13..2026-12-14", "Parental"],
        ],
    )
    done = import_sheet(base(), "leave", read_sheet(path))
    assert person(done.data, "A")["leave"] == [{"from": "2026-12-11", "to": "2026-12-12"}]
    assert person(done.data, "F")["leave"] == [
        {"from": "2026-12-13", "to": "2026-12-14", "type": "parental"}
    ]


def test_leave_problems_located(tmp_path):
    path = tmp_path / "leave.csv"
    path.write_text(
        "staff,from,to,type\n"
        "X,2026-12-14,,\n"
        "C,2026-12-14,2026-12-11,holiday\n"
        "D,14/12/2026,,\n"
        "D,,2026-12-12,\n"
        ",,,\n"  # blank: skipped
        "B,2026-12-13,,sick\n",  # B has annual leave that day already
        encoding="utf-8",
    )
    with pytest.raises(SheetError) as exc:
        import_sheet(base(), "leave", read_sheet(path))
    assert problems(exc) == [
        (
            "leave.csv row 2, column 'staff'",
            "'X' is not a staff id nor a name in the scenario; allowed: A, B, C, D, F, P1",
        ),
        (
            "leave.csv row 3, column 'to'",
            "the last day (2026-12-11) is before the first (2026-12-14)",
        ),
        (
            "leave.csv row 3, column 'type'",
            "'holiday' is not a leave type; allowed: annual, parental, sick, study, unpaid",
        ),
        (
            "leave.csv row 4, column 'from'",
            "'14/12/2026' is not a date: write YYYY-MM-DD (e.g. 2027-03-01) or format the "
            "cell as a date",
        ),
        ("leave.csv row 5, column 'from'", "a last day but no first day"),
    ]
    # once those are fixed, the scenario's own check finds the clash, at its row
    path.write_text("staff,from,to,type\nB,2026-12-13,,sick\n", encoding="utf-8")
    with pytest.raises(SheetError) as exc:
        import_sheet(base(), "leave", read_sheet(path))
    ((where, message),) = problems(exc)
    assert where == "leave.csv row 2"
    assert "a day has one leave type" in message and "staff[1] (B).leave[1]" in message


def test_leave_pins_give_way_and_are_counted():
    data = base()
    person(data, "C")["fixed"] = [{"date": "2026-12-14", "shift": "E"}]
    done = import_sheet(data, "leave", read_sheet(LEAVE_CSV))
    assert "fixed" not in person(done.data, "C") or person(done.data, "C")["fixed"] == []
    assert done.summary.endswith("1 pinned shift(s) on those days gave way to the leave")


# -- requests ---------------------------------------------------------------------------
def test_requests_csv():
    done = import_sheet(base(), "requests", read_sheet(REQUESTS_CSV))
    assert person(done.data, "B")["requests"] == [
        {"dates": ["2026-12-11", "2026-12-12"], "want": "off", "weight": 5}
    ]
    assert person(done.data, "C")["requests"] == [
        {"dates": ["2026-12-12..2026-12-14"], "shift": ["L", "N"], "want": "off"},
        {"dates": ["2026-12-11"], "shift": "E", "want": "on", "weight": 2},
    ]
    assert person(done.data, "A")["requests"][-1] == {"dates": ["2026-12-14"], "want": "on"}
    assert done.summary == "4 requests added for 3 people"
    assert len(done.scenario.staff_by_id["C"].requests) == 2


def test_request_problems_located(tmp_path):
    path = xlsx(
        tmp_path / "wishes.xlsx",
        [
            ["staff", "dates", "shift", "want", "weight"],
            ["A", "2026-12-11, someday", "E", "maybe", -1],
            ["Dev", None, "X; N", "off", 2.5],
            ["A", dt.date(2026, 12, 12), None, None, None],
        ],
    )
    with pytest.raises(SheetError) as exc:
        import_sheet(base(), "requests", read_sheet(path))
    assert problems(exc) == [
        (
            "wishes.xlsx row 2, column 'dates'",
            "'someday' is not a date or a range FIRST..LAST: write YYYY-MM-DD "
            "(e.g. 2027-03-01) or format the cell as a date",
        ),
        (
            "wishes.xlsx row 2, column 'want'",
            "'maybe' is not a want; allowed: on, off (yes, no, work)",
        ),
        (
            "wishes.xlsx row 2, column 'weight'",
            "'-1' is not a weight: a whole number, 0 to 1,000,000",
        ),
        ("wishes.xlsx row 3", "no date: give dates, or from (and to)"),
        ("wishes.xlsx row 3, column 'shift'", "'X' is not a shift or duty; allowed: E, L, N"),
        (
            "wishes.xlsx row 3, column 'weight'",
            "'2.5' is not a weight: a whole number, 0 to 1,000,000",
        ),
        ("wishes.xlsx row 4, column 'want'", "blank want: on (to work) or off"),
    ]
    assert exc.value.render().startswith("7 problem(s) in the requests spreadsheet:")


# -- files that are not tables ----------------------------------------------------------
def test_files_that_are_not_tables(tmp_path):
    with pytest.raises(SheetError, match=r"an old \.xls workbook"):
        parse_sheet(b"\xd0\xcf\x11\xe0rest", "staff.xls")
    with pytest.raises(SheetError, match="cannot read it as an XLSX workbook"):
        parse_sheet(b"PK\x03\x04 not really", "staff.xlsx")
    with pytest.raises(SheetError, match="the sheet is empty"):
        parse_sheet(b"\n\n", "staff.csv")
    with pytest.raises(SheetError, match="a header but no rows"):
        parse_sheet(b"id,name\n", "staff.csv")
    with pytest.raises(SheetError, match="not a text table"):
        parse_sheet(b"\x81\x8d\x8f\x90\x9d", "staff.csv")
    book = xlsx(tmp_path / "s.xlsx", [["id"], ["A"]])
    with pytest.raises(SheetError, match="no sheet 'Team'; the sheets: 'Sheet1'"):
        read_sheet(book, "Team")
    with pytest.raises(SheetError, match="cannot read it"):
        read_sheet(tmp_path / "missing.csv")
    # an Excel CSV in Windows-1252 with a byte-order mark-free header
    latin = tmp_path / "latin.csv"
    latin.write_bytes("id,name\nA,Zoë\n".encode("cp1252"))
    assert read_sheet(latin).rows == [(2, ["A", "Zoë"])]


def test_a_bad_scenario_is_its_own_error():
    data = base()
    data["staff"][0]["contract"] = "nope"
    with pytest.raises(ScenarioError):
        import_sheet(data, "staff", read_sheet(STAFF_CSV))


# -- the command line -------------------------------------------------------------------
def test_cli_import_leave_requests_staff_in_turn(tmp_path):
    out = tmp_path / "ward.yaml"
    r = run("import", "leave", LEAVE_CSV, "--into", SMALL, "-o", out)
    assert r.exit_code == 0, r.output + r.stderr
    assert f"wrote {out}: 4 leave entries added for 3 people" in r.output
    r = run("import", "requests", REQUESTS_CSV, "--into", out, "-o", out)
    assert r.exit_code == 0 and "4 requests added for 3 people" in r.output
    r = run("import", "staff", STAFF_CSV, "--into", out, "-o", out)
    assert r.exit_code == 0
    assert "1 person added, 2 updated; 4 in the scenario not in the file: C, D, F, P1" in r.output
    sc = load_scenario(out)
    assert "G" in sc.staff_by_id and sc.leave_of["C"][1] == "sick"
    assert len(sc.staff_by_id["C"].requests) == 2
    assert run("validate", out).exit_code == 0
    # the requests name Ann, now Ann Smith: by name she is not found, said at the row
    r = run("import", "requests", REQUESTS_CSV, "--into", out, "-o", out)
    assert r.exit_code == 2
    assert "requests.csv row 5, column 'staff': 'Ann' is not a staff id nor a name" in r.stderr


def test_cli_map_and_sheet(tmp_path):
    book = xlsx(tmp_path / "p.xlsx", [["Payroll", "Grade"], ["N7", "RN"]], title="People")
    out = tmp_path / "ward.yaml"
    r = run(
        "import",
        "staff",
        book,
        "--into",
        SMALL,
        "-o",
        out,
        "--sheet",
        "People",
        "--map",
        "id=payroll",
        "--map",
        "roles=Grade",
    )
    assert r.exit_code == 0, r.output + r.stderr
    assert "N7" in load_scenario(out).staff_by_id
    r = run("import", "staff", book, "--into", SMALL, "-o", out, "--map", "id")
    assert r.exit_code == 2 and "FIELD=COLUMN" in r.output + r.stderr


def test_cli_bad_rows_exit_2_and_write_nothing(tmp_path):
    bad = tmp_path / "staff.csv"
    bad.write_text("id,roles\nA,RNN\nB,XX\n", encoding="utf-8")
    out = tmp_path / "ward.yaml"
    r = run("import", "staff", bad, "--into", SMALL, "-o", out)
    assert r.exit_code == 2
    assert "staff.csv row 2, column 'roles': 'RNN' is not a role; allowed: PH, RN" in r.stderr
    assert "staff.csv row 3, column 'roles': 'XX' is not a role" in r.stderr
    assert "Traceback" not in r.stderr and not out.exists()
    # a bad scenario to merge into names itself
    broken = tmp_path / "broken.yaml"
    broken.write_text("horizon: 3\n", encoding="utf-8")
    r = run("import", "staff", STAFF_CSV, "--into", broken, "-o", out)
    assert r.exit_code == 2 and "broken.yaml" in r.stderr and not out.exists()

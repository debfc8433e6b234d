"""Names a spreadsheet would run as formulas (``=HYPERLINK(...)``,
``+cmd|...``, ``@SUM``, a leading tab) are written as text in every CSV and
XLSX the product writes, and ``roster check`` still reads the roster back."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
from click.testing import CliRunner
from openpyxl import load_workbook

from roster.cli import main
from roster.files import safe_cell, safe_table
from roster.load import dump_yaml

HOSTILE = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3", "\tTAB"]


def test_safe_cell_neutralises_formulas_not_numbers() -> None:
    assert [safe_cell(v) for v in HOSTILE] == ["'" + v for v in HOSTILE]
    assert [safe_cell(v) for v in ["-3", "+1.5", "-", "Ada", 7, -2.5, None]] == [
        "-3",
        "+1.5",
        "'-",
        "Ada",
        7,
        -2.5,
        None,
    ]
    df = safe_table(pd.DataFrame({"a": ["=1", "x"], "n": [-1, 2]}, index=["@i", "j"]))
    assert list(df["a"]) == ["'=1", "x"] and list(df["n"]) == [-1, 2]
    assert list(df.index) == ["'@i", "j"]


def _scenario(tmp_path: Path) -> Path:
    data = {
        "name": "=cmd|' /C calc'!A0",
        "horizon": {"start": "2026-12-07", "days": 3},
        "shifts": [{"id": "E", "name": "@SUM(1)", "start": "07:00", "end": "15:00"}],
        "roles": [{"id": "RN"}],
        "staff": [
            {"id": "S1", "name": HOSTILE[0], "roles": ["RN"]},
            {"id": "S2", "name": HOSTILE[1], "roles": ["RN"]},
        ],
        "demand": [{"shift": "E", "role": "RN", "min": 1}],
        "rules": [{"kind": "shift_count", "name": HOSTILE[2], "max": 1, "weight": 1}],
    }
    path = tmp_path / "s.yaml"
    with open(path, "w") as fh:
        dump_yaml(data, fh)
    return path


def test_every_written_csv_and_xlsx_is_formula_free(tmp_path: Path) -> None:
    path = _scenario(tmp_path)
    out = tmp_path / "out"
    runner = CliRunner()
    res = runner.invoke(
        main, ["solve", str(path), "-o", str(out), "--xlsx", "--quiet", "--time-limit", "10"]
    )
    assert res.exit_code == 0, res.output
    texts = []
    for f in out.glob("*.csv"):
        with open(f, newline="", encoding="utf-8") as fh:
            texts += [cell for row in csv.reader(fh) for cell in row]
    assert "'" + HOSTILE[0] in texts and "'" + HOSTILE[2] in texts
    assert not [
        t
        for t in texts
        if t[:1] in ("=", "+", "@", "\t", "\r")
        or (t[:1] == "-" and not t.lstrip("-").replace(".", "").isdigit())
    ]
    wb = load_workbook(out / "roster.xlsx")
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row]
    assert not [c for c in cells if c.data_type == "f"]
    assert HOSTILE[0] in [c.value for c in cells]  # the name itself, as text
    # roster check reads the roster back: the names are not ids
    res = runner.invoke(main, ["check", str(path), str(out / "roster.csv")])
    assert res.exit_code == 0, res.output


def test_calendars_take_any_name_and_a_bad_folder_is_an_input_error(tmp_path: Path) -> None:
    from icalendar import Calendar

    data = {
        "name": "Ward\nSeven",
        "horizon": {"start": "2026-12-07", "days": 2},
        "shifts": [{"id": "E", "name": "early\nshift", "start": "07:00", "end": "15:00"}],
        "roles": [{"id": "RN"}],
        "staff": [
            {"id": "S1", "name": "Ada\nLovelace", "roles": ["RN"]},
            {"id": "S2", "name": "Bob;Smith,Jr", "roles": ["RN"]},
        ],
        "demand": [{"shift": "E", "role": "RN", "min": 1}],
    }
    path = tmp_path / "s.yaml"
    with open(path, "w") as fh:
        dump_yaml(data, fh)
    runner = CliRunner()
    out = tmp_path / "out"
    assert runner.invoke(main, ["solve", str(path), "-o", str(out), "--quiet"]).exit_code == 0
    res = runner.invoke(main, ["export", "ical", str(out), "-o", str(tmp_path / "cal")])
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in (tmp_path / "cal").iterdir()) == ["S1.ics", "S2.ics"]
    raw = (tmp_path / "cal" / "S2.ics").read_bytes()
    assert b"X-WR-CALNAME:Bob\\;Smith\\,Jr: Ward Seven" in raw  # TEXT escaping
    cal = Calendar.from_ical((tmp_path / "cal" / "S1.ics").read_bytes())
    assert str(cal["X-WR-CALNAME"]) == "Ada Lovelace: Ward Seven"  # one line
    # a folder whose scenario.json is not a scenario: a located input error
    (out / "scenario.json").write_text("[]")
    res = runner.invoke(main, ["export", "ical", str(out), "-o", str(tmp_path / "cal2")])
    assert res.exit_code == 2 and "must be a mapping" in res.output, res.output

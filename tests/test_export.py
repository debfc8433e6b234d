"""Excel and calendar exports of a roster folder, read back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from icalendar import Calendar
from openpyxl import load_workbook

from roster import ScenarioError, SolveParams, load_scenario, solve, write_result
from roster.cli import main
from roster.export import shift_times, write_ical, write_xlsx
from roster.output import load_folder
from roster.report import PALETTE
from roster.tables import coverage_table, staff_totals
from tests.helpers import BASE, scenario
from tests.helpers import roster as make_roster

DATA = Path(__file__).parent / "data"
UTC = dt.UTC


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("solved")
    sc = load_scenario(DATA / "small.yaml")
    write_result(solve(sc, SolveParams(time_limit=10, workers=1, seed=0)), sc, out, xlsx=True)
    return out


def test_xlsx_grid_colours_and_sheets(folder: Path) -> None:
    sc, roster = load_folder(folder)
    wb = load_workbook(folder / "roster.xlsx")
    assert wb.sheetnames == ["Roster", "Cover", "People", "Penalties"]
    ws = wb["Roster"]
    assert ws.freeze_panes == "D2"
    assert [c.value for c in ws[1]][:3] == ["staff", "name", "role"]
    cells = roster.cells(sc)
    colors = {s.id: PALETTE[i].lstrip("#").upper() for i, s in enumerate(sc.shifts)}
    for i, p in enumerate(sc.staff):
        assert ws.cell(2 + i, 1).value == p.id
        for d in range(sc.horizon.days):
            c = ws.cell(2 + i, 4 + d)
            worked = [t for t, _ in cells.get((p.id, d), [])]
            if worked:
                assert c.value == "+".join(worked)
                assert c.fill.fgColor.rgb.upper().endswith(colors[worked[0]])
            else:
                assert c.value == sc.leave_of[p.id].get(d)
    legend = [r[0].value for r in ws.iter_rows(min_row=len(sc.staff) + 3)]
    assert legend == ["legend", *(s.id for s in sc.shifts)]
    cover = wb["Cover"]
    assert cover.freeze_panes == "A2"
    assert cover.max_row - 1 == len(coverage_table(sc, roster))
    people = {r[0]: r for r in wb["People"].iter_rows(min_row=2, values_only=True)}
    totals = staff_totals(sc, roster)
    assert {k: (v[4], v[5], v[7], v[8], v[9]) for k, v in people.items()} == {
        k: (t["hours"], t["leave_hours"], t["shifts"], t["nights"], t["weekends"])
        for k, t in totals.items()
    }


def test_calendars_have_every_shift_at_its_local_time(folder: Path, tmp_path: Path) -> None:
    sc, roster = load_folder(folder)
    paths = write_ical(tmp_path, sc, roster)
    assert sorted(p.name for p in paths) == sorted(f"{p.id}.ics" for p in sc.staff)
    for p in sc.staff:
        cal = Calendar.from_ical((tmp_path / f"{p.id}.ics").read_bytes())
        events = list(cal.walk("VEVENT"))
        mine = roster.df[roster.df["staff"] == p.id]
        assert len(events) == len(mine)
        for ev, (_, row) in zip(events, mine.sort_values(["date", "shift"]).iterrows()):
            sh = sc.shift_by_id[row["shift"]]
            start, end = ev.decoded("dtstart"), ev.decoded("dtend")
            assert start == dt.datetime.combine(
                row["date"], dt.time(sh.start // 60, sh.start % 60), UTC
            )
            assert end - start == dt.timedelta(minutes=sh.duration)  # UTC: no clock change
            assert row["shift"] in str(ev["summary"])


def _night_scenario(zone: str, start: str):  # type: ignore[no-untyped-def]
    return scenario(timezone=zone, horizon={"start": start, "days": 7})


@pytest.mark.parametrize(
    "start, night, hours",
    [
        ("2026-10-19", "2026-10-24", 11),  # clocks go back at 02:00 on Sunday 25 October
        ("2026-03-23", "2026-03-28", 9),  # and forward at 01:00 on Sunday 29 March
    ],
)
def test_night_shift_across_a_clock_change(
    tmp_path: Path, start: str, night: str, hours: int
) -> None:
    sc = _night_scenario("Europe/London", start)
    day = (dt.date.fromisoformat(night) - dt.date.fromisoformat(start)).days
    roster = make_roster(sc, [("S1", day, "N")])  # N: 21:30 to 07:30 on the ward's clocks
    write_ical(tmp_path, sc, roster)
    ev = Calendar.from_ical((tmp_path / "S1.ics").read_bytes()).walk("VEVENT")[0]
    start_at, end_at = ev.decoded("dtstart"), ev.decoded("dtend")
    london = ZoneInfo("Europe/London")
    assert start_at.tzinfo is not None and str(ev["dtstart"].params["TZID"]) == "Europe/London"
    assert (start_at.astimezone(london).hour, start_at.astimezone(london).minute) == (21, 30)
    assert (end_at.astimezone(london).hour, end_at.astimezone(london).minute) == (7, 30)
    assert end_at.astimezone(london).date() == dt.date.fromisoformat(night) + dt.timedelta(1)
    assert end_at.astimezone(UTC) - start_at.astimezone(UTC) == dt.timedelta(hours=hours)
    assert shift_times(sc, dt.date.fromisoformat(night), "N") == (start_at, end_at)
    # the calendar carries its time zone's definition
    assert [
        str(tz["tzid"])
        for tz in Calendar.from_ical((tmp_path / "S1.ics").read_bytes()).walk("VTIMEZONE")
    ] == ["Europe/London"]


def test_unknown_time_zone_is_bad_input() -> None:
    with pytest.raises(ScenarioError, match="unknown time zone 'Europe/Londn'"):
        scenario(timezone="Europe/Londn")
    assert load_scenario({**BASE}).zone_name == "UTC"


def test_export_commands(folder: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(main, ["export", "xlsx", str(folder), "-o", str(tmp_path / "r.xlsx")])
    assert res.exit_code == 0, res.output
    assert load_workbook(tmp_path / "r.xlsx").sheetnames[0] == "Roster"
    res = runner.invoke(main, ["export", "ical", str(folder), "-o", str(tmp_path / "cal")])
    assert res.exit_code == 0, res.output
    assert len(list((tmp_path / "cal").glob("*.ics"))) == 6
    res = runner.invoke(main, ["export", "xlsx", str(tmp_path), "-o", str(tmp_path / "x.xlsx")])
    assert res.exit_code == 2 and "no scenario.json here" in res.output
    res = runner.invoke(
        main,
        [
            "solve",
            str(DATA / "small.yaml"),
            "-o",
            str(tmp_path / "s"),
            "--xlsx",
            "--quiet",
            "--time-limit",
            "10",
        ],
    )
    assert res.exit_code == 0 and (tmp_path / "s" / "roster.xlsx").exists()


def test_failed_export_leaves_no_file(folder: Path, tmp_path: Path, monkeypatch) -> None:
    sc, roster = load_folder(folder)

    def full(self, fh):  # type: ignore[no-untyped-def]
        fh.write(b"PK\x03\x04 half a workbook")
        raise OSError("disk full")

    monkeypatch.setattr("openpyxl.Workbook.save", full)
    with pytest.raises(OSError, match="disk full"):
        write_xlsx(tmp_path / "r.xlsx", sc, roster)
    assert list(tmp_path.iterdir()) == []

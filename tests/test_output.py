"""What solve writes: roster.csv, grid.csv, coverage.csv, penalties.csv and
summary.json — their layout, their agreement with the checker, and that
each is written atomically."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pandas as pd
import pytest

from helpers import roster as make_roster
from roster import Result, SolveParams, SolveStatus, check, load_scenario, solve, write_result
from roster.files import atomic_write
from roster.tables import coverage_table, staff_totals, summary

DATA = Path(__file__).parent / "data"
FILES = [
    "roster.csv",
    "grid.csv",
    "coverage.csv",
    "penalties.csv",
    "report.html",
    "scenario.json",
    "summary.json",
]


@pytest.fixture(scope="module")
def small():
    return load_scenario(DATA / "small.yaml")


@pytest.fixture(scope="module")
def solved(small):
    result = solve(small, SolveParams(time_limit=10, workers=1, seed=0))
    assert result.status == SolveStatus.OPTIMAL
    return result


@pytest.fixture()
def written(tmp_path, small, solved):
    paths = write_result(solved, small, tmp_path / "out")
    return tmp_path / "out", paths


# -- the Python API's Result --------------------------------------------------------
def test_result_fields(small, solved) -> None:
    assert solved.objective == solved.best_bound == 7
    assert solved.gap == 0
    assert solved.wall_time_s > 0
    assert list(solved.roster.df.columns) == ["staff", "date", "shift", "role"]
    assert all(isinstance(d, dt.date) for d in solved.roster.df["date"])
    report = check(small, solved.roster)
    assert report.feasible and report.total_penalty == solved.objective
    assert solved.violations == list(report.violations)
    assert {v.rule for v in solved.violations if v.penalty} == {"fairness", "requests"}


@pytest.mark.slow
def test_progress_carries_the_bound_cp_sat_proves() -> None:
    """The bound comes from CP-SAT's API as it rises (not from its log, which
    stays off unless asked for), before the first roster too."""
    sc = load_scenario(Path(__file__).parent.parent / "scenarios" / "medical-ward.yaml")
    seen = []
    result = solve(sc, SolveParams(time_limit=20, workers=2, seed=0), progress=seen.append)
    bounds = [p.bound for p in seen if p.bound is not None]
    assert bounds and bounds == sorted(bounds)
    assert result.best_bound is not None and max(bounds) <= result.best_bound


def test_result_without_roster() -> None:
    r = Result(SolveStatus.UNKNOWN, None, None, 1.0, None, None)
    assert r.gap is None and r.violations == [] and not r.status.has_roster


# -- the files ----------------------------------------------------------------------
def test_write_result_writes_every_file(written) -> None:
    out, paths = written
    assert [p.name for p in paths] == FILES
    assert sorted(p.name for p in out.iterdir()) == sorted(FILES)  # no temp files left


def test_files_get_the_usual_permissions(written) -> None:
    """Temp files are made 0600; the published files must follow the umask
    like any other file the user writes."""
    out, _ = written
    mask = os.umask(0)
    os.umask(mask)
    for name in FILES:
        assert (out / name).stat().st_mode & 0o777 == 0o666 & ~mask, name


def test_roster_csv(written, small, solved) -> None:
    out, _ = written
    df = pd.read_csv(out / "roster.csv", dtype=str, keep_default_na=False)
    assert list(df.columns)[:4] == ["staff", "name", "role", "date"]
    assert {"day", "shift", "start", "end", "hours"} <= set(df.columns)
    assert len(df) == len(solved.roster)
    for rec in df.to_dict("records"):
        date = dt.date.fromisoformat(rec["date"])
        start = dt.datetime.fromisoformat(rec["start"])
        end = dt.datetime.fromisoformat(rec["end"])
        sh = small.shift_by_id[rec["shift"]]
        assert start.date() == date
        assert int(rec["day"]) == (date - small.horizon.start).days
        assert (end - start) == dt.timedelta(minutes=sh.duration)
        assert float(rec["hours"]) == sh.paid_minutes / 60
        assert rec["name"] == small.staff_by_id[rec["staff"]].name
        if rec["shift"] == "N":  # 21:30 to 07:30: ends the next day
            assert end.date() == date + dt.timedelta(days=1)
            assert rec["end"].endswith("T07:30+00:00")
        else:
            assert end.date() == date


def test_night_end_is_next_day_in_table(small) -> None:
    r = make_roster(small, [("C", 3, "N"), ("D", 0, "E")])
    table = r.table(small).set_index("staff")
    assert table.at["C", "start"] == "2026-12-14T21:30+00:00"
    assert table.at["C", "end"] == "2026-12-15T07:30+00:00"
    assert table.at["C", "hours"] == 10.0
    assert table.at["D", "end"] == "2026-12-11T15:30+00:00"
    assert table.at["D", "hours"] == 8.0  # 8.5 h less the 30 min break


def test_grid_csv(written, small, solved) -> None:
    out, _ = written
    grid = pd.read_csv(out / "grid.csv", dtype=str, keep_default_na=False)
    assert list(grid.columns) == ["staff", "name"] + [d.isoformat() for d in small.dates]
    assert list(grid["staff"]) == [p.id for p in small.staff]
    for staff, date, shift, _ in solved.roster.df.itertuples(index=False):
        row = grid[grid["staff"] == staff].iloc[0]
        assert row[date.isoformat()] == shift
    cells = grid[[d.isoformat() for d in small.dates]].to_numpy().ravel()
    assert sum(1 for c in cells if c) == len(solved.roster)
    assert grid.loc[grid["staff"] == "B", "2026-12-13"].item() == ""  # on leave


def test_coverage_csv(written, small) -> None:
    out, _ = written
    cov = pd.read_csv(out / "coverage.csv")
    for col in (
        "date",
        "shift",
        "role",
        "min",
        "preferred",
        "max",
        "assigned",
        "shortfall",
        "surplus",
    ):
        assert col in cov.columns
    # 4 days x (E RN, L RN, N RN, E PH)
    assert len(cov) == 16
    assert (cov["shortfall"] == 0).all()
    assert (cov["assigned"] >= cov["min"]).all()
    early_rn = cov[(cov["shift"] == "E") & (cov["role"] == "RN")]
    assert (early_rn["preferred"] == 2).all()


def test_penalties_csv_matches_check(written, small, solved) -> None:
    out, _ = written
    pens = pd.read_csv(out / "penalties.csv", dtype={"staff": str}, keep_default_na=False)
    assert list(pens.columns) == [
        "rule",
        "staff",
        "dates",
        "amount",
        "weight",
        "penalty",
        "message",
    ]
    assert pens["penalty"].sum() == solved.objective
    report = check(small, solved.roster)
    assert sorted(pens["rule"]) == sorted(v.rule for v in report.penalties)
    req = pens[pens["rule"] == "requests"].iloc[0]
    assert (req["staff"], req["dates"], req["amount"], req["weight"], req["penalty"]) == (
        "A",
        "2026-12-12",
        1,
        3,
        3,
    )
    assert (pens["penalty"] == pens["amount"] * pens["weight"]).all()


def test_summary_json(written, small, solved) -> None:
    out, _ = written
    data = json.loads((out / "summary.json").read_text())
    assert data["status"] == "OPTIMAL"
    assert data["scenario"] == "Small ward"
    assert data["objective"] == solved.objective == data["check_total_penalty"]
    assert data["best_bound"] == solved.best_bound
    assert data["gap"] == 0
    assert data["wall_time_s"] >= 0
    assert data["hard_violations"] == 0
    assert data["penalty_by_rule"] == {"fairness": 4, "requests": 3}
    assert sum(data["penalty_by_rule"].values()) == data["objective"]
    assert set(data["staff"]) == {p.id for p in small.staff}
    df = solved.roster.df
    for sid, totals in data["staff"].items():
        assert set(totals) == {
            "hours",
            "leave_hours",
            "shifts",
            "nights",
            "weekends",
            "duties",
            "duty_hours",
        }
        mine = df[df["staff"] == sid]
        assert totals["shifts"] == len(mine)
        assert totals["nights"] == int((mine["shift"] == "N").sum())
        assert totals["hours"] == sum(small.shift_by_id[t].paid_minutes for t in mine["shift"]) / 60
        weekend = {dt.date(2026, 12, 12), dt.date(2026, 12, 13)}
        assert totals["weekends"] == int(bool(set(mine["date"]) & weekend))


def test_staff_totals_by_hand(small) -> None:
    r = make_roster(small, {"A": "N..N", "B": "..E.", "C": ".L.."})  # Fri Sat Sun Mon
    totals = staff_totals(small, r)
    assert totals["A"] == {
        "hours": 20.0,
        "leave_hours": 0,
        "shifts": 2,
        "nights": 2,
        "weekends": 0,
        "duties": 0,
        "duty_hours": 0,
    }
    assert totals["B"] == {
        "hours": 8.0,
        "leave_hours": 0,
        "shifts": 1,
        "nights": 0,
        "weekends": 1,
        "duties": 0,
        "duty_hours": 0,
    }
    assert totals["C"] == {
        "hours": 7.0,
        "leave_hours": 0,
        "shifts": 1,
        "nights": 0,
        "weekends": 1,
        "duties": 0,
        "duty_hours": 0,
    }
    assert totals["D"] == {
        "hours": 0,
        "leave_hours": 0,
        "shifts": 0,
        "nights": 0,
        "weekends": 0,
        "duties": 0,
        "duty_hours": 0,
    }


def test_infeasible_result_writes_only_summary(tmp_path) -> None:
    sc = load_scenario(DATA / "infeasible.yaml")
    result = Result(
        SolveStatus.INFEASIBLE, None, None, 0.5, None, None, explanation=["rule one", "rule two"]
    )
    paths = write_result(result, sc, tmp_path)
    assert [p.name for p in paths] == ["scenario.json", "summary.json"]
    assert sorted(os.listdir(tmp_path)) == ["scenario.json", "summary.json"]
    assert load_scenario(json.loads((tmp_path / "scenario.json").read_text())) == sc
    data = json.loads((tmp_path / "summary.json").read_text())
    assert data["status"] == "INFEASIBLE"
    assert data["objective"] is None and data["best_bound"] is None and data["gap"] is None
    assert data["explanation"] == ["rule one", "rule two"]
    assert "staff" not in data


def test_summary_of_unknown() -> None:
    sc = load_scenario(DATA / "infeasible.yaml")
    data = summary(Result(SolveStatus.UNKNOWN, None, None, 0.25, None, None), sc)
    assert data["status"] == "UNKNOWN" and data["wall_time_s"] == 0.25
    assert "explanation" not in data


def test_empty_coverage_table_has_columns(small) -> None:
    sc = load_scenario(DATA / "small.yaml")
    bare = load_scenario(
        {**json.loads(json.dumps(sc.model_dump(mode="json", by_alias=True))), "demand": []}
    )
    table = coverage_table(bare, make_roster(bare, []))
    assert table.empty
    assert {"min", "preferred", "max", "assigned", "shortfall", "surplus"} <= set(table.columns)


# -- atomic writes --------------------------------------------------------------------
def _failing_to_csv(monkeypatch, fail_on: str = "roster", exc: type[BaseException] = OSError):
    """DataFrame.to_csv that writes half its output, then fails, for one table."""
    real = pd.DataFrame.to_csv

    def to_csv(self, fh=None, *args, **kwargs):
        if fail_on in self.columns or fail_on == "*":
            fh.write("staff,name,role,da")  # a partial header
            fh.flush()
            raise exc("disk full")
        return real(self, fh, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_csv", to_csv)


def _temps(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.startswith(".")]


def test_failed_write_leaves_no_file(tmp_path, small, solved, monkeypatch) -> None:
    out = tmp_path / "out"
    _failing_to_csv(monkeypatch, fail_on="weekday")  # only the roster table has it
    with pytest.raises(OSError, match="disk full"):
        write_result(solved, small, out)
    assert not out.exists()  # no folder at all rather than part of a set
    assert list(tmp_path.iterdir()) == []  # nor a staging folder beside it


def test_failed_write_keeps_the_old_file(tmp_path, small, solved, monkeypatch) -> None:
    out = tmp_path / "out"
    write_result(solved, small, out)
    before = {name: (out / name).read_bytes() for name in FILES}
    _failing_to_csv(monkeypatch, fail_on="shortfall")  # coverage.csv fails
    with pytest.raises(OSError):
        write_result(solved, small, out)
    for name in FILES:
        assert (out / name).read_bytes() == before[name], name
    assert _temps(out) == []
    assert _temps(tmp_path) == []


def test_ctrl_c_while_writing_leaves_no_temp(tmp_path, small, solved, monkeypatch) -> None:
    out = tmp_path / "out"
    _failing_to_csv(monkeypatch, fail_on="weekday", exc=KeyboardInterrupt)
    with pytest.raises(KeyboardInterrupt):
        write_result(solved, small, out)
    assert not out.exists()
    assert _temps(tmp_path) == []


def test_atomic_write_replaces_whole_file(tmp_path) -> None:
    target = tmp_path / "deep" / "x.txt"
    atomic_write(target, lambda fh: fh.write("first"))
    assert target.read_text() == "first"

    def half(fh):
        fh.write("sec")
        raise ValueError("boom")

    with pytest.raises(ValueError):
        atomic_write(target, half)
    assert target.read_text() == "first"
    assert os.listdir(target.parent) == ["x.txt"]
    atomic_write(target, lambda fh: fh.write("second"))
    assert target.read_text() == "second"


def test_failed_summary_keeps_old_summary(tmp_path, small, solved, monkeypatch) -> None:
    write_result(solved, small, tmp_path)
    before = (tmp_path / "summary.json").read_text()

    def bad_dump(*args, **kwargs):
        args[1].write('{"status": "OPT')
        raise OSError("disk full")

    monkeypatch.setattr(json, "dump", bad_dump)
    with pytest.raises(OSError):
        write_result(solved, small, tmp_path)
    assert (tmp_path / "summary.json").read_text() == before
    assert _temps(tmp_path) == []
    assert not list(tmp_path.parent.glob(".roster-*"))


def test_a_run_without_roster_removes_an_earlier_runs_roster_files(tmp_path):
    from roster import Result, SolveStatus, load_scenario, write_result

    sc = load_scenario(DATA / "small.yaml")
    for name in (
        "roster.csv",
        "grid.csv",
        "coverage.csv",
        "penalties.csv",
        "report.html",
        "roster.xlsx",
    ):
        (tmp_path / name).write_text("old\n")
    write_result(Result(SolveStatus.INFEASIBLE, None, None, 1.0, None, None, ["why"]), sc, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scenario.json", "summary.json"]

"""Re-rostering: repair after absences with few changes, and say what changed."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from roster import SolveParams, SolveStatus, check, load_scenario, solve, write_result
from roster.cli import main
from roster.load import read_data
from roster.repair import Absence, count_changes, only_changes, repair
from roster.roster import Roster

DATA = Path(__file__).parent / "data"
SMALL = DATA / "small.yaml"
FRI = dt.date(2026, 12, 11)
PARAMS = SolveParams(time_limit=20, workers=1, seed=0)


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("published")
    sc = load_scenario(SMALL)
    write_result(solve(sc, PARAMS), sc, out)
    return out / "roster.csv"


def _worker_on(published: Path, date: dt.date) -> tuple[str, str]:
    """Someone with a single role who works on ``date``, and their shift."""
    df = pd.read_csv(published)
    row = df[(df["date"] == date.isoformat()) & df["staff"].isin(["A", "C", "D"])].iloc[0]
    return row["staff"], row["shift"]


def test_repair_an_absence(published: Path, tmp_path: Path) -> None:
    sat = FRI + dt.timedelta(days=1)
    who, shift = _worker_on(published, sat)
    done = repair(
        SMALL,
        published,
        absences=[Absence(who, sat, sat)],
        start=sat,
        params=PARAMS,
        outdir=tmp_path,
    )
    result, sc = done.result, done.scenario
    assert result.status == SolveStatus.OPTIMAL
    after = Roster.from_csv(tmp_path / "roster.csv", sc)
    before = Roster.from_csv(published, sc)
    # the absent person is off, Friday (before --from) is as published
    assert (who, sc.day_index(sat)) not in after.cells(sc)

    def friday(r):
        return {k: v for k, v in r.cells(sc).items() if k[1] == 0}

    assert friday(after) == friday(before)
    # the penalty is what the checker finds in the files, changes included
    assert check(sc, after, soft_cover=True).total_penalty == result.objective
    assert load_scenario(read_data(tmp_path / "scenario.json")) == sc
    table = pd.read_csv(tmp_path / "changes.csv", keep_default_na=False)
    assert list(table.columns) == ["staff", "date", "before", "after", "reason"]
    mine = table[table["staff"] == who]
    assert mine.to_dict("records") == [
        {"staff": who, "date": sat.isoformat(), "before": shift, "after": "off", "reason": "absent"}
    ]
    assert len(table) == count_changes(sc, before, after) == len(done.changes)
    # whoever takes the shift over is named as covering it
    takers = table[table["reason"] == f"covers {who}'s {shift}"]
    assert all(takers["after"] == shift)
    # the report marks exactly the changed cells, each with what it was
    html = (tmp_path / "report.html").read_text()
    marked = re.findall(r'<tr data-staff="([^"]+)">(.*?)</tr>', html, re.S)
    cells = {
        (staff, i): td
        for staff, row in marked
        for i, td in enumerate(re.findall(r'<td class="cell[^"]*"[^>]*>', row))
    }
    changed = {k for k, td in cells.items() if " changed" in td.split('"')[1]}
    assert changed == {
        (s, sc.day_index(dt.date.fromisoformat(x))) for s, x in zip(table["staff"], table["date"])
    }
    assert f"changed by the repair: was {shift} (absent)" in cells[(who, sc.day_index(sat))]


def test_fewest_changes(published: Path) -> None:
    """No more changes than a solve that minimises changes alone."""
    sat = FRI + dt.timedelta(days=1)
    who, _ = _worker_on(published, sat)
    absences = [Absence(who, sat, sat)]
    done = repair(SMALL, published, absences=absences, start=sat, params=PARAMS)
    only = only_changes(done.scenario)
    fewest = solve(only, PARAMS.model_copy(update={"soft_cover": True}), hint=done.published)
    assert fewest.status == SolveStatus.OPTIMAL
    before = done.published
    assert count_changes(done.scenario, before, done.result.roster) <= count_changes(
        only, before, fewest.roster
    )


def test_someone_who_left_and_days_already_worked(published: Path, tmp_path: Path) -> None:
    data = read_data(SMALL)
    df = pd.read_csv(published)
    leaver = df[df["staff"].isin(["C", "D"])].iloc[0]["staff"]
    data["staff"] = [p for p in data["staff"] if p["id"] != leaver]
    data["history"].pop(leaver, None)
    edited = tmp_path / "edited.json"
    import json

    edited.write_text(json.dumps(data))
    done = repair(edited, published, start=FRI, params=PARAMS)
    gone = done.changes[done.changes["staff"] == leaver]
    assert len(gone) == len(df[df["staff"] == leaver])
    assert set(gone["reason"]) == {"no longer on the roster"}
    # absent on a day before --from, when they worked it: cannot hold
    sat = FRI + dt.timedelta(days=1)
    who, _ = _worker_on(published, FRI)
    stuck = repair(SMALL, published, absences=[Absence(who, FRI, FRI)], start=sat, params=PARAMS)
    assert stuck.result.status == SolveStatus.INFEASIBLE
    assert any("published" in line for line in stuck.result.explanation)


def test_repair_cli(published: Path, tmp_path: Path) -> None:
    sat = FRI + dt.timedelta(days=1)
    who, _ = _worker_on(published, sat)
    res = CliRunner().invoke(
        main,
        [
            "repair",
            str(SMALL),
            str(published),
            "-o",
            str(tmp_path),
            "--absent",
            f"{who}:{sat}",
            "--from",
            str(sat),
            "--time-limit",
            "20",
            "--workers",
            "1",
        ],
    )
    assert res.exit_code == 0, res.output
    assert "shifts changed" in res.output and (tmp_path / "changes.csv").exists()
    res = CliRunner().invoke(
        main,
        ["check", str(tmp_path / "scenario.json"), str(tmp_path / "roster.csv"), "--soft-cover"],
    )
    assert res.exit_code == 0, res.output


@pytest.mark.parametrize(
    "absent, message",
    [
        ("A", "write STAFF:DATE"),
        ("A:2026-13-01", "write STAFF:DATE or STAFF:DATE..DATE, dates as YYYY-MM-DD"),
        ("A:2026-12-12..2026-12-11", "the last date is before the first"),
        ("ZZ:2026-12-12", "--absent ZZ: unknown staff"),
    ],
)
def test_repair_bad_absence_exit_2(
    published: Path, tmp_path: Path, absent: str, message: str
) -> None:
    res = CliRunner().invoke(
        main, ["repair", str(SMALL), str(published), "-o", str(tmp_path), "--absent", absent]
    )
    assert res.exit_code == 2
    assert message in res.output


# -- who can cover this shift? ----------------------------------------------------
def test_suggest_ranks_who_can_take_a_shift(published: Path) -> None:
    from roster.suggest import suggest

    sc = load_scenario(SMALL)
    roster = Roster.from_csv(published, sc)
    sun = FRI + dt.timedelta(days=2)  # B is on leave on Sunday
    found = suggest(sc, roster, sun, "L")
    assert [c.eligible for c in found] == sorted((c.eligible for c in found), reverse=True)
    able = [c for c in found if c.eligible]
    assert [c.cost for c in able] == sorted(c.cost for c in able)
    # someone can take some shift of the roster (which one depends on it)
    assert any(
        c.eligible
        for d in range(4)
        for t in ("E", "L", "N")
        for c in suggest(sc, roster, FRI + dt.timedelta(days=d), t)
    )
    before = check(sc, roster, soft_cover=True).total_penalty
    for c in found:
        df = roster.df
        mine = (df["staff"] == c.staff) & (df["date"] == sun)
        moved = Roster(
            pd.concat([df[~mine], pd.DataFrame([(c.staff, sun, "L", c.role)], columns=df.columns)])
        )
        after = check(sc, moved, soft_cover=True)
        assert after.feasible == c.eligible
        assert after.total_penalty - before == c.cost
    b = next(c for c in found if c.staff == "B")
    assert not b.eligible and "leave" in b.broken[0]
    assert "P1" not in {c.staff for c in found}  # pharmacists do not work L


def test_suggest_cli(published: Path) -> None:
    res = CliRunner().invoke(
        main,
        ["suggest", str(SMALL), str(published), "--date", "2026-12-13", "--shift", "L", "--all"],
    )
    assert res.exit_code == 0, res.output
    assert "who can take L on Sun 2026-12-13" in res.output and "B cannot:" in res.output
    res = CliRunner().invoke(
        main, ["suggest", str(SMALL), str(published), "--date", "2027-01-01", "--shift", "Q"]
    )
    assert res.exit_code == 2
    assert "unknown shift 'Q'" in res.output and "outside the horizon" in res.output


def test_a_sick_call_over_leave_already_taken_keeps_that_leave() -> None:
    """Bea has annual leave on Sunday 13th; sick Saturday to Monday adds sick
    leave on Saturday and Monday only (a day has one leave type, and she is
    off on Sunday either way); sick on Sunday alone has nothing to repair."""
    from roster.edits import EditError
    from roster.repair import with_absences

    data = read_data(SMALL)
    base = load_scenario(SMALL)
    sat, mon = dt.date(2026, 12, 12), dt.date(2026, 12, 14)
    out = with_absences(data, base, [Absence("B", sat, mon, "sick")])
    [bea] = [p for p in out["staff"] if p["id"] == "B"]
    assert bea["leave"][1:] == [
        {"date": "2026-12-12", "type": "sick"},
        {"date": "2026-12-14", "type": "sick"},
    ]
    scenario = load_scenario(out)
    assert scenario.leave_of["B"] == {1: "sick", 2: "annual", 3: "sick"}
    sun = dt.date(2026, 12, 13)
    with pytest.raises(EditError, match="already on leave every day"):
        with_absences(data, base, [Absence("B", sun, sun, "sick")])

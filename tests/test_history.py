"""Week to week: the previous roster's last days become history, its totals
carry over."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from roster import check, load_scenario
from roster.cli import main
from roster.roster import Roster

DATA = Path(__file__).parent / "data"
SMALL = DATA / "small.yaml"
FAST = ["--quiet", "--time-limit", "20", "--workers", "1"]


def run(*args: str) -> None:
    res = CliRunner().invoke(main, [*args, *FAST])
    assert res.exit_code == 0, res.output


@pytest.fixture(scope="module")
def weeks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("weeks")
    run("solve", str(SMALL), "-o", str(root / "1"))  # Fri 11 to Mon 14 Dec
    run(
        "solve",
        str(SMALL),
        "-o",
        str(root / "2"),
        "--start",
        "2026-12-15",
        "--history",
        str(root / "1"),
    )
    # a week later (19-20 Dec are not rostered here: days off in the history)
    run(
        "solve",
        str(SMALL),
        "-o",
        str(root / "3"),
        "--start",
        "2026-12-21",
        "--history",
        str(root / "2" / "roster.csv"),
    )
    return root


def _data(folder: Path) -> dict:
    return json.loads((folder / "scenario.json").read_text())


def test_history_is_the_last_days_of_the_previous_roster(weeks: Path) -> None:
    first = pd.read_csv(weeks / "1" / "roster.csv")
    second = _data(weeks / "2")
    assert second["horizon"] == {"start": "2026-12-15", "days": 4}
    for staff, codes in second["history"].items():
        mine = first[first["staff"] == staff].set_index("date")["shift"]
        last4 = [mine.get(f"2026-12-{d}", "-") for d in (11, 12, 13, 14)]
        assert codes[-4:] == last4
    # before the first roster: the first scenario's own history (A: N, N)
    assert second["history"]["A"][:2] == ["N", "N"]
    assert all(codes[-2:] == ["-", "-"] for codes in _data(weeks / "3")["history"].values())


def test_totals_carry_over_and_add_up(weeks: Path) -> None:
    first = pd.read_csv(weeks / "1" / "roster.csv")
    second = pd.read_csv(weeks / "2" / "roster.csv")
    carry2, carry3 = _data(weeks / "2")["carry"], _data(weeks / "3")["carry"]
    sc = load_scenario(SMALL)
    nights = {s.id for s in sc.shifts if s.is_night}
    for staff in ("A", "C", "D"):
        n1 = first[(first["staff"] == staff) & first["shift"].isin(nights)].shape[0]
        n2 = second[(second["staff"] == staff) & second["shift"].isin(nights)].shape[0]
        assert carry2[staff]["nights"] == n1
        assert carry3[staff]["nights"] == n1 + n2
        assert carry3[staff]["shifts"] == len(first[first["staff"] == staff]) + len(
            second[second["staff"] == staff]
        )
        assert carry3[staff]["hours"] == pytest.approx(
            first[first["staff"] == staff]["hours"].sum()
            + second[second["staff"] == staff]["hours"].sum()
        )
    assert carry2["B"]["days"] == 3  # on leave on Sunday 13th
    assert carry2["A"]["requests"] == 1  # A asked for Saturday 12th off


def test_each_week_scores_as_solved(weeks: Path) -> None:
    for week in ("2", "3"):
        sc = load_scenario(_data(weeks / week))
        roster = Roster.from_csv(weeks / week / "roster.csv", sc)
        summary = json.loads((weeks / week / "summary.json").read_text())
        assert check(sc, roster).total_penalty == summary["objective"]


def test_not_a_roster_folder_is_bad_input(tmp_path: Path) -> None:
    res = CliRunner().invoke(
        main, ["solve", str(SMALL), "-o", str(tmp_path / "o"), "--history", str(tmp_path), *FAST]
    )
    assert res.exit_code == 2
    assert "no scenario.json here: give a folder written by roster solve" in res.output


def test_history_from_another_units_folder_is_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import pytest

    from roster import ScenarioError, load_scenario
    from roster.history import carried_data
    from tests.helpers import BASE
    from tests.helpers import roster as make_roster

    before = load_scenario(BASE)
    other = {**BASE, "staff": [{"id": "X1", "roles": ["RN"]}]}
    monday = before.dates[-1] + (before.dates[1] - before.dates[0])
    ros = make_roster(before, {"S1": "E......"})
    with pytest.raises(ScenarioError, match="shares no staff"):
        carried_data(other, monday, before, ros)
    with pytest.raises(ScenarioError, match="not before this one"):
        carried_data(BASE, before.dates[0], before, ros)

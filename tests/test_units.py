"""Generated hospital units (roster.generate) and ``roster bench units``."""

from __future__ import annotations

import csv
import itertools
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from roster import Roster, SolveParams, check, load_scenario, solve
from roster.cli import main
from roster.constraints import Rule
from roster.generate import FORBIDDEN, HISTORY_DAYS, STANDARD, name, parse_sizes, unit

ROOT = Path(__file__).resolve().parents[1]


def test_a_seed_gives_the_same_unit_and_another_seed_another():
    assert unit(30, 28, seed=0) == unit(30, 28, seed=0)
    assert unit(30, 28, seed=1) != unit(30, 28, seed=0)
    assert unit(30, 28, seed=1)["name"] == "unit-30x28-s1"


def test_a_short_staffed_unit_is_the_same_ward_asking_for_more_cover():
    usual, short = unit(30, 28), unit(30, 28, short=True)
    assert short["name"] == "unit-30x28-short"
    assert short["staff"] == usual["staff"] and short["history"] == usual["history"]
    preferred = [
        (d.get("preferred"), s.get("preferred")) for d, s in zip(usual["demand"], short["demand"])
    ]
    assert all(s >= u for u, s in preferred if u is not None)
    assert sum(s for _, s in preferred if s) > sum(u for u, _ in preferred if u)
    load_scenario(short)


def test_four_and_eight_weeks_are_the_same_ward():
    four, eight = unit(30, 28), unit(30, 56)
    people = [(p["id"], p["contract"], p.get("skills")) for p in four["staff"]]
    assert people == [(p["id"], p["contract"], p.get("skills")) for p in eight["staff"]]
    assert four["history"] == eight["history"]


@pytest.mark.parametrize("staff, days", STANDARD)
def test_every_standard_unit_is_a_valid_scenario(staff, days):
    data = unit(staff, days)
    sc = load_scenario(data)
    assert sc.name == name(staff, days) == f"unit-{staff}x{days}"
    assert len(sc.staff) == staff and sc.horizon.days == days
    assert 3 <= len(sc.shifts) <= 4
    assert {c.id for c in sc.contracts} == {"full-time", "part-time", "nights"}
    assert {p.contract for p in sc.staff} == {"full-time", "part-time", "nights"}
    # a hard charge nurse on every 8-hour shift; hard minima and soft preferred levels
    charge = {
        d.shift for d in sc.demand if d.skill == "charge" and d.min == 1 and d.min_weight is None
    }
    assert charge == {"E", "L", "N"}
    assert all(
        d.preferred is not None and d.under_weight > 0 for d in sc.demand if d.skill != "charge"
    )
    assert any(p.leave for p in sc.staff) and any(p.requests for p in sc.staff)
    rules = [i.rule for i in sc.rule_instances if isinstance(i.rule, Rule)]
    assert sum(r.weight is not None for r in rules) > len(rules) / 2  # mostly soft, as Curtois


@pytest.mark.parametrize("staff, days", STANDARD)
def test_history_keeps_the_hard_sequence_rules(staff, days):
    sc = load_scenario(unit(staff, days))
    for person in sc.staff:
        codes = sc.history_of(person.id)
        assert len(codes) == HISTORY_DAYS
        for a, b in itertools.pairwise(codes):
            assert b not in FORBIDDEN.get(a or "", ()), (person.id, codes)
        if person.contract == "nights":
            assert set(codes) <= {"N", None}


def test_the_standard_set_has_units_with_and_without_long_days():
    assert {len(unit(s, d)["shifts"]) for s, d in STANDARD} == {3, 4}


def test_sizes_parse():
    assert parse_sizes("30x28, 120X56") == [(30, 28), (120, 56)]
    assert parse_sizes("standard") == list(STANDARD)
    with pytest.raises(ValueError):
        parse_sizes("30")
    with pytest.raises(ValueError):
        unit(5, 28)


@pytest.mark.slow
def test_the_smallest_unit_solves_to_a_feasible_roster_that_check_scores_the_same():
    sc = load_scenario(unit(30, 28))
    result = solve(sc, SolveParams(time_limit=5, workers=2, seed=0, explain=False))
    assert result.roster is not None, result.status
    report = check(sc, result.roster)
    assert report.feasible
    assert report.total_penalty == result.objective


def test_bench_units_writes_the_table_the_units_and_checkable_rosters(tmp_path):
    out = tmp_path / "units.csv"
    md = tmp_path / "RESULTS.md"
    res = CliRunner().invoke(
        main,
        [
            "bench",
            "units",
            "--sizes",
            "30x28",
            "--time-limit",
            "6",  # a first roster takes about 1 s alone, longer on a loaded machine
            "--workers",
            "2",
            "-o",
            str(out),
            "--markdown",
            str(md),
        ],
    )
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(out.open()))
    assert list(rows[0]) == [
        "instance",
        "staff",
        "days",
        "status",
        "objective",
        "best_bound",
        "gap_pct",
        "first_roster_s",
        "best_roster_s",
        "wall_s",
        "peak_mb",
    ]
    row = rows[0]
    assert (row["instance"], row["staff"], row["days"]) == ("unit-30x28", "30", "28")
    assert row["status"] in ("FEASIBLE", "OPTIMAL")
    folder = tmp_path / "units-rosters"
    sc = load_scenario(folder / "unit-30x28.yaml")
    assert sc == load_scenario(unit(30, 28))
    roster = Roster.from_csv(folder / "unit-30x28.csv", sc)
    assert check(sc, roster).total_penalty == float(row["objective"])
    assert "| unit-30x28 | 30 | 28 |" in md.read_text()


def test_bench_units_refuses_bad_input_before_solving(tmp_path):
    runner = CliRunner()
    res = runner.invoke(main, ["bench", "units", "--sizes", "10x28", "-o", str(tmp_path / "r.csv")])
    assert res.exit_code == 2 and "at least 20 staff" in res.output
    (tmp_path / "bad.yaml").write_text("name: x\n")
    res = runner.invoke(
        main, ["bench", "units", "--scenarios", str(tmp_path), "-o", str(tmp_path / "r.csv")]
    )
    assert res.exit_code == 2 and "bad.yaml" in res.output
    assert not (tmp_path / "r.csv").exists()


def test_the_script_writes_the_units_as_scenario_files(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # this checkout's roster, installed or not
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "units.py"),
            "-o",
            str(tmp_path),
            "--sizes",
            "30x28,60x56",
            "--seed",
            "2",
        ],
        check=True,
        env=env,
        capture_output=True,
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "unit-30x28-s2.yaml",
        "unit-60x56-s2.yaml",
    ]
    assert load_scenario(tmp_path / "unit-60x56-s2.yaml") == load_scenario(unit(60, 56, 2))

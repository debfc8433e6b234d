"""Every shipped example: it loads, solves (or explains why not), and the
checker's total equals the solver's objective."""

from __future__ import annotations

from pathlib import Path

import pytest

from roster import SolveParams, SolveStatus, check, load_scenario, solve

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
FEASIBLE = sorted(p for p in SCENARIOS.glob("*.yaml") if not p.name.startswith("infeasible"))


def test_the_examples_are_there():
    names = {p.name for p in SCENARIOS.glob("*.yaml")}
    assert {"medical-ward.yaml", "icu-4-weeks.yaml", "infeasible-ward.yaml"} <= names


@pytest.mark.slow
@pytest.mark.parametrize("path", FEASIBLE, ids=lambda p: p.stem)
def test_example_solves_and_check_agrees(path):
    sc = load_scenario(path)
    result = solve(sc, SolveParams(time_limit=20, workers=2, seed=0))
    assert result.status.has_roster
    report = check(sc, result.roster)
    assert report.feasible, report.hard_violations[:3]
    assert report.total_penalty == result.objective
    assert result.best_bound <= result.objective


def test_infeasible_example_is_explained_and_soft_cover_gives_a_roster():
    sc = load_scenario(SCENARIOS / "infeasible-ward.yaml")
    result = solve(sc, SolveParams(time_limit=20, workers=2, seed=0))
    assert result.status == SolveStatus.INFEASIBLE
    assert result.explanation and len(result.explanation) <= 5
    assert any("on leave" in line for line in result.explanation)
    soft = solve(sc, SolveParams(time_limit=20, workers=2, seed=0, soft_cover=True))
    assert soft.status.has_roster
    assert check(sc, soft.roster, soft_cover=True).total_penalty == soft.objective
    assert not check(sc, soft.roster).feasible  # the shortfall is real

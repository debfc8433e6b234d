"""Neighbourhood search end to end: the roster it returns is checked, its
objective is the checker's, and the bound never exceeds it."""

from __future__ import annotations

from pathlib import Path

import pytest

from roster import SolveParams, SolveStatus, check, load_scenario, solve
from roster.model.lns import Search

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


# the search scores cover softly: restoring hard minima over four weeks can
# take it longer than a test should wait, so the ICU runs with soft cover
@pytest.mark.parametrize("name, soft_cover, seconds", [
    ("medical-ward.yaml", False, 15), ("icu-4-weeks.yaml", True, 10)])
def test_lns_builds_a_roster_from_nothing_that_the_checker_accepts(name, soft_cover, seconds):
    sc = load_scenario(SCENARIOS / name)
    result = solve(sc, SolveParams(time_limit=seconds, workers=2, seed=0, strategy="lns",
                                   soft_cover=soft_cover))
    assert result.status in (SolveStatus.FEASIBLE, SolveStatus.OPTIMAL)
    report = check(sc, result.roster, soft_cover=soft_cover)
    assert report.feasible, report.hard_violations
    assert result.objective == report.total_penalty
    assert result.best_bound is not None and result.best_bound <= result.objective


def test_search_steps_never_make_the_roster_worse():
    sc = load_scenario(SCENARIOS / "icu-4-weeks.yaml")
    search = Search(sc, workers=1, seed=3)
    import time

    cells = search.construct(time.perf_counter() + 20)
    assert cells is not None
    scores = [check(sc, search.roster(cells), soft_cover=True).total_penalty]

    def record(new, gain):  # type: ignore[no-untyped-def]
        scores.append(check(sc, search.roster(new), soft_cover=True).total_penalty)
        assert scores[-2] - scores[-1] == gain

    search.improve(cells, time.perf_counter() + 6, record)
    assert scores == sorted(scores, reverse=True)


def test_hint_is_the_starting_point():
    sc = load_scenario(SCENARIOS / "medical-ward.yaml")
    first = solve(sc, SolveParams(time_limit=10, workers=2, seed=0))
    again = solve(sc, SolveParams(time_limit=2, workers=2, seed=1, strategy="lns"),
                  hint=first.roster)
    assert again.objective <= first.objective

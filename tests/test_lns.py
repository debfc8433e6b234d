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
@pytest.mark.parametrize(
    "name, soft_cover, seconds", [("medical-ward.yaml", False, 15), ("icu-4-weeks.yaml", True, 10)]
)
@pytest.mark.slow
def test_lns_builds_a_roster_from_nothing_that_the_checker_accepts(name, soft_cover, seconds):
    sc = load_scenario(SCENARIOS / name)
    result = solve(
        sc,
        SolveParams(time_limit=seconds, workers=2, seed=0, strategy="lns", soft_cover=soft_cover),
    )
    assert result.status in (SolveStatus.FEASIBLE, SolveStatus.OPTIMAL)
    report = check(sc, result.roster, soft_cover=soft_cover)
    assert report.feasible, report.hard_violations
    assert result.objective == report.total_penalty
    assert result.best_bound is not None and result.best_bound <= result.objective


@pytest.mark.slow
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


@pytest.mark.slow
def test_hint_is_the_starting_point():
    sc = load_scenario(SCENARIOS / "medical-ward.yaml")
    first = solve(sc, SolveParams(time_limit=10, workers=2, seed=0))
    again = solve(
        sc, SolveParams(time_limit=2, workers=2, seed=1, strategy="lns"), hint=first.roster
    )
    assert again.objective <= first.objective


@pytest.mark.parametrize("processes", [1, 2])
def test_construction_places_every_group_in_one_or_more_processes(processes):
    import time

    from ruamel.yaml import YAML

    # without cover maxima no hard rule spans people, so groups may be placed
    # at once in worker processes
    data = YAML(typ="safe").load((SCENARIOS / "icu-4-weeks.yaml").read_text())
    for dm in data["demand"]:
        dm.pop("max", None)
    sc = load_scenario(data)
    search = Search(sc, workers=1, seed=1)
    assert not search.hard_across_people()
    cells = search.construct(time.perf_counter() + 60, processes=processes)
    assert cells is not None, search.steps
    report = check(sc, search.roster(cells), soft_cover=True)
    assert report.feasible, report.hard_violations
    group = max(1, int(search.size) // sc.horizon.days)
    found = [s for s in search.steps if s.status in ("FEASIBLE", "OPTIMAL")]
    assert len(found) == -(-len(sc.staff) // group)  # each group placed once


def test_groups_are_placed_one_at_a_time_when_a_hard_rule_spans_people():
    import time

    sc = load_scenario(SCENARIOS / "icu-4-weeks.yaml")  # at most one charge nurse a shift
    search = Search(sc, workers=1, seed=1)
    assert search.hard_across_people()
    cells = search.construct(time.perf_counter() + 60, processes=2)
    assert cells is not None
    assert check(sc, search.roster(cells), soft_cover=True).feasible


def test_construction_gives_up_when_someones_own_rules_cannot_hold():
    import time

    from helpers import scenario

    # seven days cannot hold eight shifts: local search finds nothing, the
    # complete search proves it, and construction stops at once
    sc = scenario(rules=[{"kind": "shift_count", "min": 8}])
    search = Search(sc, workers=1, seed=0)
    assert search.construct(time.perf_counter() + 60) is None
    assert search.steps[-1].status == "INFEASIBLE"


def test_construction_learns_which_attempt_places_people_cheapest():
    import time

    sc = load_scenario(SCENARIOS / "medical-ward.yaml")
    search = Search(sc, workers=1, seed=0)
    assert search.attempt_order() == [0, 1]  # local search first while nothing is known
    cells = search.construct(time.perf_counter() + 60)
    assert cells is not None
    placed = sum(1 for s in search.steps if s.status in ("FEASIBLE", "OPTIMAL"))
    assert sum(n for _, n in search.attempt_stats) == placed
    assert sum(sec for sec, _ in search.attempt_stats) == pytest.approx(
        sum(s.seconds for s in search.steps)
    )
    # local search spent 3 s and placed nobody, the complete search placed
    # two people in 1.2 s: the complete search goes first from now on
    search.attempt_stats = [[3.0, 0], [1.2, 2]]
    assert search.attempt_order() == [1, 0]
    # one miss of an attempt that places people cheaply does not demote it
    search.attempt_stats = [[4.0, 20], [2.5, 1]]
    assert search.attempt_order() == [0, 1]

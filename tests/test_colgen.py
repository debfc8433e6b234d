"""Decomposition: the bound is a bound, columns cost what the checker says,
and the master scores an integral choice as the roster's penalty."""

from __future__ import annotations

import math
import random
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from test_optimality import brute_force, scenarios

from roster import Roster, SolveParams, SolveStatus, check, load_scenario, solve
from roster.importers.curtois import read
from roster.model.colgen import ColumnGeneration, Infeasible
from roster.model.colgen.pricing import Pricer
from roster.model.solve import _Run

DATA = Path(__file__).resolve().parent / "data"
CURTOIS = DATA / "curtois"


def converge(sc, processes: int = 1, seconds: float = 60) -> ColumnGeneration:  # type: ignore[no-untyped-def]
    with ColumnGeneration(sc, processes=processes) as cg:
        cg.run(time.perf_counter() + seconds, threading.Event())
    return cg


def alone(sc, staff: str, cells) -> Roster:  # type: ignore[no-untyped-def]
    """A roster of one person's schedule (others off)."""
    rows = [(staff, sc.dates[d], sc.shifts[t].id, sc.roles[r].id) for d, t, r in cells]
    return Roster(pd.DataFrame(rows, columns=["staff", "date", "shift", "role"]))


def own_penalty(sc, staff: str, cells) -> tuple[int, bool]:  # type: ignore[no-untyped-def]
    report = check(sc, alone(sc, staff, cells), linking=False)
    mine = [v for v in report.violations if v.staff == staff]
    return sum(v.penalty for v in mine), not any(v.hard for v in mine)


@settings(
    max_examples=30, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@pytest.mark.slow
@given(scenarios())
def test_bound_never_exceeds_the_exhaustive_optimum(data):
    sc = load_scenario(data)
    expected = brute_force(sc)
    try:
        cg = converge(sc)
    except Infeasible:
        assert expected is None  # a person's own hard rules cannot hold
        return
    if expected is not None:
        assert math.ceil(cg.bound - 1e-6) <= expected
        assert cg.converged


def test_every_column_costs_what_the_checker_says():
    sc = load_scenario(DATA / "small.yaml")
    cg = converge(sc, seconds=20)
    assert len(cg.pool) > len(sc.staff)  # pricing found more than the first schedules
    for cols in cg.by_staff.values():
        for col in cols:
            cost, feasible = own_penalty(sc, sc.staff[col.staff].id, col.cells)
            assert feasible and col.cost == cost


def test_pricing_bound_holds_when_stopped_early():
    """CP-SAT's bound of a pricing call cut short is still below the
    person's true minimum at those duals (computed to optimality)."""
    sc = load_scenario(read(CURTOIS / "Instance3.txt"))
    cg = ColumnGeneration(sc)
    rng = random.Random(3)
    duals = [rng.uniform(*cg.rows.box(i)) * 0.3 for i in range(len(cg.rows.rows))]
    with Pricer(sc, cg.index, cg.blocked) as pricer:
        for s in range(0, len(sc.staff), 4):
            cells = cg.rows.cell_duals(s, duals)
            quick = next(pricer.price([(s, cells, 0.0, 0.01, 5, 0)]))
            exact = next(pricer.price([(s, cells, 0.0, 30.0, 5, 0)]))
            best = min(c.cost - sum(cells.get(x, 0.0) for x in c.cells) for c in exact.columns)
            assert quick.bound <= best + 1e-6
            assert exact.bound <= best + 1e-6 and exact.bound >= best - 1e-2


def test_the_master_scores_an_integral_choice_as_the_roster():
    sc = load_scenario(read(CURTOIS / "Instance2.txt"))
    roster = solve(sc, SolveParams(time_limit=5, workers=1, strategy="cpsat")).roster
    assert roster is not None
    cg = ColumnGeneration(sc)
    cg.add(cg.columns_of(roster))  # one column each: the convexity rows choose it
    value, *_ = cg.master.solve()
    assert value == pytest.approx(check(sc, roster).total_penalty)


@pytest.mark.parametrize("i, optimum", [(2, 828), (3, 1001)])
def test_bound_reaches_the_proven_optimum_on_small_curtois(i, optimum):
    cg = converge(load_scenario(read(CURTOIS / f"Instance{i}.txt")), processes=2)
    assert cg.converged and math.ceil(cg.bound - 1e-6) == optimum


def test_cg_strategy_gives_a_checked_roster_and_a_real_bound():
    sc = load_scenario(read(CURTOIS / "Instance3.txt"))
    res = solve(sc, SolveParams(time_limit=20, workers=2, strategy="cg", explain=False))
    assert res.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)
    assert res.objective == check(sc, res.roster).total_penalty
    assert res.best_bound == 1001  # from column generation: CP-SAT alone proves far less
    assert res.objective >= res.best_bound


def test_a_person_whose_own_hard_rules_cannot_hold_is_infeasible():
    sc = load_scenario(DATA / "small.yaml")
    data = sc.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["rules"].append({"kind": "shift_count", "min": 99})
    with pytest.raises(Infeasible):
        converge(load_scenario(data), seconds=10)


def test_cpsat_objective_describes_only_the_roster_kept():
    sc = load_scenario(DATA / "small.yaml")
    run = _Run(sc, SolveParams(), None)
    empty = Roster(pd.DataFrame(columns=["staff", "date", "shift", "role"]))
    run.offer(empty, 10, cpsat_objective=10.0)
    assert run.cpsat_objective == 10.0
    run.offer(empty, 7)  # a better roster from the search
    assert run.cpsat_objective is None


def test_cp_sat_held_to_the_lp_schedules_gives_a_checked_roster():
    sc = load_scenario(read(CURTOIS / "Instance3.txt"))
    with ColumnGeneration(sc, processes=1) as cg:
        cg.run(time.perf_counter() + 30, threading.Event())
        held = [cg.allowed(extra) for extra in (0, 1, 2)]
        assert held[0] <= held[1] <= held[2] and held[0] != held[2]
        lp = {(s, d, t) for (s, d), (t, _, _) in cg.cells(cg.largest()).items()}
        assert lp <= held[0]
        run = _Run(sc, SolveParams(time_limit=20, workers=1, explain=False), None)
        run.deadline = time.perf_counter() + 10
        run.from_lp(cg, finite=True)
    assert run.best is not None  # Curtois cover is soft: any placement is a roster
    assert run.best_objective == check(sc, run.best).total_penalty
    assert run.best_objective <= check(sc, cg.roster(cg.largest())).total_penalty

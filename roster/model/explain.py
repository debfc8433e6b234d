"""Why the hard rules cannot all hold: a small set of conflicting rule
instances, found with assumption literals and shrunk by deletion."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from roster.model.build import build

if TYPE_CHECKING:
    from roster.model.solve import SolveParams
    from roster.scenario import Scenario


def _infeasible(
    model: cp_model.CpModel, lits: list, seconds: float, seed: int
) -> tuple[bool, list[int]]:
    """Solve under these assumptions; (infeasible?, core as literal indexes)."""
    model.clear_assumptions()
    model.add_assumptions(lits)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1  # cores come from the sequential search
    solver.parameters.max_time_in_seconds = max(seconds, 0.05)
    solver.parameters.random_seed = seed
    solver.parameters.catch_sigint_signal = False
    status = solver.solve(model)
    if status != cp_model.INFEASIBLE:
        return False, []
    return True, list(solver.sufficient_assumptions_for_infeasibility())


def explain(scenario: Scenario, params: SolveParams) -> list[str]:
    """Sentences naming a small set of hard rules that cannot hold together.

    The set is minimal (no sentence can be dropped) when the time allows.
    """
    deadline = time.perf_counter() + params.explain_time_limit
    ctx = build(scenario, explain=True)
    entries = list(ctx.assumptions.values())
    if not entries:
        return [
            "the structural rules (one shift a day, no overlaps, roles) cannot hold "
            "with the history and pinned shifts"
        ]
    lits = [lit for lit, _ in entries]
    by_index = {lit.index: i for i, lit in enumerate(lits)}
    ok, core = _infeasible(ctx.model, lits, deadline - time.perf_counter(), params.seed)
    if not ok:
        return ["no small reason found within the time limit; every hard rule is involved"]
    current = [by_index[i] for i in core if i in by_index] or list(range(len(lits)))
    # deletion: drop each member in turn, keep the drop if still infeasible
    k = 0
    while k < len(current) and time.perf_counter() < deadline:
        trial = current[:k] + current[k + 1 :]
        left = deadline - time.perf_counter()
        ok, core = _infeasible(ctx.model, [lits[i] for i in trial], min(left, 5.0), params.seed)
        if ok:
            smaller = [by_index[i] for i in core if i in by_index]
            current = [i for i in trial if i in set(smaller)] if smaller else trial
        else:
            k += 1
    return sorted(entries[i][1] for i in current)

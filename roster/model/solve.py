"""Solving: parameters, the CP-SAT run (interruptible, with live progress),
and the Result, always scored by the independent checker."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ortools.sat import sat_parameters_pb2
from ortools.sat.python import cp_model
from pydantic import BaseModel, ConfigDict, Field, field_validator

from roster.check import check
from roster.model.build import build
from roster.result import Result, SolveStatus
from roster.roster import Roster
from roster.scenario import Scenario

_SAT_FIELDS = {f.name for f in sat_parameters_pb2.SatParameters.DESCRIPTOR.fields}


class SolveParams(BaseModel):
    """Everything that steers one solve."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    time_limit: float | None = Field(60.0, gt=0, description="seconds; None = no limit")
    workers: int = Field(0, ge=0, description="CP-SAT search workers; 0 = all cores")
    seed: int = Field(0, ge=0, description="random seed, for repeatable runs")
    log: bool = Field(False, description="print CP-SAT's search log")
    soft_cover: bool = Field(False, description="hard cover minima become heavily weighted soft")
    explain: bool = Field(True, description="when infeasible, find conflicting rules")
    explain_time_limit: float = Field(30.0, gt=0, description="seconds for the explanation")
    target: int | None = Field(
        None, description="stop as soon as a roster with at most this penalty is found"
    )
    extra: dict[str, Any] = Field({}, description="other CP-SAT parameters, by name")

    @field_validator("extra")
    @classmethod
    def _known(cls, extra: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(extra) - _SAT_FIELDS)
        if unknown:
            raise ValueError(f"unknown CP-SAT parameter(s): {', '.join(unknown)}")
        return extra


@dataclass
class Progress:
    elapsed: float
    objective: float | None
    bound: float | None
    solutions: int

    @property
    def gap(self) -> float | None:
        if self.objective is None or self.bound is None:
            return None
        return abs(self.objective - self.bound) / max(1.0, abs(self.objective))


_STATUS = {
    cp_model.OPTIMAL: SolveStatus.OPTIMAL,
    cp_model.FEASIBLE: SolveStatus.FEASIBLE,
    cp_model.INFEASIBLE: SolveStatus.INFEASIBLE,
    cp_model.UNKNOWN: SolveStatus.UNKNOWN,
}
_BOUND = re.compile(r"next:\[\s*([-\d.e+]+)")


class _Watcher(cp_model.CpSolverSolutionCallback):
    """Records objective and bound as the search goes."""

    def __init__(self, start: float, target: int | None = None):
        super().__init__()
        self.start = start
        self.target = target
        self.state = Progress(0.0, None, None, 0)
        self.first_solution_s: float | None = None
        self.best_solution_s: float | None = None
        self.lock = threading.Lock()

    def on_solution_callback(self) -> None:
        with self.lock:
            now = time.perf_counter() - self.start
            if self.first_solution_s is None:
                self.first_solution_s = now
            self.best_solution_s = now
            if self.target is not None and self.objective_value <= self.target + 1e-6:
                self.stop_search()
            self.state = Progress(now, self.objective_value, self.best_objective_bound,
                                  self.state.solutions + 1)

    def on_log(self, line: str) -> None:
        match = _BOUND.search(line)
        if match and line.startswith("#"):
            with self.lock:
                bound = float(match.group(1))
                if self.state.bound is None or bound > self.state.bound:
                    self.state = Progress(self.state.elapsed, self.state.objective, bound,
                                          self.state.solutions)


def _whole(value: float) -> float:
    near = round(value)
    return near if abs(value - near) < 1e-6 else value


def configure(solver: cp_model.CpSolver, params: SolveParams) -> None:
    p = solver.parameters
    if params.time_limit is not None:
        p.max_time_in_seconds = params.time_limit
    if params.workers:
        p.num_workers = params.workers
    p.random_seed = params.seed
    p.catch_sigint_signal = False  # Ctrl-C is ours: stop, keep the best roster
    p.log_search_progress = params.log
    for key, value in params.extra.items():
        setattr(p, key, value)


def solve(
    scenario: Scenario,
    params: SolveParams | None = None,
    *,
    hint: Roster | None = None,
    progress: Callable[[Progress], None] | None = None,
) -> Result:
    """Build the model, solve it, and check the roster found.

    Stops at the time limit, when optimal, or on Ctrl-C (KeyboardInterrupt),
    keeping the best roster so far. ``progress`` is called about 5 times a
    second from the calling thread.
    """
    params = params or SolveParams()
    start = time.perf_counter()
    ctx = build(scenario, soft_cover=params.soft_cover)
    if hint is not None:
        ctx.vars.hint(ctx.model, hint, scenario)
    solver = cp_model.CpSolver()
    configure(solver, params)
    watcher = _Watcher(start, params.target)
    if progress is not None:
        solver.parameters.log_search_progress = True
        solver.parameters.log_to_stdout = params.log
        solver.log_callback = watcher.on_log
    outcome: dict[str, Any] = {}
    done = threading.Event()

    def run() -> None:
        try:
            outcome["status"] = solver.solve(ctx.model, watcher)
        except BaseException as exc:  # surfaced in the caller's thread
            outcome["error"] = exc
        finally:
            done.set()

    # CP-SAT runs in a worker thread so that the calling thread stays free to
    # show progress and to turn Ctrl-C into a clean stop_search().
    worker = threading.Thread(target=run, name="cp-sat", daemon=True)
    worker.start()
    stopped = False
    while not done.is_set():
        try:
            done.wait(0.2)
            if progress is not None and not done.is_set():
                with watcher.lock:
                    state = watcher.state
                progress(Progress(time.perf_counter() - start, state.objective, state.bound,
                                  state.solutions))
        except KeyboardInterrupt:
            stopped = True
            solver.stop_search()
    worker.join()
    if "error" in outcome:
        raise outcome["error"]
    code = outcome["status"]
    if code == cp_model.MODEL_INVALID:
        raise RuntimeError(f"internal error, invalid CP-SAT model: {ctx.model.validate()}")
    status = _STATUS[code]
    wall = time.perf_counter() - start
    if not status.has_roster:
        explanation: list[str] = []
        if status == SolveStatus.INFEASIBLE and params.explain:
            from roster.model.explain import explain

            explanation = explain(scenario, params)
        return Result(status, None, None, wall, None, None, explanation,
                      stopped_by_user=stopped)
    roster = ctx.vars.extract(solver.boolean_value, scenario)
    report = check(scenario, roster, soft_cover=params.soft_cover)
    has_objective = bool(ctx.penalties)
    # The objective of the roster returned: CP-SAT's objective_value can be
    # higher when the search stopped at the time limit, because presolve's
    # dual reductions loosen penalty definitions (slack >= violation) in the
    # search and postsolve then tightens them in the returned assignment.
    objective = solver.value(ctx.objective()) if has_objective else 0
    reported = _whole(solver.objective_value) if has_objective else 0
    # every coefficient is an integer: CP-SAT's float is a whole number up to
    # rounding (6.999999999999999 for 7), so report it as one
    bound = _whole(solver.best_objective_bound) if has_objective else 0
    return Result(
        status=status,
        objective=objective,
        best_bound=bound,
        wall_time_s=wall,
        roster=roster,
        report=report,
        first_solution_s=watcher.first_solution_s,
        best_solution_s=watcher.best_solution_s,
        cpsat_objective=reported,
        stopped_by_user=stopped,
    )

"""Pricing: the best schedules of one person against the master's duals.

A person's pricing problem is the ordinary model builder's one-person
sub-model (``build(free=one person's days, linking=False)``): every rule
about that person alone, with the encodings ``check`` agrees with, and none
that links people. Its objective is the person's own penalty minus the dual
price of each cell worked. CP-SAT objectives are integral, so the duals are
scaled by ``SCALE`` and rounded *up*: the priced value of any schedule is
then at most its true reduced cost, and CP-SAT's proven bound on the priced
problem is a valid lower bound on the person's true minimum, even when the
call is stopped early.

The models are built once per process and re-priced each round; rounds
price people in parallel worker processes (fork), each CP-SAT call on one
thread.
"""

from __future__ import annotations

import math
import multiprocessing as mp
import signal
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ortools.sat.python import cp_model

from roster.model.build import build
from roster.model.colgen.rows import Cell
from roster.model.index import Index
from roster.scenario import Scenario

#: duals are priced in 1/SCALE units of penalty
SCALE = 1000
#: CP-SAT settings measured for one-person models (see benchmarks/RESULTS.md):
#: the full LP relaxation proves a person's optimum several times faster;
#: no probing saves a quarter of a call on 28 days
PRICING_PARAMS: dict[str, object] = dict(
    num_workers=1, linearization_level=2, cp_model_probing_level=0
)


@dataclass(frozen=True)
class Column:
    """One person's whole-horizon schedule and its exact own penalty."""

    staff: int
    cells: tuple[Cell, ...]
    cost: int


@dataclass
class Priced:
    """What one pricing call found: schedules, and a proven lower bound on
    the person's smallest ``own penalty - duals`` (``-inf`` if none)."""

    staff: int
    columns: list[Column]
    bound: float
    infeasible: bool = False


class PersonModel:
    """The one-person sub-model of person ``s``, built once."""

    def __init__(
        self, scenario: Scenario, index: Index, s: int, blocked: set[tuple[int, int, int]]
    ):
        self.s = s
        ctx = build(
            scenario, free=[(s, d) for d in index.D], pinned={}, blocked=blocked, linking=False
        )
        self.ctx = ctx
        self.own = ctx.objective() if ctx.penalties else cp_model.LinearExpr.constant(0)
        self.lits: dict[Cell, cp_model.IntVar] = {}
        for d in index.D:
            for t in index.T:
                for r in ctx.vars.roles[s][t]:
                    lit = ctx.vars.as_role(s, d, t, r)
                    if lit is not False:
                        self.lits[d, t, r] = lit  # type: ignore[assignment]
        self.solver = cp_model.CpSolver()

    def schedule(self, value: object) -> tuple[Cell, ...]:
        cells = self.ctx.vars.solution(value)  # type: ignore[arg-type]
        return tuple(sorted((d, t, r) for (_, d), (t, r, _) in cells.items()))

    def price(
        self,
        duals: dict[Cell, float],
        offset: float,
        time_limit: float,
        max_columns: int,
        seed: int = 0,
    ) -> Priced:
        """Schedules with ``own - duals - offset < 0`` (the best one always),
        and the bound on ``min(own - duals)``."""
        model = self.ctx.model
        model.clear_objective()
        lits, coefs = [], []
        for cell, dual in duals.items():
            lit = self.lits.get(cell)
            c = math.ceil(dual * SCALE - 1e-9)
            if lit is not None and c:
                lits.append(lit)
                coefs.append(-c)
        model.minimize(SCALE * self.own + cp_model.LinearExpr.weighted_sum(lits, coefs))
        p = self.solver.parameters
        p.max_time_in_seconds = time_limit
        # Ctrl-C is the run's to handle: CP-SAT's own SIGINT handler, left
        # behind by a finished pricing solve, aborted the process (C++
        # bad_function_call) instead of stopping it cleanly
        p.catch_sigint_signal = False
        p.random_seed = seed
        for key, value in PRICING_PARAMS.items():
            setattr(p, key, value)
        found = _Collector(self, offset)
        code = self.solver.solve(model, found)
        if code == cp_model.INFEASIBLE:
            return Priced(self.s, [], math.inf, infeasible=True)
        bound = self.solver.best_objective_bound / SCALE
        if code == cp_model.OPTIMAL:
            bound = min(bound, self.solver.objective_value / SCALE)
        if not math.isfinite(bound):
            # no bound from CP-SAT: own penalties are >= 0 and a day holds at
            # most one cell, so nothing is below minus the best dual of each day
            best: dict[int, float] = {}
            for (d, *_), dual in duals.items():
                best[d] = max(best.get(d, 0.0), dual)
            bound = -sum(best.values())
        cols = found.columns
        if len(cols) > max_columns:  # the last found are the best
            cols = cols[-max_columns:]
        return Priced(self.s, cols, bound)


class _Collector(cp_model.CpSolverSolutionCallback):
    """Every schedule improving on the last one found: the improving ones
    (negative reduced cost), or just the best when none is."""

    def __init__(self, person: PersonModel, offset: float):
        super().__init__()
        self.person, self.offset = person, offset
        self.columns: list[Column] = []

    def on_solution_callback(self) -> None:
        reduced = self.objective_value / SCALE - self.offset
        col = Column(
            self.person.s,
            self.person.schedule(self.boolean_value),
            round(self.value(self.person.own)),
        )
        if reduced < -1e-6 or not self.columns:
            self.columns.append(col)
        else:
            self.columns[-1] = col  # only the best, when nothing improves


# -- pricing many people, in worker processes ---------------------------------------
@dataclass
class _Context:
    scenario: Scenario
    index: Index
    blocked: set[tuple[int, int, int]]
    models: dict[int, PersonModel]

    def model(self, s: int) -> PersonModel:
        if s not in self.models:
            self.models[s] = PersonModel(self.scenario, self.index, s, self.blocked)
        return self.models[s]


_ctx: _Context | None = None

#: one pricing job: (person, cell duals, offset, time limit, columns, seed)
Job = tuple[int, dict[Cell, float], float, float, int, int]


def _start(ctx: _Context) -> None:
    global _ctx
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _ctx = ctx


def _price(job: Job) -> Priced:
    assert _ctx is not None
    s, duals, offset, limit, cols, seed = job
    return _ctx.model(s).price(duals, offset, limit, cols, seed)


class Pricer:
    """Prices people at given duals, in ``processes`` worker processes (or
    in this one). Use as a context manager: the processes live as long as
    the column generation does, and keep their models between rounds."""

    def __init__(
        self,
        scenario: Scenario,
        index: Index,
        blocked: set[tuple[int, int, int]],
        processes: int = 1,
    ):
        self.ctx = _Context(scenario, index, blocked, {})
        self.processes = processes
        self._pool: mp.pool.Pool | None = None

    def __enter__(self) -> Pricer:
        if self.processes > 1:
            self._pool = mp.get_context("fork").Pool(self.processes, _start, (self.ctx,))
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool = None

    def price(self, jobs: Sequence[Job]) -> Iterator[Priced]:
        """The results of ``jobs``, in the order they finish."""
        if self._pool is None:
            global _ctx
            _ctx = self.ctx
            yield from map(_price, jobs)
            return
        yield from self._pool.imap_unordered(_price, jobs)

"""Solving: parameters, the CP-SAT run (interruptible, with live progress),
and the Result, always scored by the independent checker."""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from ortools.sat import sat_parameters_pb2
from ortools.sat.python import cp_model
from ortools.sat.python.cp_model_helper import CpSolverStatus
from pydantic import BaseModel, ConfigDict, Field, field_validator

from roster.checker import CheckReport, check
from roster.errors import InputError
from roster.model.build import build
from roster.model.colgen import ColumnGeneration, Infeasible
from roster.model.explain import explain
from roster.model.lns import Search, tune
from roster.model.variables import Pinned, pinned_cells
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
    strategy: Literal["auto", "cpsat", "lns", "cg"] = Field(
        "auto",
        description="cpsat: one CP-SAT model; lns: neighbourhood search, then CP-SAT for the "
        "bound; cg: decomposition (CP-SAT first, then column generation for the bound, "
        "CP-SAT held to the LP's schedules for a roster, then the neighbourhood search); "
        "auto: chosen by size, see the README",
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
    """A snapshot of a running solve, as ``solve``'s ``progress`` callback gets
    it: seconds since the start, the best objective and bound so far (None
    until there is one), the number of rosters found and the time limit in
    seconds (None: none), so that ``roster.result.progress_line`` can say
    how much time is left."""

    elapsed: float
    objective: float | None
    bound: float | None
    solutions: int
    limit: float | None = None

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
            self.state = Progress(
                now, self.objective_value, self.best_objective_bound, self.state.solutions + 1
            )

    def on_bound(self, bound: float) -> None:
        """CP-SAT proved a better bound (between solutions too)."""
        with self.lock:
            if self.state.bound is None or bound > self.state.bound:
                self.state = Progress(
                    self.state.elapsed, self.state.objective, bound, self.state.solutions
                )


def _whole(value: float) -> float:
    near = round(value)
    return near if abs(value - near) < 1e-6 else value


def configure(solver: cp_model.CpSolver, params: SolveParams) -> None:
    """Set a CP-SAT solver up from ``params`` (time limit, workers and their
    search portfolio, seed, log, extra parameters). CP-SAT leaves Ctrl-C to us,
    so a stop keeps the best roster."""
    p = solver.parameters
    if params.time_limit is not None:
        p.max_time_in_seconds = params.time_limit
    tune(p, params.workers)
    if p.num_workers == 1:
        # the whole model on one thread: CP-SAT's portfolio (LNS and
        # first-solution workers) interleaved in it, not a single search; the
        # 4-week ICU: no roster in 20 s before, its proven optimum now
        # (benchmarks/RESULTS.md). Sub-models of the neighbourhood search keep
        # the single search they were measured with.
        p.interleave_search = True
    p.random_seed = params.seed
    p.catch_sigint_signal = False  # Ctrl-C is ours: stop, keep the best roster
    p.log_search_progress = params.log
    for key, value in params.extra.items():
        setattr(p, key, value)


#: up to this many person-days CP-SAT alone does better than the search
SMALL = 1500
#: up to this many person-day-shift cells, decomposition by default, given
#: at least CG_MIN_TIME seconds (a few seconds go to building its models):
#: a pricing round costs about a person's cells times the people
CG_CELLS = 20_000
CG_MIN_TIME = 20.0
#: above this many person-day-shift cells, the whole model is not built
#: within a time limit (only the neighbourhoods are)
LARGE = 300_000
#: share of the time limit for CP-SAT on the whole model after the search
FINAL_SHARE = 0.1
#: decomposition: the first roster's share of the time limit, and where
#: column generation must end
CG_FIRST_SHARE = 0.1
#: ... but at least CG_FIRST_MIN seconds, unless that is over CG_FIRST_MAX of it
#: (the 4-week ICU is proven optimal by CP-SAT in 2 s: no decomposition then)
CG_FIRST_MIN = 5.0
CG_FIRST_MAX = 0.25
CG_SHARE = 0.6
#: CP-SAT held to the LP's schedules: its share of what column generation leaves
CG_LP_SHARE = 0.5
#: without a time limit, seconds for decomposition's first roster, and for
#: its rosters near the LP's
NO_LIMIT_FIRST = 10.0
NO_LIMIT_LP = 60.0
#: seconds between checks of the search's roster (each costs ~0.3 s at 120 x 28)
OFFER_EVERY = 10.0


class _Run:
    """One solve: the phases, the best roster so far, and what to show."""

    def __init__(self, scenario: Scenario, params: SolveParams, hint: Roster | None):
        self.scenario, self.params, self.hint = scenario, params, hint
        self.start = time.perf_counter()
        limit = params.time_limit
        self.deadline = self.start + limit if limit is not None else float("inf")
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.solver: cp_model.CpSolver | None = None
        self.search: Search | None = None
        self.watcher: _Watcher | None = None
        # the best roster so far and what we know
        self.best: Roster | None = None
        self.best_objective: int | None = None
        self.bound: float | None = None
        self.status: SolveStatus = SolveStatus.UNKNOWN
        #: CP-SAT's own objective value of ``best``, when CP-SAT found it
        self.cpsat_objective: float | None = None
        self.first_solution_s: float | None = None
        self.best_solution_s: float | None = None
        self.solutions = 0
        #: the search's own (soft-cover) score of its current roster, shown as
        #: progress only where that score is a roster's true penalty: cover
        #: soft, or no hard cover minimum (else the roster may leave a shift
        #: short, and progress waits for a roster the checker accepts)
        self.search_score: int | None = None
        self.search_score_is_penalty = params.soft_cover or not _hard_cover(scenario)

    # -- shared state --------------------------------------------------------
    def interrupt(self) -> None:
        self.stop.set()
        with self.lock:
            if self.solver is not None:
                self.solver.stop_search()
            if self.search is not None:
                self.search.interrupt()

    def state(self) -> Progress:
        now = time.perf_counter() - self.start
        with self.lock:
            objective: float | None = self.best_objective
            bound, n = self.bound, self.solutions
            watcher = self.watcher
            if self.search_score is not None and (
                objective is None or self.search_score < objective
            ):
                objective = self.search_score
        if watcher is not None:
            with watcher.lock:
                w = watcher.state
            if w.objective is not None and (objective is None or w.objective < objective):
                objective = w.objective
            if w.bound is not None and (bound is None or w.bound > bound):
                bound = w.bound
            n += w.solutions
        return Progress(now, objective, bound, n, self.params.time_limit)

    def offer(
        self,
        roster: Roster,
        objective: int,
        found: float | None = None,
        cpsat_objective: float | None = None,
    ) -> None:
        """A roster for the scenario as given (found at ``found``, a
        perf_counter time); kept when better. ``cpsat_objective``: CP-SAT's
        own value for it, reported only while it is the roster kept."""
        with self.lock:
            now = (found or time.perf_counter()) - self.start
            if self.best_objective is None or objective < self.best_objective:
                self.best, self.best_objective = roster, objective
                self.cpsat_objective = cpsat_objective
                self.best_solution_s = now
                if self.first_solution_s is None:
                    self.first_solution_s = now

    def done(self) -> bool:
        """Stopped, at the target, or the best roster proven optimal."""
        target, best = self.params.target, self.best_objective
        return self.stop.is_set() or (
            best is not None
            and (
                (target is not None and best <= target)
                or (self.bound is not None and best <= self.bound)
            )
        )

    # -- phases ----------------------------------------------------------------
    def cpsat(self, until: float, hint: Roster | None) -> CpSolverStatus:
        """CP-SAT on the whole model until ``until``; returns its status code."""
        params = self.params
        ctx = build(self.scenario, soft_cover=params.soft_cover)
        if hint is not None:
            ctx.vars.hint(ctx.model, pinned_cells(hint, self.scenario, ctx.index))
        solver = cp_model.CpSolver()
        configure(solver, params)
        if until != float("inf"):
            solver.parameters.max_time_in_seconds = max(0.1, until - time.perf_counter())
        watcher = _Watcher(self.start, params.target)
        solver.best_bound_callback = watcher.on_bound
        with self.lock:
            if self.stop.is_set():
                return cp_model.UNKNOWN
            self.solver, self.watcher = solver, watcher
        try:
            code = solver.solve(ctx.model, watcher)
        finally:
            with self.lock:
                self.solver, self.watcher = None, None
        if code == cp_model.MODEL_INVALID:
            raise RuntimeError(f"internal error, invalid CP-SAT model: {ctx.model.validate()}")
        has_objective = bool(ctx.penalties)
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE, cp_model.INFEASIBLE) and (
            has_objective or code != cp_model.FEASIBLE
        ):
            bound = _whole(solver.best_objective_bound) if has_objective else 0
            with self.lock:
                self.bound = bound if self.bound is None else max(self.bound, bound)
        if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            roster = ctx.vars.extract(solver.boolean_value, self.scenario)
            # the returned roster's own penalty: CP-SAT's objective_value can be
            # higher when stopped by the time limit, because presolve's dual
            # reductions loosen penalty definitions and postsolve tightens them
            objective = round(solver.value(ctx.objective())) if has_objective else 0
            cpsat_objective = _whole(solver.objective_value) if has_objective else 0
            if watcher.first_solution_s is not None and self.first_solution_s is None:
                self.first_solution_s = watcher.first_solution_s
            found = watcher.best_solution_s
            self.offer(
                roster, objective, None if found is None else self.start + found, cpsat_objective
            )
            self.solutions += watcher.state.solutions
        return code

    def lns(self, until: float) -> None:
        """Neighbourhood search from the best roster (or from nothing)."""
        params = self.params
        search = Search(self.scenario, workers=params.workers, seed=params.seed)
        with self.lock:
            if self.stop.is_set():
                return
            self.search = search
        sc, index = self.scenario, search.index
        # the search scores cover softly; tracked: that score of ``current``
        current: Pinned | None = None
        score: int | None = 0
        start_roster = self.best or self.hint
        checked = time.perf_counter()
        if start_roster is not None:
            current = pinned_cells(start_roster, sc, index)
            report = check(sc, start_roster, soft_cover=True)
            score = report.total_penalty if report.feasible else None
            if score is not None:
                self._offer(start_roster, soft=report)  # a good hint is a roster too
        if current is None or score is None:
            current = search.construct(until, processes=params.workers or os.cpu_count() or 1)
            if current is None:
                return
            built = time.perf_counter()  # found then, as for the search's later rosters
            first = search.roster(current)
            checked = time.perf_counter()
            report = check(sc, first, soft_cover=True)
            score = report.total_penalty
            self._offer(first, built, soft=report)
        assert score is not None
        # the last roster is checked when the search ends: that time is kept
        # for it (seconds for a year of 150 staff), so the limit holds
        check_s = time.perf_counter() - checked

        # checking a roster costs as much as several steps on large rosters:
        # the best is checked and kept every OFFER_EVERY seconds and at the end
        last: dict[str, Any] = {
            "cells": current,
            "found": time.perf_counter(),
            "offered": time.perf_counter(),
        }
        offered: int = score  # the search score of the last roster offered
        target = params.target

        def improved(roster: Pinned, gain: int) -> None:
            nonlocal score, offered
            assert score is not None
            score -= gain
            last["cells"] = roster
            if gain <= 0:
                return
            now = last["found"] = time.perf_counter()
            with self.lock:
                if self.search_score_is_penalty:
                    self.search_score = score
                self.solutions += 1
            proven = self.bound is not None and score <= self.bound  # optimal: stop now
            if (
                now - last["offered"] > OFFER_EVERY
                or proven
                or (target is not None and score <= target)
            ):
                self._offer(search.roster(roster), now)
                last["offered"], offered = now, score

        search.improve(current, until - check_s, improved, self.done)
        if (
            score is not None and score < offered
        ):  # a year-long roster takes seconds to check: only when better
            self._offer(search.roster(last["cells"]), last["found"])

    def _offer(
        self, roster: Roster, found: float | None = None, soft: CheckReport | None = None
    ) -> None:
        """Check a roster of the search and offer it; ``soft``: its check with
        cover soft, which is the check needed when no cover minimum is hard
        (a year of 150 staff takes seconds to check)."""
        if soft is not None and (self.params.soft_cover or not _hard_cover(self.scenario)):
            report = soft
        else:
            report = check(self.scenario, roster, soft_cover=self.params.soft_cover)
        if report.feasible:
            self.offer(roster, report.total_penalty, found)

    def colgen(self, whole: bool) -> None:
        """Decomposition: a first roster (CP-SAT on the ``whole`` model,
        which may prove it optimal and end there, else the search's
        construction), column generation (the bound, live, and a pool of
        schedules), rosters near the LP's (``from_lp``), then the search
        from the best roster until the end. Without a time limit: column
        generation until the bound meets the LP's, a minute near the LP's,
        and no search after it."""
        params, start = self.params, time.perf_counter()
        finite = self.deadline != float("inf")
        budget = self.deadline - start if finite else NO_LIMIT_FIRST / CG_FIRST_SHARE
        first = start + max(budget * CG_FIRST_SHARE, min(CG_FIRST_MIN, budget * CG_FIRST_MAX))
        if whole:
            code = self.cpsat(first, self.hint)
            if code == cp_model.INFEASIBLE:
                self.status = SolveStatus.INFEASIBLE
            if code in (cp_model.OPTIMAL, cp_model.INFEASIBLE) or self.done():
                return
        with ColumnGeneration(
            self.scenario,
            soft_cover=params.soft_cover,
            processes=params.workers or os.cpu_count() or 1,
            seed=params.seed,
            log=print if params.log else None,
        ) as cg:
            if self.best is None:  # the search builds one, with time enough to do so
                self.lns(
                    max(
                        first,
                        time.perf_counter()
                        + (self.deadline - time.perf_counter()) * CG_FIRST_SHARE,
                    )
                )
            cg.say(f"first roster: {self.best_objective} at {time.perf_counter() - start:.1f} s")
            if self.best is not None:
                cg.add(cg.columns_of(self.best))

            def on_bound(bound: float) -> None:
                whole = math.ceil(bound - 1e-6)
                with self.lock:
                    self.bound = whole if self.bound is None else max(self.bound, whole)

            def proven(bound: float) -> bool:
                best = self.best_objective
                return best is not None and math.ceil(bound - 1e-6) >= best

            try:
                cg.run(
                    start + budget * CG_SHARE if finite else self.deadline,
                    self.stop,
                    on_bound,
                    proven,
                )
                # no LP value: out of time before everyone had a schedule
                if cg.lp_value is not None and not self.done():
                    self.from_lp(cg, finite)
            except Infeasible:
                self.status = SolveStatus.INFEASIBLE
                return
        if not self.done() and finite:
            self.lns(self.deadline)

    def from_lp(self, cg: ColumnGeneration, finite: bool) -> None:
        """Rosters near the LP's: CP-SAT on the whole roster, each person held
        to the cells of their LP schedules and of the hint (first their largest
        LP schedule, then the last held roster found), for its share of the
        time left; each time CP-SAT proves the held roster optimal, the hold
        widens to each person's next schedules by reduced cost (1, 2, 4, ...)."""
        params, idx = self.params, cg.index
        now = time.perf_counter()
        until = now + (self.deadline - now) * CG_LP_SHARE if finite else now + NO_LIMIT_LP
        search = Search(self.scenario, workers=params.workers, seed=params.seed + cg.rounds)
        with self.lock:
            if self.stop.is_set():
                return
            self.search = search
        cells = [(s, d) for s in idx.S for d in idx.D]
        extra, size = 0, -1
        hint = cg.cells(cg.largest())  # the LP's: the best roster is often far from it
        while not self.done() and time.perf_counter() < until:
            allowed = cg.allowed(extra) | {(s, d, t) for (s, d), (t, _, _) in hint.items()}
            if len(allowed) == size:
                break  # nothing more to allow
            size = len(allowed)
            blocked = {(s, d, t) for s, d in cells for t in idx.T if (s, d, t) not in allowed}
            new, _ = search.step(
                hint,
                cells,
                f"LP schedules + {extra}",
                max(0.1, until - time.perf_counter()),
                compare=extra > 0,
                blocked=blocked,
            )
            step = search.steps[-1]
            cg.say(
                f"CP-SAT held to the LP's schedules + {extra} more each "
                f"({len(allowed)} of {len(cells) * len(idx.T)} cells): {step.status}, "
                f"sub-model {step.before} -> {step.after}"
            )
            if new is not None:
                hint = new
                self._offer(search.roster(new))
            if step.status != "OPTIMAL":
                break
            extra = max(1, 2 * extra)

    def execute(self) -> None:
        sc, params = self.scenario, self.params
        people_days = len(sc.staff) * sc.horizon.days
        cells = people_days * len(sc.shifts)
        strategy = params.strategy
        if strategy == "auto":
            # measured (benchmarks/RESULTS.md, issue 14): decomposition opens with
            # CP-SAT on the whole model, which proves small wards optimal in
            # seconds and ends there; up to CG_CELLS column generation then
            # gives the bound and the best rosters (Curtois 8 at 60 s: +4-8 %
            # against +16 %; 10 and 11 proven optimal; 12, 16 800 cells: bound
            # 4040 against 1). Above, a round of pricing takes seconds and the
            # bound does not come in a few minutes (Curtois 13, 60 480 cells, at
            # 120 s: 6315 against the search's 2921), so the earlier rule holds:
            # CP-SAT alone on small or hard-cover rosters, else the search.
            hard_cover = not params.soft_cover and _hard_cover(sc)
            small = people_days <= SMALL or (hard_cover and cells <= LARGE)
            # decomposition's master does not price on-call duties yet
            strategy = (
                "cpsat"
                if params.time_limit is None
                else "cg"
                if (cells <= CG_CELLS and not sc.duties and params.time_limit >= CG_MIN_TIME)
                else "cpsat"
                if small
                else "lns"
            )
        if strategy == "cg":
            self.colgen(whole=cells <= LARGE)
            if self.status == SolveStatus.INFEASIBLE:
                return
        elif strategy == "cpsat":
            code = self.cpsat(self.deadline, self.hint)
            self.status = _STATUS.get(code, SolveStatus.UNKNOWN)
            if self.status != SolveStatus.INFEASIBLE and self.best is not None:
                self.status = (
                    SolveStatus.OPTIMAL if code == cp_model.OPTIMAL else (SolveStatus.FEASIBLE)
                )
            return
        else:
            budget = self.deadline - time.perf_counter()
            final = cells <= LARGE
            self.lns(self.deadline - (budget * FINAL_SHARE if final else 0))
            if final and not self.done():
                code = self.cpsat(self.deadline, self.best)
                if code == cp_model.INFEASIBLE:
                    self.status = SolveStatus.INFEASIBLE
                    return
        if self.best is not None:
            proven = (
                self.bound is not None
                and self.best_objective is not None
                and (self.best_objective <= self.bound)
            )
            self.status = SolveStatus.OPTIMAL if proven else SolveStatus.FEASIBLE
            if self.bound is None:
                self.bound = 0  # every penalty is >= 0: the trivial bound


def _hard_cover(scenario: Scenario) -> bool:
    """Whether some cover minimum is hard."""
    return any(dm.min > 0 and dm.min_weight is None for dm in scenario.demand) or any(
        tc.min > 0 and tc.weight is None for tc in scenario.time_cover
    )


def unsupported(scenario: Scenario, params: SolveParams) -> InputError | None:
    """Why these settings cannot solve this scenario, located at the setting,
    or None (front ends ask before they start)."""
    if params.strategy == "cg" and scenario.duties:
        return InputError(
            [
                (
                    "strategy",
                    "cg: decomposition does not handle on-call duties yet; use auto, cpsat or lns",
                )
            ],
            what=None,
        )
    return None


def solve(
    scenario: Scenario,
    params: SolveParams | None = None,
    *,
    hint: Roster | None = None,
    progress: Callable[[Progress], None] | None = None,
) -> Result:
    """Find the best roster in the time limit, and check it.

    Small rosters (and any without a time limit) go to CP-SAT whole; larger
    ones get neighbourhood search (``roster.model.lns``) first and CP-SAT on
    the whole model at the end for the proven bound. Stops at the time limit,
    when optimal, at ``params.target``, or on Ctrl-C (KeyboardInterrupt),
    keeping the best roster so far. ``progress`` is called about 5 times a
    second from the calling thread.
    """
    params = params or SolveParams()
    problem = unsupported(scenario, params)
    if problem:
        raise problem
    run = _Run(scenario, params, hint)
    outcome: dict[str, Any] = {}
    finished = threading.Event()

    def work() -> None:
        try:
            run.execute()
        except BaseException as exc:  # surfaced in the caller's thread
            outcome["error"] = exc
        finally:
            finished.set()

    # the search runs in a worker thread so that the calling thread stays free
    # to show progress and to turn Ctrl-C into a clean stop
    worker = threading.Thread(target=work, name="roster-solve", daemon=True)
    worker.start()
    stopped = False
    while not finished.is_set():
        try:
            finished.wait(0.2)
            if progress is not None and not finished.is_set():
                progress(run.state())
        except KeyboardInterrupt:
            stopped = True
            run.interrupt()
    worker.join()
    if "error" in outcome:
        raise outcome["error"]
    wall = time.perf_counter() - run.start
    status = run.status
    if run.best is None:
        if status == SolveStatus.FEASIBLE or status == SolveStatus.OPTIMAL:
            status = SolveStatus.UNKNOWN
        explanation: list[str] = []
        if status == SolveStatus.INFEASIBLE and params.explain and not stopped:
            # the explanation lives within the time limit too (at least half
            # a second of it, so that a quick reason is still found)
            left = (params.time_limit - wall) if params.time_limit is not None else None
            seconds = (
                params.explain_time_limit
                if left is None
                else min(params.explain_time_limit, max(0.5, left))
            )
            try:
                explanation = explain(
                    scenario, params.model_copy(update={"explain_time_limit": seconds})
                )
            except KeyboardInterrupt:
                stopped = True
                explanation = ["stopped by Ctrl-C before a reason was found"]
            wall = time.perf_counter() - run.start
        return Result(status, None, None, wall, None, None, explanation, stopped_by_user=stopped)
    report = check(scenario, run.best, soft_cover=params.soft_cover)
    return Result(
        status=status,
        objective=run.best_objective,
        best_bound=run.bound,
        wall_time_s=wall,
        roster=run.best,
        report=report,
        first_solution_s=run.first_solution_s,
        best_solution_s=run.best_solution_s,
        cpsat_objective=run.cpsat_objective,
        stopped_by_user=stopped,
    )

"""Large-neighbourhood search: keep most of a roster fixed and re-optimise a
neighbourhood (some staff over some days) with CP-SAT, again and again.

Each step builds a sub-model with ``build(free=cells, pinned=roster)``: the
same rule encodings, with every cell outside the neighbourhood a constant,
so a step costs what the neighbourhood costs, not what the whole roster
does. The sub-model's objective differs from the roster's penalty by a
constant, so comparing the current cells with the new ones is exact.

Cover is soft while searching (``SOFT_COVER_WEIGHT`` per person short):
the first roster is built one group of staff at a time from an empty roster,
which cannot meet hard minima until everyone is placed.
"""

from __future__ import annotations

import gc
import itertools
import multiprocessing as mp
import os
import random
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from ortools.sat.python import cp_model
from ortools.sat.python.cp_model_helper import CpSolverStatus

from roster.model.build import blocked_cells, build
from roster.model.index import Index
from roster.model.variables import Pinned, roster_of
from roster.roster import Roster
from roster.scenario import Scenario

Cells = list[tuple[int, int]]

#: CP-SAT's local search alone, on one worker, after a light presolve, up to
#: its first roster: how a construction step first looks for one
LOCAL_SEARCH: dict[str, object] = dict(
    num_workers=1,
    use_ls_only=True,
    stop_after_first_solution=True,
    max_presolve_iterations=1,
    cp_model_probing_level=0,
    symmetry_level=0,
    find_big_linear_overlap=False,
    presolve_inclusion_work_limit=0,
    merge_at_most_one_work_limit=0,
)


#: a construction step's attempts: local search, then the complete search
#: (which finds what local search misses on tight years, e.g. Curtois 22,
#: and proves infeasibility), each with a base time limit; which goes first
#: is learnt while placing (``Search.attempt_order``), and a round of
#: attempts that finds nothing is repeated with twice the time
PLACE_ATTEMPTS: list[tuple[dict[str, object], float]] = [
    (LOCAL_SEARCH, 1.0),
    (dict(stop_after_first_solution=True), 2.0),
]


def tune(p: object, workers: int) -> None:
    """CP-SAT's full LP relaxation (max_lp) first, core-based search next.
    On Curtois sub-models this proves optimality in about 1 s where the
    default (default_lp first) still has a third of the gap after 8 s. With
    2 workers CP-SAT starts only the first (max_lp) and shares the other
    thread among its first-solution and LNS workers; core starts from 3."""
    workers = workers or os.cpu_count() or 1
    p.num_workers = workers  # type: ignore[attr-defined]
    if workers == 1:
        p.linearization_level = 2  # type: ignore[attr-defined]
    else:
        p.subsolvers.extend(["max_lp", "core"])  # type: ignore[attr-defined]


@dataclass
class Step:
    """What one neighbourhood step did (kept for the benchmark's report)."""

    kind: str
    cells: int
    status: str
    before: int | None
    after: int | None
    seconds: float


@dataclass
class Search:
    """State of a neighbourhood search over one scenario."""

    scenario: Scenario
    workers: int = 0
    seed: int = 0
    #: (s, d) cells freed per step; adapts to what CP-SAT solves in time
    size: float = 100.0
    step_time: float = 0.5
    stop: threading.Event = field(default_factory=threading.Event)
    steps: list[Step] = field(default_factory=list)
    #: per entry of PLACE_ATTEMPTS: [seconds spent, people placed]
    attempt_stats: list[list[float]] = field(
        default_factory=lambda: [[0.0, 0] for _ in PLACE_ATTEMPTS]
    )

    def __post_init__(self) -> None:
        self.index = Index.of(self.scenario)
        self.blocked = blocked_cells(self.scenario, self.index)
        days = self.index.days
        #: the shifts each person can work on some day, to find people who
        #: can stand in for each other (they share cover)
        blocked_days = Counter((s, t) for s, _, t in self.blocked)
        self.can_work = [
            {t for t in self.index.T if blocked_days[s, t] < days} for s in self.index.S
        ]
        self.rng = random.Random(self.seed)
        self._solver: cp_model.CpSolver | None = None
        self._lock = threading.Lock()

    # -- one step ---------------------------------------------------------------
    def interrupt(self) -> None:
        self.stop.set()
        with self._lock:
            if self._solver is not None:
                self._solver.stop_search()

    def _run(
        self, model: cp_model.CpModel, time_limit: float, extra: Mapping[str, object]
    ) -> tuple[cp_model.CpSolver, CpSolverStatus]:
        solver = cp_model.CpSolver()
        p = solver.parameters
        p.max_time_in_seconds = time_limit
        tune(p, self.workers)
        p.random_seed = self.rng.randrange(1 << 30)
        p.catch_sigint_signal = False
        for key, value in extra.items():
            setattr(p, key, value)
        with self._lock:
            if self.stop.is_set():
                return solver, cp_model.UNKNOWN
            self._solver = solver
        try:
            return solver, solver.solve(model)
        finally:
            with self._lock:
                self._solver = None

    def step(
        self,
        roster: Pinned,
        cells: Cells,
        kind: str,
        time_limit: float,
        compare: bool = True,
        blocked: set[tuple[int, int, int]] | None = None,
        extra: Mapping[str, object] = MappingProxyType({}),
    ) -> tuple[Pinned | None, int]:
        """Re-optimise ``cells``; (new roster, gain) when at least as good.
        Without ``compare``, any roster found is taken (gain 0). ``blocked``:
        (person, day, shift) cells not to work, besides the scenario's.
        ``extra``: CP-SAT parameters for the search."""
        start = time.perf_counter()
        ctx = build(
            self.scenario,
            soft_cover=True,
            free=cells,
            pinned=roster,
            blocked=self.blocked | blocked if blocked else self.blocked,
        )
        model = ctx.model
        if compare:  # construction starts from nothing: no hint to give
            ctx.vars.hint(model, roster)
        objective = ctx.objective() if ctx.penalties else 0
        # the current cells' sub-objective: the hint, every decision fixed
        before = None
        if compare:
            solver, code = self._run(
                model, time_limit, {"fix_variables_to_their_hinted_value": True}
            )
            if code in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                before = round(solver.value(objective))
        solver, code = self._run(model, time_limit, extra)
        ok = code in (cp_model.OPTIMAL, cp_model.FEASIBLE)
        after = round(solver.value(objective)) if ok else None
        self.steps.append(
            Step(
                kind,
                len(cells),
                solver.status_name(code),
                before,
                after,
                time.perf_counter() - start,
            )
        )
        if compare and code == cp_model.OPTIMAL:  # construction steps do not steer the size
            self.size = min(self.size * 1.15, len(self.index.staff) * self.index.days)
        elif compare and code != cp_model.INFEASIBLE:
            self.size = max(self.size / 1.15, 2.0)
        if after is None or (before is not None and after > before):
            return None, 0
        return ctx.vars.solution(solver.boolean_value), (
            before - after if before is not None else 0
        )

    def roster(self, cells: Pinned) -> Roster:
        return roster_of(cells, self.scenario, self.index)

    # -- neighbourhoods ------------------------------------------------------------
    def neighbourhood(self) -> tuple[str, Cells]:
        """Some staff over a window of days, about ``size`` cells in all;
        windows are sometimes short with many staff, sometimes long with few."""
        n_staff, days = len(self.index.staff), self.index.days
        width = self.rng.choice([w for w in (7, 14, 28, days) if w <= days] or [days])
        k = max(1, min(n_staff, round(self.size / width)))
        if k == 1 and width > self.size:
            width = max(1, int(self.size))
        first = self.rng.randrange(0, days - width + 1)
        if k < n_staff and self.rng.random() < 0.5:
            staff = self.related(k)
            kind = f"{k} related staff"
        else:
            staff = self.rng.sample(range(n_staff), k)
            kind = "all staff" if k == n_staff else f"{k} staff"
        return f"{kind} x {width} days", [
            (s, d) for s in staff for d in range(first, first + width)
        ]

    def related(self, k: int) -> list[int]:
        """A random person and k - 1 of those most alike in what they can work."""
        seed = self.rng.randrange(len(self.index.staff))
        mine = self.can_work[seed]

        def likeness(s: int) -> float:
            theirs = self.can_work[s]
            return len(mine & theirs) / max(1, len(mine | theirs)) + self.rng.random() * 0.3

        others = sorted((s for s in self.index.S if s != seed), key=likeness, reverse=True)
        return [seed, *others[: k - 1]]

    def hard_across_people(self) -> bool:
        """Whether a hard rule spans people (a cover maximum, a hard group
        rule): groups placed at once, each blind to the other, could then
        break it together."""
        sc = self.scenario
        return any(dm.max is not None and dm.max_weight is None for dm in sc.demand) or any(
            inst.rule.group_rule and inst.rule.hard for inst in sc.rule_instances
        )

    # -- the two phases -----------------------------------------------------------
    def attempt_order(self) -> list[int]:
        """PLACE_ATTEMPTS, cheapest first by seconds spent per person placed
        so far (one second and one person of prior each, so an attempt that
        failed once is not written off). Local search places a year of
        Curtois 24 in 0.5 s where the complete search takes 2 s or more, and
        never places one of Curtois 22, where the complete search takes 1 s:
        the order that suits one scenario costs the other half its time."""
        return sorted(
            range(len(PLACE_ATTEMPTS)),
            key=lambda i: (self.attempt_stats[i][0] + 1) / (self.attempt_stats[i][1] + 1),
        )

    def place(self, roster: Pinned, staff: list[int], deadline: float) -> Pinned | None:
        """``staff`` placed over the whole horizon around ``roster``: their
        cells, or None when out of time or their own hard rules cannot hold.
        The attempts of PLACE_ATTEMPTS in ``attempt_order``; when none finds
        a roster, all again with twice the time."""
        mine = set(staff)
        cells = [(s, d) for s in staff for d in range(self.index.days)]
        for attempt in itertools.count():
            for i in self.attempt_order():
                extra, limit = PLACE_ATTEMPTS[i]
                left = deadline - time.perf_counter()
                if left <= 0 or self.stop.is_set():
                    return None
                new, _ = self.step(
                    roster,
                    cells,
                    "construct",
                    min(limit * 2**attempt, left),
                    compare=False,
                    extra=extra,
                )
                stats = self.attempt_stats[i]
                stats[0] += self.steps[-1].seconds
                if new is not None:
                    stats[1] += 1
                    return {k: v for k, v in new.items() if k[0] in mine}
                if self.steps[-1].status == "INFEASIBLE":
                    return None
        raise AssertionError("unreachable")

    def construct(
        self, deadline: float, on_step: Callable[[Pinned], None] | None = None, processes: int = 1
    ) -> Pinned | None:
        """A first roster from nothing: groups of staff in turn, each placed
        over the whole horizon around those placed before; with
        ``processes`` > 1, that many groups at once in worker processes
        (each sees the roster as it was when its group started), unless a
        hard rule spans people. Which worker places which group, and so the
        roster, then depends on timing: parallel construction is not
        repeatable run to run, as CP-SAT with several workers is not."""
        days = self.index.days
        order = list(self.index.S)
        self.rng.shuffle(order)
        size = max(1, int(self.size) // days)
        groups = [order[i : i + size] for i in range(0, len(order), size)]
        roster: Pinned = {}

        def placed(cells: Pinned | None) -> bool:
            if cells is None:
                return False
            roster.update(cells)
            if on_step is not None:
                on_step(roster)
            return True

        if processes <= 1 or len(groups) < 2 or self.hard_across_people():
            for group in groups:
                if not placed(self.place(roster, group, deadline)):
                    return None
            return roster
        share = max(1, (self.workers or os.cpu_count() or 1) // processes)
        with mp.get_context("fork").Pool(processes, _start_worker, (self, share)) as pool:
            todo = iter(groups)
            running = [
                pool.apply_async(_place, (roster, g, deadline))
                for g in itertools.islice(todo, processes)
            ]
            while running:
                done = [job for job in running if job.ready()]
                if not done:
                    if self.stop.is_set():
                        return None
                    running[0].wait(0.01)
                    continue
                for job in done:  # a worker is free: give it the next group at once
                    running.remove(job)
                    cells, steps = job.get()
                    self.steps.extend(steps)
                    if not placed(cells):
                        return None
                    running.extend(
                        pool.apply_async(_place, (roster, g, deadline))
                        for g in itertools.islice(todo, 1)
                    )
        return roster

    def improve(
        self,
        roster: Pinned,
        deadline: float,
        on_step: Callable[[Pinned, int], None] | None = None,
        done: Callable[[], bool] | None = None,
    ) -> Pinned:
        """Neighbourhood steps until the deadline, a stop, or ``done()``."""
        while not self.stop.is_set() and (done is None or not done()):
            left = deadline - time.perf_counter()
            if left < 0.2:
                break
            kind, cells = self.neighbourhood()
            new, gain = self.step(roster, cells, kind, min(self.step_time, left))
            if new is not None:
                roster = new
                if on_step is not None:
                    on_step(roster, gain)
        return roster


# -- worker processes for construction -------------------------------------------
_worker: Search | None = None


def _start_worker(search: Search, workers: int) -> None:
    """A construction process: ``search`` with its share of CP-SAT workers
    (the processes together use no more threads than cores: with one each,
    CP-SAT's complete search on a person's year is twice as fast as two
    threads each on one core)."""
    global _worker
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    # what the worker inherits (the scenario: millions of objects for a year
    # of 150 staff) lives as long as it does; kept out of garbage collection
    # scans, which otherwise take up to a third of a step's build
    gc.freeze()
    search.workers = workers
    _worker = search


def _place(roster: Pinned, staff: list[int], deadline: float) -> tuple[Pinned | None, list[Step]]:
    """One group placed in a worker; its cells and the steps it took."""
    assert _worker is not None
    first = len(_worker.steps)
    cells = _worker.place(roster, staff, deadline)
    return cells, _worker.steps[first:]

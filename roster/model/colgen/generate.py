"""Column generation: a proven lower bound, and a pool of good schedules.

Each round solves the restricted master LP, prices every person at the
stabilised duals (Wentges: a point between the duals that gave the best
bound so far and the LP's), adds the schedules found, and computes the
Lagrangian bound

    LB(sigma) = sum_rows sigma_r rhs_r + sum_people min_schedules (own - sigma . a)

from CP-SAT's proven bounds of the pricing problems. It holds for any
duals inside their boxes (``Rows.box``), so every round's bound is valid,
stopped early or not; the best is kept (it is not monotone). Penalties are
integers, so the roster bound is its ceiling.

``allowed`` then says where a roster near the LP's optimum works: the
cells of the schedules the LP uses (and of each person's next best by
reduced cost), to which the solver holds a CP-SAT model of the whole
roster. Measured and dropped (benchmarks/RESULTS.md): an integer solve
over the whole pool (poor rosters, or none, as the design note found too:
people cannot mix their schedules), re-choosing a few people's schedules
from the pool as a neighbourhood search (almost never better than the
cell-level search of ``roster.model.lns``), and dives, which fix people to
their LP schedules a few at a time (worse than the held CP-SAT model on
every instance measured, and slower).
"""

from __future__ import annotations

import math
import threading
import time
from collections import defaultdict
from collections.abc import Callable

from roster.checker import check
from roster.model.build import blocked_cells
from roster.model.colgen.master import Master
from roster.model.colgen.pricing import Column, Pricer
from roster.model.colgen.rows import Cell, Rows, master_rows
from roster.model.index import Index
from roster.model.variables import Pinned, pinned_cells, roster_of
from roster.roster import Roster
from roster.scenario import Scenario

#: Wentges smoothing: the share of the best-bound duals in the pricing point
ALPHA = 0.5
#: schedules kept per pricing call at most
COLUMNS_PER_CALL = 5
#: seconds per pricing call at most; its proven bound counts even if stopped
PRICING_TIME = 1.0


class Infeasible(Exception):
    """A person's own hard rules cannot all hold: no roster exists."""

    def __init__(self, staff: str):
        super().__init__(f"{staff}: their own hard rules cannot all hold")
        self.staff = staff


class ColumnGeneration:
    """The column pool, the master and the best bound for one scenario."""

    def __init__(
        self,
        scenario: Scenario,
        *,
        soft_cover: bool = False,
        processes: int = 1,
        seed: int = 0,
        log: Callable[[str], None] | None = None,
    ):
        self.scenario, self.soft_cover, self.seed = scenario, soft_cover, seed
        self.index = Index.of(scenario)
        self.blocked = blocked_cells(scenario, self.index)
        self.rows: Rows = master_rows(scenario, self.index, soft_cover)
        self.master = Master(self.rows, len(self.index.staff))
        self.processes = processes
        self.pool: set[tuple[int, tuple[Cell, ...]]] = set()
        self.by_staff: dict[int, list[Column]] = defaultdict(list)
        #: the best Lagrangian bound so far (a float), and its duals
        self.bound = -math.inf
        self.best_duals: list[float] | None = None
        self.lp_value: float | None = None
        self.rounds = 0
        self.converged = False
        started = time.perf_counter()
        self.say: Callable[[str], None] = (
            (lambda line: log(f"{time.perf_counter() - started:7.1f} s  {line}"))
            if log
            else (lambda line: None)
        )
        if self.rows.left_out:
            self.say(
                "column generation: left out of the bound (penalties >= 0, scored "
                f"exactly in the rosters): {', '.join(self.rows.left_out)}"
            )

    # -- the pool ---------------------------------------------------------------
    def add(self, columns: list[Column]) -> int:
        new = [c for c in columns if (c.staff, c.cells) not in self.pool]
        for c in new:
            self.pool.add((c.staff, c.cells))
            self.by_staff[c.staff].append(c)
        self.master.add(new)
        return len(new)

    def columns_of(self, roster: Roster) -> list[Column]:
        """A roster's schedules with their own penalties (the checker's,
        rules linking people left out); people breaking their own hard rules
        give no column."""
        sc, idx = self.scenario, self.index
        report = check(sc, roster, soft_cover=self.soft_cover, linking=False)
        cost: dict[int, int] = defaultdict(int)
        broken: set[int] = set()
        for v in report.violations:
            if v.staff is None:
                raise AssertionError(f"a rule about one person named nobody: {v.rule}")
            s = idx.s_of[v.staff]
            if v.hard:
                broken.add(s)
            cost[s] += v.penalty
        cells: dict[int, list[Cell]] = defaultdict(list)
        for (s, d), (t, r, _) in pinned_cells(roster, sc, idx).items():
            cells[s].append((d, t, r))
        return [Column(s, tuple(sorted(cells[s])), cost[s]) for s in idx.S if s not in broken]

    # -- the rounds --------------------------------------------------------------
    def __enter__(self) -> ColumnGeneration:
        self.pricer = Pricer(self.scenario, self.index, self.blocked, self.processes)
        self.pricer.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.pricer.__exit__(*exc)

    def price(
        self,
        people: list[int],
        sigma: list[float],
        pi: list[float],
        limit: float,
        stop: threading.Event,
    ) -> tuple[list[Column], float, float] | None:
        """One pricing round over ``people`` at duals ``sigma``: (columns,
        the sum of their proven minima of ``own - sigma . a``, the smallest
        reduced cost bound against ``pi``); None when stopped."""
        jobs = [
            (
                s,
                self.rows.cell_duals(s, sigma),
                pi[s],
                limit,
                COLUMNS_PER_CALL,
                self.seed + self.rounds,
            )
            for s in people
        ]
        found: list[Column] = []
        mins, least = 0.0, math.inf
        for priced in self.pricer.price(jobs):
            if priced.infeasible:
                raise Infeasible(self.index.staff[priced.staff])
            mins += priced.bound
            least = min(least, priced.bound - pi[priced.staff])
            found.extend(priced.columns)
            if stop.is_set():
                return None
        self.rounds += 1
        return found, mins, least

    def run(
        self,
        deadline: float,
        stop: threading.Event,
        on_bound: Callable[[float], None] | None = None,
        good_enough: Callable[[float], bool] | None = None,
    ) -> None:
        """Rounds until the bound's ceiling meets the LP value's, the
        deadline, ``stop``, or ``good_enough(bound)``."""
        people = list(self.index.S)
        # round 0: everyone's own best schedule (duals 0), so that every
        # person has a column and the master is feasible
        sigma = [0.0] * len(self.rows.rows)
        pi = [0.0] * len(people)
        alpha = ALPHA
        while not stop.is_set() and time.perf_counter() < deadline:
            limit = max(0.05, min(PRICING_TIME, deadline - time.perf_counter()))
            priced = self.price(people, sigma, pi, limit, stop)
            if priced is None:
                return
            found, mins, _ = priced
            bound = sum(d * r.rhs for d, r in zip(sigma, self.rows.rows)) + mins
            if bound > self.bound:
                self.bound, self.best_duals = bound, sigma
                if on_bound is not None:
                    on_bound(bound)
            added = self.add(found)
            if not self._everyone_has_a_schedule(deadline, stop):
                return
            z, duals, pi, _ = self.master.solve()
            self.lp_value = z
            self.say(
                f"column generation round {self.rounds}: LP {z:.2f}, bound "
                f"{self.bound:.2f}, {added} new columns, {len(self.pool)} in all"
            )
            # penalties are whole numbers: once the bound's ceiling reaches
            # the LP's, no more columns can raise the roster bound
            self.converged = math.ceil(self.bound - 1e-6) >= math.ceil(z - 1e-6)
            if self.converged or (good_enough is not None and good_enough(self.bound)):
                return
            if (added == 0 and alpha > 0) or not any(self.best_duals or ()):
                # mis-priced at the smoothed point, or the best bound is
                # still the one at zero duals (smoothing towards zero only
                # slows the first rounds): price at the LP's duals
                alpha = 0.0
            else:
                alpha = ALPHA
            assert self.best_duals is not None
            sigma = [alpha * b + (1 - alpha) * d for b, d in zip(self.best_duals, duals)]

    def _everyone_has_a_schedule(self, deadline: float, stop: threading.Event) -> bool:
        """The master needs a schedule for every person: those whose pricing
        call found none in its time are priced again alone, at zero duals,
        with twice the time each try. False when out of time first."""
        limit = PRICING_TIME
        zero, pi = [0.0] * len(self.rows.rows), [0.0] * len(self.index.staff)
        while missing := [s for s in self.index.S if not self.by_staff[s]]:
            limit *= 2
            left = deadline - time.perf_counter()
            if left <= 0 or stop.is_set():
                return False
            priced = self.price(missing, zero, pi, min(limit, left), stop)
            if priced is None:
                return False
            self.add(priced[0])
        return True

    def largest(self) -> dict[int, Column]:
        """Each person's schedule of largest value in the master LP."""
        *_, values = self.master.solve()
        best: dict[int, tuple[float, Column]] = {}
        for col, v in zip(self.master.columns, values):
            if v > best.get(col.staff, (-1.0, col))[0]:
                best[col.staff] = (v, col)
        return {s: col for s, (_, col) in best.items()}

    def allowed(self, extra: int) -> set[tuple[int, int, int]]:
        """The (person, day, shift) cells of every schedule the master LP
        uses, and of each person's ``extra`` next schedules by reduced cost:
        where a roster near the LP's optimum works. A CP-SAT model held to
        these cells is a fraction of the whole and often holds rosters within
        a few percent of the bound (benchmarks/RESULTS.md)."""
        _, duals, pi, values = self.master.solve()
        out: set[tuple[int, int, int]] = set()
        others: dict[int, list[tuple[float, Column]]] = defaultdict(list)
        for col, v in zip(self.master.columns, values):
            if v > 1e-6:
                out.update((col.staff, d, t) for d, t, _ in col.cells)
            elif extra:
                counts = self.rows.counts(col.staff, col.cells)
                reduced = col.cost - pi[col.staff] - sum(duals[i] * n for i, n in counts.items())
                others[col.staff].append((reduced, col))
        for cols in others.values():
            cols.sort(key=lambda rc: rc[0])
            for _, col in cols[:extra]:
                out.update((col.staff, d, t) for d, t, _ in col.cells)
        return out

    @staticmethod
    def cells(choice: dict[int, Column]) -> Pinned:
        """The (person, day) -> (shift, role) cells of one schedule per person."""
        return {(s, d): (t, r, -1) for s, col in choice.items() for d, t, r in col.cells}

    def roster(self, choice: dict[int, Column]) -> Roster:
        """The roster of one schedule per person."""
        return roster_of(self.cells(choice), self.scenario, self.index)

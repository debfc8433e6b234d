"""The restricted master LP over a pool of columns, solved by HiGHS.

HiGHS keeps its basis when columns are added, so each round's re-solve is
a warm start (measured against GLOP through ``ortools.math_opt``, which
rebuilds the model each round: benchmarks/RESULTS.md).
"""

from __future__ import annotations

import os
import sys

import highspy
import numpy as np

from roster.model.colgen.pricing import Column
from roster.model.colgen.rows import Rows


_quiet = False


def _highs() -> highspy.Highs:
    """A HiGHS instance. HiGHS prints a banner on standard output the first
    time one is made in a process, whatever its options; that once, the
    output is sent to /dev/null, so that `roster`'s own output stays its own."""
    global _quiet
    if _quiet:
        return highspy.Highs()
    sys.stdout.flush()
    saved, null = os.dup(1), os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 1)
        h = highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(null)
    _quiet = True
    return h


class Master:
    """min  sum cost_j l_j + sum slack costs
    s.t. sum_{j of p} l_j = 1 for each person p; each row of ``rows``;
    l >= 0 (the convexity rows bound it by 1)."""

    def __init__(self, rows: Rows, people: int):
        h = _highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("threads", 1)
        inf = highspy.kHighsInf
        self.h, self.rows, self.people = h, rows, people
        self.columns: list[Column] = []
        #: person -> the column they are fixed to (while diving)
        self.fixed: dict[int, int] = {}
        # rows 0..people-1: convexity; then one per master row
        for _ in range(people):
            h.addRow(1.0, 1.0, 0, np.array([], dtype=np.int32), np.array([], dtype=np.float64))
        for row in rows.rows:
            lo, hi = (float(row.rhs), inf) if row.sense > 0 else (-inf, float(row.rhs))
            h.addRow(lo, hi, 0, np.array([], dtype=np.int32), np.array([], dtype=np.float64))
        for i, row in enumerate(rows.rows):  # the slack of each row
            h.addCol(row.cost, 0.0, inf, 1, np.array([people + i], dtype=np.int32),
                     np.array([float(row.sense)]))
        self.slacks = len(rows.rows)

    def add(self, columns: list[Column]) -> None:
        inf = highspy.kHighsInf
        for col in columns:
            counts = self.rows.counts(col.staff, col.cells)
            idx = np.array([col.staff, *(self.people + i for i in counts)], dtype=np.int32)
            val = np.array([1.0, *map(float, counts.values())])
            top = 0.0 if col.staff in self.fixed else inf
            self.h.addCol(float(col.cost), 0.0, top, len(idx), idx, val)
            self.columns.append(col)

    def fix(self, staff: int, j: int) -> None:
        """Person ``staff`` takes column ``j`` (an index into ``columns``):
        every other column of theirs, and any added later, is bounded to 0."""
        self.fixed[staff] = j
        for k, col in enumerate(self.columns):
            if col.staff == staff and k != j:
                self.h.changeColBounds(self.slacks + k, 0.0, 0.0)

    def unfix(self) -> None:
        for k, col in enumerate(self.columns):
            if col.staff in self.fixed:
                self.h.changeColBounds(self.slacks + k, 0.0, highspy.kHighsInf)
        self.fixed.clear()

    def solve(self) -> tuple[float, list[float], list[float], list[float]]:
        """(objective, row duals clipped into their boxes, convexity duals,
        column values)."""
        self.h.run()
        status = self.h.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"master LP not solved: {self.h.modelStatusToString(status)}")
        sol = self.h.getSolution()
        dual = list(sol.row_dual)
        duals = [min(max(dual[self.people + i], lo), hi)
                 for i, (lo, hi) in enumerate(map(self.rows.box, range(self.slacks)))]
        values = list(sol.col_value)[self.slacks:]
        return self.h.getInfo().objective_function_value, duals, dual[:self.people], values

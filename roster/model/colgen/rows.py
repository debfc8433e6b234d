"""The master problem's rows: every rule that links people, as linear rows
over whole-horizon schedules, and which of a person's cells count in each.

Cover per shift (``demand``): one row per level (hard minimum, soft minimum,
preferred from below and above, maximum), each ``count >= lo`` or
``count <= hi`` with a slack priced at the level's weight; the penalty is
exactly linear in the count, so an integral choice of schedules scores what
``check`` does. Cover over clock time (``time_cover``): one ``>=`` row per
segment, its slack priced at weight x segment hours; the checker rounds each
segment's person-hours up, so the LP prices a shortfall at most at its true
penalty and the bound stays valid. A hard row keeps a slack at ``HARD``
per unit, so that the restricted master is feasible from its first columns;
any roster meeting the row pays nothing for it, so the relaxation is still a
relaxation.

Group fairness links people through a spread (a max minus a min), not a
sum: it is left out of the master. Its penalty is never negative, so the
bound stays valid; the integer stage and the neighbourhood search score it
exactly (they use the whole model).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from roster.constraints import Section
from roster.constraints.cover import SOFT_COVER_WEIGHT, eligible, levels
from roster.constraints.time_cover import segments, weight_of
from roster.model.index import Index
from roster.model.variables import role_shifts
from roster.scenario import Scenario

#: price per unit of slack on a hard row in the LP: well above any soft
#: weight per person-shift, so that hard cover is met wherever it can be
HARD = float(SOFT_COVER_WEIGHT)

#: (day, shift, role) a person works: the unit a row counts
Cell = tuple[int, int, int]


@dataclass(frozen=True)
class Row:
    """``count >= rhs`` (sense +1) or ``count <= rhs`` (sense -1), where
    ``count`` sums the schedules' cells in the row; a unit of slack costs
    ``cost`` (``HARD`` where the rule is hard)."""

    sense: int
    rhs: int
    cost: float
    hard: bool
    label: str
    #: time_cover: the segment's minutes (its shortfall is priced in whole
    #: hours, rounded up); 0 for cover per shift
    minutes: int = 0


@dataclass
class Rows:
    """The master problem's linking rows (cover per shift and over clock time),
    and per person which rows each of their cells counts in: what pricing needs
    to value a person's schedule against the duals."""

    rows: list[Row]
    #: touch[s][(d, t, r)] -> the rows person s counts in when working that cell
    touch: list[dict[Cell, tuple[int, ...]]]
    #: rule labels of linking rules the master leaves out (said in the log)
    left_out: list[str]

    def counts(self, s: int, cells: tuple[Cell, ...]) -> dict[int, int]:
        """Row -> how many times a schedule of person s counts in it."""
        out: dict[int, int] = defaultdict(int)
        mine = self.touch[s]
        for cell in cells:
            for i in mine.get(cell, ()):
                out[i] += 1
        return out

    def cell_duals(self, s: int, duals: list[float]) -> dict[Cell, float]:
        """The dual price of each of person s's cells: the sum over its rows."""
        return {cell: sum(duals[i] for i in rows) for cell, rows in self.touch[s].items()}

    def box(self, i: int) -> tuple[float, float]:
        """Where the dual of row i may lie for the Lagrangian bound to hold:
        [0, cost] for ``>=``, [-cost, 0] for ``<=``."""
        row = self.rows[i]
        return (0.0, row.cost) if row.sense > 0 else (-row.cost, 0.0)


def master_rows(scenario: Scenario, index: Index, soft_cover: bool = False) -> Rows:
    """The rows of the master problem for a scenario."""
    roles = role_shifts(scenario, index)
    rows: list[Row] = []
    touch: list[dict[Cell, list[int]]] = [defaultdict(list) for _ in index.S]

    def cells_of(s: int, d: int, t: int, role: str | None) -> list[Cell]:
        return [(d, t, r) for r in roles[s][t] if role is None or index.roles[r] == role]

    who: dict[tuple[str | None, str | None], list[int]] = {}
    for need in scenario.needs:
        group = (need.role, need.skill)
        if group not in who:
            who[group] = [index.s_of[p.id] for p in eligible(scenario, *group)]
        ts = [index.t_of[t] for t in need.shifts]
        for label, lo, hi, weight in levels(need.demand, soft_cover):
            i = len(rows)
            sense, rhs = (1, lo) if lo is not None else (-1, hi)
            assert rhs is not None  # a level is a minimum or a maximum
            hard = weight is None
            rows.append(
                Row(
                    sense,
                    rhs,
                    HARD if hard else float(weight),  # type: ignore[arg-type]
                    hard,
                    f"cover {need.day} {need.shift} {need.what()} {label}",
                )
            )
            for s in who[group]:
                for t in ts:
                    for cell in cells_of(s, need.day, t, need.role):
                        touch[s][cell].append(i)
    for seg in segments(scenario):
        tc = seg.entry
        weight = weight_of(tc, soft_cover)
        hours = (seg.b - seg.a) / 60
        i = len(rows)
        fixed = 0
        hits: list[tuple[int, Cell]] = []
        for p in eligible(scenario, tc.role, tc.skill):
            s = index.s_of[p.id]
            history = scenario.history_of(p.id)
            for e, sid in seg.spans:
                t = index.t_of[sid]
                if e >= 0:
                    for cell in cells_of(s, e, t, tc.role):
                        touch[s][cell].append(i)
                        hits.append((s, cell))
                elif len(history) + e >= 0 and history[len(history) + e] == sid:
                    fixed += 1
        rows.append(
            Row(
                1,
                tc.min - fixed,
                HARD * hours if weight is None else weight * hours,
                weight is None,
                f"time_cover {seg.day} {seg.clock()}",
                seg.b - seg.a,
            )
        )
        if tc.max is not None:  # the same people, at most max
            rows.append(
                Row(
                    -1,
                    tc.max - fixed,
                    HARD * hours if tc.max_weight is None else tc.max_weight * hours,
                    tc.max_weight is None,
                    f"time_cover {seg.day} {seg.clock()} max",
                    seg.b - seg.a,
                )
            )
            for s, cell in hits:
                touch[s][cell].append(i + 1)
    left_out = sorted(  # the linking rules the rows above leave out (cover is in them)
        {
            inst.rule.label
            for inst in scenario.rule_instances
            if inst.rule.links_people and not isinstance(inst.rule, Section)
        }
    )
    return Rows(rows, [{c: tuple(v) for c, v in m.items()} for m in touch], left_out)

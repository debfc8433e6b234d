"""Decision variables: x[s, d][t] works shift t on day d, role choice, works.

Only *free* cells get variables. A cell is fixed when a hard rule rules it
out for good (leave, a role that may not work the shift, a shift limited to
0) or when it lies outside the neighbourhood being re-optimised: then it is
a constant taken from a given roster. Rules never see the difference: they
ask ``ModelContext.x()`` and get a literal or a constant.

A person with one role needs no role variables: their role is implied. A
person with several gets one Boolean per allowed role, exactly one of which
is true whenever they work the shift (care-team composition).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pandas as pd
from ortools.sat.python import cp_model

from roster.model.index import Index
from roster.roster import Roster
from roster.scenario import Scenario

Lit = cp_model.IntVar
#: (s, d) -> (t, r): the shift and role worked in a fixed cell
Pinned = dict[tuple[int, int], tuple[int, int]]


def role_shifts(scenario: Scenario, index: Index) -> list[list[tuple[int, ...]]]:
    """roles[s][t]: the roles person s may work shift t as."""
    allowed = {
        r.id: set(r.shifts) if r.shifts is not None else set(index.shifts) for r in scenario.roles
    }
    return [
        [tuple(index.r_of[r] for r in p.roles if index.shifts[t] in allowed[r]) for t in index.T]
        for p in scenario.staff
    ]


def pinned_cells(roster: Roster, scenario: Scenario, index: Index) -> Pinned:
    """A roster as (s, d) -> (t, r), the form fixed cells are read from."""
    return {
        (index.s_of[sid], d): (index.t_of[shift], index.r_of[role])
        for (sid, d), cells in roster.cells(scenario).items()
        for shift, role in cells[:1]
    }


def roster_of(cells: Pinned, scenario: Scenario, index: Index) -> Roster:
    """The inverse of ``pinned_cells``."""
    rows = [
        (index.staff[s], scenario.dates[d], index.shifts[t], index.roles[r])
        for (s, d), (t, r) in sorted(cells.items())
    ]
    return Roster(pd.DataFrame(rows, columns=["staff", "date", "shift", "role"]))


@dataclass
class Variables:
    index: Index
    #: roles[s][t] -> the roles person s may work shift t as
    roles: list[list[tuple[int, ...]]]
    #: free (s, d) -> per shift a Boolean, or False where it cannot be worked
    x: dict[tuple[int, int], list[Lit | bool]]
    #: free (s, d) -> the day is worked (sum of x)
    works: dict[tuple[int, int], Lit]
    #: role[(s, d, t)] -> {r: Boolean}, only for people with several roles
    role: dict[tuple[int, int, int], dict[int, Lit]]
    #: fixed cells that are worked
    pinned: Pinned

    @classmethod
    def create(
        cls,
        model: cp_model.CpModel,
        scenario: Scenario,
        index: Index,
        *,
        blocked: set[tuple[int, int, int]] = frozenset(),  # type: ignore[assignment]
        free: Iterable[tuple[int, int]] | None = None,
        pinned: Pinned | None = None,
    ) -> Variables:
        """Variables for the ``free`` (s, d) cells (default: all); the rest
        are constants from ``pinned``. ``blocked`` (s, d, t) are never worked."""
        roles = role_shifts(scenario, index)
        cells = free if free is not None else ((s, d) for s in index.S for d in index.D)
        x: dict[tuple[int, int], list[Lit | bool]] = {}
        works: dict[tuple[int, int], Lit] = {}
        role: dict[tuple[int, int, int], dict[int, Lit]] = {}
        for s, d in cells:
            row: list[Lit | bool] = []
            for t in index.T:
                if not roles[s][t] or (s, d, t) in blocked:
                    row.append(False)
                    continue
                v = model.new_bool_var("")
                row.append(v)
                if len(roles[s][t]) > 1:
                    choice = {r: model.new_bool_var("") for r in roles[s][t]}
                    model.add(sum(choice.values()) == v)
                    role[s, d, t] = choice
            w = model.new_bool_var("")
            # at most one shift per person per day; works = the day is worked
            model.add(cp_model.LinearExpr.sum([v for v in row if v is not False]) == w)
            x[s, d] = row
            works[s, d] = w
        return cls(index=index, roles=roles, x=x, works=works, role=role,
                   pinned=dict(pinned or {}) if free is not None else {})

    def lit(self, s: int, d: int, t: int) -> Lit | bool:
        """s works t on horizon day d: a literal, or a constant when fixed."""
        row = self.x.get((s, d))
        if row is not None:
            return row[t]
        cell = self.pinned.get((s, d))
        return cell is not None and cell[0] == t

    def worked(self, s: int, d: int) -> Lit | bool:
        w = self.works.get((s, d))
        return w if w is not None else (s, d) in self.pinned

    def as_role(self, s: int, d: int, t: int, r: int) -> Lit | bool:
        """Literal: s works t on d as role r (False when impossible)."""
        if (s, d) not in self.x:
            return self.pinned.get((s, d)) == (t, r)
        v = self.x[s, d][t]
        if v is False or r not in self.roles[s][t]:
            return False
        choice = self.role.get((s, d, t))
        return v if choice is None else choice[r]

    def all_literals(self) -> list[tuple[Lit, tuple[int, int, int]]]:
        return [
            (v, (s, d, t))
            for (s, d), row in self.x.items()
            for t, v in enumerate(row)
            if v is not False
        ]

    def extract(self, value: Callable[[Lit], bool], scenario: Scenario) -> Roster:
        """The roster of a solution (``value`` reads a literal), fixed cells included."""
        return roster_of(self.solution(value), scenario, self.index)

    def solution(self, value: Callable[[Lit], bool]) -> Pinned:
        """``extract`` as (s, d) -> (t, r): what a search step keeps."""
        cells: Pinned = {k: v for k, v in self.pinned.items() if k not in self.x}
        for (s, d), row in self.x.items():
            for t, v in enumerate(row):
                if v is False or not value(v):
                    continue
                choice = self.role.get((s, d, t))
                if choice is None:
                    r = self.roles[s][t][0]
                else:
                    r = next(r for r, lit in choice.items() if value(lit))
                cells[s, d] = (t, r)
        return cells

    def _worked(self, roster: Roster, scenario: Scenario) -> set[tuple[int, int, int]]:
        idx = self.index
        return {
            (idx.s_of[sid], d, idx.t_of[shift])
            for (sid, d), cells in roster.cells(scenario).items()
            for shift, _ in cells
        }

    def hint(self, model: cp_model.CpModel, cells: Pinned) -> None:
        """Suggest assignments (from ``pinned_cells``) as the solver's start."""
        for (s, d), row in self.x.items():
            cur = cells.get((s, d))
            for t, v in enumerate(row):
                if v is False:
                    continue
                model.add_hint(v, cur is not None and cur[0] == t)
                for r, lit in self.role.get((s, d, t), {}).items():
                    model.add_hint(lit, cur == (t, r))

    def fix(self, model: cp_model.CpModel, roster: Roster, scenario: Scenario) -> None:
        """Pin every assignment to the given roster (used to score it)."""
        worked = self._worked(roster, scenario)
        for v, (s, d, t) in self.all_literals():
            model.add(v == int((s, d, t) in worked))
        if any(self.lit(s, d, t) is False for s, d, t in worked):
            model.add_bool_or([])  # a cell no roster may use (leave, role, limit 0)
        idx = self.index
        for (sid, d), cells in roster.cells(scenario).items():
            for shift, role in cells:
                s, t, r = idx.s_of[sid], idx.t_of[shift], idx.r_of.get(role)
                if r not in self.roles[s][t]:
                    model.add_bool_or([])  # a role this person cannot work this shift as
                elif (s, d, t) in self.role:
                    model.add(self.role[s, d, t][r] == 1)

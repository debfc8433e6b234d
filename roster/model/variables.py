"""Decision variables: x[s, d][t] works shift t on day d, role choice, works.

Only *free* cells get variables. A cell is fixed when a hard rule rules it
out for good (leave, a role that may not work the shift, a shift limited to
0) or when it lies outside the neighbourhood being re-optimised: then it is
a constant taken from a given roster. Rules never see the difference: they
ask ``ModelContext.x()`` (``roster.constraints.context``) and get a literal or a constant.

A person with one role needs no role variables: their role is implied. A
person with several gets one Boolean per allowed role, exactly one of which
is true whenever they work the shift (care-team composition).

On-call duties are a second layer: y[s, d][k], at most one a day, held in
a role fixed per person (``Scenario.duty_roles``). A fixed cell is
(t, r, k): the shift and role worked and the duty held, -1 for none.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pandas as pd
from ortools.sat.python import cp_model

from roster.model.index import Index
from roster.roster import Roster
from roster.scenario import Scenario

#: a CP-SAT Boolean of the model (cells without one read False)
Lit = cp_model.IntVar
#: (s, d) -> (t, r, k): the shift and role worked and the duty held in a
#: fixed cell; t = -1 (and r = -1) for no shift, k = -1 for no duty
Pinned = dict[tuple[int, int], tuple[int, int, int]]


def role_shifts(scenario: Scenario, index: Index) -> list[list[tuple[int, ...]]]:
    """roles[s][t]: the roles person s may work shift t as."""
    allowed = {
        r.id: set(r.shifts) if r.shifts is not None else set(index.shifts) for r in scenario.roles
    }
    return [
        [tuple(index.r_of[r] for r in p.roles if index.shifts[t] in allowed[r]) for t in index.T]
        for p in scenario.staff
    ]


def duty_roles(scenario: Scenario, index: Index) -> list[list[int]]:
    """roles[s][k]: the role person s holds duty k as, -1 if they cannot."""
    held = scenario.duty_roles
    return [
        [index.r_of[held[p.id, k]] if (p.id, k) in held else -1 for k in index.duties]
        for p in scenario.staff
    ]


def pinned_cells(roster: Roster, scenario: Scenario, index: Index) -> Pinned:
    """A roster as (s, d) -> (t, r, k), the form fixed cells are read from."""
    shifts, duties = roster.layers(scenario)
    out: Pinned = {
        (index.s_of[sid], d): (index.t_of[shift], index.r_of[role], -1)
        for (sid, d), cells in shifts.items()
        for shift, role in cells[:1]
    }
    n = len(index.shifts)
    for (sid, d), held in duties.items():
        key = (index.s_of[sid], d)
        t, r, _ = out.get(key, (-1, -1, -1))
        out[key] = (t, r, index.t_of[held[0][0]] - n)
    return out


def roster_of(cells: Pinned, scenario: Scenario, index: Index) -> Roster:
    """The inverse of ``pinned_cells``."""
    rows = []
    for (s, d), (t, r, k) in sorted(cells.items()):
        sid, date = index.staff[s], scenario.dates[d]
        if t >= 0:
            rows.append((sid, date, index.shifts[t], index.roles[r]))
        if k >= 0:
            duty = index.duties[k]
            rows.append((sid, date, duty, scenario.duty_roles[sid, duty]))
    return Roster(pd.DataFrame(rows, columns=["staff", "date", "shift", "role"]))


@dataclass
class Variables:
    """A model's decision variables: per free (s, d) cell a Boolean per shift
    and per duty, the day-worked literal and role choices; every other cell is a
    constant (``pinned``, else not worked). Read cells through ``lit``,
    ``duty``, ``worked`` and ``as_role``, which hide that difference."""

    index: Index
    #: roles[s][t] -> the roles person s may work shift t as
    roles: list[list[tuple[int, ...]]]
    #: free (s, d) -> per shift a Boolean, or False where it cannot be worked
    x: dict[tuple[int, int], list[Lit | bool]]
    #: free (s, d) -> the day is worked (a shift, or a resident duty)
    works: dict[tuple[int, int], Lit]
    #: role[(s, d, t)] -> {r: Boolean}, only for people with several roles
    role: dict[tuple[int, int, int], dict[int, Lit]]
    #: fixed cells that are worked or hold a duty
    pinned: Pinned
    #: free (s, d) -> per duty a Boolean, or False where it cannot be held
    y: dict[tuple[int, int], list[Lit | bool]]
    #: duty_role[s][k] -> the role s holds duty k as, -1 if they cannot
    duty_role: list[list[int]]
    #: duty indexes that count as work
    resident: frozenset[int]

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
        held = duty_roles(scenario, index)
        n = len(index.shifts)
        resident = frozenset(k for k in index.K if index.duties[k] in scenario.resident_duties)
        cells = free if free is not None else ((s, d) for s in index.S for d in index.D)
        x: dict[tuple[int, int], list[Lit | bool]] = {}
        y: dict[tuple[int, int], list[Lit | bool]] = {}
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
            live = [v for v in row if not isinstance(v, bool)]
            duty: list[Lit | bool] = []
            if index.duties:
                duty = [
                    model.new_bool_var("")
                    if held[s][k] >= 0 and (s, d, n + k) not in blocked
                    else False
                    for k in index.K
                ]
                ys = [v for v in duty if not isinstance(v, bool)]
                if len(ys) > 1:
                    model.add_at_most_one(ys)  # one duty a day
                y[s, d] = duty
            on_site = (
                [v for v in (duty[k] for k in resident) if not isinstance(v, bool)] if duty else []
            )
            if on_site:
                # works = a shift or a resident duty (at most one shift)
                model.add(cp_model.LinearExpr.sum(live) <= 1)
                for v in live + on_site:
                    model.add_implication(v, w)
                model.add_bool_or([*live, *on_site, ~w])
            else:
                # at most one shift per person per day; works = the day is worked
                model.add(cp_model.LinearExpr.sum(live) == w)
            x[s, d] = row
            works[s, d] = w
        return cls(
            index=index,
            roles=roles,
            x=x,
            works=works,
            role=role,
            pinned=dict(pinned or {}) if free is not None else {},
            y=y,
            duty_role=held,
            resident=resident,
        )

    def lit(self, s: int, d: int, t: int) -> Lit | bool:
        """s works t on horizon day d: a literal, or a constant when fixed
        (t from ``len(shifts)`` on: holds that duty)."""
        n = len(self.index.shifts)
        if t >= n:
            return self.duty(s, d, t - n)
        row = self.x.get((s, d))
        if row is not None:
            return row[t]
        cell = self.pinned.get((s, d))
        return cell is not None and cell[0] == t

    def duty(self, s: int, d: int, k: int) -> Lit | bool:
        """s holds duty k on horizon day d."""
        row = self.y.get((s, d))
        if row is not None:
            return row[k]
        if (s, d) in self.x:
            return False  # free cell, no duty layer
        cell = self.pinned.get((s, d))
        return cell is not None and cell[2] == k

    def worked(self, s: int, d: int) -> Lit | bool:
        w = self.works.get((s, d))
        if w is not None:
            return w
        cell = self.pinned.get((s, d))
        return cell is not None and (cell[0] >= 0 or cell[2] in self.resident)

    def as_role(self, s: int, d: int, t: int, r: int) -> Lit | bool:
        """Literal: s works t on d as role r (False when impossible)."""
        n = len(self.index.shifts)
        if t >= n:
            return self.duty(s, d, t - n) if self.duty_role[s][t - n] == r else False
        if (s, d) not in self.x:
            cell = self.pinned.get((s, d))
            return cell is not None and cell[:2] == (t, r)
        v = self.x[s, d][t]
        if v is False or r not in self.roles[s][t]:
            return False
        choice = self.role.get((s, d, t))
        return v if choice is None else choice[r]

    def all_literals(self) -> list[tuple[Lit, tuple[int, int, int]]]:
        """(literal, (s, d, t)) of every free shift and duty (t = code index)."""
        n = len(self.index.shifts)
        return [
            (v, (s, d, t))
            for (s, d), row in self.x.items()
            for t, v in enumerate(row)
            if not isinstance(v, bool)
        ] + [
            (v, (s, d, n + k))
            for (s, d), row in self.y.items()
            for k, v in enumerate(row)
            if not isinstance(v, bool)
        ]

    def extract(self, value: Callable[[Lit], bool], scenario: Scenario) -> Roster:
        """The roster of a solution (``value`` reads a literal), fixed cells included."""
        return roster_of(self.solution(value), scenario, self.index)

    def solution(self, value: Callable[[Lit], bool]) -> Pinned:
        """``extract`` as (s, d) -> (t, r): what a search step keeps."""
        cells: Pinned = {k: v for k, v in self.pinned.items() if k not in self.x}
        for (s, d), row in self.x.items():
            t, r = -1, -1
            for u, v in enumerate(row):
                if isinstance(v, bool) or not value(v):
                    continue
                choice = self.role.get((s, d, u))
                t = u
                if choice is None:
                    r = self.roles[s][u][0]
                else:
                    r = next(r for r, lit in choice.items() if value(lit))
            k = next(
                (
                    k
                    for k, v in enumerate(self.y.get((s, d), ()))
                    if not isinstance(v, bool) and value(v)
                ),
                -1,
            )
            if t >= 0 or k >= 0:
                cells[s, d] = (t, r, k)
        return cells

    def hint(self, model: cp_model.CpModel, cells: Pinned) -> None:
        """Suggest assignments (from ``pinned_cells``) as the solver's start."""
        for (s, d), row in self.x.items():
            cur = cells.get((s, d))
            for t, v in enumerate(row):
                if isinstance(v, bool):
                    continue
                model.add_hint(v, cur is not None and cur[0] == t)
                for r, lit in self.role.get((s, d, t), {}).items():
                    model.add_hint(lit, cur is not None and cur[:2] == (t, r))
            for k, v in enumerate(self.y.get((s, d), ())):
                if not isinstance(v, bool):
                    model.add_hint(v, cur is not None and cur[2] == k)

    def fix(self, model: cp_model.CpModel, roster: Roster, scenario: Scenario) -> None:
        """Pin every assignment to the given roster (used to score it)."""
        idx = self.index
        shifts, duties = roster.layers(scenario)
        # (s, d, code index) of every shift and duty in the roster
        worked = {
            (idx.s_of[sid], d, idx.t_of[code])
            for table in (shifts, duties)
            for (sid, d), cells in table.items()
            for code, _ in cells
        }
        for v, (s, d, t) in self.all_literals():
            model.add(v == int((s, d, t) in worked))
        if any(self.lit(s, d, t) is False for s, d, t in worked):
            model.add_bool_or([])  # a cell no roster may use (leave, role, limit 0)
        for (sid, _d), held in duties.items():
            s = idx.s_of[sid]
            for duty, role in held:
                if self.duty_role[s][idx.t_of[duty] - len(idx.shifts)] != idx.r_of.get(role):
                    model.add_bool_or([])  # held in a role the duty does not allow
        for (sid, d), cells in shifts.items():
            for shift, role in cells:
                s, t, r = idx.s_of[sid], idx.t_of[shift], idx.r_of.get(role)
                if r not in self.roles[s][t]:
                    model.add_bool_or([])  # a role this person cannot work this shift as
                elif (s, d, t) in self.role:
                    model.add(self.role[s, d, t][r] == 1)

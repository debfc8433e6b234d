"""Decision variables: x[s][d][t] works shift t on day d, role choice, works[s][d].

A person with one role needs no role variables: their role is implied. A
person with several gets one Boolean per allowed role, exactly one of which
is true whenever they work the shift (care-team composition).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from ortools.sat.python import cp_model

from roster.model.index import Index
from roster.roster import Roster
from roster.scenario import Scenario

Lit = cp_model.IntVar


@dataclass
class Variables:
    index: Index
    #: x[s][d][t] -> Boolean, or None where no role of s may work t
    x: list[list[list[Lit | None]]]
    #: role[(s, d, t)] -> {r: Boolean}, only for people with several roles
    role: dict[tuple[int, int, int], dict[int, Lit]]
    #: roles[s][t] -> the roles person s may work shift t as
    roles: list[list[tuple[int, ...]]]
    works: list[list[Lit]]

    @classmethod
    def create(cls, model: cp_model.CpModel, scenario: Scenario, index: Index) -> Variables:
        role_shifts = {
            r.id: set(r.shifts) if r.shifts is not None else set(index.shifts)
            for r in scenario.roles
        }
        roles = [
            [
                tuple(index.r_of[r] for r in p.roles if index.shifts[t] in role_shifts[r])
                for t in index.T
            ]
            for p in scenario.staff
        ]
        x: list[list[list[Lit | None]]] = []
        works: list[list[Lit]] = []
        role: dict[tuple[int, int, int], dict[int, Lit]] = {}
        for s in index.S:
            xs, ws = [], []
            for d in index.D:
                row: list[Lit | None] = []
                for t in index.T:
                    if not roles[s][t]:
                        row.append(None)
                        continue
                    v = model.new_bool_var(f"x[{index.staff[s]},{d},{index.shifts[t]}]")
                    row.append(v)
                    if len(roles[s][t]) > 1:
                        choice = {
                            r: model.new_bool_var(f"role[{s},{d},{t},{r}]") for r in roles[s][t]
                        }
                        model.add(sum(choice.values()) == v)
                        role[s, d, t] = choice
                w = model.new_bool_var(f"works[{index.staff[s]},{d}]")
                # at most one shift per person per day; works = the day is worked
                model.add(sum(v for v in row if v is not None) == w)
                xs.append(row)
                ws.append(w)
            x.append(xs)
            works.append(ws)
        return cls(index=index, x=x, role=role, roles=roles, works=works)

    def as_role(self, s: int, d: int, t: int, r: int) -> Lit | bool:
        """Literal: s works t on d as role r (False when impossible)."""
        v = self.x[s][d][t]
        if v is None or r not in self.roles[s][t]:
            return False
        choice = self.role.get((s, d, t))
        return v if choice is None else choice[r]

    def all_literals(self) -> list[tuple[Lit, tuple[int, int, int]]]:
        out = []
        for s in self.index.S:
            for d in self.index.D:
                for t in self.index.T:
                    v = self.x[s][d][t]
                    if v is not None:
                        out.append((v, (s, d, t)))
        return out

    def extract(self, solver: cp_model.CpSolver, scenario: Scenario) -> Roster:
        """Read the assignments of the solver's best solution."""
        idx = self.index
        rows = []
        for s in idx.S:
            for d in idx.D:
                for t in idx.T:
                    v = self.x[s][d][t]
                    if v is None or not solver.boolean_value(v):
                        continue
                    choice = self.role.get((s, d, t))
                    if choice is None:
                        r = self.roles[s][t][0]
                    else:
                        r = next(r for r, lit in choice.items() if solver.boolean_value(lit))
                    rows.append((idx.staff[s], scenario.dates[d], idx.shifts[t], idx.roles[r]))
        return Roster(pd.DataFrame(rows, columns=["staff", "date", "shift", "role"]))

    def _worked(self, roster: Roster, scenario: Scenario) -> set[tuple[int, int, int]]:
        idx = self.index
        return {
            (idx.s_of[sid], d, idx.t_of[shift])
            for (sid, d), cells in roster.cells(scenario).items()
            for shift, _ in cells
        }

    def hint(self, model: cp_model.CpModel, roster: Roster, scenario: Scenario) -> None:
        """Suggest a roster as the solver's starting point."""
        worked = self._worked(roster, scenario)
        for v, (s, d, t) in self.all_literals():
            model.add_hint(v, (s, d, t) in worked)

    def fix(self, model: cp_model.CpModel, roster: Roster, scenario: Scenario) -> None:
        """Pin every assignment to the given roster (used to score it)."""
        worked = self._worked(roster, scenario)
        for v, (s, d, t) in self.all_literals():
            model.add(v == int((s, d, t) in worked))
        idx = self.index
        for (sid, d), cells in roster.cells(scenario).items():
            for shift, role in cells:
                key = (idx.s_of[sid], d, idx.t_of[shift])
                if key in self.role and idx.r_of[role] in self.role[key]:
                    model.add(self.role[key][idx.r_of[role]] == 1)

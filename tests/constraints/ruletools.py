"""Shared helpers for the rule-library tests.

``found`` runs the checker and lists one rule's violations as
``(staff, amount, weight, [day indexes])``; ``pinned`` scores a roster with
the CP-SAT model (every assignment fixed); ``optimum`` solves and asserts
that the checker agrees with the objective.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from ortools.sat.python import cp_model

from helpers import START, roster, scenario, solve_and_check
from roster import Roster, SolveStatus, check
from roster.model.build import build
from roster.result import CheckReport

__all__ = [
    "START",
    "day",
    "found",
    "infeasible",
    "optimum",
    "person",
    "pin",
    "pinned",
    "report",
    "roster",
    "rule_scenario",
    "scenario",
    "with_roles",
]


def rule_scenario(kind: str, rule: dict[str, Any] | None = None, **sections: Any):  # type: ignore[no-untyped-def]
    """A test file's ``sc_with(rule, **extra)``: the base scenario with one
    rule of ``kind`` (``rule`` holds parameters every call shares) and
    ``sections`` (then ``extra``) in place of the base's."""

    def sc_with(params: dict[str, Any], **extra: Any):  # type: ignore[no-untyped-def]
        return scenario(rules=[{"kind": kind, **(rule or {}), **params}], **{**sections, **extra})

    return sc_with


def day(d: int, start: dt.date = START) -> str:
    """ISO date of day index ``d`` (may be negative)."""
    return (start + dt.timedelta(days=d)).isoformat()


def report(sc: Any, rows: Any, soft_cover: bool = False) -> CheckReport:
    return check(sc, roster(sc, rows), soft_cover=soft_cover)


def found(
    sc: Any, rows: Any, rule: str | None = None, soft_cover: bool = False
) -> list[tuple[str | None, int, int | None, list[int]]]:
    """(staff, amount, weight, day indexes) of each violation of ``rule``."""
    start = sc.horizon.start
    return [
        (v.staff, v.amount, v.weight, [(x - start).days for x in v.dates])
        for v in report(sc, rows, soft_cover).violations
        if rule is None or v.rule == rule
    ]


def with_roles(sc: Any, rows: list[tuple[str, int, str, str]]) -> Roster:
    """A roster from (staff, day, shift, role) rows, roles given explicitly."""
    return Roster(
        pd.DataFrame(
            [(s, sc.horizon.start + dt.timedelta(days=d), t, r) for s, d, t, r in rows],
            columns=["staff", "date", "shift", "role"],
        )
    )


def pinned(sc: Any, rows: Any, soft_cover: bool = False) -> float | None:
    """Objective of the model with every assignment fixed to the roster;
    None when that model is infeasible."""
    ros = roster(sc, rows)
    ctx = build(sc, soft_cover=soft_cover)
    ctx.vars.fix(ctx.model, ros, sc)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    status = solver.solve(ctx.model)
    assert status in (cp_model.OPTIMAL, cp_model.INFEASIBLE)
    if status == cp_model.INFEASIBLE:
        return None
    return solver.objective_value if ctx.penalties else 0.0


def optimum(sc: Any, **params: Any):  # type: ignore[no-untyped-def]
    """Solve to optimality; the checker must agree (solve_and_check)."""
    result = solve_and_check(sc, **({"explain": False, "time_limit": 10.0} | params))
    assert result.status == SolveStatus.OPTIMAL, result.status
    return result


def infeasible(sc: Any) -> bool:
    result = solve_and_check(sc, explain=False, time_limit=10.0)
    return result.status == SolveStatus.INFEASIBLE


def pin(line: str, start: dt.date = START) -> list[dict[str, str]]:
    """``fixed:`` entries from a line like 'E..L' (one char a day)."""
    return [{"date": day(d, start), "shift": c} for d, c in enumerate(line) if c != "."]


def person(sid: str, **extra: Any) -> dict[str, Any]:
    return {"id": sid, "roles": ["RN"], **extra}

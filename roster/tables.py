"""The tables a result is written and reported as (coverage, staff totals,
penalties, the summary), computed from a roster alone: no files here, so the
report, the exports and the output folder share them."""

from __future__ import annotations

from typing import Any

import pandas as pd

from roster.checker import RosterView
from roster.constraints import cover, time_cover
from roster.constraints.base import weekend_blocks
from roster.result import CheckReport, Result
from roster.roster import Roster
from roster.scenario import Scenario


def coverage_table(scenario: Scenario, roster: Roster) -> pd.DataFrame:
    """coverage.csv: per date and shift (or clock window) and role or skill,
    the levels asked, who is there and what is missing; shift cover first."""
    view = RosterView(scenario, roster)
    parts = [cover.coverage(view), time_cover.coverage(view)]
    parts = [p for p in parts if not p.empty]
    return (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame(
            columns=[
                "date",
                "shift",
                "window",
                "role",
                "skill",
                "min",
                "preferred",
                "max",
                "assigned",
                "shortfall",
                "below_preferred",
                "surplus",
            ]
        )
    )


def staff_totals(scenario: Scenario, roster: Roster) -> dict[str, dict[str, Any]]:
    """Per person: paid hours (real time; on-call duties their paid share),
    hours credited for leave, shifts, nights, on-call duties held and their
    paid hours, and worked weekends (a shift or a resident duty)."""
    cells, held = roster.layers(scenario)
    blocks = weekend_blocks(scenario)
    resident = scenario.resident_duties
    out = {}
    for p in scenario.staff:
        days = range(scenario.horizon.days)
        worked = [(d, t) for d in days for t, _ in cells.get((p.id, d), [])]
        duties = [(d, k) for d in days for k, _ in held.get((p.id, d), [])]
        on_site = {d for d, k in duties if k in resident}
        duty_minutes = sum(scenario.paid(d, k) for d, k in duties)
        out[p.id] = {
            "hours": round((sum(scenario.paid(d, t) for d, t in worked) + duty_minutes) / 60, 2),
            "leave_hours": round(sum(scenario.credit[p.id].values()) / 60, 2),
            "shifts": len(worked),
            "nights": sum(1 for _, t in worked if scenario.shift_by_id[t].is_night),
            "duties": len(duties),
            "duty_hours": round(duty_minutes / 60, 2),
            "weekends": sum(
                1 for b in blocks if any((p.id, d) in cells or d in on_site for d in b)
            ),
        }
    return out


def hours_due(scenario: Scenario, staff: str) -> float | None:
    """Contracted hours for the horizon, pro rata to the days not on leave
    that credits nothing: a leave day that credits hours still owes them,
    and its credit counts as hours paid (``leave_hours`` in ``staff_totals``)."""
    weekly = scenario.hours_per_week(staff)
    if weekly is None:
        return None
    uncredited = len(scenario.leave_days[staff]) - len(scenario.credit[staff])
    return weekly * (scenario.horizon.days - uncredited) / 7


def summary(result: Result, scenario: Scenario) -> dict[str, Any]:
    """summary.json: status, objective, bound, gap and times, and with a
    roster what the checker found and each person's totals."""
    out: dict[str, Any] = {
        "scenario": scenario.name,
        "status": result.status.value,
        "objective": result.objective,
        "best_bound": result.best_bound,
        "gap": result.gap,
        "wall_time_s": round(result.wall_time_s, 3),
        "first_solution_s": (
            round(result.first_solution_s, 3) if result.first_solution_s is not None else None
        ),
        "stopped_by_user": result.stopped_by_user,
    }
    if result.cpsat_objective is not None and result.cpsat_objective != result.objective:
        out["cpsat_objective"] = result.cpsat_objective
    if result.report is not None and result.roster is not None:
        out["check_total_penalty"] = result.report.total_penalty
        out["hard_violations"] = len(result.report.hard_violations)
        out["penalty_by_rule"] = result.report.by_rule
        out["staff"] = staff_totals(scenario, result.roster)
    if result.explanation:
        out["explanation"] = result.explanation
    return out


def penalty_table(report: CheckReport) -> pd.DataFrame:
    """penalties.csv: one row per penalty, its dates space-separated."""
    return pd.DataFrame(
        [{**v.as_dict(), "dates": " ".join(v.as_dict()["dates"])} for v in report.penalties],
        columns=["rule", "staff", "dates", "amount", "weight", "penalty", "message"],
    )

"""Outcome measures of a roster for comparing variants: uncovered
person-hours, overtime, unmet requests and the spread of nights and weekends.

All are computed from the roster and the check report, like ``roster check``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from roster.checker import RosterView
from roster.constraints import cover, requests, time_cover
from roster.constraints.fairness import Fairness
from roster.records import format_clock
from roster.result import Result
from roster.roster import Roster
from roster.scenario import Scenario
from roster.tables import hours_due, staff_totals


def who(role: str | None, skill: str | None) -> str:
    """'RN', 'RN/charge' or 'charge': the column name of a cover entry."""
    return "/".join(x for x in (role, skill) if x)


@dataclass(frozen=True)
class Shortfall:
    """People missing below a hard cover minimum: on a shift, or in a
    segment of a clock-time window."""

    date: dt.date
    what: str  #: 'shift.N' or 'window.15:00-07:00'
    who: str  #: 'RN', 'RN/charge' or 'charge'
    required: int
    present: int
    hours: float  #: people short x the shift's or segment's length
    role: str | None = None  #: the cover entry's role (None: any with the skill)
    skill: str | None = None  #: the cover entry's skill (None: any in the role)

    def concerns(self, name: str) -> bool:
        """Whether the shortfall is of ``name``, a role or a skill: its cover
        entry names it (with or without the other)."""
        return name in (self.role, self.skill)

    def describe(self) -> str:
        kind, _, name = self.what.partition(".")
        return (
            f"{self.date:%a %Y-%m-%d} {name}{' window' if kind == 'window' else ''} "
            f"{self.who}: {self.present} of {self.required}"
        )


def shortfalls(scenario: Scenario, roster: Roster) -> list[Shortfall]:
    """Every shortfall below the hard cover minima (the staffing required; a
    minimum with a weight is a wish, priced in the objective)."""
    ctx = RosterView(scenario, roster)
    out = []
    for need in scenario.needs:
        short = need.demand.min - cover.assigned(ctx, need)
        if need.demand.min_weight is None and short > 0:
            out.append(
                Shortfall(
                    scenario.dates[need.day],
                    f"shift.{need.shift}",
                    who(need.role, need.skill),
                    need.demand.min,
                    need.demand.min - short,
                    short * min(_length(scenario, need.day, t) for t in need.shifts) / 60,
                    need.role,
                    need.skill,
                )
            )
    for seg in time_cover.segments(scenario):
        tc = seg.entry
        short = tc.min - time_cover.present(ctx, seg)
        if tc.weight is None and short > 0:
            out.append(
                Shortfall(
                    scenario.dates[seg.day],
                    f"window.{format_clock(tc.from_)}-{format_clock(tc.to)}",
                    who(tc.role, tc.skill),
                    tc.min,
                    tc.min - short,
                    short * (seg.b - seg.a) / 60,
                    tc.role,
                    tc.skill,
                )
            )
    return out


def _length(scenario: Scenario, d: int, shift: str) -> int:
    a, b = scenario.span(d, shift)
    return b - a


def uncovered(scenario: Scenario, result: Result) -> dict[str, float]:
    """Person-hours of ``shortfalls`` in total, per role/skill, per shift and
    per time-cover window."""
    assert result.roster is not None
    out: dict[str, float] = defaultdict(float)
    for gap in shortfalls(scenario, result.roster):
        for key in (f"role.{gap.who}", gap.what, "total"):
            out[key] += gap.hours
    return {k: round(v, 2) for k, v in out.items()}


def uncovered_for(scenario: Scenario, result: Result, names: Sequence[str]) -> dict[str, float]:
    """Person-hours of ``shortfalls`` of each of ``names`` (a role or a
    skill; see ``Shortfall.concerns``), so that a role varied in a what-if
    is seen apart from the roles that were not. A shortfall of a role with a
    skill counts for both."""
    assert result.roster is not None
    gaps = shortfalls(scenario, result.roster)
    return {n: round(sum(g.hours for g in gaps if g.concerns(n)), 2) for n in names}


def uncovered_column(name: str) -> str:
    """The column of ``uncovered_for``'s hours of a role or skill."""
    return f"uncovered_hours_{name}"


def overtime_hours(scenario: Scenario, result: Result) -> float:
    """Paid hours (worked, plus leave credited as hours) above each person's
    contracted hours (``hours_due``)."""
    assert result.roster is not None
    totals = staff_totals(scenario, result.roster)
    over = 0.0
    for p in scenario.staff:
        due = hours_due(scenario, p.id)
        if due is not None:
            over += max(0.0, totals[p.id]["hours"] + totals[p.id]["leave_hours"] - due)
    return round(over, 2)


def fair_loads(scenario: Scenario, roster: Roster, measure: str) -> list[dict[str, Fraction]]:
    """Per role, each person's nights or weekends as full-time equivalents
    (exact fractions), measured as the fairness rule does (pro rata to
    contract and days not on leave)."""
    rule = Fairness(kind="fairness", measure=measure)
    ctx = RosterView(scenario, roster)
    groups = rule.groups(scenario, [p.id for p in scenario.staff])
    return [loads for group in groups if (loads := rule.loads(ctx, group))]


def spread(scenario: Scenario, result: Result, measure: str) -> float:
    """The largest spread of ``fair_loads`` within a role, to 2 decimals."""
    assert result.roster is not None
    most = max(
        (max(g.values()) - min(g.values()) for g in fair_loads(scenario, result.roster, measure)),
        default=Fraction(0),
    )
    return round(float(most), 2)


def outcome(scenario: Scenario, result: Result, roles: Sequence[str] = ()) -> dict[str, Any]:
    """One row of measures for a solved variant (blank where no roster);
    with ``roles`` (roles or skills), the uncovered hours of each of them
    too (``uncovered_column``)."""
    row: dict[str, Any] = {
        "status": result.status.value,
        "objective": result.objective,
        "best_bound": result.best_bound,
        "gap_pct": None if result.gap is None else round(100 * result.gap, 2),
    }
    if result.roster is None or result.report is None:
        return row
    gaps = uncovered(scenario, result)
    row["uncovered_hours"] = gaps.pop("total", 0.0)
    for name, hours in uncovered_for(scenario, result, roles).items():
        row[uncovered_column(name)] = hours
    row["hard_violations"] = len(result.report.hard_violations)
    row["overtime_hours"] = overtime_hours(scenario, result)
    row["unmet_requests"] = sum(
        v.amount for v in result.report.violations if v.rule == requests.RULE
    )
    row["nights_spread"] = spread(scenario, result, "nights")
    row["weekends_spread"] = spread(scenario, result, "weekends")
    row.update({f"uncovered_hours.{k}": v for k, v in sorted(gaps.items())})
    return row

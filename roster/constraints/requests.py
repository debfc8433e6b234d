"""Shift and day requests (soft, weighted): on or off, the whole day or some
shifts (``shift: [N, LN]`` with ``want: off`` = no night of either kind;
with ``want: on``, any of them grants it). A request may name on-call duties
too; a whole-day request counts shifts and duties alike (a day off is a day
with neither).

Penalty ``weight`` for each requested day the request is not met.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator, Sequence
from typing import TYPE_CHECKING

from roster.constraints.base import Section
from roster.constraints.context import CheckContext, ModelContext
from roster.constraints.literals import neg
from roster.records import expand

if TYPE_CHECKING:
    from roster.records import Request
    from roster.result import CheckReport, Violation
    from roster.scenario import Scenario

RULE = "requests"


def refusal(staff: str, q: Request, date: dt.date, worked: Sequence[str]) -> str:
    """A refused request in plain words, with what was rostered instead:
    'R11 asked to work E on Mon 07 Dec; rostered L'."""
    when = f"{date:%a %d %b}"
    if q.shifts is None:
        asked = f"asked for {when} off" if q.want == "off" else f"asked to work on {when}"
    else:
        verb = "asked not to work" if q.want == "off" else "asked to work"
        asked = f"{verb} {q.text()} on {when}"
    return f"{staff} {asked}; rostered {'+'.join(worked) or 'off'}"


def each_request(
    scenario: Scenario, staff: Collection[str] | None = None
) -> Iterator[tuple[str, int, Request]]:
    """(person, day, request) for every requested day in the horizon, of
    ``staff`` only when given."""
    people = scenario.staff if staff is None else [scenario.staff_by_id[s] for s in staff]
    for p in people:
        for q in p.requests:
            for date in expand(q.dates):
                d = scenario.day_index(date)
                if d is not None:
                    yield p.id, d, q


def refused(scenario: Scenario, report: CheckReport) -> set[tuple[str, int]]:
    """(staff, day index) of the requests a checked roster does not grant."""
    return {
        (v.staff, d)
        for v in report.violations
        if v.rule == RULE and v.staff is not None
        for x in v.dates
        if (d := scenario.day_index(x)) is not None
    }


class RequestsSection(Section):
    """Shift and day requests, from each person's ``requests`` (soft)."""

    name = RULE

    def encode(self, ctx: ModelContext, staff: Sequence[int]) -> None:
        idx = ctx.index
        free = [idx.staff[s] for s in sorted(ctx.free_staff)]
        for sid, d, q in each_request(ctx.scenario, free):
            s = idx.s_of[sid]
            if not ctx.is_free(s, d):
                continue  # a fixed cell: a constant penalty
            shifts = q.shifts
            if shifts is None and not idx.duties:
                lit = ctx.works(s, d)
            else:
                codes = (
                    [idx.t_of[t] for t in dict.fromkeys(shifts)]
                    if shifts is not None
                    else range(len(idx.shifts) + len(idx.duties))
                )
                lits = [ctx.x(s, d, t) for t in codes]
                mixed = any(t >= len(idx.shifts) for t in codes)
                lit = ctx.any_of(lits) if mixed else ctx.one_of(lits)
            assert lit is not None
            unmet = lit if q.want == "off" else neg(lit)
            ctx.forbid([unmet], weight=q.weight, staff=s, days=[d])

    def check(self, ctx: CheckContext, staff: Sequence[str]) -> Iterator[Violation]:
        wanted = set(staff)
        for sid, d, q in each_request(ctx.scenario):
            if sid not in wanted:
                continue
            shifts = [*ctx.shifts(sid, d), *ctx.duties(sid, d)]
            asked = q.shifts
            worked = bool(shifts) if asked is None else any(t in shifts for t in asked)
            if worked == (q.want == "off"):
                yield ctx.violation(
                    RULE, sid, [d], 1, q.weight, refusal(sid, q, ctx.date(d), shifts)
                )

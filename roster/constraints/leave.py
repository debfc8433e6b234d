"""Leave and unavailability (hard): no shift or duty on those days or shifts.

Leave has a type (annual by default; sick, study, parental, unpaid, or one of
the scenario's ``leave_types``). A contract's ``leave_hours`` (or a person's
own) says how many hours a leave day of each type counts as worked, the same
every day or per weekday; ``hours`` rules, hours due, the people table and
overtime count them. Only leave lowers fairness capacity; unavailable days do
not.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from roster.constraints.base import Section, fmt_dates
from roster.constraints.context import CheckContext, ModelContext
from roster.constraints.literals import neg

if TYPE_CHECKING:
    from roster.result import Violation
    from roster.scenario import Scenario

RULE = "leave"


def blocked(scenario: Scenario) -> dict[str, dict[int, set[str] | None]]:
    """staff -> day -> shifts they cannot work (None = the whole day)."""
    out: dict[str, dict[int, set[str] | None]] = {}
    for p in scenario.staff:
        days: dict[int, set[str] | None] = {d: None for d in scenario.away_days[p.id]}
        for u in p.unavailable:
            if u.shifts is None:
                continue
            for d in scenario.unavailable_days(u):
                if days.get(d, set()) is not None:
                    days.setdefault(d, set()).update(u.shifts)  # type: ignore[union-attr]
        if days:
            out[p.id] = days
    return out


class LeaveSection(Section):
    """No work on leave or unavailable days and shifts (hard)."""

    name = RULE

    def encode(self, ctx: ModelContext, staff: Sequence[int]) -> None:
        idx = ctx.index
        for sid, days in blocked(ctx.scenario).items():
            s = idx.s_of[sid]
            if s not in ctx.free_staff:
                continue  # fixed cells: nothing to decide
            dates = [ctx.scenario.dates[d] for d in sorted(days)]
            text = f"{sid} is on leave or unavailable on {', '.join(fmt_dates([x]) for x in dates)}"
            for d, shifts in days.items():
                for t in range(len(idx.shifts) + len(idx.duties)):
                    v = ctx.x(s, d, t)
                    if v is not False and (shifts is None or idx.code(t) in shifts):
                        ctx.require_any([neg(v)], staff=s, key=("leave", s), text=text)

    def check(self, ctx: CheckContext, staff: Sequence[str]) -> Iterator[Violation]:
        wanted = set(staff)
        for sid, days in blocked(ctx.scenario).items():
            if sid not in wanted:
                continue
            for d, shifts in sorted(days.items()):
                for shift in [*ctx.shifts(sid, d), *ctx.duties(sid, d)]:
                    if shifts is None or shift in shifts:
                        yield ctx.violation(
                            RULE,
                            sid,
                            [d],
                            1,
                            None,
                            f"{sid} works {shift} on {fmt_dates([ctx.date(d)])} while "
                            f"{'on leave' if shifts is None else 'unavailable for it'}",
                        )

"""Minimum rest between shifts, in real time: a shift must not start less
than ``hours`` after the previous worked shift ended (e.g. 11 h rules out a
late ending 22:00 followed by an early at 07:00, and across the night the
clocks go forward, a late ending 20:00 followed by a 07:00 early). Overlaps
are ruled out anyway (``one_shift``). History counts.

Soft penalty per missing hour of rest, rounded up, per short rest.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, ClassVar, Literal

from pydantic import Field

from roster.constraints.base import Rule, fmt_dates

if TYPE_CHECKING:
    from roster.check import CheckContext
    from roster.model.build import ModelContext
    from roster.result import Violation
    from roster.scenario import Scenario, Shift


class MinRest(Rule):
    """At least ``hours`` of rest between the end of one shift and the next."""

    kind: Literal["min_rest"]
    hours: float = Field(gt=0, le=72, description="minimum rest in hours")

    day_scoped: ClassVar[bool] = True  # the day of the first shift of the pair

    def describe(self) -> str:
        return f"at least {self.hours:g} h rest between shifts"

    def pairs_of(self, scenario: Scenario) -> tuple[list[Shift], list[Shift]]:
        """The shifts a rest follows, and the shifts it comes before."""
        return scenario.shifts, scenario.shifts

    def short_pairs(self, scenario: Scenario, d: int) -> list[tuple[int, str, str, int]]:
        """(k, first, second, missing hours): ``first`` on day ``d``, then
        ``second`` k days later, starts too soon, in real time (the rest
        across a night the clocks go forward is an hour shorter)."""
        need = round(self.hours * 60)
        firsts, seconds = self.pairs_of(scenario)
        out = []
        for k in range(1, 2 + need // 1440 + 1):
            for a in firsts:
                end = scenario.span(d, a.id)[1]
                for b in seconds:
                    gap = scenario.span(d + k, b.id)[0] - end
                    if 0 <= gap < need:
                        out.append((k, a.id, b.id, -(-(need - gap) // 60)))
        return out

    def encode(self, ctx: ModelContext, staff: Sequence[int]) -> None:
        from roster.model.build import neg

        idx, sc = ctx.index, ctx.scenario
        first = -max((ctx.history_len(s) for s in staff), default=0)
        pairs = {d: self.short_pairs(sc, d) for d in range(first, idx.days - 1)
                 if self.in_day_scope(sc, d)}
        for s in staff:
            for d in range(-ctx.history_len(s), idx.days - 1):
                for k, a, b, missing in pairs.get(d, ()):
                    if d + k < 0 or d + k >= idx.days:
                        continue
                    between = [neg(ctx.works(s, e)) for e in range(d + 1, d + k)]
                    lits = [ctx.x(s, d, idx.t_of[a]), ctx.x(s, d + k, idx.t_of[b]), *between]
                    ctx.forbid(lits, weight=self.weight, amount=missing, staff=s,
                               days=[e for e in (d, d + k) if e >= 0])

    def check(self, ctx: CheckContext, staff: Sequence[str]) -> Iterable[Violation]:
        sc = ctx.scenario
        for sid in staff:
            for d in range(-ctx.history_len(sid), ctx.days):
                if not self.in_day_scope(sc, d) or not ctx.shifts(sid, d):
                    continue
                pairs = {(k, a, b): m for k, a, b, m in self.short_pairs(sc, d)}
                kmax = max((k for k, *_ in pairs), default=0)
                for a in ctx.shifts(sid, d):
                    for k in range(1, kmax + 1):
                        if d + k >= ctx.days or any(ctx.works(sid, e) for e in range(d + 1, d + k)):
                            break
                        if d + k < 0:
                            continue
                        for b in ctx.shifts(sid, d + k):
                            m = pairs.get((k, a, b))
                            if m:
                                yield ctx.violation(
                                    self.label, sid, [e for e in (d, d + k) if e >= 0], m,
                                    self.weight,
                                    f"{sid}: {a} on {fmt_dates([ctx.date(d)])} then {b} on "
                                    f"{fmt_dates([ctx.date(d + k)])}: {m} h short of "
                                    f"{self.hours:g} h rest",
                                )

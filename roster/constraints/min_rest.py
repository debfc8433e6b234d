"""Minimum rest between shifts, from clock times: a shift must not start
less than ``hours`` after the previous worked shift ended (e.g. 11 h rules out
a late ending 22:00 followed by an early at 07:00). Overlaps are ruled out
anyway (``one_shift``). History counts.

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
    from roster.scenario import Scenario


class MinRest(Rule):
    """At least ``hours`` of rest between the end of one shift and the next."""

    kind: Literal["min_rest"]
    hours: float = Field(gt=0, le=72, description="minimum rest in hours")

    day_scoped: ClassVar[bool] = True  # the day of the first shift of the pair

    def describe(self) -> str:
        return f"at least {self.hours:g} h rest between shifts"

    def short_pairs(self, scenario: Scenario) -> list[tuple[int, str, str, int]]:
        """(k, first, second, missing hours): ``second`` k days after ``first``
        starts too soon."""
        need = round(self.hours * 60)
        out = []
        for k in range(1, 2 + need // 1440 + 1):
            for a in scenario.shifts:
                for b in scenario.shifts:
                    gap = k * 1440 + b.start - (a.start + a.duration)
                    if 0 <= gap < need:
                        out.append((k, a.id, b.id, -(-(need - gap) // 60)))
        return out

    def encode(self, ctx: ModelContext, staff: Sequence[int]) -> None:
        from roster.model.build import neg

        idx, sc = ctx.index, ctx.scenario
        pairs = self.short_pairs(sc)
        for s in staff:
            for k, a, b, missing in pairs:
                for d in range(-ctx.history_len(s), idx.days - k):
                    if d + k < 0 or not self.in_day_scope(sc, d):
                        continue
                    between = [neg(ctx.works(s, e)) for e in range(d + 1, d + k)]
                    lits = [ctx.x(s, d, idx.t_of[a]), ctx.x(s, d + k, idx.t_of[b]), *between]
                    ctx.forbid(lits, weight=self.weight, amount=missing, staff=s,
                               days=[e for e in (d, d + k) if e >= 0])

    def check(self, ctx: CheckContext, staff: Sequence[str]) -> Iterable[Violation]:
        sc = ctx.scenario
        pairs = {(k, a, b): m for k, a, b, m in self.short_pairs(sc)}
        kmax = max((k for k, *_ in pairs), default=0)
        for sid in staff:
            for d in range(-ctx.history_len(sid), ctx.days):
                if not self.in_day_scope(sc, d):
                    continue
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

"""Minimum rest between shifts, in real time: a shift must not start less
than ``hours`` after the previous worked shift ended (e.g. 11 h rules out a
late ending 22:00 followed by an early at 07:00, and across the night the
clocks go forward, a late ending 20:00 followed by a 07:00 early). Overlaps
are ruled out anyway (``one_shift``). Resident on-call duties are work:
rest is also due between a shift and a resident duty (the same day too).
History counts.

Soft penalty per missing hour of rest, rounded up, per short rest.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field

from roster.constraints.base import Rule, fmt_dates
from roster.constraints.context import CheckContext, ModelContext
from roster.constraints.literals import neg

if TYPE_CHECKING:
    from roster.records import Duty, Shift
    from roster.result import Violation
    from roster.scenario import Scenario


class MinRest(Rule):
    """At least ``hours`` of rest between the end of one shift and the next."""

    kind: Literal["min_rest"]
    hours: float = Field(gt=0, le=72, description="minimum rest in hours")

    day_scoped: ClassVar[bool] = True  # the day of the first shift of the pair

    def describe(self) -> str:
        return f"at least {self.hours:g} h rest between shifts"

    def pairs_of(self, scenario: Scenario) -> tuple[list[Shift | Duty], list[Shift | Duty]]:
        """What a rest follows, and what it comes before: shifts and
        resident duties."""
        work: list[Shift | Duty] = [*scenario.shifts, *(k for k in scenario.duties if k.resident)]
        return work, work

    def short_pairs(self, scenario: Scenario, d: int) -> list[tuple[int, str, str, int]]:
        """(k, first, second, missing hours): ``first`` on day ``d``, then
        ``second`` k days later, starts too soon, in real time (the rest
        across a night the clocks go forward is an hour shorter). k = 0: a
        shift and a resident duty on one day."""
        need = round(self.hours * 60)
        firsts, seconds = self.pairs_of(scenario)
        shifts = scenario.shift_by_id
        out = []
        for k in range(0, 2 + need // 1440 + 1):
            for a in firsts:
                end = scenario.span(d, a.id)[1]
                for b in seconds:
                    if k == 0 and (a.id in shifts) == (b.id in shifts):
                        continue  # one shift and one duty a day at most
                    gap = scenario.span(d + k, b.id)[0] - end
                    if 0 <= gap < need:
                        out.append((k, a.id, b.id, -(-(need - gap) // 60)))
        return out

    def encode(self, ctx: ModelContext, staff: Sequence[int]) -> None:
        idx, sc = ctx.index, ctx.scenario
        first = -max((ctx.history_len(s) for s in staff), default=0)
        pairs = {
            d: self.short_pairs(sc, d) for d in range(first, idx.days) if self.in_day_scope(sc, d)
        }
        for s in staff:
            for d in range(-ctx.history_len(s), idx.days):
                for k, a, b, missing in pairs.get(d, ()):
                    if d + k < 0 or d + k >= idx.days:
                        continue
                    between = [neg(ctx.works(s, e)) for e in range(d + 1, d + k)]
                    lits = [ctx.x(s, d, idx.t_of[a]), ctx.x(s, d + k, idx.t_of[b]), *between]
                    ctx.forbid(
                        lits,
                        weight=self.weight,
                        amount=missing,
                        staff=s,
                        days=sorted({e for e in (d, d + k) if e >= 0}),
                    )

    def check(self, ctx: CheckContext, staff: Sequence[str]) -> Iterable[Violation]:
        sc = ctx.scenario
        resident = sc.resident_duties

        def work(sid: str, d: int) -> list[str]:
            return [*ctx.shifts(sid, d), *(k for k in ctx.duties(sid, d) if k in resident)]

        for sid in staff:
            for d in range(-ctx.history_len(sid), ctx.days):
                if not self.in_day_scope(sc, d) or not work(sid, d):
                    continue
                pairs = {(k, a, b): m for k, a, b, m in self.short_pairs(sc, d)}
                kmax = max((k for k, *_ in pairs), default=0)
                for a in work(sid, d):
                    for k in range(0, kmax + 1):
                        if d + k >= ctx.days or any(ctx.works(sid, e) for e in range(d + 1, d + k)):
                            break
                        if d + k < 0:
                            continue
                        for b in work(sid, d + k):
                            m = pairs.get((k, a, b))
                            if m:
                                yield ctx.violation(
                                    self.label,
                                    sid,
                                    sorted({e for e in (d, d + k) if e >= 0}),
                                    m,
                                    self.weight,
                                    f"{sid}: {a} on {fmt_dates([ctx.date(d)])} then {b} on "
                                    f"{fmt_dates([ctx.date(d + k)])}: {m} h short of "
                                    f"{self.hours:g} h rest",
                                )

    @classmethod
    def draw_parameters(cls, draw: Any, ids: dict[str, Any]) -> dict[str, Any]:
        """Random parameters for the property tests (``ids``: what they may name)."""
        from hypothesis import strategies as st  # a test dependency

        return {"hours": draw(st.sampled_from([8, 11, 12.5, 16, 30]))}

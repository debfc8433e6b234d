"""Forbidden or penalised successions: shift ``first`` on one day followed by
one of ``then`` on the next (e.g. a night then an early). History counts.

Soft penalty per occurrence.
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



class Succession(Rule):
    """``first`` must not be followed the next day by any of ``then``."""

    kind: Literal["succession"]
    first: str = Field(description="the shift worked on a day")
    then: list[str] = Field(min_length=1, description="shifts not to work the next day")

    day_scoped: ClassVar[bool] = True  # the day of ``first``
    shift_fields: ClassVar[tuple[str, ...]] = ("first", "then")

    def describe(self) -> str:
        return f"no {'/'.join(self.then)} the day after {self.first}"

    def _days(self, scenario: Scenario, ctx_days: int, history: int) -> Iterable[int]:
        for d in range(-history, ctx_days - 1):
            if d + 1 < 0 or not self.in_day_scope(scenario, d):
                continue
            yield d

    def encode(self, ctx: ModelContext, staff: Sequence[int]) -> None:
        idx = ctx.index
        a = idx.t_of[self.first]
        for s in staff:
            for d in self._days(ctx.scenario, idx.days, ctx.history_len(s)):
                for b in dict.fromkeys(self.then):  # a repeated id is one occurrence
                    lits = [ctx.x(s, d, a), ctx.x(s, d + 1, idx.t_of[b])]
                    ctx.forbid(lits, weight=self.weight, staff=s,  # type: ignore[arg-type]
                               days=[e for e in (d, d + 1) if e >= 0])

    def check(self, ctx: CheckContext, staff: Sequence[str]) -> Iterable[Violation]:
        for sid in staff:
            for d in self._days(ctx.scenario, ctx.days, ctx.history_len(sid)):
                if self.first not in ctx.shifts(sid, d):
                    continue
                for b in ctx.shifts(sid, d + 1):
                    if b in self.then:
                        yield ctx.violation(
                            self.label, sid, [e for e in (d, d + 1) if e >= 0], 1, self.weight,
                            f"{sid}: {self.first} on {fmt_dates([ctx.date(d)])} then {b}",
                        )

"""At most ``max`` worked weekends over the roster. A weekend (the scenario's
``weekend`` days, Saturday and Sunday by default) is worked when any of its
days is; a weekend cut by the horizon's edge counts by its days inside.

Soft penalty per weekend too many.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from roster.constraints.base import Rule, weekend_blocks

if TYPE_CHECKING:
    from roster.check import CheckContext
    from roster.model.build import ModelContext
    from roster.result import Violation


def worked_weekend(ctx: ModelContext, s: int, block: list[int]):  # type: ignore[no-untyped-def]
    """A literal: person s works some day of this weekend (cached)."""
    days = [ctx.works(s, d) for d in block]
    if any(w is True for w in days):
        return True
    days = [w for w in days if w is not False]
    if len(days) <= 1:
        return days[0] if days else False

    def make():  # type: ignore[no-untyped-def]
        w = ctx.model.new_bool_var("")
        ctx.model.add_max_equality(w, days)
        return w

    return ctx.cached(("weekend", s, block[0]), make)


class MaxWeekends(Rule):
    """Bound the number of worked weekends."""

    kind: Literal["max_weekends"]
    max: int = Field(ge=0, description="most weekends a person works")

    def describe(self) -> str:
        return f"at most {self.max} worked weekends"

    def encode(self, ctx: ModelContext, staff: Sequence[int]) -> None:
        blocks = weekend_blocks(ctx.scenario)
        for s in staff:
            total = sum(worked_weekend(ctx, s, b) for b in blocks)
            ctx.limit(total, None, self.max, len(blocks), weight=self.weight, staff=s,
                      days=[d for b in blocks for d in b])

    def check(self, ctx: CheckContext, staff: Sequence[str]) -> Iterable[Violation]:
        blocks = weekend_blocks(ctx.scenario)
        for sid in staff:
            worked = [b for b in blocks if any(ctx.works(sid, d) for d in b)]
            if len(worked) > self.max:
                yield ctx.violation(
                    self.label, sid, [d for b in worked for d in b], len(worked) - self.max,
                    self.weight, f"{sid} works {len(worked)} weekends, at most {self.max}",
                )

"""At most ``max`` worked weekends over the roster, or in any ``window``
consecutive weekends (``{max: 1, window: 2}``: one weekend in two). A weekend
(the scenario's ``weekend`` days, Saturday and Sunday by default) is worked
when any of its days is; a weekend cut by the horizon's edge counts by its
days inside. With fewer weekends in the horizon than ``window``, they are
one window.

Soft penalty per weekend too many, per window.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from roster.constraints.base import Rule, weekend_blocks
from roster.constraints.context import CheckContext, ModelContext
from roster.records import MAX_COUNT

if TYPE_CHECKING:
    from roster.result import Violation


def worked_weekend(ctx: ModelContext, s: int, block: list[int]):
    """A literal: person s works some day of this weekend (cached)."""
    days = [ctx.works(s, d) for d in block]
    if any(w is True for w in days):
        return True
    days = [w for w in days if w is not False]
    if len(days) <= 1:
        return days[0] if days else False

    def make():
        w = ctx.new_bool()
        ctx.define_max(w, days)
        return w

    return ctx.cached(("weekend", s, block[0]), make)


class MaxWeekends(Rule):
    """Bound the number of worked weekends."""

    kind: Literal["max_weekends"]
    max: int = Field(ge=0, le=MAX_COUNT, description="most weekends a person works")
    window: int | None = Field(
        None, ge=1, le=53, description="in any this many weekends in a row; default all"
    )

    def describe(self) -> str:
        within = "" if self.window is None else f" in any {self.window} in a row"
        return f"at most {self.max} worked weekends{within}"

    def windows(self, blocks: list[list[int]]) -> list[list[list[int]]]:
        """Runs of ``window`` weekends (all of them without a window)."""
        n = self.window or len(blocks)
        if len(blocks) <= n:
            return [blocks] if blocks else []
        return [blocks[i : i + n] for i in range(len(blocks) - n + 1)]

    def encode(self, ctx: ModelContext, staff: Sequence[int]) -> None:
        spans = self.windows(weekend_blocks(ctx.scenario))
        for s in staff:
            for span in spans:
                total = sum(worked_weekend(ctx, s, b) for b in span)
                ctx.limit(
                    total,
                    None,
                    self.max,
                    len(span),
                    weight=self.weight,
                    staff=s,
                    days=[d for b in span for d in b],
                )

    def check(self, ctx: CheckContext, staff: Sequence[str]) -> Iterable[Violation]:
        spans = self.windows(weekend_blocks(ctx.scenario))
        for sid in staff:
            for span in spans:
                worked = [b for b in span if any(ctx.works(sid, d) for d in b)]
                if len(worked) > self.max:
                    within = "" if self.window is None else f" of {len(span)} in a row"
                    yield ctx.violation(
                        self.label,
                        sid,
                        [d for b in worked for d in b],
                        len(worked) - self.max,
                        self.weight,
                        f"{sid} works {len(worked)} weekends{within}, at most {self.max}",
                    )

    @classmethod
    def draw_parameters(cls, draw: Any, ids: dict[str, Any]) -> dict[str, Any]:
        """Random parameters for the property tests (``ids``: what they may name)."""
        from hypothesis import strategies as st  # a test dependency

        return {"max": draw(st.integers(0, 2)), "window": draw(st.sampled_from([None, 1, 2]))}

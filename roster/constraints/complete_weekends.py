"""Complete weekends: work every day of a weekend or none of it. Weekends
cut by the horizon's edge are not judged.

Soft penalty per incomplete weekend.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Literal

from roster.constraints.base import Rule, fmt_dates, weekend_blocks
from roster.constraints.context import CheckContext, ModelContext

if TYPE_CHECKING:
    from roster.result import Violation
    from roster.scenario import Scenario


def whole_weekends(scenario: Scenario) -> list[list[int]]:
    """Weekends with all their days in the horizon (day indexes): the only ones
    the rule judges; one cut by the horizon's start or end is left out."""
    return [b for b in weekend_blocks(scenario) if len(b) == len(set(scenario.weekend))]


class CompleteWeekends(Rule):
    """All days of a weekend worked, or none."""

    kind: Literal["complete_weekends"]

    def describe(self) -> str:
        return "weekends worked whole or not at all"

    def encode(self, ctx: ModelContext, staff: Sequence[int]) -> None:
        for block in whole_weekends(ctx.scenario):
            if len(block) < 2:
                continue
            for s in staff:
                days = [ctx.works(s, d) for d in block]
                if self.weight is None:
                    for w in days[1:]:
                        ctx.require(w == days[0], staff=s)
                    continue
                # broken = "some but not all days worked", exactly, by linear
                # inequalities that keep the objective's LP bound tight
                broken = ctx.new_bool("incomplete")
                for a in days:
                    for b in days:
                        if a is not b:
                            ctx.always(broken >= a - b)
                ctx.always(broken <= sum(days))
                ctx.always(broken <= len(days) - sum(days))
                ctx.penalize(broken, self.weight, s, block)

    def check(self, ctx: CheckContext, staff: Sequence[str]) -> Iterable[Violation]:
        for block in whole_weekends(ctx.scenario):
            if len(block) < 2:
                continue
            for sid in staff:
                worked = [bool(ctx.works(sid, d)) for d in block]
                if any(worked) and not all(worked):
                    yield ctx.violation(
                        self.label,
                        sid,
                        block,
                        1,
                        self.weight,
                        f"{sid} works only part of the weekend "
                        f"{fmt_dates([ctx.date(block[0]), ctx.date(block[-1])])}",
                    )

    @classmethod
    def draw_parameters(cls, draw: Any, ids: dict[str, Any]) -> dict[str, Any]:
        """Random parameters for the property tests (``ids``: what they may name)."""
        return {}

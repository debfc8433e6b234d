"""Minimum and maximum number of shifts, in total or of some shift types,
over the roster or per calendar week. Penalty per shift too many or too few."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, model_validator

from roster.constraints.base import (
    CountRule,
    check_bounds,
    draw_bounds,
    draw_count_common,
)
from roster.records import MAX_COUNT

if TYPE_CHECKING:
    from roster.scenario import Scenario


class ShiftCount(CountRule):
    """Bound the number of shifts worked (optionally of some types)."""

    kind: Literal["shift_count"]
    min: int | None = Field(None, ge=0, le=MAX_COUNT, description="at least this many shifts")
    max: int | None = Field(None, ge=0, le=MAX_COUNT, description="at most this many shifts")

    @model_validator(mode="after")
    def _bounds(self) -> ShiftCount:
        check_bounds(self.min, self.max)
        return self

    def bounds(self) -> tuple[int | None, int | None]:
        return self.min, self.max

    def value(self, scenario: Scenario, d: int, shift: str) -> int:
        return 1

    @classmethod
    def draw_parameters(cls, draw: Any, ids: dict[str, Any]) -> dict[str, Any]:
        """Random parameters for the property tests (``ids``: what they may name)."""
        lo, hi = draw_bounds(draw, 0, 6)
        return draw_count_common(draw, ids) | {"min": lo, "max": hi}

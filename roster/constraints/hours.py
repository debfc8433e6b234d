"""Minimum and maximum paid hours (shift length less unpaid break), over the
roster or per calendar week, optionally of some shift types only.

Soft penalty per started hour over or under (ceil of the minutes / 60).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Literal

from pydantic import Field, model_validator

from roster.constraints.base import CountRule

if TYPE_CHECKING:
    from roster.scenario import Scenario


class Hours(CountRule):
    """Bound the paid hours worked."""

    kind: Literal["hours"]
    min_hours: float | None = Field(None, ge=0, description="at least these hours")
    max_hours: float | None = Field(None, ge=0, description="at most these hours")
    unit: ClassVar[int] = 60

    @model_validator(mode="after")
    def _bounds(self) -> Hours:
        if self.min_hours is None and self.max_hours is None:
            raise ValueError("give min_hours, max_hours or both")
        if (
            self.min_hours is not None
            and self.max_hours is not None
            and self.max_hours < self.min_hours
        ):
            raise ValueError(f"max_hours ({self.max_hours}) is below min_hours ({self.min_hours})")
        return self

    def bounds(self) -> tuple[int | None, int | None]:
        def minutes(h: float | None) -> int | None:
            return None if h is None else round(h * 60)

        return minutes(self.min_hours), minutes(self.max_hours)

    def value(self, scenario: Scenario, shift: str) -> int:
        return scenario.shift_by_id[shift].paid_minutes

    def _noun(self) -> str:
        return "hours"

    def _fmt(self, v: int) -> str:
        return f"{v / 60:g}"

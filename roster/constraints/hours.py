"""Minimum and maximum paid hours (real shift length less unpaid break), over
the roster or per calendar week (a shift counts in the week it starts),
optionally of some shift types only. On-call duties count their
``paid_fraction`` of their real hours (all duties unless the rule names
``shifts`` or ``duties``).

Leave days count as the hours their leave type credits in the person's
contract (``leave_hours``, e.g. 7.5 h a weekday of annual leave), towards the
minimum and the maximum; leave that credits nothing lowers the minimum pro
rata instead (``reduce_for_leave``). A rule of some shift types only counts
no leave. Soft penalty per started hour over or under (ceil of the minutes /
60).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field, model_validator

from roster.constraints.base import CountRule, draw_bounds, draw_count_common
from roster.records import MAX_HOURS

if TYPE_CHECKING:
    from roster.scenario import Scenario


class Hours(CountRule):
    """Bound the paid hours worked."""

    kind: Literal["hours"]
    min_hours: float | None = Field(None, ge=0, le=MAX_HOURS, description="at least these hours")
    max_hours: float | None = Field(None, ge=0, le=MAX_HOURS, description="at most these hours")
    min_minutes: int | None = Field(
        None, ge=0, le=MAX_HOURS * 60, description="or: at least these minutes"
    )
    max_minutes: int | None = Field(
        None, ge=0, le=MAX_HOURS * 60, description="or: at most these minutes"
    )
    unit: ClassVar[int] = 60

    @model_validator(mode="after")
    def _bounds(self) -> Hours:
        if self.min_hours is not None and self.min_minutes is not None:
            raise ValueError("give min_hours or min_minutes, not both")
        if self.max_hours is not None and self.max_minutes is not None:
            raise ValueError("give max_hours or max_minutes, not both")
        lo, hi = self.bounds()
        if lo is None and hi is None:
            raise ValueError("give min_hours, max_hours (or min_minutes, max_minutes)")
        if lo is not None and hi is not None and hi < lo:
            raise ValueError(f"the maximum ({hi / 60:g} h) is below the minimum ({lo / 60:g} h)")
        return self

    def bounds(self) -> tuple[int | None, int | None]:
        def minutes(h: float | None, m: int | None) -> int | None:
            return m if m is not None else None if h is None else round(h * 60)

        return minutes(self.min_hours, self.min_minutes), minutes(self.max_hours, self.max_minutes)

    def value(self, scenario: Scenario, d: int, shift: str) -> int:
        return scenario.paid(d, shift)

    def counted_duties(self, scenario: Scenario) -> list[str]:
        """On-call duties count their paid share (``paid_fraction``): all of
        them unless the rule names shifts or duties."""
        if self.duties is not None or self.shifts is not None:
            return list(self.duties or ())
        return [k.id for k in scenario.duties if k.paid_share > 0]

    def credited(self, scenario: Scenario, staff: str, days: list[int]) -> dict[int, int]:
        """Leave days count as the hours their type credits (the contract's
        ``leave_hours``), unless the rule counts some shift types only."""
        if self.shifts is not None:
            return {}
        mine = scenario.credit[staff]
        return {d: mine[d] for d in days if d in mine}

    def _noun(self) -> str:
        return "hours"

    def _fmt(self, v: int) -> str:
        return f"{v / 60:g}"

    @classmethod
    def draw_parameters(cls, draw: Any, ids: dict[str, Any]) -> dict[str, Any]:
        """Random parameters for the property tests (``ids``: what they may name)."""
        from hypothesis import strategies as st  # a test dependency

        lo, hi = draw_bounds(draw, 0, 12)
        out = draw_count_common(draw, ids)
        out["min_hours"] = None if lo is None else lo * 4.25
        out["max_hours"] = None if hi is None else hi * 4.25 + draw(st.sampled_from([0, 0.5]))
        return out

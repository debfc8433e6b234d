"""Rolling windows: at least ``min`` / at most ``max`` days worked, shifts of
some types, or on-call duties, in any ``days`` consecutive days (e.g. at most
1 on-call in any 3 days: ``{kind: window, what: duties, duties: [OC], days:
3, max: 1}``; at most 3 nights in any 7: ``{kind: window, what: shifts,
shifts: [N], days: 7, max: 3}``). A day worked is a shift or a resident duty.

Every run of ``days`` consecutive days that lies within what is known
(history + horizon) and holds a day of the horizon is a window; history days
count. When less than ``days`` days are known, what is known is one window
(for the maximum only). Only days in the day scope count; a minimum applies
only to windows not cut by ``scope.from``/``scope.to`` and, with
``reduce_for_leave``, shrinks pro rata to the leave days in the window.
Penalty per shift (day) too many or too few, per window: a shift in three
overlapping windows that each break the maximum costs three.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, model_validator

from roster.constraints.base import SumRule, check_bounds, draw_bounds
from roster.records import MAX_COUNT

if TYPE_CHECKING:
    from roster.scenario import Scenario


class Window(SumRule):
    """Bound what is worked in any ``days`` consecutive days."""

    kind: Literal["window"]
    what: Literal["work", "shifts", "duties"] = Field(
        "work",
        description="work: days worked; shifts: shifts of the types in `shifts` "
        "(and duties in `duties`); duties: the on-call duties in `duties`",
    )
    days: int = Field(ge=1, le=366, description="the window's length in days")
    min: int | None = Field(
        None, ge=0, le=MAX_COUNT, description="at least this many in every window"
    )
    max: int | None = Field(
        None, ge=0, le=MAX_COUNT, description="at most this many in every window"
    )

    @model_validator(mode="after")
    def _check(self) -> Window:
        check_bounds(self.min, self.max)
        if self.what == "shifts" and not self.shifts:
            raise ValueError("what: shifts needs the shift types to count in 'shifts'")
        if self.what == "duties" and (not self.duties or self.shifts is not None):
            raise ValueError("what: duties needs the duties to count in 'duties' (and no 'shifts')")
        if self.what == "work" and (self.shifts is not None or self.duties is not None):
            raise ValueError(
                "what: work counts every day worked; for some shifts or duties "
                "write what: shifts or what: duties"
            )
        return self

    @property
    def days_worked(self) -> bool:
        return self.what == "work"

    def counted(self, shift: str) -> bool:
        return self.what != "duties" and super().counted(shift)

    def bounds(self) -> tuple[int | None, int | None]:
        return self.min, self.max

    def value(self, scenario: Scenario, d: int, shift: str) -> int:
        return 1

    def _noun(self) -> str:
        return {"work": "days worked", "shifts": "shifts", "duties": "on-call duties"}[self.what]

    def _span(self) -> str:
        return f"in any {self.days} days in a row"

    def windows(self, scenario: Scenario, history_len: int) -> list[tuple[list[int], bool]]:
        first, end = -history_len, scenario.horizon.days  # known days: [first, end)
        starts = range(first, end - self.days + 1) if end - first >= self.days else [first]
        sc, out, seen = self.scope, [], set()
        for w0 in starts:
            w1 = min(w0 + self.days, end)
            if w1 <= 0:
                continue  # wholly in the history
            days = [d for d in range(w0, w1) if self.in_day_scope(scenario, d)]
            if not any(d >= 0 for d in days) or tuple(days) in seen:
                continue  # no day of the horizon in scope, or the same days again
            seen.add(tuple(days))
            a = scenario.horizon.start + dt.timedelta(days=w0)
            b = scenario.horizon.start + dt.timedelta(days=w1 - 1)
            complete = (
                w1 - w0 == self.days
                and (sc.from_ is None or sc.from_ <= a)
                and (sc.to is None or b <= sc.to)
            )
            out.append((days, complete))
        return out

    @classmethod
    def draw_parameters(cls, draw: Any, ids: dict[str, Any]) -> dict[str, Any]:
        """Random parameters for the property tests (``ids``: what they may name)."""
        from hypothesis import strategies as st  # a test dependency

        lo, hi = draw_bounds(draw, 0, 3)
        duty_ids = ids.get("duty_ids") or []
        what = draw(st.sampled_from(["work", "shifts"] + (["duties"] if duty_ids else [])))
        out = {
            "what": what,
            "days": draw(st.integers(1, 5)),
            "min": lo,
            "max": hi,
            "reduce_for_leave": draw(st.booleans()),
        }
        if what == "shifts":
            out["shifts"] = draw(
                st.lists(st.sampled_from(ids["shift_ids"]), min_size=1, max_size=2, unique=True)
            )
        if what == "duties" or (what == "shifts" and duty_ids and draw(st.booleans())):
            out["duties"] = draw(st.lists(st.sampled_from(duty_ids), min_size=1, unique=True))
        return out

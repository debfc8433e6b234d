"""Stay close to a published roster (re-rostering): days before ``from``
are kept exactly as published (hard: already worked), and from then on every
changed person-day — a shift added, removed or swapped for another — costs
``weight``, plus ``notice_weight`` within ``notice_days`` of ``from`` (short
notice), plus ``day_off_weight`` when it takes a published day off. Without a
``weight`` nothing may change. Who works a shift as which role is not a change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from roster.constraints.base import Rule, fmt_dates
from roster.constraints.context import CheckContext, ModelContext
from roster.constraints.literals import neg
from roster.records import MAX_COUNT, MAX_WEIGHT

if TYPE_CHECKING:
    from roster.result import Violation
    from roster.scenario import Scenario


class PublishedShift(BaseModel):
    """One published assignment."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    staff: str
    date: dt.date
    shift: str


class Published(Rule):
    """Changes from the published roster cost; days before ``from`` are fixed."""

    kind: Literal["published"]
    assignments: list[PublishedShift] = Field(description="the published roster, shift by shift")
    from_: dt.date | None = Field(
        None, alias="from", description="first day that may change (default: the first day)"
    )
    notice_days: int = Field(
        0, ge=0, le=MAX_COUNT, description="days from `from` that count as short notice"
    )
    notice_weight: int = Field(
        0, ge=0, le=MAX_WEIGHT, description="extra cost of a change at short notice"
    )
    day_off_weight: int = Field(
        0, ge=0, le=MAX_WEIGHT, description="extra cost of taking a published day off"
    )

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    shift_fields: ClassVar[tuple[str, ...]] = ()

    def describe(self) -> str:
        return "keep the published roster" + (
            f" before {self.from_}" if self.from_ is not None else ""
        )

    def id_problems(self, known: dict[str, set[str]]) -> Iterable[tuple[str, str]]:
        for i, a in enumerate(self.assignments):
            if a.staff not in known["staff"]:
                yield f"assignments[{i}].staff", f"unknown staff '{a.staff}'"
            if a.shift not in known["shift"] | known.get("duty", set()):
                yield f"assignments[{i}].shift", f"unknown shift '{a.shift}'"

    # -- shared ---------------------------------------------------------------
    def table(self, scenario: Scenario, duties: bool = False) -> dict[tuple[str, int], str]:
        """(staff, day) -> published shift (or, with ``duties``, on-call
        duty), inside the horizon."""
        return {
            (a.staff, d): a.shift
            for a in self.assignments
            if (d := scenario.day_index(a.date)) is not None and scenario.is_duty(a.shift) == duties
        }

    def first_free(self, scenario: Scenario) -> int:
        """Index of the first day that may change."""
        if self.from_ is None:
            return 0
        return max(0, min(scenario.horizon.days, (self.from_ - scenario.horizon.start).days))

    def cost(self, d: int, first: int, was_off: bool) -> int:
        assert self.weight is not None
        short = d < first + self.notice_days
        return (
            self.weight
            + (self.notice_weight if short else 0)
            + (self.day_off_weight if was_off else 0)
        )

    # -- the contract -----------------------------------------------------------
    def encode(self, ctx: ModelContext, staff: Sequence[int]) -> None:
        sc, idx = ctx.scenario, ctx.index
        published, on_call = self.table(sc), self.table(sc, duties=True)
        first = self.first_free(sc)
        for s in staff:
            sid = idx.staff[s]
            for d in idx.D:
                shift, duty = published.get((sid, d)), on_call.get((sid, d))
                changed = (
                    ctx.one_of(ctx.row(s, d))
                    if shift is None
                    else neg(ctx.x(s, d, idx.t_of[shift]))
                )
                if idx.duties:  # the day changes when its shift or its duty does
                    duty_changed = (
                        ctx.one_of(ctx.duty_row(s, d))
                        if duty is None
                        else neg(ctx.x(s, d, idx.t_of[duty]))
                    )
                    changed = ctx.any_of([changed, duty_changed])
                assert changed is not None
                kept = d < first or self.weight is None
                was = "+".join(c for c in (shift, duty) if c) or "the day off"
                text = (
                    f"{sid} keeps {was} on {fmt_dates([sc.dates[d]])} as published ({ctx.origin})"
                )
                off = shift is None and duty is None
                ctx.forbid(
                    [changed],
                    weight=None if kept else self.cost(d, first, off),
                    staff=s,
                    days=[d],
                    key=("published", s, d),
                    text=text,
                )

    def check(self, ctx: CheckContext, staff: Sequence[str]) -> Iterable[Violation]:
        sc = ctx.scenario
        published, on_call = self.table(sc), self.table(sc, duties=True)
        first = self.first_free(sc)
        for sid in staff:
            for d in range(ctx.days):
                was = [c for c in (published.get((sid, d)), on_call.get((sid, d))) if c]
                after = [*ctx.shifts(sid, d), *ctx.duties(sid, d)]
                if after == was:
                    continue
                before = "+".join(was) or None
                kept = d < first or self.weight is None
                yield ctx.violation(
                    self.label,
                    sid,
                    [d],
                    1,
                    None if kept else self.cost(d, first, before is None),
                    f"{sid} on {fmt_dates([sc.dates[d]])}: published {before or 'off'}, "
                    f"now {'+'.join(after) or 'off'}"
                    + (" (a day before the change date)" if d < first else ""),
                )

    @classmethod
    def draw_parameters(cls, draw: Any, ids: dict[str, Any]) -> dict[str, Any]:
        """Random parameters for the property tests (``ids``: what they may name)."""
        from hypothesis import strategies as st  # a test dependency

        rows = draw(
            st.lists(
                st.tuples(
                    st.sampled_from(ids["staff_ids"]),
                    st.integers(-1, ids["days"]),  # some outside the horizon
                    st.sampled_from(ids["shift_ids"]),
                ),
                max_size=12,
                unique_by=lambda r: r[:2],
            )
        )
        return {
            "assignments": [{"staff": s, "date": ids["date"](d), "shift": t} for s, d, t in rows],
            "from": ids["date"](draw(st.integers(0, ids["days"]))),
            "notice_days": draw(st.integers(0, 3)),
            "notice_weight": draw(st.integers(0, 3)),
            "day_off_weight": draw(st.integers(0, 3)),
        }


def published_rule(rows: Iterable[tuple[str, dt.date, str]], **params: Any) -> dict[str, Any]:
    """The rule entry, as scenario data, for a published roster's rows."""
    return {
        "kind": "published",
        "assignments": [{"staff": s, "date": d.isoformat(), "shift": t} for s, d, t in rows],
        **params,
    }

"""Forbidden or penalised successions: one of the ``first`` shifts on a day
followed by one of ``then`` on the next (e.g. any night, then an early), or
``gap`` days later (``{first: OC, gap: 2, scope: {weekdays: [sat]}}``: after
a Saturday on call, Monday off). ``first`` and ``then`` may name on-call
duties; ``then`` omitted = any shift or duty. History (duties too) counts;
days in between do not matter.

Soft penalty per occurrence (at most one a day: one shift a day each side).
Hard, it is one clique per person and day (at most one of the first shifts
today and the then-shifts tomorrow), much smaller and tighter than a clause
per pair.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field, field_validator

from roster.constraints.base import Rule, fmt_dates
from roster.constraints.context import CheckContext, ModelContext

if TYPE_CHECKING:
    from roster.result import Violation
    from roster.scenario import Scenario


class Succession(Rule):
    """None of ``first`` may be followed the next day by any of ``then``."""

    kind: Literal["succession"]
    first: list[str] = Field(min_length=1, description="the shift(s) or duties on a day")
    then: list[str] | None = Field(
        None, min_length=1, description="shifts or duties not to work `gap` days later; default any"
    )
    gap: int = Field(1, ge=1, le=28, description="days from `first` to `then` (1 = the next)")

    day_scoped: ClassVar[bool] = True  # the day of ``first``
    shift_fields: ClassVar[tuple[str, ...]] = ()  # shifts or duties: see id_problems

    def id_problems(self, known: dict[str, set[str]]) -> Iterable[tuple[str, str]]:
        either = known["shift"] | known.get("duty", set())
        what = "shift or duty" if known.get("duty") else "shift"
        for field in ("first", "then"):
            for v in getattr(self, field) or []:
                if v not in either:
                    shown = ", ".join(sorted(either))
                    yield field, f"unknown {what} '{v}'; allowed: {shown}"

    @field_validator("first", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value

    def describe(self) -> str:
        then = "shift" if self.then is None else "/".join(self.then)
        when = "the day" if self.gap == 1 else f"{self.gap} days"
        return f"no {then} {when} after {'/'.join(self.first)}"

    def followers(self, scenario: Scenario) -> list[str]:
        if self.then is not None:
            return self.then
        return [s.id for s in scenario.shifts] + [k.id for k in scenario.duties]

    def _days(self, scenario: Scenario, ctx_days: int, history: int) -> Iterable[int]:
        for d in range(-history, ctx_days - self.gap):
            if d + self.gap < 0 or not self.in_day_scope(scenario, d):
                continue
            yield d

    def encode(self, ctx: ModelContext, staff: Sequence[int]) -> None:
        idx = ctx.index
        first = [idx.t_of[t] for t in dict.fromkeys(self.first)]
        then = [idx.t_of[t] for t in dict.fromkeys(self.followers(ctx.scenario))]
        n = len(idx.shifts)
        # a shift and a duty can both hold on one day: "one of" is then an or
        mixed = any(t >= n for t in first + then) and any(t < n for t in first + then)
        k = self.gap
        for s in staff:
            for d in self._days(ctx.scenario, idx.days, ctx.history_len(s)):
                today = [ctx.x(s, d, t) for t in first]
                tomorrow = [ctx.x(s, d + k, t) for t in then]
                if mixed:
                    lits = [ctx.any_of(today), ctx.any_of(tomorrow)]
                    ctx.forbid(
                        lits,
                        weight=self.weight,
                        staff=s,
                        days=[e for e in (d, d + k) if e >= 0],
                    )
                    continue
                if self.weight is not None:
                    lits = [ctx.one_of(today), ctx.one_of(tomorrow)]
                    ctx.forbid(
                        lits,
                        weight=self.weight,
                        staff=s,
                        days=[e for e in (d, d + k) if e >= 0],
                    )
                    continue
                ctx.require_at_most_one(today + tomorrow, staff=s)

    def check(self, ctx: CheckContext, staff: Sequence[str]) -> Iterable[Violation]:
        then, k = set(self.followers(ctx.scenario)), self.gap

        def held(sid: str, d: int) -> list[str]:
            return [*ctx.shifts(sid, d), *ctx.duties(sid, d)]

        for sid in staff:
            for d in self._days(ctx.scenario, ctx.days, ctx.history_len(sid)):
                a = next((a for a in held(sid, d) if a in self.first), None)
                b = next((b for b in held(sid, d + k) if b in then), None)
                if a is not None and b is not None:  # one occurrence a day
                    yield ctx.violation(
                        self.label,
                        sid,
                        [e for e in (d, d + k) if e >= 0],
                        1,
                        self.weight,
                        f"{sid}: {a} on {fmt_dates([ctx.date(d)])} then "
                        f"{b} on {fmt_dates([ctx.date(d + k)])}",
                    )

    @classmethod
    def draw_parameters(cls, draw: Any, ids: dict[str, Any]) -> dict[str, Any]:
        """Random parameters for the property tests (``ids``: what they may name)."""
        from hypothesis import strategies as st  # a test dependency

        codes = ids["shift_ids"] + (ids.get("duty_ids") or [])
        one = st.sampled_from(codes)
        return {
            "first": draw(st.one_of(one, st.lists(one, min_size=1, max_size=2))),
            "then": draw(
                st.one_of(st.none(), st.lists(st.sampled_from(codes), min_size=1, max_size=3))
            ),
            "gap": draw(st.sampled_from([1, 1, 2, 3])),
        }

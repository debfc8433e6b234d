"""Pairing: who works with whom.

``together`` (``{kind: together, staff: [T1], with: [M1, M2]}``): every shift a
listed person works is worked by at least one of ``with``, the same date and
shift (a new starter only with her preceptor). ``apart`` (``{kind: apart,
staff: [X, Y]}``): the listed people never share a date and shift. Both name
their people themselves: they take no ``scope`` and belong in the scenario's
``rules``, not a contract's or a person's.

Soft penalty: ``together``, per shift worked without any of ``with``;
``apart``, per person beyond the first on a shared shift.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field, model_validator

from roster.constraints.base import Rule, Scope, fmt_dates
from roster.constraints.context import CheckContext, ModelContext
from roster.constraints.literals import neg

if TYPE_CHECKING:
    from roster.result import Violation


class _Pairing(Rule):
    """Shared: people named in the rule, no scope, scenario rules only."""

    group_rule: ClassVar[bool] = True
    scenario_only: ClassVar[bool] = True

    @model_validator(mode="after")
    def _no_scope(self) -> _Pairing:
        if self.scope != Scope():
            raise ValueError(f"'{self.kind}' names its people itself; remove scope")
        return self

    def id_problems(self, known: dict[str, set[str]]) -> Iterable[tuple[str, str]]:
        for field in ("staff", "with_"):
            for i, sid in enumerate(getattr(self, field, None) or []):
                if sid not in known["staff"]:
                    yield f"{field.rstrip('_')}[{i}]", f"unknown staff '{sid}'"


class Together(_Pairing):
    """Each shift of ``staff`` is worked by one of ``with`` as well."""

    kind: Literal["together"]
    staff: list[str] = Field(min_length=1, description="people who never work alone")
    with_: list[str] = Field(
        alias="with", min_length=1, description="at least one of these works the same shift"
    )

    @model_validator(mode="after")
    def _distinct(self) -> Together:
        both = set(self.staff) & set(self.with_)
        if both:
            raise ValueError(f"{', '.join(sorted(both))} cannot be in both staff and with")
        return self

    def describe(self) -> str:
        return f"{', '.join(self.staff)} only with {' or '.join(self.with_)}"

    def encode(self, ctx: ModelContext, staff: Sequence[int]) -> None:
        idx = ctx.index
        mentors = [idx.s_of[m] for m in self.with_]
        for sid in self.staff:
            s = idx.s_of[sid]
            for d in idx.D:
                for t in idx.T:
                    mine = ctx.x(s, d, t)
                    if mine is False or mine is None:
                        continue
                    theirs = [
                        lit
                        for m in mentors
                        if (lit := ctx.x(m, d, t)) is not False and lit is not None
                    ]
                    if any(lit is True for lit in theirs):
                        continue
                    text = f"{sid} works only with {' or '.join(self.with_)} ({ctx.origin})"
                    if self.weight is None:
                        ctx.require_any(
                            [neg(mine), *theirs], staff=s, key=(ctx.origin, sid), text=text
                        )
                        continue
                    if not theirs:
                        ctx.forbid([mine], weight=self.weight, staff=s, days=[d])
                        continue
                    anyone = ctx.new_bool()
                    ctx.define_max(anyone, theirs)
                    ctx.forbid([mine, neg(anyone)], weight=self.weight, staff=s, days=[d])

    def check(self, ctx: CheckContext, staff: Sequence[str]) -> Iterable[Violation]:
        for sid in self.staff:
            for d in range(ctx.days):
                for t in ctx.shifts(sid, d):
                    if not any(t in ctx.shifts(m, d) for m in self.with_):
                        yield ctx.violation(
                            self.label,
                            sid,
                            [d],
                            1,
                            self.weight,
                            f"{sid} works {t} on {fmt_dates([ctx.date(d)])} without "
                            f"{' or '.join(self.with_)}",
                        )

    @classmethod
    def draw_parameters(cls, draw: Any, ids: dict[str, Any]) -> dict[str, Any]:
        """Random parameters for the property tests (``ids``: what they may name)."""
        from hypothesis import strategies as st  # a test dependency

        people = draw(
            st.lists(st.sampled_from(ids["staff_ids"]), min_size=2, max_size=3, unique=True)
        )
        return {"staff": people[:1], "with": people[1:]}


class Apart(_Pairing):
    """The listed people never work the same shift on the same date."""

    kind: Literal["apart"]
    staff: list[str] = Field(min_length=2, description="people who never share a shift")

    def describe(self) -> str:
        return f"{', '.join(self.staff)} never on the same shift"

    def encode(self, ctx: ModelContext, staff: Sequence[int]) -> None:
        idx = ctx.index
        people = [idx.s_of[sid] for sid in dict.fromkeys(self.staff)]
        text = f"{', '.join(self.staff)} never on the same shift ({ctx.origin})"
        for d in idx.D:
            for t in idx.T:
                lits = [
                    lit for s in people if (lit := ctx.x(s, d, t)) is not False and lit is not None
                ]
                if len(lits) < 2:
                    continue
                ctx.limit(
                    sum(1 if lit is True else lit for lit in lits),
                    None,
                    1,
                    len(lits),
                    weight=self.weight,
                    staff=None,
                    days=[d],
                    key=(ctx.origin, "apart"),
                    text=text,
                )

    def check(self, ctx: CheckContext, staff: Sequence[str]) -> Iterable[Violation]:
        people = list(dict.fromkeys(self.staff))
        for d in range(ctx.days):
            shifts = {t for sid in people for t in ctx.shifts(sid, d)}
            for t in sorted(shifts):
                on = [sid for sid in people if t in ctx.shifts(sid, d)]
                if len(on) > 1:
                    yield ctx.violation(
                        self.label,
                        None,
                        [d],
                        len(on) - 1,
                        self.weight,
                        f"{', '.join(on)} all work {t} on {fmt_dates([ctx.date(d)])}",
                    )

    @classmethod
    def draw_parameters(cls, draw: Any, ids: dict[str, Any]) -> dict[str, Any]:
        """Random parameters for the property tests (``ids``: what they may name)."""
        from hypothesis import strategies as st  # a test dependency

        return {
            "staff": draw(
                st.lists(st.sampled_from(ids["staff_ids"]), min_size=2, max_size=3, unique=True)
            )
        }

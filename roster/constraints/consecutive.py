"""Minimum and maximum length of runs: consecutive working days, consecutive
days off, or consecutive days on some shift types (e.g. 2-4 nights in a row).

History counts: a run that started before the horizon continues into it.
Days before the history (or before the horizon, without history) and after
the horizon are unknown: a run touching them is never too short (it may
continue there), and a run is too long only by its known days. Whole days of
leave are neither worked nor off here: they end a run, and a run next to
leave is never too short (a week's leave is not "too many days off").

Penalties: ``max`` costs one unit per day beyond it in each run (a run of 7
with max 5 costs 2); ``min`` costs one unit per day missing (a run of 1 with
min 3 costs 2).

A hard maximum run of work M and a hard minimum run of days off K together
imply: at most M worked days in any M + K days. The model says so as well
(for windows inside the horizon, without leave). It removes no roster the
two rules allow, but CP-SAT's propagation and LP relaxation do not find it
alone: on a tight year (Curtois Instance22, where each person must work
nearly as many days as these rules permit) it finds a person's first
roster two to three times faster.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field, model_validator

from roster.constraints.base import Rule, check_bounds, draw_bounds, fmt_dates, runs
from roster.constraints.context import CheckContext, ModelContext
from roster.constraints.literals import Lit, neg
from roster.records import MAX_COUNT

if TYPE_CHECKING:
    from roster.result import Violation


def _hard_min_off(ctx: ModelContext, s: int) -> int:
    """The longest hard minimum run of days off that applies to person s."""

    def make() -> dict[str, int]:
        out: dict[str, int] = {}
        for inst in ctx.scenario.rule_instances:
            rule = inst.rule
            if isinstance(rule, Consecutive) and rule.what == "off" and rule.hard and rule.min:
                for sid in inst.staff:
                    out[sid] = max(out.get(sid, 1), rule.min)
        return out

    return ctx.cached("consecutive.hard_min_off", make).get(ctx.index.staff[s], 1)


class Consecutive(Rule):
    """Bound runs of working days, days off, or days on some shifts."""

    kind: Literal["consecutive"]
    what: Literal["work", "off", "shift"] = Field(
        "work", description="work: any shift; off: days off; shift: the listed shifts"
    )
    shifts: list[str] | None = Field(None, description="for what: shift, the shift types")
    min: int | None = Field(None, ge=1, le=MAX_COUNT, description="shortest allowed run")
    max: int | None = Field(None, ge=1, le=MAX_COUNT, description="longest allowed run")

    shift_fields: ClassVar[tuple[str, ...]] = ("shifts",)

    @model_validator(mode="after")
    def _params(self) -> Consecutive:
        check_bounds(self.min, self.max)
        if (self.what == "shift") != bool(self.shifts):
            raise ValueError("list shifts exactly when what is 'shift'")
        return self

    def _noun(self) -> str:
        return {"work": "working days", "off": "days off"}.get(
            self.what, f"days on {'/'.join(self.shifts or [])}"
        )

    def describe(self) -> str:
        parts = []
        if self.min is not None:
            parts.append(f"at least {self.min}")
        if self.max is not None:
            parts.append(f"at most {self.max}")
        return f"{' and '.join(parts)} consecutive {self._noun()}"

    # -- encode -----------------------------------------------------------
    def _flags(self, ctx: ModelContext, s: int) -> dict[int, Lit | None]:
        """day -> literal 'the day is in a run' for every known day."""
        idx = ctx.index
        leave = ctx.scenario.leave_days[idx.staff[s]]
        out: dict[int, Lit | None] = {}
        for d in range(-ctx.history_len(s), idx.days):
            if d in leave:
                out[d] = None  # neither in a run nor a border of one
            elif self.what == "work":
                out[d] = ctx.works(s, d)
            elif self.what == "off":
                out[d] = neg(ctx.works(s, d))
            else:
                # each type once: a repeated id would make sum(live) == on unsatisfiable
                lits = [ctx.x(s, d, idx.t_of[t]) for t in dict.fromkeys(self.shifts or [])]
                out[d] = ctx.one_of(lits)
        return out

    def encode(self, ctx: ModelContext, staff: Sequence[int]) -> None:
        for s in staff:
            f = self._flags(ctx, s)
            first, end = -ctx.history_len(s), ctx.index.days
            if self.max is not None:
                m = self.max
                for w in range(max(first, -m), end - m):
                    window = [f[d] for d in range(w, w + m + 1)]
                    lits = [lit for lit in window if lit is not None]
                    if len(lits) == len(window):  # leave ends runs
                        ctx.forbid(
                            lits,
                            weight=self.weight,
                            staff=s,
                            days=[d for d in range(w, w + m + 1) if d >= 0],
                        )
            if self.what == "work" and self.max is not None and self.hard and not ctx.explain:
                self._implied_windows(ctx, s, f, _hard_min_off(ctx, s))
            if self.min is not None:
                for length in range(1, self.min):
                    # a run exactly [d, d + length) bordered by known days
                    for d in range(max(first + 1, 1 - length), end - length):
                        run = [f[e] for e in range(d - 1, d + length + 1)]
                        lits = [lit for lit in run if lit is not None]
                        if len(lits) < len(run):
                            continue
                        lits[0], lits[-1] = neg(lits[0]), neg(lits[-1])
                        ctx.forbid(
                            lits,
                            weight=self.weight,
                            amount=self.min - length,
                            staff=s,
                            days=[e for e in range(d, d + length) if e >= 0],
                        )

    def _implied_windows(
        self, ctx: ModelContext, s: int, f: dict[int, Lit | None], min_off: int
    ) -> None:
        """At most ``max`` worked in any ``max + min_off`` days (see the module)."""
        if min_off < 2:
            return  # no more than the max rule's own windows
        m = self.max
        assert m is not None
        span = m + min_off
        for w in range(0, ctx.index.days - span + 1):
            window = [f[d] for d in range(w, w + span)]
            lits = [lit for lit in window if lit is not None]
            if len(lits) < len(window):
                continue  # leave ends runs: the implication does not hold across it
            live = [lit for lit in lits if not isinstance(lit, bool)]
            known = sum(1 for lit in lits if lit is True)
            if len(live) + known > m:
                ctx.require(sum(live) <= m - known, staff=s)

    # -- check ------------------------------------------------------------
    def _day_flag(self, ctx: CheckContext, sid: str, d: int) -> bool | None:
        if d in ctx.scenario.leave_days[sid]:
            return None
        if self.what == "work":
            return bool(ctx.works(sid, d))
        if self.what == "off":
            return not ctx.works(sid, d)
        return any(t in (self.shifts or []) for t in ctx.shifts(sid, d))

    def check(self, ctx: CheckContext, staff: Sequence[str]) -> Iterable[Violation]:
        for sid in staff:
            first = -ctx.history_len(sid)
            flags = [self._day_flag(ctx, sid, d) for d in range(first, ctx.days)]
            for i, length, open_before, open_after in runs(flags):
                a = first + i  # first day of the run
                b = a + length - 1
                if b < 0:
                    continue  # wholly in the history
                inside = [d for d in range(max(a, 0), b + 1)]
                span = fmt_dates([ctx.date(inside[0]), ctx.date(inside[-1])])
                if self.max is not None and length > self.max:
                    # windows of max+1 days inside the run that reach the horizon
                    excess = (b - self.max) - max(a, -self.max) + 1
                    if excess > 0:
                        yield ctx.violation(
                            self.label,
                            sid,
                            inside,
                            excess,
                            self.weight,
                            f"{sid}: {length} consecutive {self._noun()} ({span}), "
                            f"at most {self.max}",
                        )
                if (
                    self.min is not None
                    and length < self.min
                    and not open_before
                    and not open_after
                ):
                    yield ctx.violation(
                        self.label,
                        sid,
                        inside,
                        self.min - length,
                        self.weight,
                        f"{sid}: only {length} consecutive {self._noun()} ({span}), "
                        f"at least {self.min}",
                    )

    @classmethod
    def draw_parameters(cls, draw: Any, ids: dict[str, Any]) -> dict[str, Any]:
        """Random parameters for the property tests (``ids``: what they may name)."""
        from hypothesis import strategies as st  # a test dependency

        what = draw(st.sampled_from(["work", "off", "shift"]))
        lo, hi = draw_bounds(draw, 1, 5)
        out: dict[str, Any] = {"what": what, "min": lo, "max": hi}
        if what == "shift":  # repeated ids allowed: they must count once
            out["shifts"] = draw(
                st.lists(st.sampled_from(ids["shift_ids"]), min_size=1, max_size=3)
            )
        return out

"""The rule contract: parameters, a CP-SAT encoding, an independent check.

A rule family is a pydantic model with a ``kind`` literal. Subclasses register
themselves, and the scenario's ``rules:`` lists are a discriminated union over
the registry, so adding a rule means adding one module.

``weight`` absent means hard; a number is the penalty per unit of violation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Literal, get_args

from ortools.sat.python import cp_model
from pydantic import BaseModel, ConfigDict, Field, model_validator

from roster.constraints.context import CheckContext, ModelContext
from roster.records import MAX_WEIGHT, Strict, Weekday

if TYPE_CHECKING:
    from roster.result import Violation
    from roster.scenario import Scenario

#: kind -> rule class, filled as rule modules are imported
registry: dict[str, type[Rule]] = {}


class Scope(BaseModel):
    """Who (and, for rules that allow it, which days) a rule applies to.

    Each list narrows the selection; a person must match every list that is
    given, and any one entry within a list. Empty scope = all staff.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    staff: list[str] | None = Field(None, description="these people only")
    roles: list[str] | None = Field(None, description="people with any of these roles")
    skills: list[str] | None = Field(None, description="people with any of these skills")
    contracts: list[str] | None = Field(None, description="people on these contracts")
    from_: dt.date | None = Field(None, alias="from", description="first day counted")
    to: dt.date | None = Field(None, description="last day counted")
    weekdays: list[Weekday] | None = Field(None, description="weekdays counted")

    @property
    def limits_days(self) -> bool:
        return self.from_ is not None or self.to is not None or self.weekdays is not None

    @model_validator(mode="after")
    def _order(self) -> Scope:
        if self.from_ and self.to and self.to < self.from_:
            raise ValueError(f"'to' ({self.to}) is before 'from' ({self.from_})")
        return self


class Rule(Strict):
    """Base of every rule entry in a scenario's ``rules:`` lists."""

    kind: str
    name: str | None = Field(
        None, description="label in reports; a person's rule replaces rules of the same name"
    )
    weight: int | None = Field(
        None,
        ge=0,
        le=MAX_WEIGHT,
        description="absent = hard; a number = penalty per unit of violation",
    )
    scope: Scope = Field(default_factory=Scope, description="who the rule applies to")

    #: whether ``scope`` may restrict days (from/to/weekdays) for this kind
    day_scoped: ClassVar[bool] = False
    #: names of fields holding shift ids (checked against the scenario)
    shift_fields: ClassVar[tuple[str, ...]] = ()
    #: names of fields holding on-call duty ids
    duty_fields: ClassVar[tuple[str, ...]] = ()
    #: rules applied to a group of people at once (fairness) rather than each
    group_rule: ClassVar[bool] = False

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        field = cls.model_fields.get("kind")
        args = get_args(field.annotation) if field else ()
        if len(args) == 1 and isinstance(args[0], str):
            registry[args[0]] = cls

    @model_validator(mode="after")
    def _scope_days(self) -> Rule:
        if self.scope.limits_days and not self.day_scoped:
            raise ValueError(
                f"rule kind '{self.kind}' cannot be limited to some days "
                "(scope.from/to/weekdays); remove them"
            )
        return self

    @property
    def label(self) -> str:
        return self.name or self.kind

    @property
    def hard(self) -> bool:
        return self.weight is None

    def describe(self) -> str:
        """One sentence a manager understands; used in explanations."""
        return self.label

    def in_day_scope(self, scenario: Scenario, d: int) -> bool:
        """Whether the rule counts day index ``d``; history days (d < 0) are
        judged by their dates and weekdays like any other."""
        sc = self.scope
        date = scenario.horizon.start + dt.timedelta(days=d)
        if (sc.from_ and date < sc.from_) or (sc.to and date > sc.to):
            return False
        return not sc.weekdays or scenario.weekday(d) in sc.weekdays

    def days_in_scope(self, scenario: Scenario) -> list[int]:
        """Horizon day indexes this rule counts."""
        if not self.scope.limits_days:
            return list(range(scenario.horizon.days))
        return [d for d in range(scenario.horizon.days) if self.in_day_scope(scenario, d)]

    def id_problems(self, known: dict[str, set[str]]) -> Iterable[tuple[str, str]]:
        """(field path, message) for ids in this rule's own fields that the
        scenario does not define (scope and shift fields are checked for all)."""
        return ()

    def impossible(self, scenario: Scenario) -> Iterable[tuple[int, str]]:
        """(day, shift) this rule, when hard, rules out for good: such cells
        get no variable. Only a shortcut; ``encode`` must still be exact."""
        return ()

    # -- the two halves of the contract -----------------------------------
    def encode(self, ctx: ModelContext, staff: Sequence[int]) -> None:
        """Add this rule for these staff (dense indexes) to the CP-SAT model."""
        raise NotImplementedError

    def check(self, ctx: CheckContext, staff: Sequence[str]) -> Iterable[Violation]:
        """Violations of this rule in a finished roster, from assignments alone."""
        raise NotImplementedError

    @classmethod
    def draw_parameters(cls, draw: Any, ids: dict[str, Any]) -> dict[str, Any]:
        """Random parameters of this kind for the property tests, drawn with
        hypothesis's ``draw``; ``ids`` holds what they may name: ``staff_ids``,
        ``shift_ids``, ``duty_ids``, ``days`` and ``date`` (day index to ISO
        date). Every kind supplies one, so the registry-wide tests need no
        list of kinds."""
        raise NotImplementedError(f"{cls.__name__} has no draw_parameters for the property tests")

    @property
    def links_people(self) -> bool:
        """Whether the rule ties people to each other (group fairness) rather
        than being about one person alone. Decomposition keeps such rules in
        its master problem and prices everything else per person."""
        return self.group_rule


class Section:
    """A rule family that a section of the scenario states (demand, leave,
    requests, pinned shifts ...) rather than an entry of a ``rules:`` list.
    Its parameters are that section (validated with the scenario); it applies
    to everyone at once; and it keeps the contract of ``Rule``: ``encode``
    and an independent ``check``. The sections are listed in
    ``roster.constraints.SECTIONS``."""

    #: the family's name, as violations and explanations give it
    name: ClassVar[str]
    #: whether it counts people together (cover): see ``Rule.links_people``
    links_people: ClassVar[bool] = False
    #: applied to everyone at once, like a group rule
    group_rule: ClassVar[bool] = True
    #: a section holds hard and soft parts alike; each entry says which it is
    hard: ClassVar[bool] = False

    @property
    def label(self) -> str:
        return self.name

    def describe(self) -> str:
        return self.name

    def impossible(self, scenario: Scenario) -> Iterable[tuple[int, str]]:
        return ()

    def encode(self, ctx: ModelContext, staff: Sequence[int]) -> None:
        """Add the section's constraints and penalties (``staff``: everyone)."""
        raise NotImplementedError

    def check(self, ctx: CheckContext, staff: Sequence[str]) -> Iterable[Violation]:
        """Violations of the section in a finished roster, from assignments alone."""
        raise NotImplementedError


def check_bounds(lo: int | None, hi: int | None) -> None:
    """The shared parameter check of min/max rules: one of them at least,
    and max not below min."""
    if lo is None and hi is None:
        raise ValueError("give min, max or both")
    if lo is not None and hi is not None and hi < lo:
        raise ValueError(f"max ({hi}) is below min ({lo})")


def runs(flags: Sequence[bool | None]) -> list[tuple[int, int, bool, bool]]:
    """Maximal runs of True in ``flags`` (None = unknown, treated as not True).

    Returns (start, length, touches_unknown_before, touches_unknown_after),
    used by checkers of sequence rules.
    """
    out = []
    i, n = 0, len(flags)
    while i < n:
        if flags[i]:
            j = i
            while j < n and flags[j]:
                j += 1
            before = i == 0 or flags[i - 1] is None
            after = j == n or flags[j] is None
            out.append((i, j - i, before, after))
            i = j
        else:
            i += 1
    return out


def fmt_dates(dates: Sequence[dt.date]) -> str:
    """'Tue 2026-12-08', or a span 'Tue 2026-12-08..Thu 2026-12-10'."""
    first, last = dates[0], dates[-1]
    a = first.strftime("%a %Y-%m-%d")
    return a if first == last else f"{a}..{last.strftime('%a %Y-%m-%d')}"


def weekend_blocks(scenario: Scenario) -> list[list[int]]:
    """Weekends in the horizon: maximal runs of consecutive weekend days.

    A weekend cut by the horizon's start or end is a (partial) block too.
    """
    blocks: list[list[int]] = []
    for d in range(scenario.horizon.days):
        if scenario.weekday(d) not in scenario.weekend:
            continue
        if blocks and blocks[-1][-1] == d - 1:
            blocks[-1].append(d)
        else:
            blocks.append([d])
    return blocks


class SumRule(Rule):
    """Shared shape of rules that bound a sum of worked shifts over windows of
    days (``windows``): a calendar week, the horizon, any N days in a row.

    History days count in a window that reaches back into them (when in the
    day scope); a minimum applies only to windows wholly inside what is known
    (history + horizon) and not cut by ``scope.from``/``scope.to``. With
    ``reduce_for_leave``, a minimum shrinks pro rata to the leave days in the
    window (rounded down). Rules that count hours may credit leave days as
    worked (``credited``): those count towards the minimum and the maximum
    instead.
    """

    shifts: list[str] | None = Field(None, description="count only these shifts; default all")
    duties: list[str] | None = Field(
        None,
        description="on-call duties counted too (hours: the ones counted, default all "
        "when no shifts are named)",
    )
    reduce_for_leave: bool = Field(True, description="lower a minimum pro rata to leave days")

    day_scoped: ClassVar[bool] = True
    shift_fields: ClassVar[tuple[str, ...]] = ("shifts",)
    duty_fields: ClassVar[tuple[str, ...]] = ("duties",)
    #: count days worked (a shift or a resident duty) rather than shifts
    counts_days: ClassVar[bool] = False
    #: penalties are counted in whole units of this many value units
    unit: ClassVar[int] = 1

    def bounds(self) -> tuple[int | None, int | None]:
        """(min, max) in value units."""
        raise NotImplementedError

    def value(self, scenario: Scenario, d: int, shift: str) -> int:
        """What ``shift`` worked on day ``d`` adds to the sum (1, or its paid
        minutes in real time: a night over a clock change is an hour longer
        or shorter)."""
        raise NotImplementedError

    def counted(self, shift: str) -> bool:
        return self.shifts is None or shift in self.shifts

    def counted_duties(self, scenario: Scenario) -> list[str]:
        """The on-call duties this rule counts (by default none)."""
        return list(self.duties or ())

    def codes(self, scenario: Scenario) -> list[str]:
        """Shift and duty ids counted (empty when counting days worked)."""
        if self.days_worked:
            return []
        return [t.id for t in scenario.shifts if self.counted(t.id)] + self.counted_duties(scenario)

    @property
    def days_worked(self) -> bool:
        return self.counts_days

    def windows(self, scenario: Scenario, history_len: int) -> list[tuple[list[int], bool]]:
        """[(day indexes, complete)]: days may be negative (history)."""
        raise NotImplementedError

    def _span(self) -> str:
        """How the window reads in a sentence: 'per week', 'in any 3 days'."""
        raise NotImplementedError

    def id_problems(self, known: dict[str, set[str]]) -> Iterable[tuple[str, str]]:
        """(field path, message) for ids in this rule's own fields that the
        scenario does not define (scope and shift fields are checked for all)."""
        return ()

    def impossible(self, scenario: Scenario) -> Iterable[tuple[int, str]]:
        if self.bounds()[1] != 0:
            return
        codes = self.codes(scenario)
        for d in self.days_in_scope(scenario):
            for t in codes:
                if self.value(scenario, d, t) > 0:
                    yield d, t

    def credited(self, scenario: Scenario, staff: str, days: list[int]) -> dict[int, int]:
        """Leave days of the window that count as worked: day -> value."""
        return {}

    def window_bounds(
        self, scenario: Scenario, staff: str, days: list[int], complete: bool
    ) -> tuple[int | None, int | None]:
        """(min, max) on what is worked in the window: credited leave counts
        towards both (never below 0); other leave lowers the minimum pro rata
        with ``reduce_for_leave``."""
        lo, hi = self.bounds()
        if lo is not None and not complete:
            lo = None
        credit = self.credited(scenario, staff, days)
        if lo and self.reduce_for_leave:
            leave = scenario.leave_days[staff]
            away = sum(1 for d in days if d in leave and d not in credit)
            lo = lo * (len(days) - away) // len(days)
        if credit:
            total = sum(credit.values())
            lo = None if lo is None else max(0, lo - total)
            hi = None if hi is None else max(0, hi - total)
        return lo, hi

    def describe(self) -> str:
        lo, hi = self.bounds()
        what = self._noun()
        span = self._span()
        parts = []
        if lo is not None:
            parts.append(f"at least {self._fmt(lo)}")
        if hi is not None:
            parts.append(f"at most {self._fmt(hi)}")
        named = [*(self.shifts or ()), *(self.duties or ())]
        only = f" ({', '.join(named)})" if named else ""
        return f"{' and '.join(parts)} {what}{only} {span}"

    def _noun(self) -> str:
        return "shifts"

    def _fmt(self, v: int) -> str:
        return str(v)

    def encode(self, ctx: ModelContext, staff: Sequence[int]) -> None:
        sc, idx = ctx.scenario, ctx.index
        counted = [idx.t_of[c] for c in self.codes(sc)]
        n = len(idx.shifts)
        duties = any(t >= n for t in counted)
        # per day, the counted shifts' values: the same for every person and
        # every rule of this kind counting these shifts, so built once
        by_day: dict[int, list[int]] = ctx.cached(
            ("count values", type(self), tuple(counted)), dict
        )
        for s in staff:
            sid = idx.staff[s]
            for days, complete in self.windows(sc, ctx.history_len(s)):
                lo, hi = self.window_bounds(sc, sid, days, complete)
                if lo is None and hi is None:
                    continue
                lits, coefs, const, ub = [], [], 0, 0
                for d in days:
                    if self.days_worked:
                        lit = ctx.works(s, d)
                        ub += 1
                        if lit is True:
                            const += 1
                        elif lit is not None and lit is not False:
                            lits.append(lit)
                            coefs.append(1)
                        continue
                    row = [*ctx.row(s, d), *ctx.duty_row(s, d)] if duties else ctx.row(s, d)
                    values = by_day.get(d)
                    if values is None:
                        values = by_day[d] = [self.value(sc, d, idx.code(t)) for t in counted]
                    ub += sum(values) if duties else max(values, default=0)
                    for t, v in zip(counted, values):
                        lit = row[t]
                        if lit is True:
                            const += v
                        elif lit is not None and lit is not False:
                            lits.append(lit)
                            coefs.append(v)
                expr = cp_model.LinearExpr.weighted_sum(lits, coefs) + const if lits else const
                ctx.limit(
                    expr,
                    lo,
                    hi,
                    ub,
                    weight=self.weight,
                    staff=s,
                    days=[d for d in days if d >= 0],
                    unit=self.unit,
                )

    def check(self, ctx: CheckContext, staff: Sequence[str]) -> Iterable[Violation]:
        sc = ctx.scenario
        codes = set(self.codes(sc))
        for sid in staff:
            for days, complete in self.windows(sc, ctx.history_len(sid)):
                lo, hi = self.window_bounds(sc, sid, days, complete)
                if self.days_worked:
                    total = sum(1 for d in days if ctx.works(sid, d))
                else:
                    total = sum(
                        self.value(sc, d, t)
                        for d in days
                        for t in [*ctx.shifts(sid, d), *ctx.duties(sid, d)]
                        if t in codes
                    )
                inside = [d for d in days if d >= 0]
                span = fmt_dates([ctx.date(inside[0]), ctx.date(inside[-1])])
                # what a manager reads counts the credited leave in
                credit = sum(self.credited(sc, sid, days).values())
                said = f"{self._fmt(total + credit)} {self._noun()}" + (
                    f" ({self._fmt(credit)} of them leave)" if credit else ""
                )
                if hi is not None and total > hi:
                    yield ctx.violation(
                        self.label,
                        sid,
                        inside,
                        -(-(total - hi) // self.unit),
                        self.weight,
                        f"{sid}: {said} in {span}, at most {self._fmt(hi + credit)}",
                    )
                if lo is not None and total < lo:
                    yield ctx.violation(
                        self.label,
                        sid,
                        inside,
                        -(-(lo - total) // self.unit),
                        self.weight,
                        f"{sid}: {said} in {span}, at least {self._fmt(lo + credit)}",
                    )


class CountRule(SumRule):
    """A sum over the roster (the days in scope) or per calendar week (Monday
    to Sunday); per week, history days of the first week count."""

    per: Literal["horizon", "week"] = Field("horizon", description="the counting window")

    def windows(self, scenario: Scenario, history_len: int) -> list[tuple[list[int], bool]]:
        """[(day indexes, complete)]: days may be negative (history)."""
        days = self.days_in_scope(scenario)
        if self.per == "horizon":
            return [(days, True)] if days else []
        start = scenario.horizon.start
        sc = self.scope
        out = []
        for w0 in range(-start.weekday(), scenario.horizon.days, 7):
            week = [
                d
                for d in range(max(w0, -history_len), min(w0 + 7, scenario.horizon.days))
                if self.in_day_scope(scenario, d)
            ]
            if not any(d >= 0 for d in week):
                continue
            monday = start + dt.timedelta(days=w0)
            complete = (
                w0 >= -history_len
                and w0 + 7 <= scenario.horizon.days
                and (sc.from_ is None or sc.from_ <= monday)
                and (sc.to is None or monday + dt.timedelta(days=6) <= sc.to)
            )
            out.append((week, complete))
        return out

    def _span(self) -> str:
        return "per week" if self.per == "week" else "over the roster"


def draw_bounds(draw: Any, lo: int, hi: int) -> tuple[int | None, int | None]:
    """A random (min, max) within [lo, hi], either may be absent but not both."""
    from hypothesis import strategies as st  # a test dependency

    a = draw(st.one_of(st.none(), st.integers(lo, hi)))
    b = draw(st.one_of(st.none(), st.integers(a or lo, hi)))
    if a is None and b is None:
        b = draw(st.integers(lo, hi))
    return a, b


def draw_count_common(draw: Any, ids: dict[str, Any]) -> dict[str, Any]:
    """Random parameters every ``CountRule`` has."""
    from hypothesis import strategies as st  # a test dependency

    out: dict[str, Any] = {"per": draw(st.sampled_from(["horizon", "week"]))}
    if draw(st.booleans()):
        out["shifts"] = draw(st.lists(st.sampled_from(ids["shift_ids"]), min_size=1, unique=True))
    if ids.get("duty_ids") and draw(st.booleans()):
        out["duties"] = draw(st.lists(st.sampled_from(ids["duty_ids"]), max_size=2, unique=True))
    out["reduce_for_leave"] = draw(st.booleans())
    return out

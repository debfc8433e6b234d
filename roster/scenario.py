"""The scenario: everything a roster is built from, validated once and frozen.

A scenario is plain data. Every id is checked against what it refers to, so the
model builder and the checker never meet an unknown shift, role or person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Annotated, Union
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from roster.constraints import SECTIONS, Section, registry
from roster.constraints.base import Rule
from roster.records import (
    MAX_CELLS,
    NO_CARRY,
    OFF_CODES,
    WEEKDAYS,
    Carry,
    DateSpec,
    Demand,
    Duty,
    Fixed,
    Frozen,
    Holiday,
    Horizon,
    Id,
    Leave,
    LeaveCredit,
    LeaveSpec,
    Need,
    Request,
    Role,
    Shift,
    Skill,
    TimeCover,
    Unavailable,
    Weekday,
    demand_table,
    expand,
    leave_type,
)
from roster.timeline import Timeline
from roster.validation import cross_check

if TYPE_CHECKING:  # to a type checker, any rule
    AnyRule = Rule
else:  # to pydantic, a union built from the registry at run time (only typing.Union can)
    AnyRule = Annotated[Union[tuple(registry.values())], Field(discriminator="kind")]  # noqa: UP007


class Staff(Frozen):
    """A person: the roles they may work as, skills and contract, and their
    own rules, leave, unavailability, fixed shifts and requests. Their own
    hours, leave credit and same-named rules replace the contract's."""

    id: Id
    name: str | None = None
    roles: list[Id] = Field(min_length=1)
    skills: list[Id] = []
    contract: Id | None = None
    hours_per_week: float | None = Field(
        None, ge=0, le=168, description="contracted hours; overrides the contract's"
    )
    rules: list[AnyRule] = Field(
        [],
        description="rules for this person; replace contract/scenario rules of the same name "
        "(or kind)",
    )
    leave: list[LeaveSpec] = Field(
        [], description="days away: dates, ranges {from, to}, each with an optional type"
    )
    leave_hours: dict[Id, LeaveCredit] | None = Field(
        None, description="hours a leave day of each type counts as worked; replaces the contract's"
    )
    unavailable: list[Unavailable] = []
    fixed: list[Fixed] = []
    requests: list[Request] = []


class Contract(Frozen):
    """Terms shared by the staff who name it: contracted hours, what a leave
    day counts as, and rules."""

    id: Id
    name: str | None = None
    hours_per_week: float | None = Field(None, ge=0, le=168, description="contracted hours")
    leave_hours: dict[Id, LeaveCredit] = Field(
        {},
        description="hours a leave day of each type counts as worked, e.g. {annual: 7.5} "
        "or {annual: {mon: 7.5, tue: 7.5, wed: 7.5, thu: 7.5, fri: 7.5}}; unlisted types: 0",
    )
    rules: list[AnyRule] = []


class Scenario(Frozen):
    """Everything a roster is built from, as one file states it: validated
    once (every id resolved, see ``roster.validation``) and frozen, so the
    derived lookups below are computed once and cached."""

    name: str | None = None
    description: str | None = None
    horizon: Horizon
    weekend: list[Weekday] = Field(
        ["sat", "sun"], min_length=1, description="the days that make a weekend"
    )
    holidays: list[Holiday] = Field(
        [],
        description="public holidays in the horizon: cover may differ ('hol'), fairness "
        "may share them",
    )
    timezone: str | None = Field(
        None,
        description="IANA time zone of the shifts' clock times, e.g. Europe/London; "
        "absent = UTC (no clock changes)",
    )
    shifts: list[Shift] = Field(min_length=1)
    duties: list[Duty] = Field(
        [], description="on-call duties, held beside a shift or alone (ids distinct from shift ids)"
    )
    roles: list[Role] = Field(min_length=1)
    skills: list[Skill] = []
    contracts: list[Contract] = []
    staff: list[Staff] = Field(min_length=1)
    leave_types: list[Id] = Field(
        [], description="more leave types, beside annual, sick, study, parental and unpaid"
    )
    demand: list[Demand] = []
    time_cover: list[TimeCover] = []
    history: dict[Id, Annotated[list[str], Field(max_length=366)]] = Field(
        {},
        description="last days before the horizon, oldest first: a shift, a duty, "
        "both ('D+OC') or '-' = off",
    )
    carry: dict[Id, Carry] = Field(
        {}, description="per person: totals over earlier rosters, counted by fairness rules"
    )
    rules: list[AnyRule] = []

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown time zone {value!r}; write an IANA name such as "
                "UTC, Europe/London or America/New_York"
            ) from None
        return value

    # ---- time -----------------------------------------------------------
    @property
    def zone_name(self) -> str:
        return self.timezone or "UTC"

    @cached_property
    def timeline(self) -> Timeline:
        return Timeline(ZoneInfo(self.zone_name), self.horizon.start)

    @cached_property
    def clock_changes(self) -> dict[int, int]:
        """Day index -> real minutes the day is longer than 24 hours (+60 when
        the clocks go back, -60 when they go forward)."""
        return self.timeline.clock_changes(self.horizon.days)

    @cached_property
    def _spans(self) -> dict[tuple[int, str], tuple[int, int, int]]:
        return {}  # (day, shift) -> (start, end, paid), filled as asked

    def _span(self, d: int, shift: str) -> tuple[int, int, int]:
        key = (d, shift)
        got = self._spans.get(key)
        if got is None:
            tl = self.timeline
            sh = self.shift_by_id.get(shift)
            if sh is None:  # a duty: its paid share of the real hours
                duty = self.duty_by_id[shift]
                a, b = tl.instant(d, duty.start), tl.instant(d, duty.start + duty.duration)
                got = self._spans[key] = (a, b, round((b - a) * duty.paid_share))
                return got
            a, b = tl.instant(d, sh.start), tl.instant(d, sh.start + sh.duration)
            got = self._spans[key] = (a, b, max(0, b - a - sh.break_minutes))
        return got

    def span(self, d: int, shift: str) -> tuple[int, int]:
        """Real start and end (minutes from the horizon's first local
        midnight) of ``shift`` (or duty) worked on day index ``d``."""
        a, b, _ = self._span(d, shift)
        return a, b

    def paid(self, d: int, shift: str) -> int:
        """Paid minutes of ``shift`` on day ``d``: real length less the break
        (a duty: its ``paid_fraction`` of the real length)."""
        return self._span(d, shift)[2]

    # ---- lookups -------------------------------------------------------
    @cached_property
    def shift_by_id(self) -> dict[str, Shift]:
        return {s.id: s for s in self.shifts}

    @cached_property
    def duty_by_id(self) -> dict[str, Duty]:
        return {k.id: k for k in self.duties}

    def is_duty(self, code: str) -> bool:
        return code in self.duty_by_id

    @cached_property
    def resident_duties(self) -> frozenset[str]:
        """Duties that count as work (on site)."""
        return frozenset(k.id for k in self.duties if k.resident)

    @cached_property
    def duty_roles(self) -> dict[tuple[str, str], str]:
        """(person, duty) -> the role the person holds it as: their first role
        the duty allows. People with none cannot hold it."""
        out = {}
        for p in self.staff:
            for k in self.duties:
                role = next((r for r in p.roles if k.roles is None or r in k.roles), None)
                if role is not None:
                    out[p.id, k.id] = role
        return out

    @cached_property
    def staff_by_id(self) -> dict[str, Staff]:
        return {s.id: s for s in self.staff}

    @cached_property
    def contract_by_id(self) -> dict[str, Contract]:
        return {c.id: c for c in self.contracts}

    @property
    def dates(self) -> tuple[dt.date, ...]:
        return self.horizon.dates

    @cached_property
    def holiday_of(self) -> dict[int, str]:
        """Day index -> holiday name."""
        return {d: h.name for h in self.holidays if (d := self.day_index(h.date)) is not None}

    def cover_days(
        self, weekdays: Sequence[str] | None, dates: list[DateSpec] | None
    ) -> dict[int, int]:
        """Days a cover entry (``demand``, ``time_cover``) applies on, each
        with its precedence: 3 for its dates, 2 for a holiday it names with
        'hol', 1 for a weekday (or every day). On a day, entries of higher
        precedence replace those of lower for the same need."""
        if dates is not None:
            return {d: 3 for x in expand(dates) if (d := self.day_index(x)) is not None}
        out = {}
        for d in range(self.horizon.days):
            if weekdays is not None and "hol" in weekdays and d in self.holiday_of:
                out[d] = 2
            elif weekdays is None or self.weekday(d) in weekdays:
                out[d] = 1
        return out

    def day_index(self, date: dt.date) -> int | None:
        d = (date - self.horizon.start).days
        return d if 0 <= d < self.horizon.days else None

    def weekday(self, d: int) -> str:
        """Weekday name of day index d (may be negative, for history)."""
        return WEEKDAYS[(self.horizon.start + dt.timedelta(days=d)).weekday()]

    def hours_per_week(self, staff_id: str) -> float | None:
        person = self.staff_by_id[staff_id]
        if person.hours_per_week is not None:
            return person.hours_per_week
        if person.contract is not None:
            return self.contract_by_id[person.contract].hours_per_week
        return None

    def unavailable_days(self, u: Unavailable) -> frozenset[int]:
        """Horizon day indexes an ``unavailable`` entry covers."""
        days = self._days(u.dates) if u.dates is not None else range(self.horizon.days)
        return frozenset(d for d in days if u.weekdays is None or self.weekday(d) in u.weekdays)

    def _days(self, specs: list[DateSpec]) -> frozenset[int]:
        return frozenset(d for x in expand(specs) if (d := self.day_index(x)) is not None)

    @cached_property
    def needs(self) -> tuple[Need, ...]:
        """The demand resolved to one need per day, shift, role and skill
        (computed once: every sub-model of a search asks for it)."""
        return tuple(demand_table(self))

    @cached_property
    def leave_of(self) -> dict[str, dict[int, str]]:
        """Per person: day index -> leave type, for leave inside the horizon."""
        out: dict[str, dict[int, str]] = {}
        for p in self.staff:
            mine = out[p.id] = {}
            for spec in p.leave:
                for x in spec.dates() if isinstance(spec, Leave) else [spec]:
                    if (d := self.day_index(x)) is not None:
                        mine[d] = leave_type(spec)
        return out

    @cached_property
    def leave_days(self) -> dict[str, frozenset[int]]:
        """Day indexes of each person's leave: absent, neither working nor off."""
        return {sid: frozenset(days) for sid, days in self.leave_of.items()}

    def leave_credits(self, staff_id: str) -> dict[str, LeaveCredit]:
        person = self.staff_by_id[staff_id]
        if person.leave_hours is not None:
            return person.leave_hours
        if person.contract is not None:
            return self.contract_by_id[person.contract].leave_hours
        return {}

    @cached_property
    def credit(self) -> dict[str, dict[int, int]]:
        """Per person: day index -> minutes a leave day counts as worked, for
        leave days that credit any (the person's, else the contract's,
        ``leave_hours`` for the day's leave type and weekday)."""
        out: dict[str, dict[int, int]] = {}
        for p in self.staff:
            table = self.leave_credits(p.id)
            mine = out[p.id] = {}
            for d, kind in self.leave_of[p.id].items():
                hours = table.get(kind, 0.0)
                if isinstance(hours, dict):
                    hours = hours.get(self.weekday(d), 0.0)  # type: ignore[call-overload]
                if hours:
                    mine[d] = round(hours * 60)
        return out

    @cached_property
    def away_days(self) -> dict[str, frozenset[int]]:
        """Days a person cannot work at all: leave, or unavailable all day
        (an unavailable day is an ordinary day off for run rules)."""
        return {
            p.id: self.leave_days[p.id].union(
                *(self.unavailable_days(u) for u in p.unavailable if u.shifts is None)
            )
            for p in self.staff
        }

    def carried(self, staff_id: str) -> Carry:
        return self.carry.get(staff_id, NO_CARRY)

    def split_code(self, code: str) -> tuple[str | None, str | None]:
        """A history code as (shift, duty): 'N', 'OC', 'D+OC' or '-'."""
        if code in OFF_CODES:
            return None, None
        parts = [code] if code in self.shift_by_id or code in self.duty_by_id else code.split("+")
        shift = next((c for c in parts if c in self.shift_by_id), None)
        duty = next((c for c in parts if c in self.duty_by_id), None)
        return shift, duty

    @cached_property
    def _history_split(self) -> dict[str, tuple[list[str | None], list[str | None]]]:
        """staff -> (shift of each history day, duty of each), read once:
        checkers ask for them day by day."""
        out = {}
        for sid, codes in self.history.items():
            split = [self.split_code(c) for c in codes]
            out[sid] = ([a for a, _ in split], [b for _, b in split])
        return out

    def history_of(self, staff_id: str) -> list[str | None]:
        """The shift of each history day, oldest first, None for none."""
        return self._history_split.get(staff_id, ([], []))[0]

    def history_duties(self, staff_id: str) -> list[str | None]:
        """The on-call duty of each history day, oldest first, None for none."""
        return self._history_split.get(staff_id, ([], []))[1]

    def in_scope(self, rule: Rule, person: Staff) -> bool:
        sc = rule.scope
        return not (
            (sc.staff is not None and person.id not in sc.staff)
            or (sc.roles is not None and not set(sc.roles) & set(person.roles))
            or (sc.skills is not None and not set(sc.skills) & set(person.skills))
            or (sc.contracts is not None and person.contract not in sc.contracts)
        )

    @cached_property
    def rule_instances(self) -> tuple[RuleInstance, ...]:
        """Every rule family as it applies, with its people and where it was
        written: the sections first (everyone), then the ``rules:`` entries.

        A person's own rule replaces, for them, the contract and scenario rules
        it matches: those with the same ``name`` if it has one, else the same
        ``kind``.
        """

        def replaced(rule: Rule, person: Staff) -> bool:
            for own in person.rules:
                if own.name is not None and own.name == rule.name:
                    return True
                if own.name is None and own.kind == rule.kind:
                    return True
            return False

        everyone = tuple(p.id for p in self.staff)
        out = [RuleInstance(section, everyone, section.name) for section in SECTIONS]

        def add(rule: Rule, people: list[Staff], origin: str) -> None:
            ids = tuple(p.id for p in people if self.in_scope(rule, p))
            if ids:
                out.append(RuleInstance(rule, ids, origin))

        for i, rule in enumerate(self.rules):
            add(rule, [p for p in self.staff if not replaced(rule, p)], f"rules[{i}]")
        for c in self.contracts:
            members = [p for p in self.staff if p.contract == c.id]
            for i, rule in enumerate(c.rules):
                add(
                    rule,
                    [p for p in members if not replaced(rule, p)],
                    f"contract {c.id} rules[{i}]",
                )
        for p in self.staff:
            for i, rule in enumerate(p.rules):
                add(rule, [p], f"staff {p.id} rules[{i}]")
        return tuple(out)

    @model_validator(mode="after")
    def _size(self) -> Scenario:
        cells = len(self.staff) * self.horizon.days * (len(self.shifts) + len(self.duties))
        if cells > MAX_CELLS:
            raise ValueError(
                f"too large to roster: {len(self.staff)} people x {self.horizon.days} days x "
                f"{len(self.shifts) + len(self.duties)} shifts and duties = {cells:,} cells; at "
                f"most {MAX_CELLS:,} (split the unit or the horizon)"
            )
        return self

    @model_validator(mode="after")
    def _cross_check(self, info: ValidationInfo) -> Scenario:
        # ids of entries left out because they did not parse (see
        # ``roster.load``) still count as defined, so nothing is blamed twice
        context = info.context if isinstance(info.context, dict) else {}
        cross_check(self, context.get("also_known"))
        return self


@dataclass(frozen=True)
class RuleInstance:
    """A rule as it applies: the rule, its people, and where it was written."""

    rule: Rule | Section
    staff: tuple[str, ...]
    origin: str

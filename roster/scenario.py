"""The scenario: everything a roster is built from, validated once and frozen.

A scenario is plain data. Every id is checked against what it refers to, so the
model builder and the checker never meet an unknown shift, role or person.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Annotated, Any, Literal, Union
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PlainSerializer,
    Tag,
    field_validator,
    model_validator,
)

from roster.constraints import SECTIONS, Section, registry
from roster.constraints.base import MAX_COUNT, MAX_HOURS, MAX_WEIGHT, Rule, Strict
from roster.timeline import Timeline

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
#: a weekday, or ``hol``: the scenario's holidays, whatever their weekday
CoverDay = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun", "hol"]
OFF_CODES = ("-", "")
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.+\-]*$"

Id = Annotated[str, Field(pattern=ID_PATTERN, max_length=64)]
Weight = Annotated[int, Field(ge=0, le=MAX_WEIGHT, description="penalty per unit of violation")]
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]
#: staff x days x (shifts + duties): a year for 150 people on 32 shift types
MAX_CELLS = 2_000_000
#: the first and last day a horizon (with its history) may start on
FIRST_DATE, LAST_DATE = dt.date(1900, 1, 1), dt.date(2199, 12, 31)


def _parse_clock(value: Any) -> int:
    """'07:30' -> 450 minutes after midnight; '24:00' is allowed as an end."""
    if isinstance(value, int) and not isinstance(value, bool):
        raise ValueError("clock time must be a string 'HH:MM', e.g. '07:30'")
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{1,2}:[0-9]{2}", value):
        raise ValueError("clock time must be 'HH:MM' between 00:00 and 24:00")
    hours, minutes = (int(p) for p in value.split(":"))
    if minutes >= 60 or hours * 60 + minutes > 24 * 60:
        raise ValueError("clock time must be 'HH:MM' between 00:00 and 24:00")
    return hours * 60 + minutes


def format_clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


Clock = Annotated[
    int,
    BeforeValidator(_parse_clock),
    PlainSerializer(format_clock, return_type=str),
]


class Frozen(Strict):
    """A scenario record: frozen, no unknown fields, no booleans for numbers."""


class Horizon(Frozen):
    start: dt.date = Field(ge=FIRST_DATE, le=LAST_DATE, description="first day of the roster")
    days: int = Field(ge=1, le=366, description="number of days (1 to 366)")

    @cached_property
    def dates(self) -> tuple[dt.date, ...]:
        return tuple(self.start + dt.timedelta(days=i) for i in range(self.days))


class Shift(Frozen):
    id: Id
    name: str | None = None
    start: Clock = Field(description="clock time the shift starts, 'HH:MM'")
    end: Clock = Field(description="clock time the shift ends; earlier than start = next day")
    break_minutes: int = Field(0, ge=0, le=1440, description="unpaid break, minutes")
    night: bool | None = Field(
        None, description="counts as a night; default: the shift covers 03:00"
    )

    @model_validator(mode="after")
    def _check(self) -> Shift:
        if self.start == 24 * 60:
            raise ValueError("start must be before 24:00")
        if self.break_minutes >= self.duration:
            raise ValueError(
                f"break_minutes ({self.break_minutes}) must be shorter than the "
                f"shift ({self.duration} min)"
            )
        return self

    @property
    def duration(self) -> int:
        """Wall-clock minutes from start to end; end <= start means the next
        day (``Scenario.span`` gives the real interval on a date)."""
        length = self.end - self.start
        return length if length > 0 else length + 24 * 60

    @property
    def paid_minutes(self) -> int:
        """Paid minutes on the wall clock; on a date, ``Scenario.paid`` gives
        the real ones (an hour more or less when the clocks change)."""
        return self.duration - self.break_minutes

    @property
    def is_night(self) -> bool:
        if self.night is not None:
            return self.night
        three = 3 * 60
        return any(self.start <= three + k * 1440 < self.start + self.duration for k in (0, 1))


class Duty(Frozen):
    """An on-call duty held beside a shift or alone: at most one a person a
    day, never overlapping their shifts in real time. A resident duty (on
    site) counts as work for rest and working-time rules; a non-resident one
    (from home) does not. Either pays ``paid_fraction`` of its real hours."""

    id: Id
    name: str | None = None
    start: Clock = Field(description="clock time the duty starts, 'HH:MM'")
    end: Clock = Field(description="clock time the duty ends; earlier than start = next day")
    resident: bool = Field(
        False, description="held on site: counts as work for rest, days worked and runs"
    )
    paid_fraction: float | None = Field(
        None,
        ge=0,
        le=1,
        description="share of its hours paid and counted by hours rules; "
        "default 1 when resident, 0 when not",
    )
    roles: list[Id] | None = Field(
        None,
        min_length=1,
        description="who may hold it: people with any of these roles; default everyone",
    )

    @model_validator(mode="after")
    def _check(self) -> Duty:
        if self.start == 24 * 60:
            raise ValueError("start must be before 24:00")
        return self

    @property
    def duration(self) -> int:
        length = self.end - self.start
        return length if length > 0 else length + 24 * 60

    @property
    def paid_share(self) -> float:
        if self.paid_fraction is not None:
            return self.paid_fraction
        return 1.0 if self.resident else 0.0


class Role(Frozen):
    id: Id
    name: str | None = None
    shifts: list[Id] | None = Field(
        None, description="shifts this role may be worked on; default all"
    )


class Skill(Frozen):
    id: Id
    name: str | None = None


class DateRange(Frozen):
    from_: dt.date = Field(alias="from")
    to: dt.date

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _order(self) -> DateRange:
        if self.to < self.from_:
            raise ValueError(f"'to' ({self.to}) is before 'from' ({self.from_})")
        return self

    def dates(self) -> list[dt.date]:
        n = (self.to - self.from_).days + 1
        return [self.from_ + dt.timedelta(days=i) for i in range(n)]


def _date_or_range(value: Any) -> str:
    return "range" if isinstance(value, (dict, DateRange)) else "date"


#: a single date, or {from: DATE, to: DATE} inclusive
DateSpec = Annotated[
    Annotated[dt.date, Tag("date")] | Annotated[DateRange, Tag("range")],
    Discriminator(_date_or_range),
]


#: leave types every scenario knows; ``leave_types`` adds more
LEAVE_TYPES = ("annual", "sick", "study", "parental", "unpaid")


class Leave(Frozen):
    """Leave of one type: one day (``date``, or ``from`` alone) or a range."""

    from_: dt.date | None = Field(None, alias="from", description="first day")
    to: dt.date | None = Field(None, description="last day; default: the first")
    date: dt.date | None = Field(None, description="or: a single day")
    type: Id = Field(
        "annual",
        description="annual, sick, study, parental, unpaid, or one of the scenario's leave_types",
    )

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _days(self) -> Leave:
        if (self.date is None) == (self.from_ is None):
            raise ValueError("give 'date', or 'from' (and 'to'), not both")
        if self.date is not None and self.to is not None:
            raise ValueError("'to' goes with 'from', not with 'date'")
        if self.from_ is not None and self.to is not None and self.to < self.from_:
            raise ValueError(f"'to' ({self.to}) is before 'from' ({self.from_})")
        return self

    def dates(self) -> list[dt.date]:
        first = self.date or self.from_
        assert first is not None
        n = ((self.to or first) - first).days + 1
        return [first + dt.timedelta(days=i) for i in range(n)]


def _date_or_leave(value: Any) -> str:
    return "typed" if isinstance(value, (dict, Leave)) else "date"


#: a single date (annual leave), or {from, to, type} / {date, type}
LeaveSpec = Annotated[
    Annotated[dt.date, Tag("date")] | Annotated[Leave, Tag("typed")],
    Discriminator(_date_or_leave),
]

#: hours a leave day credits: the same every day, or per weekday (others 0)
DayHours = Annotated[float, Field(ge=0, le=24)]
LeaveCredit = Annotated[
    Annotated[DayHours, Tag("credit_hours")]
    | Annotated[dict[Weekday, DayHours], Tag("credit_by_weekday")],
    Discriminator(lambda v: "credit_by_weekday" if isinstance(v, dict) else "credit_hours"),
]


def leave_type(spec: dt.date | Leave) -> str:
    return spec.type if isinstance(spec, Leave) else "annual"


def expand(specs: list[DateSpec]) -> list[dt.date]:
    out: list[dt.date] = []
    for spec in specs:
        out.extend(spec.dates() if isinstance(spec, DateRange) else [spec])
    return out


class Unavailable(Frozen):
    """Days a person cannot work, optionally only some shifts on them: dates,
    weekdays (every such day), or both (the dates on those weekdays); with
    neither, every day ("never nights" is ``{shifts: [N]}``)."""

    dates: list[DateSpec] | None = Field(None, min_length=1, description="default: every day")
    weekdays: list[Weekday] | None = Field(
        None, min_length=1, description="only these weekdays, e.g. [mon] for 'not on Mondays'"
    )
    shifts: list[Id] | None = Field(
        None, description="default: every shift and duty; may name duties"
    )

    @model_validator(mode="after")
    def _something(self) -> Unavailable:
        if self.dates is None and self.weekdays is None and self.shifts is None:
            raise ValueError(
                "give dates, weekdays or shifts (or several): with none, the "
                "person could never work"
            )
        return self


class Fixed(Frozen):
    """A pinned assignment: this person works this shift (or holds this
    duty) on this date."""

    date: dt.date
    shift: Id = Field(description="a shift or duty id")
    role: Id | None = Field(None, description="needed when the person has several roles")


class Request(Frozen):
    """A wish to work (`want: on`) or not to work (`want: off`)."""

    dates: list[DateSpec] = Field(min_length=1)
    shift: Id | list[Id] | None = Field(
        None,
        description="a shift or a list (on: any of them; off: none of them); absent = "
        "the whole day",
    )
    want: Literal["on", "off"]
    weight: Weight = 1

    @property
    def shifts(self) -> list[str] | None:
        """The shifts asked about; None = the whole day."""
        return [self.shift] if isinstance(self.shift, str) else self.shift

    def text(self) -> str:
        """What was asked for: 'N', 'N or LN', 'work'."""
        return "work" if self.shifts is None else " or ".join(self.shifts)


if TYPE_CHECKING:  # to a type checker, any rule
    AnyRule = Rule
else:  # to pydantic, a union built from the registry at run time (only typing.Union can)
    AnyRule = Annotated[Union[tuple(registry.values())], Field(discriminator="kind")]  # noqa: UP007


class Staff(Frozen):
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
    id: Id
    name: str | None = None
    hours_per_week: float | None = Field(None, ge=0, le=168, description="contracted hours")
    leave_hours: dict[Id, LeaveCredit] = Field(
        {},
        description="hours a leave day of each type counts as worked, e.g. {annual: 7.5} "
        "or {annual: {mon: 7.5, tue: 7.5, wed: 7.5, thu: 7.5, fri: 7.5}}; unlisted types: 0",
    )
    rules: list[AnyRule] = []


class Demand(Frozen):
    """Cover for one shift (or several together), or one on-call duty (or
    several), by one role and/or skill on some days."""

    shift: Id | list[Id] | None = Field(
        None, description="a shift, or a list counting people on any of them (e.g. [N, LN])"
    )
    duty: Id | list[Id] | None = Field(
        None, description="in place of shift: an on-call duty, or a list of them"
    )
    role: Id | None = None
    skill: Id | None = None
    weekdays: list[CoverDay] | None = Field(
        None,
        description="default: every day; 'hol' = the scenario's holidays, replacing "
        "weekday entries on them",
    )
    dates: list[DateSpec] | None = Field(
        None, description="specific dates; these override weekday and 'hol' entries"
    )
    min: Count = 0
    min_weight: Weight | None = Field(None, description="absent = hard")
    preferred: Count | None = None
    under_weight: Weight = Field(0, description="per person below preferred")
    over_weight: Weight = Field(0, description="per person above preferred")
    max: Count | None = None
    max_weight: Weight | None = Field(None, description="absent = hard")

    @property
    def shifts(self) -> tuple[str, ...]:
        """The shifts (or duties) counted together."""
        codes = self.shift if self.shift is not None else self.duty
        return (codes,) if isinstance(codes, str) else tuple(dict.fromkeys(codes or ()))

    @model_validator(mode="after")
    def _check(self) -> Demand:
        if (self.shift is None) == (self.duty is None):
            raise ValueError("give shift or duty (one of them)")
        if isinstance(self.shift, list) and not self.shift:
            raise ValueError("shift: give a shift or a non-empty list")
        if isinstance(self.duty, list) and not self.duty:
            raise ValueError("duty: give a duty or a non-empty list")
        if self.role is None and self.skill is None:
            raise ValueError("give a role, a skill, or both")
        if self.weekdays is not None and self.dates is not None:
            raise ValueError("give weekdays or dates, not both")
        if self.preferred is not None and self.preferred < self.min:
            raise ValueError(f"preferred ({self.preferred}) is below min ({self.min})")
        top = self.preferred if self.preferred is not None else self.min
        if self.max is not None and self.max < top:
            raise ValueError(f"max ({self.max}) is below min/preferred ({top})")
        return self


class TimeCover(Frozen):
    """At least `min` people of a role/skill at every minute of a clock window."""

    role: Id | None = None
    skill: Id | None = None
    from_: Clock = Field(alias="from", description="window start 'HH:MM'")
    to: Clock = Field(description="window end; earlier than from = next day")
    weekdays: list[CoverDay] | None = Field(
        None,
        description="days the window starts on; default every day; 'hol' = the "
        "scenario's holidays, replacing weekday entries on them",
    )
    dates: list[DateSpec] | None = Field(
        None, description="specific dates; these override weekday and 'hol' entries"
    )
    min: Count = Field(0, description="at least this many at every minute")
    weight: Weight | None = Field(None, description="per person-hour short; absent = hard")
    max: Count | None = Field(None, description="at most this many at every minute")
    max_weight: Weight | None = Field(None, description="per person-hour over; absent = hard")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="after")
    def _check(self) -> TimeCover:
        if self.role is None and self.skill is None:
            raise ValueError("give a role, a skill, or both")
        if self.weekdays is not None and self.dates is not None:
            raise ValueError("give weekdays or dates, not both")
        if self.from_ == self.to:
            raise ValueError("from and to must differ")
        if self.min == 0 and self.max is None:
            raise ValueError("give min (1 or more), max, or both")
        if self.max is not None and self.max < self.min:
            raise ValueError(f"max ({self.max}) is below min ({self.min})")
        return self

    def clock(self) -> str:
        return f"{format_clock(self.from_)}-{format_clock(self.to)}"

    @property
    def length(self) -> int:
        length = self.to - self.from_
        return length if length > 0 else length + 1440


class Holiday(Frozen):
    """A public or bank holiday inside the horizon."""

    date: dt.date
    name: str = Field(min_length=1, max_length=80, description="e.g. Christmas Day")


class Carry(Frozen):
    """A person's totals over earlier rosters, carried into this one (what
    ``roster solve --history`` fills in), so fairness holds over months."""

    days: int = Field(0, ge=0, le=100 * 366, description="days not on leave")
    nights: int = Field(0, ge=0, le=100 * 366, description="night shifts worked")
    weekends: int = Field(0, ge=0, le=100 * 53, description="weekends worked")
    hours: float = Field(0, ge=0, le=100 * MAX_HOURS, description="paid hours worked")
    shifts: int = Field(0, ge=0, le=100 * 366, description="shifts worked")
    holidays: int = Field(0, ge=0, le=100 * 366, description="shifts worked on holidays")
    requests: int = Field(0, ge=0, le=100 * 366, description="request-days made")
    requests_granted: int = Field(0, ge=0, le=100 * 366, description="request-days granted")


NO_CARRY = Carry()


class Scenario(Frozen):
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
    def _cross_check(self) -> Scenario:
        from roster.validation import cross_check

        cross_check(self)
        return self


@dataclass(frozen=True)
class RuleInstance:
    """A rule as it applies: the rule, its people, and where it was written."""

    rule: Rule | Section
    staff: tuple[str, ...]
    origin: str


def rule_types() -> list[type[Rule]]:
    return list(registry.values())


@dataclass(frozen=True)
class Need:
    day: int
    shift: str  # its label: 'N', or 'N+LN' for several counted together
    role: str | None
    skill: str | None
    demand: Demand
    source: int  # index in scenario.demand
    shifts: tuple[str, ...] = ()  # the shifts counted

    def __post_init__(self) -> None:
        if not self.shifts:
            object.__setattr__(self, "shifts", (self.shift,))

    def what(self) -> str:
        if self.role and self.skill:
            return f"{self.role} with {self.skill}"
        return self.role or f"{self.skill}-skilled staff"


def demand_table(scenario: Scenario) -> list[Need]:
    """Resolve weekday patterns and date exceptions into one need per key.

    Raises ValueError when two entries of the same kind set the same key.
    """
    chosen: dict[tuple[int, str, str | None, str | None], tuple[int, int]] = {}
    for i, dm in enumerate(scenario.demand):
        for d, prio in scenario.cover_days(dm.weekdays, dm.dates).items():
            key = (d, "+".join(dm.shifts), dm.role, dm.skill)
            old = chosen.get(key)
            if old is not None and old[0] == prio:
                raise ValueError(
                    f"demand[{old[1]}] and demand[{i}] both set {key[1]} "
                    f"{dm.role or ''}{'/' + dm.skill if dm.skill else ''} on "
                    f"{scenario.dates[d]}; use dates: (or 'hol' on a holiday) to override "
                    "a weekday pattern"
                )
            if old is None or prio > old[0]:
                chosen[key] = (prio, i)
    return [
        Need(d, shift, role, skill, scenario.demand[i], i, scenario.demand[i].shifts)
        for (d, shift, role, skill), (_, i) in sorted(
            chosen.items(), key=lambda kv: (kv[0][0], kv[0][1], str(kv[0][2]), str(kv[0][3]))
        )
    ]

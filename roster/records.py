"""The scenario's records: shifts, duties, leave, requests, cover, the
frozen pydantic base they share, and the input limits.

They sit below the rule families (which read them) and the ``Scenario``
aggregate (which also holds the rules, so it sits above them); every record
refuses unknown fields and booleans where a number is wanted.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Annotated, Any, Literal, get_args

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PlainSerializer,
    Tag,
    model_validator,
)

if TYPE_CHECKING:
    from roster.scenario import Scenario

# Input limits, chosen so that no product of them (weight x amount x people
# x days) can overflow CP-SAT's 64-bit objective, and generous for any unit.
#: a penalty weight per unit of violation
MAX_WEIGHT = 1_000_000
#: a count of people, shifts, days or weekends
MAX_COUNT = 10_000
#: hours in a rule or a contract (a year of hours)
MAX_HOURS = 366 * 24


def _numeric(annotation: Any) -> bool:
    """Whether a field's type is a number (int or float), not a bool."""
    args = get_args(annotation)
    if args:
        return any(_numeric(a) for a in args)
    return annotation in (int, float)


def no_bools(cls: type[BaseModel], data: Any) -> Any:
    """Refuse ``true``/``false`` where a number is wanted: pydantic would
    read ``days: true`` as 1."""
    if isinstance(data, dict):
        for name, field in cls.model_fields.items():
            value = data.get(field.alias or name, data.get(name))
            if isinstance(value, bool) and _numeric(field.annotation):
                raise ValueError(
                    f"{field.alias or name}: {str(value).lower()} is not a number; write a number"
                )
    return data


class Strict(BaseModel):
    """Frozen, no unknown fields, no booleans for numbers: the base of every
    scenario record and rule."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _no_bools(cls, data: Any) -> Any:
        return no_bools(cls, data)


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def lower_case(value: Any) -> Any:
    """Weekday names in any case (``Mon``, ``MON``, ``mon``), read as the
    lower-case names the scenario uses."""
    if isinstance(value, str) and (low := value.strip().lower()) in (*WEEKDAYS, "hol"):
        return low
    return value


#: a weekday name, in any case on input
Weekday = Annotated[
    Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"], BeforeValidator(lower_case)
]
#: a weekday, or ``hol``: the scenario's holidays, whatever their weekday
CoverDay = Annotated[
    Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun", "hol"], BeforeValidator(lower_case)
]
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
    """Minutes after midnight as 'HH:MM' (1440 is '24:00'): how clock fields
    are written back and shown, the inverse of reading them."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


Clock = Annotated[
    int,
    BeforeValidator(_parse_clock),
    PlainSerializer(format_clock, return_type=str),
]


class Frozen(Strict):
    """A scenario record: frozen, no unknown fields, no booleans for numbers."""


class Horizon(Frozen):
    """The days being rostered: ``start`` is day index 0, and every day index
    in the model is an offset from it (negative ones are history)."""

    start: dt.date = Field(ge=FIRST_DATE, le=LAST_DATE, description="first day of the roster")
    days: int = Field(ge=1, le=366, description="number of days (1 to 366)")

    @cached_property
    def dates(self) -> tuple[dt.date, ...]:
        return tuple(self.start + dt.timedelta(days=i) for i in range(self.days))


class Shift(Frozen):
    """A shift on the local clock. It belongs to the day it starts; an end at
    or before the start is on the next day. Its real length on a date (clock
    changes) comes from ``Scenario.span`` and ``Scenario.paid``."""

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
    """What a person works a shift as (RN, pharmacist ...): cover counts
    people by the role they work, not by every role they hold."""

    id: Id
    name: str | None = None
    shifts: list[Id] | None = Field(
        None, description="shifts this role may be worked on; default all"
    )


class Skill(Frozen):
    """A qualification (charge, IV ...) that cover may ask for, with or
    without a role."""

    id: Id
    name: str | None = None


class DateRange(Frozen):
    """``{from, to}`` in a scenario file: both dates included; ``to`` before
    ``from`` is an error."""

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


#: the dates of 'FIRST..LAST' as written: ISO dates, ASCII digits
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
RANGE_EXAMPLE = "2027-03-03..2027-03-05"


def range_text(value: Any) -> Any:
    """'FIRST..LAST' (both days included, the command line's own range
    syntax) as ``{from: FIRST, to: LAST}``; anything else as it is.

    A range whose ends are not dates, or whose last day is before its
    first, is a ValueError saying so in the scenario's words.
    """
    if not isinstance(value, str) or ".." not in value:
        return value
    first, _, last = (part.strip() for part in value.partition(".."))
    days = []
    for part in (first, last):
        try:
            if not _ISO_DATE.fullmatch(part):
                raise ValueError(part)
            days.append(dt.date.fromisoformat(part))
        except ValueError:
            raise ValueError(
                f"'{value}': '{part}' is not a date; write a range as FIRST..LAST in "
                f"YYYY-MM-DD, both days included, e.g. {RANGE_EXAMPLE}"
            ) from None
    if days[1] < days[0]:
        raise ValueError(
            f"'{value}': the last day ({last}) is before the first ({first}); write "
            f"FIRST..LAST, e.g. {RANGE_EXAMPLE}"
        )
    return {"from": first, "to": last}


#: a single date, {from: DATE, to: DATE} inclusive, or 'DATE..DATE' (the same)
DateSpec = Annotated[
    Annotated[dt.date, Tag("date")] | Annotated[DateRange, Tag("range")],
    Discriminator(_date_or_range),
    BeforeValidator(range_text),
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

    @model_validator(mode="before")
    @classmethod
    def _date_range(cls, data: Any) -> Any:
        """``{date: FIRST..LAST, type: sick}`` is ``{from: FIRST, to: LAST,
        type: sick}``."""
        if isinstance(data, dict) and "from" not in data and "to" not in data:
            span = range_text(data.get("date"))
            if isinstance(span, dict):
                data = {**{k: v for k, v in data.items() if k != "date"}, **span}
        return data

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


#: a single date (annual leave), 'FIRST..LAST' (annual), or {from, to, type} / {date, type}
LeaveSpec = Annotated[
    Annotated[dt.date, Tag("date")] | Annotated[Leave, Tag("typed")],
    Discriminator(_date_or_leave),
    BeforeValidator(range_text),
]

#: hours a leave day credits: the same every day, or per weekday (others 0)
DayHours = Annotated[float, Field(ge=0, le=24)]
LeaveCredit = Annotated[
    Annotated[DayHours, Tag("credit_hours")]
    | Annotated[dict[Weekday, DayHours], Tag("credit_by_weekday")],
    Discriminator(lambda v: "credit_by_weekday" if isinstance(v, dict) else "credit_hours"),
]


def leave_type(spec: dt.date | Leave) -> str:
    """The type of a leave entry: a bare date is annual leave."""
    return spec.type if isinstance(spec, Leave) else "annual"


def expand(specs: list[DateSpec]) -> list[dt.date]:
    """The dates of a list of dates and ranges, in the order given (ranges
    inclusive; a date listed twice stays twice)."""
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


@dataclass(frozen=True)
class Need:
    """One cover requirement after weekday patterns, holidays and date
    overrides are resolved (``demand_table``): for a day, a shift (or shifts
    counted together) and a role and/or skill, the ``demand`` entry that
    applies, whose index is ``source``."""

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

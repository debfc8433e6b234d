"""Cover over clock time: at least ``min`` people of a role/skill at every
minute of a window (e.g. 3 RNs 19:00-07:00), met by any mix of overlapping
shifts, 8-hour and 12-hour alike. Windows and shifts are intervals of real
time: the window of a night the clocks go back is an hour longer.

The window is cut into segments at every start and end of the shifts the
role (or skill) can work; everyone whose shift spans a segment counts for it.
Unpaid breaks are not subtracted. A window is checked up to the end of the
horizon's last day; nights worked in the history count at the start.

An entry with ``dates`` replaces, on those dates, the weekday entries with
the same role, skill and window; on a holiday, entries naming ``hol`` do (so
"on bank holidays, cover as on Sunday" is ``weekdays: [sun, hol]`` on each
Sunday entry).
Soft: ``weight`` per person-hour missing, per segment rounded up to whole
hours (one person short for 30 minutes costs one hour). ``max`` (with
``max_weight``, absent = hard) caps the people present the same way.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from roster.constraints.base import Section, fmt_dates
from roster.constraints.context import CheckContext, ModelContext
from roster.constraints.cover import SOFT_COVER_WEIGHT, counts, eligible

if TYPE_CHECKING:
    from roster.records import TimeCover
    from roster.result import Violation
    from roster.scenario import Scenario

RULE = "time_cover"


@dataclass(frozen=True)
class Segment:
    """A piece of one entry's window on one day that the same shifts span
    from end to end: the unit that time cover is encoded, checked and
    charged by (person-hours short over ``b - a`` minutes). ``source`` is the
    entry's index in ``scenario.time_cover``."""

    source: int
    entry: TimeCover
    day: int  # the day the window starts
    a: int  # real minutes from the horizon's first local midnight
    b: int
    spans: tuple[tuple[int, str], ...]  # (day, shift) of shifts covering [a, b)
    local: str  # 'HH:MM-HH:MM' on the local clock

    def clock(self) -> str:
        return self.local


def applying(scenario: Scenario) -> list[list[int]]:
    """Per entry, the days its window applies on: on a day, the entry of the
    highest precedence for a role, skill and window (dates, then holidays,
    then weekdays) replaces the others.

    Raises ValueError when two entries of the same precedence set the same
    window on a day."""
    days = [scenario.cover_days(tc.weekdays, tc.dates) for tc in scenario.time_cover]
    top: dict[tuple[int, str | None, str | None, int, int], tuple[int, int]] = {}
    for i, (tc, mine) in enumerate(zip(scenario.time_cover, days)):
        for d, prio in mine.items():
            key = (d, tc.role, tc.skill, tc.from_, tc.to)
            old = top.get(key)
            if old is not None and old[0] == prio:
                what = " with ".join(x for x in (tc.role, tc.skill) if x)
                raise ValueError(
                    f"time_cover[{old[1]}] and time_cover[{i}] both set {what} "
                    f"{tc.clock()} on {scenario.dates[d]}; use dates: (or 'hol' on a "
                    "holiday) to override a weekday pattern"
                )
            if old is None or prio > old[0]:
                top[key] = (prio, i)
    return [
        sorted(d for d in mine if top[(d, tc.role, tc.skill, tc.from_, tc.to)][1] == i)
        for i, (tc, mine) in enumerate(zip(scenario.time_cover, days))
    ]


def segments(scenario: Scenario) -> list[Segment]:
    """Every entry's window on each day it applies, cut at the starts and ends
    of the shifts that can count for it and at the horizon's end. Encoding,
    checking and the coverage table all walk these, so they agree."""
    tl = scenario.timeline
    horizon_end = tl.instant(scenario.horizon.days, 0)
    relevant = [workable(scenario, tc) for tc in scenario.time_cover]
    out = []
    for i, (tc, days) in enumerate(zip(scenario.time_cover, applying(scenario))):
        for d in days:
            lo = tl.instant(d, tc.from_)
            hi = min(tl.instant(d, tc.from_ + tc.length), horizon_end)
            shifts = [
                (e, sh.id, *scenario.span(e, sh.id))
                for e in (d - 1, d, d + 1)
                for sh in scenario.shifts
                if sh.id in relevant[i]
            ]
            cuts = sorted({lo, hi} | {x for *_, a, b in shifts for x in (a, b) if lo < x < hi})
            for a, b in itertools.pairwise(cuts):
                spans = tuple((e, sid) for e, sid, sa, sb in shifts if sa <= a and b <= sb)
                out.append(Segment(i, tc, d, a, b, spans, f"{tl.clock(a)}-{tl.clock(b)}"))
    return out


def workable(scenario: Scenario, tc: TimeCover) -> set[str]:
    """Shifts some eligible person may work as the counted role."""
    out: set[str] = set()
    for p in eligible(scenario, tc.role, tc.skill):
        for role in scenario.roles:
            if role.id in p.roles and (tc.role is None or role.id == tc.role):
                out |= (
                    set(role.shifts) if role.shifts is not None else {s.id for s in scenario.shifts}
                )
    return out


def hours_short(seg: Segment, people: int) -> int:
    """People short x segment length, in whole hours rounded up."""
    return -(-people * (seg.b - seg.a) // 60)


def weight_of(tc: TimeCover, soft_cover: bool) -> int | None:
    """Weight per person-hour short of ``min``; None = hard, unless
    ``--soft-cover`` turns it into ``SOFT_COVER_WEIGHT``."""
    return SOFT_COVER_WEIGHT if tc.weight is None and soft_cover else tc.weight


def present(ctx: CheckContext, seg: Segment) -> int:
    """People a finished roster has on the segment: on a shift spanning it,
    as a role that counts (history days record no role: the shift alone counts)."""
    tc, n = seg.entry, 0
    for p in eligible(ctx.scenario, tc.role, tc.skill):
        for e, sid in seg.spans:
            for shift, role in ctx.assignments(p.id, e):
                if shift != sid:
                    continue
                if role is None or counts(
                    p, role, tc.role, tc.skill
                ):  # history: the role is not recorded
                    n += 1
    return n


def coverage(ctx: CheckContext) -> pd.DataFrame:
    """Per date and clock window: the levels, who is there, what is missing."""
    scenario = ctx.scenario
    rows = []
    for seg in segments(scenario):
        n = present(ctx, seg)
        rows.append(
            {
                "date": scenario.dates[seg.day].isoformat(),
                "shift": "",
                "window": seg.clock(),
                "role": seg.entry.role or "",
                "skill": seg.entry.skill or "",
                "min": seg.entry.min,
                "preferred": "",
                "max": "" if seg.entry.max is None else seg.entry.max,
                "assigned": n,
                "shortfall": max(0, seg.entry.min - n),
                "below_preferred": 0,
                "surplus": 0 if seg.entry.max is None else max(0, n - seg.entry.max),
            }
        )
    return pd.DataFrame(rows)


class TimeCoverSection(Section):
    """Cover over clock time, from the scenario's ``time_cover``."""

    name = RULE
    links_people = True  # counts people together: decomposition's master holds it

    def encode(self, ctx: ModelContext, staff: Sequence[int]) -> None:
        sc, idx = ctx.scenario, ctx.index
        for seg in segments(sc):
            tc = seg.entry
            terms: list = []
            for p in eligible(sc, tc.role, tc.skill):
                s = idx.s_of[p.id]
                for e, sid in seg.spans:
                    t = idx.t_of[sid]
                    if e >= 0:
                        lit = (
                            ctx.as_role(s, e, t, idx.r_of[tc.role])
                            if tc.role is not None
                            else ctx.x(s, e, t)
                        )
                    else:
                        lit = bool(ctx.x(s, e, t))
                    if lit is not None and lit is not False:
                        terms.append(1 if lit is True else lit)
            what = " with ".join(x for x in (tc.role, tc.skill) if x)
            text = (
                f"{fmt_dates([sc.dates[seg.day]])} {seg.clock()}: at least {tc.min} {what} at "
                f"every minute (time_cover[{seg.source}]); {len(eligible(sc, tc.role, tc.skill))} "
                f"people can work shifts that span it"
            )
            ctx.limit(
                sum(terms),
                tc.min,
                None,
                len(terms) + 1,
                weight=weight_of(tc, ctx.soft_cover),
                staff=None,
                days=[seg.day],
                scale=seg.b - seg.a,
                unit=60,
                key=("time_cover", seg.source, seg.a),
                text=text,
            )
            if tc.max is not None:
                ctx.limit(
                    sum(terms),
                    None,
                    tc.max,
                    len(terms) + 1,
                    weight=tc.max_weight,
                    staff=None,
                    days=[seg.day],
                    scale=seg.b - seg.a,
                    unit=60,
                    key=("time_cover max", seg.source, seg.a),
                    text=f"{fmt_dates([sc.dates[seg.day]])} {seg.clock()}: at most {tc.max} {what} "
                    f"at every minute (time_cover[{seg.source}])",
                )

    def check(self, ctx: CheckContext, staff: Sequence[str]) -> Iterator[Violation]:
        for seg in segments(ctx.scenario):
            n = present(ctx, seg)
            tc = seg.entry
            what = " with ".join(x for x in (tc.role, tc.skill) if x)
            when = f"{fmt_dates([ctx.date(seg.day)])} {seg.clock()}"
            if n < tc.min:
                yield ctx.violation(
                    RULE,
                    None,
                    [seg.day],
                    hours_short(seg, tc.min - n),
                    weight_of(tc, ctx.soft_cover),
                    f"{when}: {n} {what} present, needs {tc.min} (person-hours short, rounded up)",
                )
            if tc.max is not None and n > tc.max:
                yield ctx.violation(
                    RULE,
                    None,
                    [seg.day],
                    hours_short(seg, n - tc.max),
                    tc.max_weight,
                    f"{when}: {n} {what} present, at most {tc.max} (person-hours over, rounded up)",
                )

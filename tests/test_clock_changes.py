"""Real time across the 2026 clock changes in Europe/London and
America/New_York: every length, rest gap and weekly total is checked against
an independent computation from first principles (aware datetimes from
``zoneinfo``, subtracted in UTC), in the checker, the solver and roster.csv."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from helpers import roster, solve_and_check
from roster import SolveParams, check, load_scenario, solve
from roster.constraints import time_cover
from roster.tables import staff_totals
from roster.timeline import Timeline

UTC = dt.UTC
SHIFTS = [
    {"id": "E", "start": "07:00", "end": "15:00", "break_minutes": 30},
    {"id": "L", "start": "12:00", "end": "20:00", "break_minutes": 30},
    {"id": "N", "start": "21:00", "end": "07:30", "break_minutes": 60},
    {"id": "X", "start": "00:30", "end": "04:30"},  # spans 01:00-02:00 and 02:00-03:00
]
#: (zone, Monday of the week of the change, date of the change, real minutes gained)
CHANGES = [
    ("Europe/London", dt.date(2026, 3, 23), dt.date(2026, 3, 29), -60),
    ("Europe/London", dt.date(2026, 10, 19), dt.date(2026, 10, 25), +60),
    ("America/New_York", dt.date(2026, 3, 2), dt.date(2026, 3, 8), -60),
    ("America/New_York", dt.date(2026, 10, 26), dt.date(2026, 11, 1), +60),
]


def ward(
    zone: str,
    monday: dt.date,
    *,
    rules: list[dict[str, Any]] | None = None,
    staff: int | list[dict[str, Any]] = 3,
    **extra: Any,
):  # type: ignore[no-untyped-def]
    people = (
        staff
        if isinstance(staff, list)
        else [{"id": f"S{i}", "roles": ["RN"]} for i in range(1, staff + 1)]
    )
    return load_scenario(
        {
            "timezone": zone,
            "horizon": {"start": monday.isoformat(), "days": 14},
            "shifts": SHIFTS,
            "roles": [{"id": "RN"}],
            "staff": people,
            "rules": rules or [],
            **extra,
        }
    )


# -- first principles -----------------------------------------------------------
def instants(zone: str, date: dt.date, shift: dict[str, str]) -> tuple[dt.datetime, dt.datetime]:
    """The shift's start and end as UTC instants: the clock times on the
    ward's wall, on the date and (ending at or before the start) the next."""
    tz = ZoneInfo(zone)
    sh, sm = (int(x) for x in shift["start"].split(":"))
    eh, em = (int(x) for x in shift["end"].split(":"))
    end_date = date + dt.timedelta(days=1) if (eh, em) <= (sh, sm) else date
    start = dt.datetime(date.year, date.month, date.day, sh, sm, tzinfo=tz)
    end = dt.datetime(end_date.year, end_date.month, end_date.day, eh, em, tzinfo=tz)
    return start.astimezone(UTC), end.astimezone(UTC)


def paid_hours(zone: str, date: dt.date, shift_id: str) -> float:
    shift = next(s for s in SHIFTS if s["id"] == shift_id)
    start, end = instants(zone, date, shift)
    return ((end - start).total_seconds() / 60 - int(shift.get("break_minutes", 0))) / 60


@pytest.mark.parametrize(("zone", "monday", "change", "gain"), CHANGES)
def test_lengths_and_offsets_of_every_shift_on_every_day(zone, monday, change, gain) -> None:
    sc = ward(zone, monday)
    tl = Timeline(ZoneInfo(zone), monday)
    assert tl.clock_changes(14) == {(change - monday).days: gain}
    for d, date in enumerate(sc.dates):
        for shift in SHIFTS:
            start, end = instants(zone, date, shift)
            a, b = sc.span(d, shift["id"])
            assert b - a == (end - start).total_seconds() // 60
            assert sc.paid(d, shift["id"]) / 60 == paid_hours(zone, date, shift["id"])
            if shift["id"] != "X":  # X starts in the skipped hour in New York
                assert tl.local(a) == start and tl.local(b) == end
    # the night into the change: 10.5 h of wall clock, 9.5 or 11.5 real
    night = sc.paid((change - monday).days - 1, "N") / 60
    assert night == 9.5 + gain / 60


@pytest.mark.parametrize(("zone", "monday", "change", "gain"), CHANGES)
def test_roster_csv_has_offsets_and_real_hours(zone, monday, change, gain) -> None:
    sc = ward(zone, monday)
    d = (change - monday).days
    r = roster(sc, [("S1", d - 1, "N"), ("S2", d, "E"), ("S3", d - 1, "L")])
    table = r.table(sc).set_index("staff")
    for sid, day, shift_id in (("S1", d - 1, "N"), ("S2", d, "E"), ("S3", d - 1, "L")):
        shift = next(s for s in SHIFTS if s["id"] == shift_id)
        start, end = instants(zone, sc.dates[day], shift)
        row = table.loc[sid]
        assert dt.datetime.fromisoformat(row["start"]) == start
        assert dt.datetime.fromisoformat(row["end"]) == end
        assert row["start"][-6:] in ("+00:00", "+01:00", "-05:00", "-04:00")
        assert row["hours"] == round(paid_hours(zone, sc.dates[day], shift_id), 2)
    assert staff_totals(sc, r)["S1"]["hours"] == 9.5 + gain / 60


# -- rest gaps ------------------------------------------------------------------
def rest_gaps(zone: str, sc, rows: dict[str, str]) -> dict[str, list[float]]:  # type: ignore[no-untyped-def]
    """Hours between the end of each worked shift and the start of the next,
    per person, from first principles."""
    out = {}
    for sid, line in rows.items():
        worked = [
            instants(zone, sc.dates[d], next(s for s in SHIFTS if s["id"] == c))
            for d, c in enumerate(line)
            if c != "."
        ]
        out[sid] = [(b[0] - a[1]).total_seconds() / 3600 for a, b in itertools.pairwise(worked)]
    return out


@pytest.mark.parametrize(("zone", "monday", "change", "gain"), CHANGES)
def test_rest_of_eleven_hours_in_real_time(zone, monday, change, gain) -> None:
    sc = ward(zone, monday, rules=[{"kind": "min_rest", "hours": 11}])
    d = (change - monday).days
    # a late ending 20:00 on the eve of the change, then an early at 07:00:
    # 11 h of wall clock, 10 h (forward) or 12 h (back) of rest
    line = "." * (d - 1) + "LE" + "." * (14 - d - 1)
    rows = {"S1": line}
    gap = rest_gaps(zone, sc, rows)["S1"][0]
    assert gap == 11 + gain / 60
    broken = [v for v in check(sc, roster(sc, rows)).violations if v.rule == "min_rest"]
    assert bool(broken) == (gap < 11)
    # the same two shifts pinned: the solver agrees with the check
    pins = [
        {"date": sc.dates[d - 1].isoformat(), "shift": "L"},
        {"date": sc.dates[d].isoformat(), "shift": "E"},
    ]
    pinned = ward(
        zone,
        monday,
        rules=[{"kind": "min_rest", "hours": 11}],
        staff=[{"id": "S1", "roles": ["RN"], "fixed": pins}],
    )
    if broken:
        assert broken[0].amount == 1  # one hour short
        result = solve(pinned, SolveParams(time_limit=10, workers=1, explain=False))
        assert result.roster is None and result.status.value == "INFEASIBLE"
    else:  # 12 h: allowed, and the solver accepts it
        assert solve_and_check(pinned).roster is not None


# -- weekly totals ---------------------------------------------------------------
@pytest.mark.parametrize(("zone", "monday", "change", "gain"), CHANGES)
def test_a_48_hour_week_in_real_time(zone, monday, change, gain) -> None:
    """An early and four nights, the last into the change: 45.5 h on the wall
    clock, 44.5 or 46.5 real; the limit sits in between."""
    line = "E.NNNN." + "." * 7  # the change is on the Sunday
    rows = {"S1": line}
    real = sum(
        paid_hours(zone, sc_date, c)
        for sc_date, c in zip([monday + dt.timedelta(days=i) for i in range(7)], line[:7])
        if c != "."
    )
    wall = 7.5 + 4 * 9.5
    assert real == wall + gain / 60
    limit = wall + 0.5 if gain > 0 else wall - 0.5  # broken only in real time, or only on the wall
    rule = {"kind": "hours", "per": "week", "max_hours": limit}
    sc = ward(zone, monday, rules=[rule])
    broken = [v for v in check(sc, roster(sc, rows)).violations if v.rule == "hours"]
    assert bool(broken) == (real > limit)
    pins = [
        {"date": (monday + dt.timedelta(days=i)).isoformat(), "shift": c}
        for i, c in enumerate(line)
        if c != "."
    ]
    pinned = ward(zone, monday, rules=[rule], staff=[{"id": "S1", "roles": ["RN"], "fixed": pins}])
    result = solve(pinned, SolveParams(time_limit=10, workers=1, explain=False))
    assert (result.roster is None) == (real > limit)


@pytest.mark.parametrize(("zone", "monday", "change", "gain"), CHANGES)
def test_solved_roster_agrees_with_first_principles(zone, monday, change, gain) -> None:
    """A two-week ward with rest, weekly hours and night cover: every weekly
    total and rest gap of the solved roster, computed independently, keeps
    the rules the solver was given."""
    rules = [
        {"kind": "min_rest", "hours": 11},
        {"kind": "hours", "per": "week", "max_hours": 40},
        {"kind": "hours", "per": "week", "min_hours": 30, "weight": 1},
    ]
    demand = [
        {"shift": "N", "role": "RN", "min": 1},
        {"shift": "E", "role": "RN", "min": 1},
        {"shift": "L", "role": "RN", "min": 1},
        {"shift": "X", "role": "RN", "max": 0},
    ]
    sc = ward(zone, monday, rules=rules, staff=5, demand=demand)
    result = solve_and_check(sc, time_limit=20)
    assert result.roster is not None
    df = result.roster.df
    rows = {}
    for p in sc.staff:
        mine = {
            (d - monday).days: s
            for d, s in zip(df[df["staff"] == p.id]["date"], df[df["staff"] == p.id]["shift"])
        }
        rows[p.id] = "".join(mine.get(d, ".") for d in range(14))
    for sid, gaps in rest_gaps(zone, sc, rows).items():
        assert all(g >= 11 for g in gaps), (sid, gaps)
    for sid, line in rows.items():
        for week in (0, 7):
            total = sum(
                paid_hours(zone, monday + dt.timedelta(days=week + i), c)
                for i, c in enumerate(line[week : week + 7])
                if c != "."
            )
            assert total <= 40, (sid, week, total)
    table = result.roster.table(sc)
    for rec in table.to_dict("records"):
        start = dt.datetime.fromisoformat(rec["start"])
        end = dt.datetime.fromisoformat(rec["end"])
        shift = next(s for s in SHIFTS if s["id"] == rec["shift"])
        assert (start, end) == instants(zone, dt.date.fromisoformat(rec["date"]), shift)


def test_clock_cover_windows_are_real_time() -> None:
    """One RN 19:00-07:00 on the night the clocks go back: the window is 13
    real hours, and its segments (cut where shifts start and end, each
    rounded up to whole hours) are charged on real minutes."""
    monday = dt.date(2026, 10, 19)
    sc = ward(
        "Europe/London",
        monday,
        time_cover=[
            {
                "role": "RN",
                "from": "19:00",
                "to": "07:00",
                "min": 1,
                "weight": 1,
                "dates": ["2026-10-24"],
            }
        ],
    )
    report = check(sc, roster(sc, {}))
    short = [v for v in report.violations if v.rule == "time_cover"]
    segs = time_cover.segments(sc)
    assert sum(seg.b - seg.a for seg in segs) == 13 * 60
    assert next(seg.clock() for seg in segs).startswith("19:00")
    assert [seg.clock() for seg in segs][-1].endswith("07:00")
    # X (00:30-04:30) spans the repeated hour: 5 real hours
    assert [seg.b - seg.a for seg in segs if seg.clock() == "00:30-04:30"] == [300]
    assert sum(v.amount for v in short) == sum(-(-(seg.b - seg.a) // 60) for seg in segs)
    assert pd.Series([v.message for v in short]).str.contains("19:00").any()

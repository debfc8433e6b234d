"""scenarios/pharmacy-4-weeks.yaml solved, then its roster re-checked against
the rules as the pharmacy lead states them, from first principles: the
published table's real start and end instants, dates and weekdays alone
(not the library's checker)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from pathlib import Path

import pytest

from helpers import solved_table

SCENARIO = Path(__file__).parent.parent / "scenarios" / "pharmacy-4-weeks.yaml"
HOUR = dt.timedelta(hours=1)
FIRST = dt.date(2027, 3, 1)
DAYS = [FIRST + dt.timedelta(days=d) for d in range(28)]
PHARMACISTS = {f"P0{i}" for i in range(1, 9)}
TECHNICIANS = {f"T0{i}" for i in range(1, 6)}


@pytest.fixture(scope="module")
def table():  # type: ignore[no-untyped-def]
    return solved_table(SCENARIO)


def rows(table, code=None):  # type: ignore[no-untyped-def]
    recs = table.to_dict("records")
    return [r for r in recs if code is None or r["shift"] == code]


def test_exactly_one_pharmacist_on_call_every_night(table) -> None:
    on_call = defaultdict(list)
    for r in rows(table, "OC"):
        on_call[r["date"]].append(r["staff"])
        # 17:00 to 08:30 the next morning, on the clock of the day
        assert (r["start"].hour, r["start"].minute) == (17, 0)
        assert (r["end"].hour, r["end"].minute, r["end"].date()) == (
            8,
            30,
            r["date"] + dt.timedelta(days=1),
        )
    assert sorted(on_call) == DAYS
    assert all(len(who) == 1 and who[0] in PHARMACISTS for who in on_call.values()), on_call


def test_on_call_is_paid_a_quarter_of_its_real_hours(table) -> None:
    for r in rows(table, "OC"):
        real = (r["end"] - r["start"]) / HOUR
        assert real == (14.5 if r["date"] == dt.date(2027, 3, 27) else 15.5)  # clocks forward
        assert abs(r["hours"] - real / 4) < 0.01


def test_on_call_beside_the_day_shift_and_never_overlapping_it(table) -> None:
    by_person = defaultdict(list)
    for r in rows(table):
        by_person[r["staff"]].append(r)
    same_evening = 0
    for sid, mine in by_person.items():
        mine.sort(key=lambda r: r["start"])
        for a, b in itertools.pairwise(mine):
            assert a["end"] <= b["start"], (sid, a["shift"], a["date"], b["shift"], b["date"])
            same_evening += a["shift"] == "D" and b["shift"] == "OC" and a["date"] == b["date"]
    assert same_evening > 0  # the point of a duty beside a shift


def test_at_most_one_on_call_in_any_three_days(table) -> None:
    days = defaultdict(list)
    for r in rows(table, "OC"):
        days[r["staff"]].append(r["date"])
    for sid, mine in days.items():
        mine.sort()
        assert all((b - a).days >= 3 for a, b in itertools.pairwise(mine)), (sid, mine)


def test_monday_off_after_a_saturday_on_call(table) -> None:
    worked = {(r["staff"], r["date"]) for r in rows(table)}
    saturdays = [r for r in rows(table, "OC") if r["date"].weekday() == 5]
    assert saturdays
    for r in saturdays:
        monday = r["date"] + dt.timedelta(days=2)
        assert (r["staff"], monday) not in worked, (r["staff"], monday)


def test_part_timers_keep_their_fixed_weekdays(table) -> None:
    allowed = {"P07": {0, 1, 2}, "P08": {2, 3, 4}, "T05": {0, 1, 4}}
    for r in rows(table):
        if r["staff"] in allowed:
            assert r["date"].weekday() in allowed[r["staff"]], (r["staff"], r["date"])
    assert not [r for r in rows(table, "OC") if r["staff"] == "P08"]


def test_cover(table) -> None:
    count = defaultdict(int)
    for r in rows(table):
        group = "PH" if r["staff"] in PHARMACISTS else "TE"
        count[r["date"], r["shift"], group] += 1
        weekend = r["date"].weekday() >= 5
        assert r["shift"] != "D" or not weekend
        assert r["shift"] != "W" or weekend
    for x in DAYS:
        if x.weekday() < 5:
            assert count[x, "D", "PH"] >= 4 and count[x, "D", "TE"] >= 3, x
        else:
            assert count[x, "W", "PH"] == 1 and count[x, "W", "TE"] == 1, x


def test_working_time(table) -> None:
    weekly = defaultdict(float)
    shifts = defaultdict(int)
    days = defaultdict(set)
    for r in rows(table):
        week = r["date"].isocalendar()[1]
        weekly[r["staff"], week] += r["hours"]  # paid hours, on-call's quarter included
        if r["shift"] != "OC":
            shifts[r["staff"], week] += 1
            days[r["staff"]].add(r["date"])
    full = (PHARMACISTS | TECHNICIANS) - {"P07", "P08", "T05"}
    for (sid, _), hours in weekly.items():
        assert sid not in full or hours <= 48 + 1e-9, (sid, hours)
    for (sid, _), n in shifts.items():
        assert n <= (5 if sid in full else 3), (sid, n)
    for sid, mine in days.items():  # a day off in any 7 (on call from home is not work)
        for x in DAYS[:-6]:
            assert sum(x + dt.timedelta(days=k) in mine for k in range(7)) <= 6, (sid, x)
    for sid in days:  # 11 hours between shifts
        mine = sorted(
            (r for r in rows(table) if r["staff"] == sid and r["shift"] != "OC"),
            key=lambda r: r["start"],
        )
        assert all(b["start"] - a["end"] >= 11 * HOUR for a, b in itertools.pairwise(mine))

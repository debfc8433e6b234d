"""Holidays: one ``hol`` entry sets a bank holiday's cover, ``dates`` override
weekday (and ``hol``) entries in ``demand`` and ``time_cover`` alike,
fairness can share holidays, and the report and the XLSX name them."""

from __future__ import annotations

import datetime as dt

import pytest

from helpers import BASE, roster, scenario
from roster import ScenarioError, check
from roster.checker import RosterView
from roster.constraints import time_cover
from roster.constraints.fairness import Fairness
from roster.export import write_xlsx
from roster.report import render

#: Mon 21 Dec 2026 - Sun 3 Jan 2027: Christmas Day is a Friday, Boxing Day a
#: Saturday (the bank holiday moves to Monday 28th), New Year's Day a Friday
HORIZON = {"start": "2026-12-21", "days": 14}
HOLIDAYS = [
    {"date": "2026-12-25", "name": "Christmas Day"},
    {"date": "2026-12-28", "name": "Boxing Day (substitute)"},
    {"date": "2027-01-01", "name": "New Year's Day"},
]
HOL = {4, 7, 11}
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat"]


def ward(**sections):  # type: ignore[no-untyped-def]
    return scenario(horizon=HORIZON, holidays=HOLIDAYS, **sections)


def test_one_hol_entry_covers_every_bank_holiday():
    sc = ward(
        demand=[
            {"shift": "E", "role": "RN", "min": 2, "weekdays": WEEKDAYS},
            {"shift": "E", "role": "RN", "min": 1, "weekdays": ["sun", "hol"]},
        ]
    )
    mins = {need.day: need.demand.min for need in sc.needs}
    assert {d for d, m in mins.items() if m == 1} == HOL | {6, 13}  # and the Sundays
    assert all(mins[d] == 2 for d in range(14) if d not in HOL | {6, 13})


def test_dates_override_hol_and_weekdays_in_demand():
    sc = ward(
        demand=[
            {"shift": "E", "role": "RN", "min": 2},
            {"shift": "E", "role": "RN", "min": 1, "weekdays": ["hol"]},
            {"shift": "E", "role": "RN", "min": 0, "dates": ["2026-12-25"]},
        ]
    )
    mins = {need.day: need.demand.min for need in sc.needs}
    assert mins[4] == 0 and mins[7] == mins[11] == 1 and mins[0] == 2


def test_time_cover_dates_override_weekdays():
    day_window = {"role": "RN", "from": "07:00", "to": "19:00"}
    sc = ward(
        time_cover=[
            {**day_window, "min": 3},
            {"role": "RN", "from": "19:00", "to": "07:00", "min": 2},
            {**day_window, "min": 1, "dates": ["2026-12-24"]},
        ]
    )
    assert time_cover.applying(sc) == [[d for d in range(14) if d != 3], list(range(14)), [3]]
    mins = {(seg.day, seg.entry.from_): seg.entry.min for seg in time_cover.segments(sc)}
    assert mins[(3, 7 * 60)] == 1 and mins[(2, 7 * 60)] == 3
    assert mins[(3, 19 * 60)] == 2  # another window: untouched


def test_time_cover_hol_replaces_weekdays_on_holidays():
    sc = ward(
        time_cover=[
            {"role": "RN", "from": "07:00", "to": "19:00", "min": 3, "weekdays": WEEKDAYS},
            {"role": "RN", "from": "07:00", "to": "19:00", "min": 1, "weekdays": ["sun", "hol"]},
        ]
    )
    days = time_cover.applying(sc)
    assert days[1] == sorted(HOL | {6, 13})
    assert set(days[0]) == set(range(14)) - HOL - {6, 13}
    # an empty roster is short one person all day on holidays, three otherwise
    short: dict[int, int] = {}
    for v in check(sc, roster(sc, {})).violations:
        if v.rule == "time_cover":
            d = (v.dates[0] - dt.date(2026, 12, 21)).days
            short[d] = short.get(d, 0) + v.amount
    expected = {
        d: sum(
            time_cover.hours_short(seg, seg.entry.min)
            for seg in time_cover.segments(sc)
            if seg.day == d
        )
        for d in range(14)
    }
    assert short == expected
    segs = [seg for seg in time_cover.segments(sc) if seg.day in (3, 4)]
    assert {seg.entry.min for seg in segs if seg.day == 4} == {1}
    assert {seg.entry.min for seg in segs if seg.day == 3} == {3}


def test_two_entries_for_one_window_on_a_day_are_an_error():
    with pytest.raises(
        ScenarioError,
        match=r"time_cover\[0\] and time_cover\[1\] both set RN "
        r"07:00-19:00 on 2026-12-27",
    ):
        ward(
            time_cover=[
                {"role": "RN", "from": "07:00", "to": "19:00", "min": 3},
                {"role": "RN", "from": "07:00", "to": "19:00", "min": 1, "weekdays": ["sun"]},
            ]
        )


def test_fairness_shares_holidays():
    sc = ward(rules=[{"kind": "fairness", "measure": "holidays", "weight": 4, "group_by": "all"}])
    rows = {"S1": "....E..E...E..", "S2": ".......E......", "S3": "E............."}
    rule = next(i.rule for i in sc.rule_instances if isinstance(i.rule, Fairness))
    ctx = RosterView(sc, roster(sc, rows))
    assert rule.loads(ctx, ["S1", "S2", "S3"]) == {"S1": 3, "S2": 1, "S3": 0}
    [v] = [v for v in check(sc, roster(sc, rows)).violations if v.rule == "fairness"]
    assert (v.amount, v.weight) == (3, 4)


def test_holiday_outside_the_horizon_is_bad_input():
    with pytest.raises(ScenarioError) as info:
        scenario(horizon=HORIZON, holidays=[{"date": "2027-04-05", "name": "Easter Monday"}])
    [(path, msg)] = info.value.problems
    assert path == "holidays[0].date" and "outside the horizon" in msg


def test_hol_is_a_cover_day_only():
    with pytest.raises(ScenarioError):
        scenario(rules=[{"kind": "shift_count", "max": 1, "scope": {"weekdays": ["hol"]}}])
    assert BASE.get("holidays") is None


def test_report_and_workbook_name_holidays(tmp_path):  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    sc = ward()
    r = roster(sc, {"S1": "....E........."})
    html = render(sc, r, check(sc, r))
    assert "Christmas Day" in html and "New Year&#39;s Day" in html
    path = write_xlsx(tmp_path / "roster.xlsx", sc, r, check(sc, r))
    header = [c.value for c in load_workbook(path)["Roster"][1]]
    assert header[3 + 4].endswith("\nChristmas Day")

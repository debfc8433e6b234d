"""hours and leave: a leave day counts as the hours its type credits in the
contract (``leave_hours``), towards the minimum and the maximum; leave that
credits nothing lowers the minimum pro rata. The people totals, hours due and
overtime count the same credit, so the report and the objective agree.
Figures below are worked by hand."""

from __future__ import annotations

import pytest
from ruletools import found, optimum, person, pinned, roster, scenario

from roster.metrics import overtime_hours
from roster.result import Result, SolveStatus
from roster.tables import hours_due, staff_totals

RULE = "hours"
#: paid: E 8 h; the week is Mon 7 - Sun 13 December 2026
SHIFTS = [
    {"id": "E", "start": "07:00", "end": "15:00"},
    {"id": "N", "start": "21:00", "end": "07:00"},
]
WEEKDAYS = {d: 7.5 for d in ("mon", "tue", "wed", "thu", "fri")}
CONTRACT = {"id": "FT", "hours_per_week": 37.5, "leave_hours": {"annual": WEEKDAYS, "sick": 7.5}}
MON_WED = {"from": "2026-12-07", "to": "2026-12-09"}


def ward(leave_type: str = "annual", **rule: object):  # type: ignore[no-untyped-def]
    rules = [{"kind": RULE, "per": "week", **rule}]
    staff = [
        person("S1", contract="FT", leave=[{**MON_WED, "type": leave_type}]),
        person("S2", contract="FT"),
    ]
    return scenario(shifts=SHIFTS, contracts=[CONTRACT], staff=staff, rules=rules)


def test_three_credited_days_count_towards_the_maximum():
    sc = ward(max_hours=40, weight=1)
    assert sc.credit["S1"] == {0: 450, 1: 450, 2: 450}
    # Thu-Sun: 4 x 8 = 32 h worked + 22.5 h leave = 54.5 h: 14.5 over -> 15
    rows = {"S1": "...EEEE", "S2": "......."}
    assert found(sc, rows, RULE) == [("S1", 15, 1, list(range(7)))]
    assert pinned(sc, rows) == 15
    # Thu-Fri: 16 + 22.5 = 38.5 h: within 40
    assert found(sc, {"S1": "...EE..", "S2": "......."}, RULE) == []


def test_three_credited_days_count_towards_the_minimum():
    sc = ward(min_hours=37.5, weight=1)
    # Thu: 8 + 22.5 = 30.5 h: 7 short; the minimum is not also lowered pro rata
    rows = {"S1": "...E...", "S2": "EEEEE.."}
    assert found(sc, rows, RULE) == [("S1", 7, 1, list(range(7)))]
    assert pinned(sc, rows) == 7
    assert found(sc, {"S1": "...EE..", "S2": "EEEEE.."}, RULE) == []


def test_the_message_counts_the_leave_in():
    sc = ward(max_hours=40, weight=1)
    from ruletools import report

    [v] = [v for v in report(sc, {"S1": "...EEEE", "S2": "......."}).violations if v.rule == RULE]
    assert "54.5 hours (22.5 of them leave)" in v.message and "at most 40" in v.message


def test_an_uncredited_type_credits_nothing():
    sc = ward("unpaid", max_hours=40, min_hours=37.5, weight=1)
    assert sc.credit["S1"] == {}
    # max: 32 h worked, no credit: within 40
    assert found(sc, {"S1": "...EEEE", "S2": "EEEEE.."}, RULE) == []
    # min: lowered pro rata to 4 of 7 days, 2250 min x 4 // 7 = 1285 min;
    # Thu-Fri 16 h = 960 min: 325 short -> 6 hours
    assert found(sc, {"S1": "...EE..", "S2": "EEEEE.."}, RULE) == [("S1", 6, 1, list(range(7)))]


def test_per_weekday_credit():
    # annual leave on Sat-Sun credits nothing under the weekday form; sick
    # leave credits 7.5 every day
    staff = [
        person("S1", contract="FT", leave=[{"from": "2026-12-11", "to": "2026-12-13"}]),
        person(
            "S2", contract="FT", leave=[{"from": "2026-12-11", "to": "2026-12-13", "type": "sick"}]
        ),
    ]
    sc = scenario(shifts=SHIFTS, contracts=[CONTRACT], staff=staff)
    assert sc.credit == {"S1": {4: 450}, "S2": {4: 450, 5: 450, 6: 450}}


def test_a_persons_own_leave_hours_replace_the_contracts():
    staff = [person("S1", contract="FT", leave=[MON_WED], leave_hours={"annual": 4.5})]
    sc = scenario(shifts=SHIFTS, contracts=[CONTRACT], staff=staff)
    assert sc.credit["S1"] == {0: 270, 1: 270, 2: 270}


def test_report_figures_agree():
    sc = ward(max_hours=40, weight=1)
    r = roster(sc, {"S1": "...EEEE", "S2": "EEEEE.."})
    totals = staff_totals(sc, r)
    assert totals["S1"]["hours"] == 32 and totals["S1"]["leave_hours"] == 22.5
    # credited leave still owes its hours: due is the full 37.5
    assert hours_due(sc, "S1") == 37.5
    result = Result(SolveStatus.FEASIBLE, None, None, 0.0, r, None)
    # S1: 54.5 - 37.5 = 17; S2: 40 - 37.5 = 2.5
    assert overtime_hours(sc, result) == 19.5
    # the report's people table: 32 worked, 22.5 leave, 37.5 due, in red
    from roster import check
    from roster.report import view

    [row] = [p for g in view(sc, r, check(sc, r))["groups"] for p in g["people"] if p["id"] == "S1"]
    assert (row["totals"]["hours"], row["totals"]["leave_hours"], row["due"], row["over"]) == (
        32,
        22.5,
        37.5,
        True,
    )
    unpaid = ward("unpaid", max_hours=40, weight=1)
    assert hours_due(unpaid, "S1") == pytest.approx(37.5 * 4 / 7)
    assert staff_totals(unpaid, roster(unpaid, {"S1": "...EEEE"}))["S1"]["leave_hours"] == 0


def test_solve_keeps_a_hard_maximum_with_credit():
    # 6 E and 4 N needed Thu-Sun... S1 has 22.5 h of leave credit and a hard
    # 40 h week: at most 2 shifts (16 h); the rest falls to S2 and S3
    staff = [person("S1", contract="FT", leave=[MON_WED]), person("S2"), person("S3")]
    demand = [
        {"shift": "E", "role": "RN", "min": 1, "max": 1},
        {"shift": "N", "role": "RN", "max": 0},
    ]
    rules = [
        {"kind": RULE, "per": "week", "max_hours": 40, "scope": {"staff": ["S1"]}},
        {"kind": RULE, "per": "week", "min_hours": 40, "weight": 1, "scope": {"staff": ["S1"]}},
    ]
    sc = scenario(shifts=SHIFTS, contracts=[CONTRACT], staff=staff, demand=demand, rules=rules)
    result = optimum(sc)
    df = result.roster.df
    assert len(df[df["staff"] == "S1"]) == 2  # 16 + 22.5 = 38.5: a third shift breaks 40
    assert result.objective == 2  # 1.5 h short of 40, rounded up

"""hours: paid hours (shift length less unpaid break), over the roster or per
calendar week; penalty per started hour over or under."""

from __future__ import annotations

import datetime as dt

from ruletools import (
    found,
    infeasible,
    optimum,
    person,
    pin,
    pinned,
    report,
    rule_scenario,
)

RULE = "hours"

#: paid: E 8 h (8.5 less 0.5 break), L 8.5 h, N 9.5 h (10 less 0.5)
SHIFTS = [
    {"id": "E", "start": "07:00", "end": "15:30", "break_minutes": 30},
    {"id": "L", "start": "13:30", "end": "22:00"},
    {"id": "N", "start": "21:30", "end": "07:30", "break_minutes": 30},
]
WED = dt.date(2026, 12, 9)  # a horizon starting mid-week: Wed..Tue


sc_with = rule_scenario(RULE, shifts=SHIFTS)


# -- check ----------------------------------------------------------------------
def test_max_over_the_horizon_in_started_hours():
    sc = sc_with({"max_hours": 20, "weight": 2})
    # 3 x E = 24 h: 4 h over; E E L = 24.5 h: 4.5 h over = 5 started hours
    assert found(sc, {"S1": "EEE....", "S2": "E.E.L..", "S3": "LL....."}, RULE) == [
        ("S1", 4, 2, list(range(7))),
        ("S2", 5, 2, list(range(7))),
    ]
    rep = report(sc, {"S1": "EEE....", "S2": "E.E.L..", "S3": "LL....."})
    assert rep.feasible and rep.total_penalty == 2 * 4 + 2 * 5


def test_min_over_the_horizon():
    sc = sc_with({"min_hours": 30, "weight": 1})
    # 16 h: 14 short; 3 x N = 28.5 h: 1.5 short = 2; 4 x E = 32 h: fine
    assert found(sc, {"S1": "EE.....", "S2": "NNN....", "S3": "E.E.E.E"}, RULE) == [
        ("S1", 14, 1, list(range(7))),
        ("S2", 2, 1, list(range(7))),
    ]


def test_min_is_lowered_pro_rata_for_leave():
    leave = ["2026-12-12", "2026-12-13"]
    sc = sc_with({"min_hours": 28, "weight": 1}, staff=[person("S1", leave=leave)])
    # 28 h x 5/7 = 20 h; 16 h worked: 4 short
    assert found(sc, {"S1": "EE....."}, RULE) == [("S1", 4, 1, list(range(7)))]
    sc = sc_with(
        {"min_hours": 28, "weight": 1, "reduce_for_leave": False}, staff=[person("S1", leave=leave)]
    )
    assert found(sc, {"S1": "EE....."}, RULE) == [("S1", 12, 1, list(range(7)))]
    # rounding down: 600 min x 6/7 = 514 min; one E is 480 min: 34 min = 1 hour
    sc = sc_with({"min_hours": 10, "weight": 1}, staff=[person("S1", leave=["2026-12-08"])])
    assert found(sc, {"S1": "E......"}, RULE) == [("S1", 1, 1, list(range(7)))]


def test_per_week_counts_the_history_of_the_first_week():
    # Wed start: week 1 = Mon, Tue (history) + Wed..Sun (days 0-4);
    # week 2 = Mon, Tue (days 5, 6)
    sc = sc_with(
        {"max_hours": 40, "per": "week", "weight": 1},
        horizon={"start": WED.isoformat(), "days": 7},
        history={"S1": ["E", "E"], "S2": ["-", "-"]},
    )
    rows = {"S1": "EEEE...", "S2": "EEEEE..", "S3": ".....NN"}
    # S1: 16 h history + 32 h = 48 h: 8 over; S2: 40 h: fine; S3 19 h
    assert found(sc, rows, RULE) == [("S1", 8, 1, [0, 1, 2, 3, 4])]


def test_per_week_minimum_only_for_weeks_wholly_known():
    rule = {"min_hours": 16, "per": "week", "weight": 1}
    sc = sc_with(
        rule, horizon={"start": WED.isoformat(), "days": 7}, history={"S1": ["-", "-"], "S2": ["-"]}
    )
    # S1 knows the whole first week: 8 h short; S2 and S3 do not;
    # nobody's second week (Mon, Tue only) is complete
    rows = {"S1": "E......", "S2": "E......", "S3": "......."}
    assert found(sc, rows, RULE) == [("S1", 8, 1, [0, 1, 2, 3, 4])]


def test_only_listed_shifts_count():
    sc = sc_with({"max_hours": 9, "shifts": ["N"], "weight": 1})
    # S1: one N (9.5 h) plus Es that do not count: 0.5 over = 1; S2: 19 h: 10
    assert found(sc, {"S1": "N.EEE..", "S2": "NN....."}, RULE) == [
        ("S1", 1, 1, list(range(7))),
        ("S2", 10, 1, list(range(7))),
    ]


def test_scope_weekdays_counts_only_those_days():
    sc = sc_with({"max_hours": 8, "weight": 1, "scope": {"weekdays": ["sat", "sun"]}})
    assert found(sc, {"S1": "EEEEEEE", "S2": "EEEEEE."}, RULE) == [("S1", 8, 1, [5, 6])]


def test_hard_hours_violation():
    sc = sc_with({"max_hours": 8})
    assert found(sc, {"S1": "EL....."}, RULE) == [("S1", 9, None, list(range(7)))]
    assert pinned(sc, {"S1": "EL....."}) is None
    assert pinned(sc, {"S1": "E......"}) == 0


# -- encode ---------------------------------------------------------------------
def test_encode_hard_max():
    assert infeasible(sc_with({"max_hours": 20}, staff=[person("S1", fixed=pin("EEE"))]))
    assert (
        optimum(sc_with({"max_hours": 20}, staff=[person("S1", fixed=pin("E.L"))])).objective == 0
    )


def test_encode_soft_max_rounds_up():
    sc = sc_with({"max_hours": 20, "weight": 3}, staff=[person("S1", fixed=pin("EEL"))])
    assert optimum(sc).objective == 15  # 4.5 h over = 5 units


def test_encode_soft_min_traded_against_requests():
    # every worked day breaks an off request (5). k shifts cost 5k plus the
    # started hours short of 30 h: 0 -> 30, N -> 26, NN -> 21, NNN (28.5 h)
    # -> 17, four shifts -> 20. The optimum works three nights.
    requests = [{"dates": [{"from": "2026-12-07", "to": "2026-12-13"}], "want": "off", "weight": 5}]
    sc = sc_with({"min_hours": 30, "weight": 1}, staff=[person("S1", requests=requests)])
    result = optimum(sc)
    assert result.objective == 17
    assert list(result.roster.df["shift"]) == ["N", "N", "N"]


def test_encode_per_week_with_history():
    kw = {"horizon": {"start": WED.isoformat(), "days": 7}, "history": {"S1": ["E", "E"]}}
    rule = {"max_hours": 40, "per": "week"}
    assert infeasible(sc_with(rule, staff=[person("S1", fixed=pin("EEEE", WED))], **kw))
    result = optimum(sc_with(rule, staff=[person("S1", fixed=pin("EEE.", WED))], **kw))
    # 16 h history + 24 h pinned = 40 h: no further shift fits in week 1
    week1 = result.roster.df[result.roster.df["date"] <= dt.date(2026, 12, 13)]
    assert len(week1) == 3


def test_encode_per_week_min_reduced_to_nothing_by_leave():
    # 10 days from Monday: week 1 complete, week 2 (3 days) has no minimum.
    # S1 is on leave all week 1: the minimum shrinks to 0 (7 x 0/7)
    kw = {"horizon": {"start": "2026-12-07", "days": 10}}
    leave = [{"from": "2026-12-07", "to": "2026-12-13"}]
    rule = {"min_hours": 16, "per": "week"}
    assert optimum(sc_with(rule, staff=[person("S1", leave=leave)], **kw)).objective == 0
    rule["reduce_for_leave"] = False
    assert infeasible(sc_with(rule, staff=[person("S1", leave=leave)], **kw))

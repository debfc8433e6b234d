"""shift_count: number of shifts (optionally of some types), over the roster
or per calendar week; penalty per shift too many or too few."""

from __future__ import annotations

import datetime as dt

from ruletools import found, infeasible, optimum, person, pin, pinned, rule_scenario

RULE = "shift_count"
WED = dt.date(2026, 12, 9)


sc_with = rule_scenario(RULE)


# -- check ----------------------------------------------------------------------
def test_max_and_min_over_the_horizon():
    sc = sc_with({"min": 2, "max": 3, "weight": 2})
    rows = {"S1": "EELN...", "S2": "E......", "S3": "E.E.E.."}
    assert found(sc, rows, RULE) == [
        ("S1", 1, 2, list(range(7))),  # 4 shifts
        ("S2", 1, 2, list(range(7))),  # 1 shift
    ]


def test_min_is_lowered_pro_rata_for_leave_rounding_down():
    three_days = [{"from": "2026-12-11", "to": "2026-12-13"}]
    sc = sc_with({"min": 5, "weight": 1}, staff=[person("S1", leave=three_days)])
    # 5 x 4/7 = 2.86 -> 2; one shift worked: 1 short
    assert found(sc, {"S1": "E......"}, RULE) == [("S1", 1, 1, list(range(7)))]
    sc = sc_with(
        {"min": 5, "weight": 1, "reduce_for_leave": False}, staff=[person("S1", leave=three_days)]
    )
    assert found(sc, {"S1": "E......"}, RULE) == [("S1", 4, 1, list(range(7)))]


def test_only_listed_shifts_count():
    sc = sc_with({"max": 1, "shifts": ["N"], "weight": 3})
    assert found(sc, {"S1": "NN.N.EE", "S2": "N.EEEEE"}, RULE) == [
        ("S1", 2, 3, list(range(7))),
    ]


def test_per_week_from_monday():
    # 14 days from Monday: two whole weeks
    sc = sc_with(
        {"max": 4, "per": "week", "weight": 1}, horizon={"start": "2026-12-07", "days": 14}
    )
    assert found(sc, {"S1": "EEEEE..EEEEEE."}, RULE) == [
        ("S1", 1, 1, list(range(7))),
        ("S1", 2, 1, list(range(7, 14))),
    ]


def test_per_week_minimum_skips_the_partial_last_week():
    sc = sc_with(
        {"min": 3, "per": "week", "weight": 1}, horizon={"start": "2026-12-07", "days": 10}
    )
    assert found(sc, {"S1": "E.........", "S2": "EEE......."}, RULE) == [
        ("S1", 2, 1, list(range(7))),
        ("S3", 3, 1, list(range(7))),
    ]


def test_per_week_history_counts_towards_the_first_week():
    sc = sc_with(
        {"max": 4, "per": "week", "weight": 1},
        horizon={"start": WED.isoformat(), "days": 7},
        history={"S1": ["N", "-"], "S2": ["L", "L", "L"]},
    )
    # S1: 1 + 4 in Mon..Sun = 5: 1 too many; S2's history before Monday
    # (Sun) belongs to the previous week: 2 + 2 = 4 fine
    rows = {"S1": "EEEE...", "S2": "EE.....", "S3": "EEEE.EE"}
    assert found(sc, rows, RULE) == [("S1", 1, 1, [0, 1, 2, 3, 4])]


def test_scope_from_to():
    sc = sc_with({"max": 1, "weight": 1, "scope": {"from": "2026-12-09", "to": "2026-12-11"}})
    assert found(sc, {"S1": "EEEEE..", "S2": "EE...EE"}, RULE) == [("S1", 2, 1, [2, 3, 4])]


def test_hard_count_violation():
    sc = sc_with({"max": 2})
    assert found(sc, {"S1": "EEE...."}, RULE) == [("S1", 1, None, list(range(7)))]
    assert pinned(sc, {"S1": "EEE...."}) is None
    assert pinned(sc, {"S1": "EE....."}) == 0


def test_per_week_history_outside_the_day_scope_does_not_count():
    # at most 1 weekend shift per week; Mon and Tue (history) are not in scope,
    # so the Saturday shift is the only one counted
    sc = sc_with(
        {"max": 1, "per": "week", "weight": 1, "scope": {"weekdays": ["sat", "sun"]}},
        horizon={"start": WED.isoformat(), "days": 7},
        history={"S1": ["E", "E"]},
    )
    assert found(sc, {"S1": "...E..."}, RULE) == []


def test_per_week_history_before_scope_from_does_not_count():
    sc = sc_with(
        {"max": 1, "per": "week", "weight": 1, "scope": {"from": "2026-12-12"}},
        horizon={"start": WED.isoformat(), "days": 7},
        history={"S1": ["E", "E"]},
    )
    assert pinned(sc, {"S1": "...E..."}) == 0


def test_per_week_minimum_with_a_weekday_scope():
    # at least 1 weekend shift per week; two whole weeks from Monday, none worked
    sc = sc_with(
        {
            "min": 1,
            "per": "week",
            "weight": 1,
            "scope": {"weekdays": ["sat", "sun"], "staff": ["S1"]},
        },
        horizon={"start": "2026-12-07", "days": 14},
    )
    assert found(sc, {}, RULE) == [("S1", 1, 1, [5, 6]), ("S1", 1, 1, [12, 13])]


# -- encode ---------------------------------------------------------------------
def test_encode_hard_max_and_min():
    assert infeasible(sc_with({"max": 2}, staff=[person("S1", fixed=pin("EEE"))]))
    leave = [{"from": "2026-12-08", "to": "2026-12-13"}]
    assert infeasible(
        sc_with({"min": 2, "reduce_for_leave": False}, staff=[person("S1", leave=leave)])
    )
    # reduced: 2 x 1/7 = 0
    assert optimum(sc_with({"min": 2}, staff=[person("S1", leave=leave)])).objective == 0


def test_encode_soft_min_traded_against_requests():
    # each shift breaks an off request (1); each missing shift costs 4.
    # min 3, 4 days of leave: 3 x 3/7 -> 1, so one shift (1) is best
    off = [{"dates": [{"from": "2026-12-07", "to": "2026-12-13"}], "want": "off"}]
    leave = [{"from": "2026-12-10", "to": "2026-12-13"}]
    sc = sc_with({"min": 3, "weight": 4}, staff=[person("S1", requests=off, leave=leave)])
    result = optimum(sc)
    assert result.objective == 1
    assert len(result.roster.df) == 1
    # without leave: three shifts (3) beat two (2 + 4) and none (12)
    sc = sc_with({"min": 3, "weight": 4}, staff=[person("S1", requests=off)])
    assert optimum(sc).objective == 3


def test_encode_per_week_history():
    kw = {"horizon": {"start": WED.isoformat(), "days": 7}, "history": {"S1": ["N", "-"]}}
    assert infeasible(
        sc_with({"max": 2, "per": "week"}, staff=[person("S1", fixed=pin("L.L", WED))], **kw)
    )
    # the second week (days 5, 6) is free of the first week's history
    result = optimum(
        sc_with({"max": 2, "per": "week"}, staff=[person("S1", fixed=pin("L....LL", WED))], **kw)
    )
    assert result.objective == 0

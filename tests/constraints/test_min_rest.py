"""min_rest: hours of rest between the end of one shift and the start of the
next, from clock times; penalty per missing hour (rounded up) per short rest.

Shifts: E 07:00-15:00, L 14:00-22:00, N 21:30-07:30 (next day).
With 11 h: L -> E next day rests 9 h (2 short); N -> L rests 6.5 h (5 short);
N -> E overlaps (one_shift's business, not a rest).
"""

from __future__ import annotations

from ruletools import found, infeasible, optimum, person, pin, pinned, rule_scenario, scenario

from roster.constraints.min_rest import MinRest

RULE = "min_rest"


sc_with = rule_scenario(RULE)


def test_short_pairs_from_clock_times():
    sc = scenario()
    assert sorted(MinRest(kind=RULE, hours=11).short_pairs(sc, 0)) == [
        (1, "L", "E", 2),
        (1, "N", "L", 5),
    ]
    # 30 h: E->E 16 h (14 short), E->L 23 h (7), L->E 9 h (21), L->L 16 h (14),
    # L->N 23.5 h (6.5 -> 7), N->L 6.5 h (23.5 -> 24), N->N 14 h (16);
    # two days on, N (ends 07:30) -> E at 07:00 rests 23.5 h (7)
    assert sorted(MinRest(kind=RULE, hours=30).short_pairs(sc, 0)) == [
        (1, "E", "E", 14),
        (1, "E", "L", 7),
        (1, "L", "E", 21),
        (1, "L", "L", 14),
        (1, "L", "N", 7),
        (1, "N", "L", 24),
        (1, "N", "N", 16),
        (2, "N", "E", 7),
    ]


# -- check ----------------------------------------------------------------------
def test_short_rest_between_days():
    sc = sc_with({"hours": 11, "weight": 3})
    rows = {"S1": "LE.....", "S2": "..NL...", "S3": "EE.LL.N"}
    assert found(sc, rows, RULE) == [
        ("S1", 2, 3, [0, 1]),
        ("S2", 5, 3, [2, 3]),
    ]


def test_rest_across_a_day_off_and_a_shift_between():
    sc = sc_with({"hours": 30, "weight": 1})
    # N, day off, E: 23.5 h rest, 7 short
    assert found(sc, {"S1": "N.E...."}, RULE) == [("S1", 7, 1, [0, 2])]
    # N, then L, then E: the rest before E is the L's, not the night's
    assert found(sc, {"S1": "NLE...."}, RULE) == [
        ("S1", 24, 1, [0, 1]),
        ("S1", 21, 1, [1, 2]),
    ]


def test_history_counts():
    sc = sc_with({"hours": 11, "weight": 2}, history={"S1": ["L"], "S2": ["N", "-"]})
    assert found(sc, {"S1": "E......", "S2": "E......"}, RULE) == [("S1", 2, 2, [0])]
    # two days apart matters at 30 h: history N, off, then E on day 0
    sc = sc_with({"hours": 30, "weight": 1}, history={"S2": ["N", "-"]})
    assert found(sc, {"S2": "E......"}, RULE) == [("S2", 7, 1, [0])]


def test_scope_is_the_day_of_the_first_shift():
    sc = sc_with(
        {"hours": 11, "weight": 1, "scope": {"weekdays": ["mon"]}},
        horizon={"start": "2026-12-07", "days": 14},
    )
    # L->E Mon->Tue (counted), Thu->Fri (not), Sun->Mon (not: Sunday first)
    rows = {"S1": "LE.LE.LE......"}
    assert found(sc, rows, RULE) == [("S1", 2, 1, [0, 1])]


def test_scope_counts_history_days_in_scope():
    # history L on Sunday 2026-12-06; the rule is for rests starting on Sundays
    sc = sc_with({"hours": 11, "weight": 1, "scope": {"weekdays": ["sun"]}}, history={"S1": ["L"]})
    assert found(sc, {"S1": "E......"}, RULE) == [("S1", 2, 1, [0])]
    assert pinned(sc, {"S1": "E......"}) == 2
    # a scope ending before the history day: not counted
    sc = sc_with({"hours": 11, "weight": 1, "scope": {"to": "2026-12-05"}}, history={"S1": ["L"]})
    assert found(sc, {"S1": "E......"}, RULE) == []


def test_hard_violation():
    sc = sc_with({"hours": 11})
    assert found(sc, {"S1": "LE....."}, RULE) == [("S1", 2, None, [0, 1])]
    assert pinned(sc, {"S1": "LE....."}) is None
    assert pinned(sc, {"S1": "LL....."}) == 0


# -- encode ---------------------------------------------------------------------
def test_encode_hard():
    assert infeasible(sc_with({"hours": 11}, staff=[person("S1", fixed=pin("LE"))]))
    assert infeasible(
        sc_with({"hours": 11}, history={"S1": ["L"]}, staff=[person("S1", fixed=pin("E"))])
    )
    assert infeasible(sc_with({"hours": 30}, staff=[person("S1", fixed=pin("N.E"))]))
    assert optimum(sc_with({"hours": 11}, staff=[person("S1", fixed=pin("L.E"))])).objective == 0


def test_encode_hard_forces_a_day_off_between():
    # at 30 h, pinned E on Mon and Wed with cover asking for someone every day:
    # only two staff, so the other person covers Tue; nothing fits before Wed
    # for S1 (E on Tue rests 16 h)
    sc = sc_with(
        {"hours": 30},
        staff=[person("S1", fixed=pin("E.E")), person("S2")],
        demand=[{"shift": "E", "role": "RN", "min": 1, "dates": ["2026-12-08"]}],
    )
    roster = optimum(sc).roster.df
    tue = roster[roster["date"].astype(str) == "2026-12-08"]
    assert list(tue["staff"]) == ["S2"]


def test_encode_soft_history_constant_penalty():
    # history L, pinned E on day 0: 2 h short, weight 3
    sc = sc_with(
        {"hours": 11, "weight": 3}, history={"S1": ["L"]}, staff=[person("S1", fixed=pin("E"))]
    )
    assert optimum(sc).objective == 6


def test_encode_soft_cover_forces_short_rest():
    # one person; cover: L on Mon, E on Tue: 9 h rest, 2 short (x4)
    sc = sc_with(
        {"hours": 11, "weight": 4},
        staff=[person("S1")],
        demand=[
            {"shift": "L", "role": "RN", "min": 1, "dates": ["2026-12-07"]},
            {"shift": "E", "role": "RN", "min": 1, "dates": ["2026-12-08"]},
        ],
    )
    assert optimum(sc).objective == 8


def test_encode_scope_counts_history_days():
    sc = sc_with(
        {"hours": 11, "scope": {"weekdays": ["sun"]}},
        history={"S1": ["L"]},
        staff=[person("S1", fixed=pin("E"))],
    )
    assert infeasible(sc)

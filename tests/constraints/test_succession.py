"""succession: shift ``first`` must not be followed the next day by any of
``then``; penalty per occurrence. History counts; day scope = day of first."""

from __future__ import annotations

from ruletools import found, infeasible, optimum, person, pin, pinned, rule_scenario, scenario

RULE = "succession"


sc_with = rule_scenario(RULE, {"first": "N", "then": ["E", "L"]})


# -- check ----------------------------------------------------------------------
def test_each_occurrence_counts_once():
    sc = sc_with({"weight": 2})
    # S1: N->L (Mon->Tue) and N->E (Thu->Fri); S2: N, day off, L; N->N is fine
    rows = {"S1": "NL.NE..", "S2": "N.LNN..", "S3": "LNNN..."}
    assert found(sc, rows, RULE) == [
        ("S1", 1, 2, [0, 1]),
        ("S1", 1, 2, [3, 4]),
    ]


def test_history_counts():
    sc = sc_with({"weight": 1}, history={"S1": ["N"], "S2": ["N", "-"], "S3": ["L"]})
    assert found(sc, {"S1": "L......", "S2": "L......", "S3": "L......"}, RULE) == [
        ("S1", 1, 1, [0]),
    ]


def test_last_day_is_not_judged_against_the_unknown():
    sc = sc_with({"weight": 1})
    assert found(sc, {"S1": "......N"}, RULE) == []


def test_scope_is_the_day_of_first():
    sc = sc_with(
        {"weight": 1, "scope": {"weekdays": ["sun"]}}, horizon={"start": "2026-12-07", "days": 14}
    )
    # N on Sun then L on Mon (counted); N on Mon then L on Tue (not)
    assert found(sc, {"S1": "......NL......", "S2": "NL............"}, RULE) == [
        ("S1", 1, 1, [6, 7]),
    ]


def test_scope_counts_a_history_day_in_scope():
    # history N on Sunday 2026-12-06, then L on Monday: the rule is for Sundays
    sc = sc_with({"weight": 3, "scope": {"weekdays": ["sun"]}}, history={"S1": ["N"]})
    assert found(sc, {"S1": "L......"}, RULE) == [("S1", 1, 3, [0])]
    assert pinned(sc, {"S1": "L......"}) == 3
    # a history day before scope.from is out of scope
    sc = sc_with({"weight": 3, "scope": {"from": "2026-12-07"}}, history={"S1": ["N"]})
    assert found(sc, {"S1": "L......"}, RULE) == []
    assert pinned(sc, {"S1": "L......"}) == 0


def test_hard():
    sc = sc_with({})
    assert found(sc, {"S1": "NL....."}, RULE) == [("S1", 1, None, [0, 1])]
    assert pinned(sc, {"S1": "NL....."}) is None
    assert pinned(sc, {"S1": "N.L...."}) == 0


# -- encode ---------------------------------------------------------------------
def test_encode_hard():
    assert infeasible(sc_with({}, staff=[person("S1", fixed=pin("NL"))]))
    assert infeasible(sc_with({}, history={"S1": ["N"]}, staff=[person("S1", fixed=pin("L"))]))
    assert optimum(sc_with({}, staff=[person("S1", fixed=pin("N.L"))])).objective == 0


def test_encode_hard_steers_the_choice_of_shift():
    # S1 pinned N on Mon must work Tue too (2 shifts in Mon-Tue) but not E or
    # L after the night: the solver has to give another night
    sc = scenario(
        staff=[person("S1", fixed=pin("N"))],
        rules=[
            {"kind": RULE, "first": "N", "then": ["E", "L"]},
            {"kind": "shift_count", "min": 2, "scope": {"to": "2026-12-08"}},
        ],
    )
    df = optimum(sc).roster.df
    assert list(df[df["date"].astype(str) <= "2026-12-08"]["shift"]) == ["N", "N"]


def test_encode_soft():
    # history N, pinned L on day 0: one occurrence, weight 4
    sc = sc_with({"weight": 4}, history={"S1": ["N"]}, staff=[person("S1", fixed=pin("L"))])
    assert optimum(sc).objective == 4
    # cover forces L the day after a pinned N: 2 occurrences over the week
    sc = sc_with(
        {"weight": 5},
        staff=[person("S1", fixed=pin("N...N"))],
        demand=[{"shift": "L", "role": "RN", "min": 1, "dates": ["2026-12-08", "2026-12-12"]}],
    )
    assert optimum(sc).objective == 10


def test_repeated_then_ids_count_once():
    sc = sc_with({"then": ["E", "L", "L"], "weight": 1})
    assert found(sc, {"S1": "NL....."}, RULE) == [("S1", 1, 1, [0, 1])]
    assert pinned(sc, {"S1": "NL....."}) == 1


def test_several_first_shifts_share_one_rule():
    sc = scenario(rules=[{"kind": RULE, "first": ["N", "L"], "then": ["E"], "weight": 3}])
    # S1: L->E twice counts; E->E, E->L and N->L do not (N->E overlaps anyway)
    assert found(sc, {"S1": "LEELE..", "S2": "NL....."}, RULE) == [
        ("S1", 1, 3, [0, 1]),
        ("S1", 1, 3, [3, 4]),
    ]
    assert pinned(sc, {"S1": "LEELE..", "S2": "NL....."}) == 6


def test_several_first_shifts_hard_with_history():
    sc = scenario(rules=[{"kind": RULE, "first": ["N", "L"], "then": ["E"]}], history={"S1": ["L"]})
    assert pinned(sc, {"S1": "E......"}) is None
    assert pinned(sc, {"S1": "N......"}) == 0
    assert pinned(sc, {"S2": "LE....."}) is None
    assert pinned(sc, {"S2": "LLN.LE."}) is None
    assert pinned(sc, {"S2": "LLNN.E."}) == 0


# -- gap: days between first and then ------------------------------------------
def test_saturday_on_call_then_monday_off():
    # "after a Saturday night, Monday off": first N, gap 2, any shift, Saturdays only
    rule = {"kind": RULE, "first": "N", "gap": 2, "weight": 3, "scope": {"weekdays": ["sat"]}}
    sc = scenario(rules=[rule], horizon={"start": "2026-12-05", "days": 7})  # Sat..Fri
    # S1: Sat N, Mon E: one; S2: Sat N, Sun N, Mon off: fine; S3: Sun N, Tue E: not a Saturday
    rows = {"S1": "N.E....", "S2": "NN.....", "S3": ".N.E..."}
    assert found(sc, rows, RULE) == [("S1", 1, 3, [0, 2])]
    assert pinned(sc, rows) == 3


def test_gap_reaches_into_the_history():
    rule = {"kind": RULE, "first": "N", "then": ["E"], "gap": 3}
    sc = scenario(rules=[rule], history={"S1": ["N", "-", "-"], "S2": ["N", "-"]})
    # S1's night was 3 days before Monday; S2's 2 days before
    assert found(sc, {"S1": "E......", "S2": "E......"}, RULE) == [("S1", 1, None, [0])]
    assert found(sc, {"S1": ".E.....", "S2": ".E....."}, RULE) == [("S2", 1, None, [1])]


def test_encode_gap():
    # one person, a night pinned Mon, an early wanted every day: not on Thu
    staff = [
        person(
            "S1",
            fixed=pin("N......"),
            requests=[
                {
                    "dates": [{"from": "2026-12-08", "to": "2026-12-13"}],
                    "shift": "E",
                    "want": "on",
                    "weight": 1,
                }
            ],
        )
    ]
    sc = scenario(staff=staff, rules=[{"kind": RULE, "first": "N", "gap": 3}])
    df = optimum(sc).roster.df
    assert "2026-12-10" not in set(df[df["shift"] == "E"]["date"].astype(str))
    assert infeasible(
        scenario(
            staff=[person("S1", fixed=pin("N..E..."))],
            rules=[{"kind": RULE, "first": "N", "gap": 3}],
        )
    )

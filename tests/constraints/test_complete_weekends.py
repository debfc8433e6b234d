"""complete_weekends: every day of a weekend worked, or none. Weekends cut by
the horizon's edge are not judged. Penalty per incomplete weekend."""

from __future__ import annotations

from ruletools import found, infeasible, optimum, person, pin, pinned, rule_scenario, scenario

from roster.constraints.complete_weekends import whole_weekends

RULE = "complete_weekends"
TWO_WEEKS = {"start": "2026-12-07", "days": 14}


sc_with = rule_scenario(RULE)


def test_whole_weekends_leave_out_cut_ones():
    assert whole_weekends(scenario(horizon={"start": "2026-12-06", "days": 14})) == [[6, 7]]
    assert whole_weekends(scenario(horizon=TWO_WEEKS, weekend=["fri", "sat", "sun"])) == [
        [4, 5, 6],
        [11, 12, 13],
    ]


# -- check ----------------------------------------------------------------------
def test_one_unit_per_incomplete_weekend():
    sc = sc_with({"weight": 4}, horizon=TWO_WEEKS)
    rows = {
        "S1": ".....E......L.",  # Sat of week 1 only, Sun of week 2 only
        "S2": ".....EN.......",  # whole weekend
        "S3": "EEEEE..EEEEE..",  # no weekend work
    }
    assert found(sc, rows, RULE) == [
        ("S1", 1, 4, [5, 6]),
        ("S1", 1, 4, [12, 13]),
    ]


def test_weekends_cut_by_the_horizon_are_not_judged():
    # Sun 2026-12-06 .. Sat 2026-12-19: Sun 6th and Sat 19th are cut
    sc = sc_with({"weight": 1}, horizon={"start": "2026-12-06", "days": 14})
    assert found(sc, {"S1": "E............E", "S2": "......E......."}, RULE) == [
        ("S2", 1, 1, [6, 7]),
    ]


def test_three_day_weekends():
    sc = sc_with({"weight": 1}, weekend=["fri", "sat", "sun"])
    assert found(sc, {"S1": "....EE.", "S2": "....ELN", "S3": "......E"}, RULE) == [
        ("S1", 1, 1, [4, 5, 6]),
        ("S3", 1, 1, [4, 5, 6]),
    ]


def test_hard():
    sc = sc_with({})
    assert found(sc, {"S1": ".....E."}, RULE) == [("S1", 1, None, [5, 6])]
    assert pinned(sc, {"S1": ".....E."}) is None
    assert pinned(sc, {"S1": ".....EE"}) == 0


# -- encode ---------------------------------------------------------------------
def test_encode_hard_completes_a_pinned_weekend():
    sc = sc_with({}, staff=[person("S1", fixed=pin(".....E"))])
    df = optimum(sc).roster.df
    assert "2026-12-13" in set(df["date"].astype(str))  # Sunday too


def test_encode_hard_with_leave_on_sunday():
    sc = sc_with({}, staff=[person("S1", fixed=pin(".....E"), leave=["2026-12-13"])])
    assert infeasible(sc)


def test_encode_soft():
    # pinned Saturday, leave on Sunday: 1 incomplete weekend, weight 4
    sc = sc_with({"weight": 4}, staff=[person("S1", fixed=pin(".....E"), leave=["2026-12-13"])])
    assert optimum(sc).objective == 4
    # completing it costs an off request of 3 instead
    off = [{"dates": ["2026-12-13"], "want": "off", "weight": 3}]
    sc = sc_with({"weight": 4}, staff=[person("S1", fixed=pin(".....E"), requests=off)])
    result = optimum(sc)
    assert result.objective == 3
    assert "2026-12-13" in set(result.roster.df["date"].astype(str))

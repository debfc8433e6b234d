"""max_weekends: at most ``max`` worked weekends (a weekend is worked when any
of its days is); a weekend cut by the horizon's edge counts by its days
inside. Penalty per weekend too many."""

from __future__ import annotations

from ruletools import found, infeasible, optimum, person, pin, pinned, rule_scenario, scenario

from roster.constraints.base import weekend_blocks

RULE = "max_weekends"
TWO_WEEKS = {"start": "2026-12-07", "days": 14}  # Mon .. Sun


sc_with = rule_scenario(RULE)


def test_weekend_blocks():
    assert weekend_blocks(scenario(horizon=TWO_WEEKS)) == [[5, 6], [12, 13]]
    # from a Sunday, 7 days: a Sunday alone at the start, a Saturday at the end
    assert weekend_blocks(scenario(horizon={"start": "2026-12-06", "days": 7})) == [[0], [6]]
    fri_sun = scenario(horizon=TWO_WEEKS, weekend=["fri", "sat", "sun"])
    assert weekend_blocks(fri_sun) == [[4, 5, 6], [11, 12, 13]]
    assert weekend_blocks(scenario(horizon={"start": "2026-12-07", "days": 5})) == []


# -- check ----------------------------------------------------------------------
def test_any_day_makes_a_weekend_worked():
    sc = sc_with({"max": 1, "weight": 3}, horizon=TWO_WEEKS)
    rows = {
        "S1": ".....E.......L",  # Sat of week 1, Sun of week 2: 2 weekends
        "S2": ".....EL.......",  # one weekend, both days
        "S3": "EEEEE..EEEEE..",  # weekdays only
    }
    assert found(sc, rows, RULE) == [("S1", 1, 3, [5, 6, 12, 13])]


def test_partial_weekends_at_the_edges_count():
    # Sun 2026-12-06 .. Sat 2026-12-12: two one-day weekends
    sc = sc_with({"max": 1, "weight": 1}, horizon={"start": "2026-12-06", "days": 7})
    assert found(sc, {"S1": "E.....E", "S2": "E......"}, RULE) == [("S1", 1, 1, [0, 6])]


def test_custom_weekend_days():
    sc = sc_with({"max": 0, "weight": 2}, weekend=["fri", "sat", "sun"])
    # Friday now belongs to the weekend
    assert found(sc, {"S1": "....E..", "S2": "EEEE..."}, RULE) == [("S1", 1, 2, [4, 5, 6])]


def test_hard():
    sc = sc_with({"max": 0})
    assert found(sc, {"S1": "......N"}, RULE) == [("S1", 1, None, [5, 6])]
    assert pinned(sc, {"S1": "......N"}) is None
    assert pinned(sc, {"S1": "EEEEE.."}) == 0


# -- encode ---------------------------------------------------------------------
def test_encode_hard():
    assert infeasible(sc_with({"max": 0}, staff=[person("S1", fixed=pin(".....E"))]))
    assert infeasible(
        sc_with({"max": 1}, horizon=TWO_WEEKS, staff=[person("S1", fixed=pin("......E.....L"))])
    )
    assert (
        optimum(
            sc_with({"max": 1}, horizon=TWO_WEEKS, staff=[person("S1", fixed=pin(".....EL"))])
        ).objective
        == 0
    )


def test_encode_hard_pushes_work_into_one_weekend():
    # cover on both Saturdays and Sundays needs S1 (only person) 4 days; with
    # at most 1 weekend that is impossible, with soft weight 6 it costs 6
    demand = [{"shift": "E", "role": "RN", "min": 1, "weekdays": ["sat", "sun"]}]
    assert infeasible(sc_with({"max": 1}, horizon=TWO_WEEKS, staff=[person("S1")], demand=demand))
    assert (
        optimum(
            sc_with({"max": 1, "weight": 6}, horizon=TWO_WEEKS, staff=[person("S1")], demand=demand)
        ).objective
        == 6
    )


def test_encode_soft_counts_weekends_not_days():
    # pinned Sat+Sun of week 1 and Sat of week 2: 2 weekends, max 0 -> 2 x 5
    sc = sc_with(
        {"max": 0, "weight": 5}, horizon=TWO_WEEKS, staff=[person("S1", fixed=pin(".....EE.....E"))]
    )
    assert optimum(sc).objective == 10


def test_one_weekend_in_two():
    sc = scenario(
        rules=[{"kind": RULE, "max": 1, "window": 2, "weight": 3}],
        horizon={"start": "2026-12-07", "days": 28},
    )
    # weekends 1 and 2 worked: over in window (1, 2); weekends 1 and 3: fine
    one_two = "." * 5 + "E." + "." * 5 + ".E" + "." * 14
    one_three = "." * 5 + "E." + "." * 7 + "." * 5 + "E." + "." * 7
    assert found(sc, {"S1": one_two}, RULE) == [("S1", 1, 3, [5, 6, 12, 13])]
    assert found(sc, {"S1": one_three}, RULE) == []
    assert pinned(sc, {"S1": one_two}) == 3
    # every weekend: 3 windows of two, each one over
    every = ("." * 5 + "EE") * 4
    assert [v[1] for v in found(sc, {"S1": every}, RULE)] == [1, 1, 1]

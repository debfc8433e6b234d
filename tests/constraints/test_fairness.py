"""fairness: spread of nights / weekends / hours / shifts across a group, each
person's load scaled to a full-time, full-availability equivalent:
``load = value * ref / capacity`` (exact, never rounded) with capacity =
weekly minutes x days not on leave and ref the group's largest capacity.
Penalty per unit of spread above ``max_spread``, rounded up."""

from __future__ import annotations

from fractions import Fraction

from ruletools import found, infeasible, optimum, person, pinned, roster, rule_scenario, scenario

from roster.checker import RosterView, check
from roster.constraints.fairness import Fairness

RULE = "fairness"
TWO_WEEKS = {"start": "2026-12-07", "days": 14}


sc_with = rule_scenario(RULE, {"group_by": "all"})


def loads(sc, rows):  # type: ignore[no-untyped-def]
    """Each group's full-time-equivalent loads, as the checker computes them."""
    ctx = RosterView(sc, roster(sc, rows))
    inst = next(i for i in sc.rule_instances if isinstance(i.rule, Fairness))
    rule = inst.rule
    return [rule.loads(ctx, g) for g in rule.groups(sc, inst.staff)]


def found_violations(sc, rows):  # type: ignore[no-untyped-def]
    return [v for v in check(sc, roster(sc, rows)).violations if v.rule == RULE]


# -- check ----------------------------------------------------------------------
def test_spread_of_nights_equal_contracts():
    sc = sc_with({"measure": "nights", "weight": 3})
    rows = {"S1": "NN.....", "S2": "N......", "S3": "EEEEE.."}
    assert loads(sc, rows) == [{"S1": 2, "S2": 1, "S3": 0}]
    assert found(sc, rows, RULE) == [(None, 2, 3, [])]
    sc = sc_with({"measure": "nights", "weight": 3, "max_spread": 1})
    assert found(sc, rows, RULE) == [(None, 1, 3, [])]
    sc = sc_with({"measure": "nights", "weight": 3, "max_spread": 2})
    assert found(sc, rows, RULE) == []


def test_part_timers_weigh_pro_rata():
    staff = [person("S1", hours_per_week=40), person("S2", hours_per_week=20)]
    sc = sc_with({"measure": "nights", "weight": 1}, staff=staff)
    # S2 works half the hours: 1 night of S2 weighs like 2 of S1
    assert loads(sc, {"S1": "NN.....", "S2": "N......"}) == [{"S1": 2, "S2": 2}]
    assert found(sc, {"S1": "NN.....", "S2": "N......"}, RULE) == []
    assert found(sc, {"S1": "NN.....", "S2": "NN....."}, RULE) == [(None, 2, 1, [])]


def test_people_without_hours_count_as_the_largest_contract():
    staff = [person("S1", hours_per_week=40), person("S2", hours_per_week=20), person("S3")]
    sc = sc_with({"measure": "nights", "weight": 1}, staff=staff)
    assert loads(sc, {"S1": "N......", "S2": "N......", "S3": "N......"}) == [
        {"S1": 1, "S2": 2, "S3": 1}
    ]


def test_contract_hours_and_zero_hours():
    staff = [
        person("S1", contract="FT"),
        person("S2", contract="PT"),
        person("S3", hours_per_week=0),
    ]
    contracts = [{"id": "FT", "hours_per_week": 37.5}, {"id": "PT", "hours_per_week": 25}]
    sc = sc_with({"measure": "nights", "weight": 1}, staff=staff, contracts=contracts)
    # S3 has no capacity: left out. PT: 2 nights x 2250/1500 = 3
    assert loads(sc, {"S1": "NNN....", "S2": "NN.....", "S3": "NNNNNNN"}) == [{"S1": 3, "S2": 3}]


def test_leave_lowers_capacity_and_loads_are_exact():
    staff = [
        person("S1", hours_per_week=40),
        person("S2", hours_per_week=40, leave=[{"from": "2026-12-11", "to": "2026-12-13"}]),
    ]
    sc = sc_with({"measure": "nights", "weight": 1}, staff=staff)
    # S2 is available 4 of 7 days: 2 nights x 7/4 = 3.5, not rounded
    assert loads(sc, {"S1": "NNNN...", "S2": "NN....."}) == [{"S1": 4, "S2": Fraction(7, 2)}]
    # a spread of half a night is charged one (whole units, rounded up)
    assert found(sc, {"S1": "NNNN...", "S2": "NN....."}, RULE) == [(None, 1, 1, [])]
    assert pinned(sc, {"S1": "NNNN...", "S2": "NN....."}) == 1


def test_a_spread_below_the_next_whole_unit_is_charged():
    # S2 works 25 of S1's 40 hours: 3 nights weigh 4.8, against S1's 3. The
    # spread of 1.8 is above max_spread 1: charged one unit (rounding the
    # loads down would have made it 4 - 3 = 1, i.e. nothing)
    staff = [person("S1", hours_per_week=40), person("S2", hours_per_week=25)]
    sc = sc_with({"measure": "nights", "weight": 5, "max_spread": 1}, staff=staff)
    rows = {"S1": "NNN....", "S2": "N.N.N.."}
    assert loads(sc, rows) == [{"S1": 3, "S2": Fraction(24, 5)}]
    assert found(sc, rows, RULE) == [(None, 1, 5, [])]
    assert pinned(sc, rows) == 5
    rows = {"S1": "NNNN...", "S2": "N.N.N.."}  # 4 against 4.8: within 1
    assert found(sc, rows, RULE) == []
    assert pinned(sc, rows) == 0


def test_unavailable_days_do_not_lower_capacity():
    staff = [
        person("S1", hours_per_week=40),
        person(
            "S2",
            hours_per_week=40,
            unavailable=[{"dates": [{"from": "2026-12-11", "to": "2026-12-13"}]}],
        ),
    ]
    sc = sc_with({"measure": "nights", "weight": 1}, staff=staff)
    assert loads(sc, {"S1": "NNNN...", "S2": "NN....."}) == [{"S1": 4, "S2": 2}]


def test_many_capacities_pinned_equals_check():
    staff = [
        person("S1", hours_per_week=40),
        person("S2", hours_per_week=30),
        person("S3", hours_per_week=20, leave=["2026-12-13"]),
        person("S4", hours_per_week=30),
    ]
    for rule in (
        {"measure": "nights", "weight": 3},
        {"measure": "hours", "weight": 1, "max_spread": 2},
        {"measure": "shifts", "weight": 2, "max_spread": 1},
    ):
        sc = sc_with(rule, staff=staff)
        rows = {"S1": "NN..E..", "S2": "N..LL..", "S3": "EN.....", "S4": "......."}
        penalty = sum(v.amount * v.weight for v in found_violations(sc, rows))
        assert penalty > 0
        assert pinned(sc, rows) == penalty


def test_hours_in_whole_hours():
    shifts = [
        {"id": "E", "start": "07:00", "end": "15:00"},
        {"id": "D", "start": "07:00", "end": "19:30", "break_minutes": 30},
    ]
    sc = sc_with({"measure": "hours", "weight": 2}, shifts=shifts)
    # 16 h, 12 h (paid), 8 h: spread 8
    rows = {"S1": "EE.....", "S2": "D......", "S3": "E......"}
    assert loads(sc, rows) == [{"S1": 16, "S2": 12, "S3": 8}]
    assert found(sc, rows, RULE) == [(None, 8, 2, [])]


def test_weekends_and_shift_types():
    sc = sc_with({"measure": "weekends", "weight": 1}, horizon=TWO_WEEKS)
    rows = {"S1": ".....E......L.", "S2": "......N.......", "S3": "EEEEE........."}
    assert loads(sc, rows) == [{"S1": 2, "S2": 1, "S3": 0}]
    sc = sc_with({"measure": "shifts", "shifts": ["L"], "weight": 1})
    rows = {"S1": "LLL....", "S2": "EEEEL..", "S3": "NNNNNNN"}
    assert loads(sc, rows) == [{"S1": 3, "S2": 1, "S3": 0}]
    assert found(sc, rows, RULE) == [(None, 3, 1, [])]
    sc = sc_with({"measure": "shifts", "weight": 1})
    assert loads(sc, rows) == [{"S1": 3, "S2": 5, "S3": 7}]


def test_groups_by_first_role():
    roles = [{"id": "RN"}, {"id": "HCA"}]
    staff = [
        person("S1"),
        {"id": "S2", "roles": ["RN", "HCA"]},
        {"id": "S3", "roles": ["HCA", "RN"]},
        {"id": "S4", "roles": ["HCA"]},
        {"id": "S5", "roles": ["RN"], "hours_per_week": 10},
    ]
    rule = {
        "kind": RULE,
        "measure": "nights",
        "weight": 1,
        "scope": {"staff": ["S1", "S2", "S3", "S4"]},
    }
    sc = scenario(roles=roles, staff=staff, rules=[rule])
    rows = {"S1": "NNN....", "S2": "N......", "S3": "NNNN...", "S4": "NNNN...", "S5": "NNNNNNN"}
    # RN group: S1 3, S2 1 -> 2; HCA group: S3 4, S4 4 -> 0; S5 is out of scope
    assert loads(sc, rows) == [{"S1": 3, "S2": 1}, {"S3": 4, "S4": 4}]
    assert found(sc, rows, RULE) == [(None, 2, 1, [])]
    # a one-person group is not judged
    sc = scenario(
        roles=roles,
        staff=staff[:1] + staff[3:4],
        rules=[{"kind": RULE, "measure": "nights", "weight": 1}],
    )
    assert found(sc, {"S1": "NNN....", "S4": "......."}, RULE) == []


def test_hard():
    sc = sc_with({"measure": "nights"})
    assert found(sc, {"S1": "N......"}, RULE) == [(None, 1, None, [])]
    assert pinned(sc, {"S1": "N......"}) is None
    assert pinned(sc, {"S1": "N......", "S2": ".N.....", "S3": "..N...."}) == 0


# -- encode ---------------------------------------------------------------------
def one_night_demand(days: list[str]) -> list[dict]:
    """Exactly one N on these dates, no N on other days."""
    return [
        {"shift": "N", "role": "RN", "max": 0},
        {"shift": "N", "role": "RN", "min": 1, "max": 1, "dates": days},
    ]


def test_encode_hard_one_night_cannot_be_shared():
    assert infeasible(sc_with({"measure": "nights"}, demand=one_night_demand(["2026-12-07"])))
    assert (
        optimum(
            sc_with({"measure": "nights", "max_spread": 1}, demand=one_night_demand(["2026-12-07"]))
        ).objective
        == 0
    )
    assert (
        optimum(
            sc_with({"measure": "nights", "weight": 5}, demand=one_night_demand(["2026-12-07"]))
        ).objective
        == 5
    )


def test_encode_pro_rata_split():
    # 3 nights for a full-timer and a half-timer: 2 + 1 is the only fair split
    staff = [person("S1", hours_per_week=40), person("S2", hours_per_week=20)]
    sc = sc_with(
        {"measure": "nights"},
        staff=staff,
        demand=one_night_demand(["2026-12-07", "2026-12-08", "2026-12-09"]),
    )
    df = optimum(sc).roster.df
    assert df[df["shift"] == "N"].groupby("staff").size().to_dict() == {"S1": 2, "S2": 1}
    # 4 nights: 3 + 1 -> loads 3, 2; 2 + 2 -> 2, 4: the best spread is 1
    sc = sc_with(
        {"measure": "nights", "weight": 7},
        staff=staff,
        demand=one_night_demand(["2026-12-07", "2026-12-08", "2026-12-09", "2026-12-10"]),
    )
    assert optimum(sc).objective == 7


def test_encode_soft_hours():
    # exactly one E on Mon-Wed, nothing else: two people split 3 x 8 h as
    # 16/8 at best: spread 8 hours, weight 1
    staff = [person("S1"), person("S2")]
    demand = [{"shift": s, "role": "RN", "max": 0} for s in ("L", "N")]
    demand += [
        {"shift": "E", "role": "RN", "max": 0},
        {
            "shift": "E",
            "role": "RN",
            "min": 1,
            "max": 1,
            "dates": [{"from": "2026-12-07", "to": "2026-12-09"}],
        },
    ]
    sc = sc_with({"measure": "hours", "weight": 1}, staff=staff, demand=demand)
    assert optimum(sc).objective == 8


# -- carried over from earlier rosters ----------------------------------------------
def test_carry_adds_earlier_counts_and_days():
    staff = [person("S1", hours_per_week=40), person("S2", hours_per_week=40)]
    # last week (7 days available each) S1 worked 3 nights, S2 none
    carry = {"S1": {"days": 7, "nights": 3}, "S2": {"days": 7}}
    sc = sc_with({"measure": "nights", "weight": 1}, staff=staff, carry=carry)
    # this week S2 works 3 nights, S1 none: over the fortnight they are even
    assert loads(sc, {"S1": ".......", "S2": "NNN...."}) == [{"S1": 3, "S2": 3}]
    assert found(sc, {"S1": ".......", "S2": "NNN...."}, RULE) == []
    assert found(sc, {"S1": "NNN....", "S2": "......."}, RULE) == [(None, 6, 1, [])]
    # a count of some shift types only does not use the carried shift total
    sc = sc_with(
        {"measure": "shifts", "shifts": ["N"], "weight": 1},
        staff=staff,
        carry={"S1": {"days": 7, "shifts": 5}},
    )
    assert loads(sc, {"S1": ".......", "S2": "......."}) == [{"S1": 0, "S2": 0}]


def test_encode_carry_evens_out_over_weeks():
    staff = [person("S1"), person("S2")]
    carry = {"S1": {"days": 7, "nights": 2}, "S2": {"days": 7}}
    sc = sc_with(
        {"measure": "nights"},
        staff=staff,
        carry=carry,
        demand=one_night_demand(["2026-12-07", "2026-12-08"]),
    )
    df = optimum(sc).roster.df
    # hard: the two nights must go to S2, who had none last week
    assert df[df["shift"] == "N"]["staff"].tolist() == ["S2", "S2"]
    assert pinned(sc, {"S1": "NN.....", "S2": "......."}) is None

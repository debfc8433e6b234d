"""window: at least min / at most max days worked (or shifts of some types)
in any ``days`` consecutive days, history included; penalty per unit, per
window."""

from __future__ import annotations

import itertools

import pytest
from ruletools import found, infeasible, optimum, pinned, rule_scenario

from roster import ScenarioError

RULE = "window"


sc_with = rule_scenario(RULE)


def test_at_most_one_night_in_any_three_days():
    sc = sc_with({"what": "shifts", "shifts": ["N"], "days": 3, "max": 1, "weight": 2})
    # nights Mon and Wed: windows Mon-Wed holds 2 -> 1 over
    assert found(sc, {"S1": "N.N....", "S2": "N..N...", "S3": "......."}, RULE) == [
        ("S1", 1, 2, [0, 1, 2])
    ]
    # Mon, Tue, Wed: windows Mon-Wed (3), Tue-Thu (2): 2 + 1 over
    assert found(sc, {"S1": "NNN...."}, RULE) == [("S1", 2, 2, [0, 1, 2]), ("S1", 1, 2, [1, 2, 3])]
    assert pinned(sc, {"S1": "NNN...."}) == 6


def test_history_counts_and_partial_windows_are_not_windows():
    sc = sc_with(
        {"what": "shifts", "shifts": ["N"], "days": 3, "max": 1}, history={"S1": ["N", "-"]}
    )
    # history Sat N, Sun off: a night on Mon makes 2 in Sat-Mon
    assert found(sc, {"S1": "N......"}, RULE) == [("S1", 1, None, [0])]
    assert found(sc, {"S1": ".N....."}, RULE) == []
    # the last two days are no window of their own (Fri-Sun holds them)
    assert found(sc, {"S1": ".....NN"}, RULE) == [("S1", 1, None, [4, 5, 6])]


def test_days_worked_minimum_in_complete_windows_only():
    sc = sc_with({"what": "work", "days": 7, "min": 4, "weight": 1})
    assert found(sc, {"S1": "EEEE...", "S2": "E.E....", "S3": "......."}, RULE) == [
        ("S2", 2, 1, list(range(7))),
        ("S3", 4, 1, list(range(7))),
    ]
    # leave shrinks the minimum pro rata: 3 days of leave -> 4 x 4 // 7 = 2
    sc = sc_with(
        {"what": "work", "days": 7, "min": 4, "weight": 1},
        staff=[
            {"id": "S1", "roles": ["RN"], "leave": [{"from": "2026-12-07", "to": "2026-12-09"}]}
        ],
    )
    assert found(sc, {"S1": "...EE.."}, RULE) == []
    assert found(sc, {"S1": "...E..."}, RULE) == [("S1", 1, 1, list(range(7)))]


def test_encode_spreads_nights():
    # two nights needed each day Mon-Sat... 3 people, at most 1 night in any 2 days
    demand = [
        {"shift": "N", "role": "RN", "min": 1, "max": 1},
        {"shift": "E", "role": "RN", "max": 0},
        {"shift": "L", "role": "RN", "max": 0},
    ]
    sc = sc_with({"what": "shifts", "shifts": ["N"], "days": 2, "max": 1}, demand=demand)
    roster = optimum(sc).roster.df
    for sid, group in roster.groupby("staff"):
        days = sorted(group["date"])
        assert all((b - a).days >= 2 for a, b in itertools.pairwise(days)), sid
    # with 1 in any 4 days, three people cannot cover seven nights
    assert infeasible(
        sc_with({"what": "shifts", "shifts": ["N"], "days": 4, "max": 1}, demand=demand)
    )


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"what": "shifts", "days": 3, "max": 1}, "needs the shift types"),
        ({"what": "work", "shifts": ["N"], "days": 3, "max": 1}, "counts every day worked"),
        ({"days": 3}, "give min, max or both"),
        ({"days": 0, "max": 1}, "at least 1"),
        ({"days": 3, "min": 2, "max": 1}, "below min"),
    ],
)
def test_bad_parameters(rule, message):  # type: ignore[no-untyped-def]
    with pytest.raises(ScenarioError, match=message):
        sc_with(rule)

"""published: stay close to a published roster; days before `from` fixed."""

from __future__ import annotations

import pytest
from ruletools import day, found, optimum, pinned, scenario

from roster import ScenarioError

RULE = "published"
#: S1 works E Mon-Wed, S2 N on Mon, S3 L on Tue
PUBLISHED = [("S1", 0, "E"), ("S1", 1, "E"), ("S1", 2, "E"), ("S2", 0, "N"), ("S3", 1, "L")]


def sc_with(**params):  # type: ignore[no-untyped-def]
    rule = {
        "kind": RULE,
        "weight": 10,
        "assignments": [{"staff": s, "date": day(d), "shift": t} for s, d, t in PUBLISHED],
        **params,
    }
    return scenario(rules=[rule])


# -- check ----------------------------------------------------------------------
def test_each_changed_person_day_costs() -> None:
    sc = sc_with()
    same = {"S1": "EEE....", "S2": "N......", "S3": ".L....."}
    assert found(sc, same, RULE) == []
    moved = {"S1": "ELE....", "S2": "N......", "S3": "......E"}  # a swap, a drop, an addition
    assert found(sc, moved, RULE) == [("S1", 1, 10, [1]), ("S3", 1, 10, [1]), ("S3", 1, 10, [6])]


def test_short_notice_and_days_off_cost_more() -> None:
    sc = sc_with(**{"from": day(1), "notice_days": 2, "notice_weight": 5, "day_off_weight": 3})
    rows = {"S1": "E.E....", "S2": "N......", "S3": ".L.E..E"}
    # S1 drops Tuesday (short notice: 10 + 5); S3 works Thursday and Sunday,
    # both published days off (10 + 3), neither at short notice
    assert found(sc, rows, RULE) == [("S1", 1, 15, [1]), ("S3", 1, 13, [3]), ("S3", 1, 13, [6])]


def test_days_before_from_are_hard() -> None:
    sc = sc_with(**{"from": day(2)})
    rows = {"S1": ".EE....", "S2": "N......", "S3": ".L....."}
    assert found(sc, rows, RULE) == [("S1", 1, None, [0])]


def test_without_weight_nothing_may_change() -> None:
    sc = scenario(
        rules=[{"kind": RULE, "assignments": [{"staff": "S1", "date": day(0), "shift": "E"}]}]
    )
    assert found(sc, {"S1": "E.....E"}, RULE) == [("S1", 1, None, [6])]


# -- encode ---------------------------------------------------------------------
@pytest.mark.parametrize(
    "rows, expected",
    [
        ({"S1": "EEE....", "S2": "N......", "S3": ".L....."}, 0),
        ({"S1": "ELE....", "S2": "N......", "S3": "......E"}, 30),
        ({"S1": ".......", "S2": ".......", "S3": "......."}, 50),
    ],
)
def test_model_prices_changes_like_the_checker(rows, expected) -> None:  # type: ignore[no-untyped-def]
    assert pinned(sc_with(), rows) == expected


def test_model_prices_notice_and_days_off_like_the_checker() -> None:
    sc = sc_with(**{"from": day(1), "notice_days": 2, "notice_weight": 5, "day_off_weight": 3})
    rows = {"S1": "E.E....", "S2": "N......", "S3": ".L.E..E"}
    assert pinned(sc, rows) == 15 + 13 + 13


def test_model_keeps_days_before_from() -> None:
    sc = sc_with(**{"from": day(2)})
    assert pinned(sc, {"S1": ".EE....", "S2": "N......", "S3": ".L....."}) is None
    assert pinned(sc, {"S1": "EE.....", "S2": "N......", "S3": ".L....."}) == 10


def test_solve_returns_the_published_roster_when_nothing_else_matters() -> None:
    result = optimum(sc_with(**{"from": day(1), "day_off_weight": 2}))
    assert result.objective == 0
    worked = {
        (r.staff, (r.date - result.roster.df["date"].min()).days, r.shift)
        for r in result.roster.df.itertuples()
    }
    assert worked == set(PUBLISHED)


def test_unknown_ids_are_errors() -> None:
    with pytest.raises(ScenarioError, match=r"assignments\[0\]\.staff: unknown staff 'X9'"):
        scenario(
            rules=[
                {
                    "kind": RULE,
                    "weight": 1,
                    "assignments": [{"staff": "X9", "date": day(0), "shift": "E"}],
                }
            ]
        )
    with pytest.raises(ScenarioError, match=r"assignments\[0\]\.shift: unknown shift 'Q'"):
        scenario(
            rules=[
                {
                    "kind": RULE,
                    "weight": 1,
                    "assignments": [{"staff": "S1", "date": day(0), "shift": "Q"}],
                }
            ]
        )


def test_problems_in_later_rules_keep_their_own_path() -> None:
    with pytest.raises(ScenarioError) as info:
        scenario(
            rules=[
                {
                    "kind": RULE,
                    "weight": 1,
                    "assignments": [{"staff": "X9", "date": day(0), "shift": "E"}],
                },
                {"kind": "succession", "first": "N", "then": ["Q"]},
            ]
        )
    paths = [path for path, _ in info.value.problems]
    assert paths == ["rules[0] (published).assignments[0].staff", "rules[1] (succession).then"]

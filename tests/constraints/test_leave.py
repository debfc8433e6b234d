"""leave and unavailability (always hard): no shift on leave days; an
``unavailable`` entry with shifts rules out only those shifts."""

from __future__ import annotations

from ruletools import found, infeasible, optimum, person, pin, pinned, scenario

from roster.constraints.leave import blocked

RULE = "leave"
MON, TUE, WED = "2026-12-07", "2026-12-08", "2026-12-09"


def test_blocked_days_and_shifts():
    staff = [
        person("S1", leave=[MON, {"from": "2026-12-12", "to": "2026-12-20"}]),
        person(
            "S2",
            unavailable=[
                {"dates": [TUE], "shifts": ["N"]},
                {"dates": [TUE, WED], "shifts": ["L"]},
                {"dates": [{"from": "2026-12-01", "to": MON}]},
            ],
        ),
        person("S3", leave=[TUE], unavailable=[{"dates": [TUE], "shifts": ["E"]}]),
    ]
    sc = scenario(staff=staff)
    assert blocked(sc) == {
        "S1": {0: None, 5: None, 6: None},  # dates outside the horizon dropped
        "S2": {0: None, 1: {"N", "L"}, 2: {"L"}},
        "S3": {1: None},  # whole-day leave wins over a shift list
    }


def test_check_each_shift_on_leave():
    staff = [
        person("S1", leave=[MON, TUE]),
        person("S2", unavailable=[{"dates": [TUE], "shifts": ["N", "L"]}]),
    ]
    sc = scenario(staff=staff)
    assert found(sc, {"S1": "EL.....", "S2": "EEN...."}, RULE) == [
        ("S1", 1, None, [0]),
        ("S1", 1, None, [1]),
    ]
    assert found(sc, {"S1": "..E....", "S2": ".LN...."}, RULE) == [("S2", 1, None, [1])]
    assert pinned(sc, {"S2": ".L....."}) is None
    assert pinned(sc, {"S2": ".E....."}) == 0


def test_encode_leave_against_pins_and_cover():
    assert infeasible(scenario(staff=[person("S1", leave=[MON], fixed=pin("E"))]))
    demand = [{"shift": "E", "role": "RN", "dates": [MON], "min": 1}]
    assert infeasible(scenario(staff=[person("S1", leave=[MON])], demand=demand))
    # unavailable for E only: the pinned L is fine, cover of E is not
    staff = [person("S1", unavailable=[{"dates": [MON], "shifts": ["E"]}], fixed=pin("L"))]
    assert optimum(scenario(staff=staff)).objective == 0
    staff = [person("S1", unavailable=[{"dates": [MON], "shifts": ["E"]}])]
    assert infeasible(scenario(staff=staff, demand=demand))


def test_encode_leave_moves_work_to_others():
    demand = [{"shift": "E", "role": "RN", "min": 1, "max": 1}]
    staff = [person("S1", leave=[{"from": MON, "to": WED}]), person("S2")]
    df = optimum(scenario(staff=staff, demand=demand)).roster.df
    early = df[df["date"].astype(str) <= WED]
    assert set(early["staff"]) == {"S2"} and len(early) == 3


# -- recurring unavailability ----------------------------------------------------------
def test_never_nights_and_not_on_mondays():
    staff = [
        person("S1", unavailable=[{"shifts": ["N"]}]),
        person("S2", unavailable=[{"weekdays": ["mon"]}]),
        person(
            "S3",
            unavailable=[
                {"weekdays": ["sat", "sun"], "shifts": ["L"]},
                {"dates": [{"from": "2026-12-07", "to": "2026-12-13"}], "weekdays": ["wed"]},
            ],
        ),
    ]
    sc = scenario(staff=staff)
    assert sc.away_days == {"S1": frozenset(), "S2": frozenset({0}), "S3": frozenset({2})}
    rows = {"S1": "...N...", "S2": "E......", "S3": "..E..LE"}
    got = sorted((v[0], v[3]) for v in found(sc, rows, RULE))
    assert got == [("S1", [3]), ("S2", [0]), ("S3", [2]), ("S3", [5])]
    assert found(sc, {"S1": "EEELL..", "S2": ".LLLL..", "S3": "E....EE"}, RULE) == []
    assert pinned(sc, rows) is None


def test_an_unavailable_entry_needs_something():
    import pytest

    from roster import ScenarioError

    with pytest.raises(ScenarioError, match="give dates, weekdays or shifts"):
        scenario(staff=[person("S1", unavailable=[{}])])

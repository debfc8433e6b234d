"""requests (soft): to work or not, a whole day or one shift; ``weight`` for
each requested day not met."""

from __future__ import annotations

from ruletools import found, optimum, person, pin, pinned, report, scenario

RULE = "requests"
MON, TUE, WED = "2026-12-07", "2026-12-08", "2026-12-09"


def with_requests(*requests: dict, **extra):  # type: ignore[no-untyped-def]
    return scenario(staff=[person("S1", requests=list(requests), **extra)])


def test_off_whole_day_and_one_shift():
    sc = with_requests(
        {"dates": [MON, WED], "want": "off", "weight": 3},
        {"dates": [TUE], "want": "off", "shift": "N", "weight": 2},
    )
    # Mon worked (3), Tue an L (not the N asked off), Wed off
    assert found(sc, {"S1": "EL....."}, RULE) == [("S1", 1, 3, [0])]
    assert found(sc, {"S1": "EN.L..."}, RULE) == [("S1", 1, 3, [0]), ("S1", 1, 2, [1])]
    assert found(sc, {"S1": "..E...."}, RULE) == [("S1", 1, 3, [2])]


def test_on_whole_day_and_one_shift():
    sc = with_requests(
        {"dates": [{"from": MON, "to": WED}], "want": "on"},
        {"dates": ["2026-12-11"], "want": "on", "shift": "L", "weight": 4},
    )
    # Mon and Wed not worked (1 each); Fri E instead of L (4)
    assert found(sc, {"S1": ".N..E.."}, RULE) == [
        ("S1", 1, 1, [0]),
        ("S1", 1, 1, [2]),
        ("S1", 1, 4, [4]),
    ]
    assert found(sc, {"S1": "ELN.L.."}, RULE) == []


def test_dates_outside_the_horizon_and_zero_weight():
    sc = with_requests(
        {"dates": [{"from": "2026-12-01", "to": MON}], "want": "off"},
        {"dates": [TUE], "want": "off", "weight": 0},
    )
    # Dec 1-6 are before the horizon; the zero-weight one is listed, costs nothing
    assert found(sc, {"S1": "EE....."}, RULE) == [("S1", 1, 1, [0]), ("S1", 1, 0, [1])]
    assert pinned(sc, {"S1": "EE....."}) == 1


def test_requests_are_never_hard():
    sc = with_requests({"dates": [MON], "want": "on", "weight": 5})
    assert pinned(sc, {"S1": "......."}) == 5


# A penalty on a negated literal (a 'want: on' request costs weight * (1 - x))
# is stored by CP-SAT as an offset minus weight * x. build.py once bounded the
# objective *without* that offset to >= 0, which cut off every granted wish.


def test_encode_off_requests_are_granted_when_free():
    sc = with_requests(
        {"dates": [MON, TUE], "want": "off", "weight": 3},
        {"dates": [WED], "want": "off", "shift": "N"},
    )
    result = optimum(sc)
    assert result.objective == 0
    worked = dict(zip(result.roster.df["date"].astype(str), result.roster.df["shift"]))
    assert MON not in worked and TUE not in worked and worked.get(WED) != "N"


def test_encode_on_request_is_granted_when_free():
    sc = with_requests({"dates": [MON], "want": "on", "shift": "L"})
    assert pinned(sc, {"S1": "L......"}) == 0
    result = optimum(sc)
    assert result.objective == 0
    assert list(result.roster.df["shift"])[:1] == ["L"]


def test_encode_conflicts_cost_both_requests():
    # pinned E on Mon: a wish for Mon off (2) cannot be met, nor L on Mon (3)
    sc = with_requests(
        {"dates": [MON], "want": "off", "weight": 2},
        {"dates": [MON], "want": "on", "shift": "L", "weight": 3},
        fixed=pin("E"),
    )
    assert optimum(sc).objective == 5


def test_encode_the_heavier_of_two_wishes_wins():
    # off on Tue (2) against a night on Tue (3): work the night, pay 2
    sc = with_requests(
        {"dates": [TUE], "want": "off", "weight": 2},
        {"dates": [TUE], "want": "on", "shift": "N", "weight": 3},
    )
    result = optimum(sc)
    assert result.objective == 2
    assert TUE in set(result.roster.df["date"].astype(str))


# -- several shifts in one request ---------------------------------------------------
def test_off_for_a_list_of_shifts():
    sc = scenario(
        staff=[
            person(
                "S1",
                requests=[
                    {
                        "dates": ["2026-12-07", "2026-12-08"],
                        "shift": ["N", "L"],
                        "want": "off",
                        "weight": 4,
                    }
                ],
            )
        ]
    )
    # Mon L (refused), Tue E (granted)
    assert found(sc, {"S1": "LE....."}, RULE) == [("S1", 1, 4, [0])]
    [v] = report(sc, {"S1": "LE....."}).violations
    assert v.message == "S1 asked not to work N or L on Mon 07 Dec; rostered L"
    assert pinned(sc, {"S1": "LE....."}) == 4


def test_on_for_a_list_of_shifts_is_granted_by_any():
    sc = scenario(
        staff=[
            person(
                "S1",
                requests=[
                    {"dates": ["2026-12-07"], "shift": ["E", "L"], "want": "on", "weight": 2}
                ],
            )
        ]
    )
    assert found(sc, {"S1": "L......"}, RULE) == []
    assert found(sc, {"S1": "N......"}, RULE) == [("S1", 1, 2, [0])]
    assert optimum(sc).objective == 0

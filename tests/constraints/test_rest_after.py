"""rest_after: after the last shift of a run of some shifts, at least
``hours`` of real time before the next shift that is not one of them."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from ruletools import found, infeasible, optimum, pinned, rule_scenario

from helpers import roster
from roster import ScenarioError, load_scenario
from roster.checker import check

RULE = "rest_after"
#: N 21:30-07:30 (helpers' shifts): E 07:00-15:00, L 14:00-22:00


sc_with = rule_scenario(RULE)


def test_48_hours_after_a_run_of_nights():
    sc = sc_with({"shifts": ["N"], "hours": 48, "weight": 1})
    # N N (ends Wed 07:30), then L on Thu at 14:00: 30.5 h -> 18 h short
    assert found(sc, {"S1": "NN.L..."}, RULE) == [("S1", 18, 1, [1, 3])]
    # ... then E on Fri 07:00: 47.5 h -> 1 h short
    assert found(sc, {"S1": "NN..E.."}, RULE) == [("S1", 1, 1, [1, 4])]
    # ... then L on Fri: 54.5 h: fine; a night after a night continues the run
    assert found(sc, {"S1": "NN..L..", "S2": "N.N...."}, RULE) == []
    assert pinned(sc, {"S1": "NN.L..."}) == 18


def test_history_counts():
    sc = sc_with({"shifts": ["N"], "hours": 48}, history={"S1": ["N", "N", "-"]})
    # nights Fri, Sat (ending Sun 07:30), Sunday off: Monday's early is 23.5 h later
    assert found(sc, {"S1": "E......"}, RULE) == [("S1", 25, None, [0])]
    assert found(sc, {"S1": ".E....."}, RULE) == [("S1", 1, None, [1])]  # 47.5 h
    assert found(sc, {"S1": "..E...."}, RULE) == []


def test_real_time_across_the_clocks_going_back():
    # London: nights Fri 23 and Sat 24 Oct 2026; the second ends Sun 07:30 GMT,
    # an hour later than on the wall clock's count. Tuesday's 07:00 early is
    # 47.5 h after on the wall clock, 47.5 h in real time too (the extra hour
    # is inside the night): the early of Tue needs 48 h, short by 1
    data = {
        "timezone": "Europe/London",
        "horizon": {"start": "2026-10-19", "days": 14},
        "shifts": [
            {"id": "E", "start": "07:00", "end": "15:00"},
            {"id": "N", "start": "21:30", "end": "07:30"},
        ],
        "roles": [{"id": "RN"}],
        "staff": [{"id": "S1", "roles": ["RN"]}],
        "rules": [{"kind": RULE, "shifts": ["N"], "hours": 48, "weight": 1}],
    }
    sc = load_scenario(data)
    r = roster(sc, {"S1": "....NN..E....."})
    [v] = [v for v in check(sc, r).violations if v.rule == RULE]
    tz_end = dt.datetime(2026, 10, 25, 7, 30, tzinfo=ZoneInfo("Europe/London"))
    tz_next = dt.datetime(2026, 10, 27, 7, 0, tzinfo=tz_end.tzinfo)
    real = tz_next.astimezone(dt.UTC) - tz_end.astimezone(dt.UTC)
    assert real == dt.timedelta(hours=47, minutes=30)
    assert v.amount == 1


def test_encode_keeps_the_rest():
    # one person, nights pinned Mon-Tue, an early wanted every day after
    pins = [{"date": "2026-12-07", "shift": "N"}, {"date": "2026-12-08", "shift": "N"}]
    staff = [
        {
            "id": "S1",
            "roles": ["RN"],
            "fixed": pins,
            "requests": [
                {
                    "dates": [{"from": "2026-12-09", "to": "2026-12-13"}],
                    "shift": "E",
                    "want": "on",
                    "weight": 1,
                }
            ],
        }
    ]
    sc = sc_with({"shifts": ["N"], "hours": 48}, staff=staff)
    df = optimum(sc).roster.df
    # the nights end Wed 07:30: Wed's early overlaps, Thu's and Fri's are too
    # soon (23.5 h, 47.5 h): Sat and Sun only
    assert sorted(df[df["shift"] == "E"]["date"].astype(str)) == ["2026-12-12", "2026-12-13"]
    staff[0]["fixed"] = [*pins, {"date": "2026-12-10", "shift": "E"}]
    assert infeasible(sc_with({"shifts": ["N"], "hours": 48}, staff=staff))


def test_bad_parameters():
    with pytest.raises(ScenarioError, match="unknown shift 'X'"):
        sc_with({"shifts": ["X"], "hours": 48})
    with pytest.raises(ScenarioError, match="at most 96"):
        sc_with({"shifts": ["N"], "hours": 100})
    with pytest.raises(ScenarioError, match="at least 1"):
        sc_with({"shifts": [], "hours": 48})

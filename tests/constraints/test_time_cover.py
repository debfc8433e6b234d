"""time_cover: at least ``min`` people of a role/skill at every minute of a
clock window, met by any mix of overlapping shifts. The window is cut into
segments at the starts and ends of the shifts the role can work; the penalty
is per person-hour missing, per segment rounded up. Windows stop at the
horizon's end; history nights count.

With E 07-15, L 14-22, N 21:30-07:30, a 19:00-07:00 window falls into
19:00-21:30 (L; 2.5 h), 21:30-22:00 (L, N; 0.5 h) and 22:00-07:00 (N; 9 h).
"""

from __future__ import annotations

import pytest
from ruletools import found, infeasible, optimum, person, pinned, scenario

from roster.constraints.time_cover import segments

RULE = "time_cover"
MON = "2026-12-07"
NIGHT = {"role": "RN", "from": "19:00", "to": "07:00", "min": 1}


def sc_with(*entries: dict, **extra):  # type: ignore[no-untyped-def]
    return scenario(time_cover=list(entries), **extra)


def test_segments_of_a_night_window():
    sc = sc_with(NIGHT | {"dates": [MON]})
    assert [(s.clock(), s.spans) for s in segments(sc)] == [
        ("19:00-21:30", ((0, "L"),)),
        ("21:30-22:00", ((0, "L"), (0, "N"))),
        ("22:00-07:00", ((0, "N"),)),
    ]
    # the last day's window stops at midnight
    sc = sc_with(NIGHT | {"dates": ["2026-12-13"]})
    assert [(s.clock(), s.b - s.a) for s in segments(sc)] == [
        ("19:00-21:30", 150),
        ("21:30-22:00", 30),
        ("22:00-00:00", 120),
    ]


def test_segments_cut_only_at_shifts_the_role_can_work():
    # HCAs work E and L only: N's start at 21:30 is no cut for an HCA window
    roles = [{"id": "RN"}, {"id": "HCA", "shifts": ["E", "L"]}]
    staff = [{"id": "H", "roles": ["HCA"]}, {"id": "R", "roles": ["RN"]}]
    sc = sc_with(
        {"role": "HCA", "from": "19:00", "to": "07:00", "min": 1, "dates": [MON]},
        roles=roles,
        staff=staff,
    )
    assert [(s.clock(), s.spans) for s in segments(sc)] == [
        ("19:00-22:00", ((0, "L"),)),
        ("22:00-07:00", ()),
    ]


# -- check ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ({"S1": "L", "S2": "N"}, []),
        ({"S1": "N"}, [(None, 3, 2, [0])]),  # nobody 19:00-21:30: 2.5 h -> 3
        ({"S1": "L"}, [(None, 9, 2, [0])]),  # nobody 22:00-07:00: 9 h
        ({}, [(None, 3, 2, [0]), (None, 1, 2, [0]), (None, 9, 2, [0])]),
        ({"S1": "E", "S2": "E"}, [(None, 3, 2, [0]), (None, 1, 2, [0]), (None, 9, 2, [0])]),
    ],
)
def test_each_short_segment_costs_its_person_hours(rows, expected):
    sc = sc_with(NIGHT | {"dates": [MON], "weight": 2})
    assert found(sc, rows, RULE) == expected


def test_min_two_counts_each_missing_person():
    sc = sc_with(NIGHT | {"dates": [MON], "weight": 1, "min": 2})
    # L + N + N: 19:00-21:30 has 1 (1 short x 2.5 h -> 3); 21:30-22:00 has 3;
    # 22:00-07:00 has 2
    assert found(sc, {"S1": "L", "S2": "N", "S3": "N"}, RULE) == [(None, 3, 1, [0])]
    # nobody: 2 x 2.5 h = 5, 2 x 0.5 h = 1, 2 x 9 h = 18
    assert found(sc, {}, RULE) == [(None, 5, 1, [0]), (None, 1, 1, [0]), (None, 18, 1, [0])]


def test_mixed_shift_lengths():
    shifts = [
        {"id": "D", "start": "07:00", "end": "19:00"},
        {"id": "E", "start": "07:00", "end": "15:00"},
        {"id": "L", "start": "14:00", "end": "22:00"},
    ]
    sc = sc_with(
        {"role": "RN", "from": "07:00", "to": "19:00", "min": 2, "weight": 1, "dates": [MON]},
        shifts=shifts,
    )
    # segments 07-14, 14-15, 15-19. D + E: 15:00-19:00 has only D (4 h);
    # D + L: 07:00-14:00 only D (7 h); E + L + D: fine
    assert found(sc, {"S1": "D", "S2": "E"}, RULE) == [(None, 4, 1, [0])]
    assert found(sc, {"S1": "D", "S2": "L"}, RULE) == [(None, 7, 1, [0])]
    assert found(sc, {"S1": "D", "S2": "L", "S3": "E"}, RULE) == []
    # E + L only: 07-14 one, 14-15 two, 15-19 one
    assert found(sc, {"S2": "L", "S3": "E"}, RULE) == [(None, 7, 1, [0]), (None, 4, 1, [0])]


def test_history_night_covers_the_first_morning():
    entry = {"role": "RN", "from": "00:00", "to": "06:00", "min": 1, "weight": 4, "dates": [MON]}
    assert found(sc_with(entry, history={"S1": ["N"]}), {}, RULE) == []
    assert found(sc_with(entry, history={"S1": ["L"]}), {}, RULE) == [(None, 6, 4, [0])]
    assert found(sc_with(entry), {}, RULE) == [(None, 6, 4, [0])]


def test_last_day_window_is_cut_at_midnight():
    sc = sc_with(NIGHT | {"weight": 1, "weekdays": ["sun"]})
    # L on Sunday: 22:00-24:00 short (2 h), nothing after midnight is judged
    assert found(sc, {"S1": "......L"}, RULE) == [(None, 2, 1, [6])]


def test_role_and_skill():
    roles = [{"id": "RN"}, {"id": "HCA"}]
    staff = [
        {"id": "A", "roles": ["HCA", "RN"]},
        {"id": "B", "roles": ["HCA"], "skills": ["charge"]},
    ]
    sc = sc_with(
        {"role": "RN", "from": "08:00", "to": "12:00", "min": 1, "weight": 1, "dates": [MON]},
        roles=roles,
        staff=staff,
        skills=[{"id": "charge"}],
    )
    # A works as HCA (the roster helper uses the first role): no RN present
    # for the 4 hours of the window
    assert found(sc, {"A": "E", "B": "E"}, RULE) == [(None, 4, 1, [0])]
    sc = sc_with(
        {"skill": "charge", "from": "08:00", "to": "12:00", "min": 1, "weight": 1, "dates": [MON]},
        roles=roles,
        staff=staff,
        skills=[{"id": "charge"}],
    )
    assert found(sc, {"B": "E"}, RULE) == []
    assert found(sc, {"A": "E"}, RULE) == [(None, 4, 1, [0])]


def test_hard_and_soft_cover():
    sc = sc_with(NIGHT | {"dates": [MON]})
    assert found(sc, {"S1": "L"}, RULE) == [(None, 9, None, [0])]
    assert found(sc, {"S1": "L"}, RULE, soft_cover=True) == [(None, 9, 10_000, [0])]
    assert pinned(sc, {"S1": "L"}) is None
    assert pinned(sc, {"S1": "L"}, soft_cover=True) == 90_000
    assert pinned(sc, {"S1": "L", "S2": "N"}) == 0


# -- encode ---------------------------------------------------------------------
def test_encode_one_person_cannot_cover_a_night_every_day():
    assert infeasible(sc_with(NIGHT, staff=[person("S1")]))
    df = optimum(sc_with(NIGHT, staff=[person("S1"), person("S2")])).roster.df
    assert df["date"].nunique() == 7
    for date, day in df.groupby("date"):
        assert {"L", "N"} <= set(day["shift"]), date


def test_encode_soft_on_a_one_day_horizon():
    # one person, one day (the window stops at midnight): L leaves 22:00-24:00
    # empty (2 h), N leaves 19:00-21:30 (2.5 h -> 3), nothing 3 + 1 + 2 = 6
    sc = sc_with(NIGHT | {"weight": 3}, staff=[person("S1")], horizon={"start": MON, "days": 1})
    result = optimum(sc)
    assert result.objective == 6
    assert list(result.roster.df["shift"]) == ["L"]


def test_encode_history_night():
    entry = {"role": "RN", "from": "00:00", "to": "06:00", "min": 1, "dates": [MON]}
    assert infeasible(sc_with(entry, staff=[person("S1")]))
    assert optimum(sc_with(entry, staff=[person("S1")], history={"S1": ["N"]})).objective == 0


# -- max: at most so many people at every minute -------------------------------------
def test_max_caps_people_present_per_segment():
    tc = {
        "role": "RN",
        "from": "07:00",
        "to": "15:00",
        "max": 1,
        "max_weight": 2,
        "dates": ["2026-12-07"],
    }
    sc = scenario(time_cover=[tc])
    # two earlies (07:00-15:00) and a late (14:00-22:00) on Monday; segments
    # cut at 07:30 (the night's end) and 14:00: 1 over for 0.5 h (-> 1) and
    # 6.5 h (-> 7), 2 over 14:00-15:00
    rows = {"S1": "E......", "S2": "E......", "S3": "L......"}
    assert found(sc, rows, RULE) == [(None, 1, 2, [0]), (None, 7, 2, [0]), (None, 2, 2, [0])]
    assert pinned(sc, rows) == 20
    # L (14:00-22:00) overlaps the window's last hour: 14:00-15:00 has S1 and S3
    assert found(sc, {"S1": "E......", "S3": "L......"}, RULE) == [(None, 1, 2, [0])]


def test_max_hard_and_min_together():
    tc = {"role": "RN", "from": "07:00", "to": "15:00", "min": 1, "max": 1, "dates": ["2026-12-07"]}
    sc = scenario(time_cover=[tc])
    assert pinned(sc, {"S1": "E......", "S2": "E......"}) is None
    assert optimum(sc).roster.df.query("shift == 'E'").shape[0] == 1
    from roster import ScenarioError

    with pytest.raises(ScenarioError, match="below min"):
        scenario(time_cover=[{**tc, "min": 2}])
    with pytest.raises(ScenarioError, match="give min"):
        scenario(time_cover=[{"role": "RN", "from": "07:00", "to": "15:00"}])

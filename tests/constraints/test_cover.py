"""cover: min / preferred / max people of a role and/or skill per shift.

A person counts for a role only on shifts worked as that role; a skill-only
entry counts everyone with the skill; date entries override weekday entries.
"""

from __future__ import annotations

import pandas as pd
import pytest
from ruletools import (
    found,
    infeasible,
    optimum,
    person,
    pin,
    pinned,
    report,
    scenario,
    with_roles,
)

from roster import Roster, ScenarioError, check
from roster.checker import RosterView
from roster.constraints.cover import SOFT_COVER_WEIGHT
from roster.records import demand_table

RULE = "cover"
MON = "2026-12-07"
ROLES = [{"id": "RN"}, {"id": "HCA"}]
SKILLS = [{"id": "charge"}]


def five() -> list[dict]:
    return [person(f"S{i}") for i in range(1, 6)]


def sc_with(*demand: dict, **extra):  # type: ignore[no-untyped-def]
    return scenario(demand=list(demand), **extra)


def on(df: pd.DataFrame, date: str, shift: str) -> pd.DataFrame:
    return df[(df["date"].astype(str) == date) & (df["shift"] == shift)]


def cover_violations(sc, roster: Roster, soft_cover: bool = False):  # type: ignore[no-untyped-def]
    return [
        (v.amount, v.weight, [(x - sc.horizon.start).days for x in v.dates])
        for v in check(sc, roster, soft_cover=soft_cover).violations
        if v.rule == RULE
    ]


# -- check ----------------------------------------------------------------------
LEVELS = {
    "shift": "E",
    "role": "RN",
    "dates": [MON],
    "min": 2,
    "min_weight": 5,
    "preferred": 3,
    "under_weight": 2,
    "over_weight": 1,
    "max": 4,
    "max_weight": 7,
}


@pytest.mark.parametrize(
    ("working", "expected"),
    [
        (0, [(None, 2, 5, [0]), (None, 3, 2, [0])]),  # 2 below min, 3 below preferred
        (1, [(None, 1, 5, [0]), (None, 2, 2, [0])]),
        (2, [(None, 1, 2, [0])]),
        (3, []),
        (4, [(None, 1, 1, [0])]),  # 1 above preferred
        (5, [(None, 2, 1, [0]), (None, 1, 7, [0])]),  # and 1 above max
    ],
)
def test_levels(working, expected):
    sc = sc_with(LEVELS, staff=five())
    rows = {f"S{i}": "E" for i in range(1, working + 1)}
    assert found(sc, rows, RULE) == expected
    rep = report(sc, rows)
    assert rep.feasible and rep.total_penalty == sum(a * w for _, a, w, _ in expected)
    assert pinned(sc, rows) == rep.total_penalty


def test_hard_min_and_max_and_soft_cover():
    sc = sc_with({"shift": "E", "role": "RN", "dates": [MON], "min": 2, "max": 2}, staff=five())
    assert found(sc, {"S1": "E"}, RULE) == [(None, 1, None, [0])]
    assert found(sc, {"S1": "E", "S2": "E", "S3": "E"}, RULE) == [(None, 1, None, [0])]
    # --soft-cover: a hard minimum becomes a heavy soft one; the max stays hard
    assert found(sc, {"S1": "E"}, RULE, soft_cover=True) == [(None, 1, SOFT_COVER_WEIGHT, [0])]
    assert pinned(sc, {"S1": "E"}) is None
    assert pinned(sc, {"S1": "E"}, soft_cover=True) == SOFT_COVER_WEIGHT
    assert pinned(sc, {"S1": "E", "S2": "E", "S3": "E"}, soft_cover=True) is None


def test_every_day_of_a_weekday_pattern():
    sc = sc_with(
        {"shift": "L", "role": "RN", "weekdays": ["sat", "sun"], "min": 1, "min_weight": 3}
    )
    assert found(sc, {"S1": "LLLLLL."}, RULE) == [(None, 1, 3, [6])]
    sc = sc_with({"shift": "L", "role": "RN", "min": 1, "min_weight": 3})
    assert found(sc, {"S1": "LLLLLL."}, RULE) == [(None, 1, 3, [6])]
    assert found(sc, {"S1": ".L.L.L."}, RULE) == [(None, 1, 3, [d]) for d in (0, 2, 4, 6)]


def test_dates_override_weekday_entries():
    sc = sc_with(
        {"shift": "E", "role": "RN", "min": 1, "min_weight": 1},
        {"shift": "E", "role": "RN", "dates": ["2026-12-09"], "min": 2, "min_weight": 4},
    )
    assert found(sc, {"S1": "EEEEEEE"}, RULE) == [(None, 1, 4, [2])]
    needs = [(n.day, n.demand.min) for n in demand_table(sc)]
    assert needs == [(0, 1), (1, 1), (2, 2), (3, 1), (4, 1), (5, 1), (6, 1)]


def test_two_weekday_entries_for_the_same_day_are_an_error():
    with pytest.raises(ScenarioError, match="demand"):
        sc_with(
            {"shift": "E", "role": "RN", "min": 1},
            {"shift": "E", "role": "RN", "weekdays": ["mon"], "min": 2},
        )
    # a different skill is a different key
    sc_with(
        {"shift": "E", "role": "RN", "min": 1},
        {"shift": "E", "role": "RN", "skill": "charge", "min": 1},
        skills=SKILLS,
    )


def test_role_counts_only_when_worked_as_that_role():
    staff = [{"id": "A", "roles": ["RN", "HCA"]}, {"id": "B", "roles": ["HCA"]}]
    sc = sc_with(
        {"shift": "E", "role": "RN", "dates": [MON], "min": 1, "min_weight": 1},
        {"shift": "E", "role": "HCA", "dates": [MON], "min": 1, "min_weight": 1},
        roles=ROLES,
        staff=staff,
    )
    # A as HCA, B as HCA: no RN
    assert cover_violations(sc, with_roles(sc, [("A", 0, "E", "HCA"), ("B", 0, "E", "HCA")])) == [
        (1, 1, [0])
    ]
    assert cover_violations(sc, with_roles(sc, [("A", 0, "E", "RN"), ("B", 0, "E", "HCA")])) == []


def test_skills_with_and_without_a_role():
    staff = [
        {"id": "A", "roles": ["RN"], "skills": ["charge"]},
        {"id": "B", "roles": ["RN"]},
        {"id": "C", "roles": ["HCA"], "skills": ["charge"]},
    ]
    skill_only = {"shift": "E", "skill": "charge", "dates": [MON], "min": 2, "min_weight": 1}
    rn_charge = {
        "shift": "E",
        "role": "RN",
        "skill": "charge",
        "dates": [MON],
        "min": 1,
        "min_weight": 10,
    }
    sc = sc_with(skill_only, rn_charge, roles=ROLES, skills=SKILLS, staff=staff)
    # B has no skill; C has it but works as HCA: 1 with the skill, no RN with it
    assert found(sc, {"B": "E", "C": "E"}, RULE) == [(None, 1, 1, [0]), (None, 1, 10, [0])]
    # A and C: 2 with the skill, A is an RN with it
    assert found(sc, {"A": "E", "C": "E"}, RULE) == []


# -- encode ---------------------------------------------------------------------
def test_encode_hard_min_needs_enough_people():
    demand = {"shift": "E", "role": "RN", "dates": [MON], "min": 2}
    assert infeasible(sc_with(demand, staff=[person("S1")]))
    assert infeasible(sc_with(demand, staff=[person("S1"), person("S2", leave=[MON])]))
    result = optimum(sc_with(demand, staff=[person("S1"), person("S2")]))
    assert len(on(result.roster.df, MON, "E")) == 2
    result = optimum(sc_with(demand, staff=[person("S1")]), soft_cover=True)
    assert result.objective == SOFT_COVER_WEIGHT


def test_encode_hard_max():
    demand = {"shift": "L", "role": "RN", "max": 0}
    assert infeasible(sc_with(demand, staff=[person("S1", fixed=pin(".L"))]))
    assert optimum(sc_with(demand, staff=[person("S1", fixed=pin(".E"))])).objective == 0


def test_encode_preferred_traded_against_requests():
    # at least 1, preferably 2 (3 per person short). Off requests on Mon:
    # S1 1, S2 5, S3 2. One person: 3 + 1 = 4; two: S1 + S3 = 3; three: 8
    def off(w):
        return [{"dates": [MON], "want": "off", "weight": w}]

    staff = [
        person("S1", requests=off(1)),
        person("S2", requests=off(5)),
        person("S3", requests=off(2)),
    ]
    sc = sc_with(
        {"shift": "E", "role": "RN", "dates": [MON], "min": 1, "preferred": 2, "under_weight": 3},
        staff=staff,
    )
    result = optimum(sc)
    assert result.objective == 3
    assert sorted(on(result.roster.df, MON, "E")["staff"]) == ["S1", "S3"]


def test_encode_over_preferred_and_soft_max():
    staff = [person(f"S{i}", fixed=pin("E")) for i in range(1, 5)]
    sc = sc_with(
        {
            "shift": "E",
            "role": "RN",
            "dates": [MON],
            "preferred": 1,
            "over_weight": 2,
            "max": 2,
            "max_weight": 5,
        },
        staff=staff,
    )
    # 4 pinned: 3 above preferred (6), 2 above max (10)
    assert optimum(sc).objective == 16


def test_encode_role_choice_for_multi_role_staff():
    staff = [{"id": "A", "roles": ["HCA", "RN"]}, {"id": "B", "roles": ["HCA"]}]
    sc = sc_with(
        {"shift": "E", "role": "RN", "dates": [MON], "min": 1, "max": 1},
        {"shift": "E", "role": "HCA", "dates": [MON], "min": 1, "max": 1},
        roles=ROLES,
        staff=staff,
    )
    df = on(optimum(sc).roster.df, MON, "E")
    assert sorted(zip(df["staff"], df["role"])) == [("A", "RN"), ("B", "HCA")]
    # B cannot be an RN: two RNs are impossible
    sc = sc_with({"shift": "E", "role": "RN", "dates": [MON], "min": 2}, roles=ROLES, staff=staff)
    assert infeasible(sc)


def test_encode_skill_only_cover():
    staff = [{"id": "A", "roles": ["RN"]}, {"id": "C", "roles": ["HCA"], "skills": ["charge"]}]
    sc = sc_with(
        {"shift": "N", "skill": "charge", "dates": [MON], "min": 1},
        roles=ROLES,
        skills=SKILLS,
        staff=staff,
    )
    assert "C" in set(on(optimum(sc).roster.df, MON, "N")["staff"])


# -- several shifts counted together ------------------------------------------------
def test_a_list_of_shifts_counts_people_on_any():
    sc = scenario(demand=[{"shift": ["L", "N"], "role": "RN", "min": 2, "min_weight": 3}])
    # Mon: one L and one N -> 2 (met); Tue: one N -> 1 short
    rows = {"S1": "LN.....", "S2": "N......", "S3": "......."}
    short = [v for v in found(sc, rows, RULE) if v[3] == [0] or v[3] == [1]]
    assert short == [(None, 1, 3, [1])]
    assert pinned(sc, rows) == 3 * (1 + 2 * 5)  # Tue 1 short, Wed-Sun 2 short each
    from ruletools import roster

    from roster.constraints.cover import coverage

    table = coverage(RosterView(sc, roster(sc, rows)))
    assert list(table["shift"][:2]) == ["L+N", "L+N"] and list(table["assigned"][:2]) == [2, 1]


def test_a_list_of_shifts_hard_in_the_solver():
    sc = scenario(
        demand=[
            {"shift": ["E", "L"], "role": "RN", "min": 1, "max": 1},
            {"shift": "N", "role": "RN", "max": 0},
        ]
    )
    df = optimum(sc).roster.df
    assert df.groupby("date").size().tolist() == [1] * 7

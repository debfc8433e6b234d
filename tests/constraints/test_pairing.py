"""together and apart: who works with whom, the same date and shift."""

from __future__ import annotations

import pytest
from ruletools import found, infeasible, optimum, person, pin, pinned, scenario

from roster import ScenarioError


def test_together_each_shift_needs_a_mentor():
    sc = scenario(rules=[{"kind": "together", "staff": ["S1"], "with": ["S2", "S3"], "weight": 5}])
    # Mon E with S2: fine; Tue L alone: one; Wed N with S3: fine
    rows = {"S1": "ELN....", "S2": "E......", "S3": "..N...."}
    assert found(sc, rows, "together") == [("S1", 1, 5, [1])]
    assert pinned(sc, rows) == 5
    assert found(sc, {"S1": "E......", "S2": "L......", "S3": "......."}, "together") == [
        ("S1", 1, 5, [0])
    ]


def test_together_hard_solves_with_the_mentor():
    staff = [person("S1", fixed=pin("E.E....")), person("S2"), person("S3")]
    demand = [{"shift": "E", "role": "RN", "max": 2}]
    sc = scenario(
        staff=staff, demand=demand, rules=[{"kind": "together", "staff": ["S1"], "with": ["S3"]}]
    )
    df = optimum(sc).roster.df
    s3 = set(df[df["staff"] == "S3"]["date"].astype(str))
    assert {"2026-12-07", "2026-12-09"} <= s3
    # the mentor on leave that day: impossible
    staff[2] = person("S3", leave=["2026-12-07"])
    assert infeasible(
        scenario(
            staff=staff,
            demand=demand,
            rules=[{"kind": "together", "staff": ["S1"], "with": ["S3"]}],
        )
    )


def test_apart_never_on_the_same_shift():
    sc = scenario(rules=[{"kind": "apart", "staff": ["S1", "S2", "S3"], "weight": 2}])
    rows = {"S1": "EL.....", "S2": "EE.....", "S3": "E......"}
    # Mon: all three on E -> 2 beyond the first; Tue: L and E, fine
    assert found(sc, rows, "apart") == [(None, 2, 2, [0])]
    assert pinned(sc, rows) == 4
    hard = scenario(
        rules=[{"kind": "apart", "staff": ["S1", "S2"]}],
        staff=[
            person("S1", fixed=pin("E......")),
            person("S2", fixed=pin("E......")),
            person("S3"),
        ],
    )
    assert infeasible(hard)


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ([{"kind": "together", "staff": ["S1"], "with": ["S9"]}], "unknown staff 'S9'"),
        ([{"kind": "together", "staff": ["S1"], "with": ["S1"]}], "cannot be in both"),
        ([{"kind": "apart", "staff": ["S1"]}], "at least 2"),
        ([{"kind": "apart", "staff": ["S1", "S2"], "scope": {"roles": ["RN"]}}], "remove scope"),
    ],
)
def test_bad_parameters(rules, message):  # type: ignore[no-untyped-def]
    with pytest.raises(ScenarioError, match=message):
        scenario(rules=rules)


def test_only_in_the_scenarios_rules():
    with pytest.raises(ScenarioError, match="write it in the scenario's rules"):
        scenario(
            contracts=[{"id": "FT", "rules": [{"kind": "apart", "staff": ["S1", "S2"]}]}],
            staff=[person("S1", contract="FT"), person("S2"), person("S3")],
        )

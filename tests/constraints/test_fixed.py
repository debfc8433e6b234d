"""fixed (always hard): a pinned assignment, optionally in a given role."""

from __future__ import annotations

from ruletools import found, infeasible, optimum, person, pin, pinned, scenario, with_roles

from roster import check

RULE = "fixed"
ROLES = [{"id": "RN"}, {"id": "HCA", "shifts": ["E"]}]


def test_check_pinned_shift_missing_or_different():
    sc = scenario(staff=[person("S1", fixed=pin("E.N")), person("S2")])
    assert found(sc, {"S1": "E.N...."}, RULE) == []
    assert found(sc, {"S1": "E.L...."}, RULE) == [("S1", 1, None, [2])]
    assert found(sc, {"S1": "......."}, RULE) == [("S1", 1, None, [0]), ("S1", 1, None, [2])]
    messages = [
        v.message
        for v in check(sc, with_roles(sc, [("S1", 2, "L", "RN")])).violations
        if v.rule == RULE
    ]
    assert messages[1] == "S1 is pinned to N on Wed 2026-12-09 but works L"
    assert pinned(sc, {"S1": "E.L...."}) is None


def test_check_pinned_role():
    staff = [
        {
            "id": "A",
            "roles": ["RN", "HCA"],
            "fixed": [{"date": "2026-12-07", "shift": "E", "role": "HCA"}],
        }
    ]
    sc = scenario(roles=ROLES, staff=staff)
    assert [v.rule for v in check(sc, with_roles(sc, [("A", 0, "E", "RN")])).violations] == [RULE]
    assert check(sc, with_roles(sc, [("A", 0, "E", "HCA")])).violations == ()


def test_encode_pins_are_kept():
    sc = scenario(staff=[person("S1", fixed=pin("N.E.L"))])
    df = optimum(sc).roster.df
    worked = dict(zip(df["date"].astype(str), df["shift"]))
    assert (worked["2026-12-07"], worked["2026-12-09"], worked["2026-12-11"]) == ("N", "E", "L")


def test_encode_pinned_role():
    staff = [
        {
            "id": "A",
            "roles": ["RN", "HCA"],
            "fixed": [{"date": "2026-12-07", "shift": "E", "role": "HCA"}],
        }
    ]
    df = optimum(scenario(roles=ROLES, staff=staff)).roster.df
    row = df[df["date"].astype(str) == "2026-12-07"]
    assert list(zip(row["shift"], row["role"])) == [("E", "HCA")]
    # HCA may not work L: a pin to L as HCA cannot hold
    staff[0]["fixed"] = [{"date": "2026-12-07", "shift": "L", "role": "HCA"}]
    assert infeasible(scenario(roles=ROLES, staff=staff))
    # an HCA-only person pinned to L (no role may work it)
    assert infeasible(
        scenario(
            roles=ROLES,
            staff=[{"id": "B", "roles": ["HCA"], "fixed": [{"date": "2026-12-07", "shift": "L"}]}],
        )
    )


def test_encode_conflicting_pins():
    # two shifts on one day; a night then an overlapping early
    assert infeasible(scenario(staff=[person("S1", fixed=pin("E") + pin("L"))]))
    assert infeasible(scenario(staff=[person("S1", fixed=pin("NE"))]))
    # a pin against a cover maximum
    assert infeasible(
        scenario(
            staff=[person("S1", fixed=pin("E"))], demand=[{"shift": "E", "role": "RN", "max": 0}]
        )
    )

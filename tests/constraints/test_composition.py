"""composition (always hard): a shift is worked as one of the person's roles,
and only as a role allowed on that shift (``roles[].shifts``)."""

from __future__ import annotations

from ruletools import infeasible, optimum, pin, scenario, with_roles

from roster import check

RULE = "composition"
ROLES = [{"id": "RN"}, {"id": "HCA", "shifts": ["E", "L"]}]
STAFF = [{"id": "A", "roles": ["RN", "HCA"]}, {"id": "B", "roles": ["HCA"]}]


def violations(sc, rows):  # type: ignore[no-untyped-def]
    return [
        (v.staff, v.amount, v.weight, v.message)
        for v in check(sc, with_roles(sc, rows)).violations
        if v.rule == RULE
    ]


def test_check_role_not_held_or_not_allowed_on_the_shift():
    sc = scenario(roles=ROLES, staff=STAFF)
    assert violations(sc, [("A", 0, "N", "RN"), ("A", 1, "E", "HCA"), ("B", 1, "L", "HCA")]) == []
    assert violations(sc, [("B", 0, "E", "RN"), ("A", 1, "N", "HCA")]) == [
        ("A", 1, None, "A cannot work N as HCA"),
        ("B", 1, None, "B cannot work E as RN"),
    ]


def test_encode_only_allowed_roles():
    # B (HCA only) pinned to a night: no role of B may work N
    staff = [STAFF[0], {"id": "B", "roles": ["HCA"], "fixed": pin("N")}]
    assert infeasible(scenario(roles=ROLES, staff=staff))
    # a night needs an RN: A has to be it, as RN
    sc = scenario(
        roles=ROLES,
        staff=STAFF,
        demand=[{"shift": "N", "role": "RN", "min": 1, "dates": ["2026-12-07"]}],
    )
    df = optimum(sc).roster.df
    night = df[df["shift"] == "N"]
    assert list(zip(night["staff"], night["role"])) == [("A", "RN")]
    # every worked shift in the solution is in an allowed role
    assert all(r == "RN" or s in ("E", "L") for s, r in zip(df["shift"], df["role"]))


def test_encode_a_person_fills_one_role_per_shift():
    # E needs an RN and an HCA on Monday; A alone cannot be both
    demand = [{"shift": "E", "role": r, "min": 1, "dates": ["2026-12-07"]} for r in ("RN", "HCA")]
    assert infeasible(scenario(roles=ROLES, staff=STAFF[:1], demand=demand))
    df = optimum(scenario(roles=ROLES, staff=STAFF, demand=demand)).roster.df
    mon = df[df["date"].astype(str) == "2026-12-07"]
    assert sorted(zip(mon["staff"], mon["role"])) == [("A", "RN"), ("B", "HCA")]

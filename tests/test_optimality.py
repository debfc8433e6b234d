"""The solver's optimum is the true optimum: on tiny random scenarios, score
every possible roster with the checker and compare the best with solve().

This catches what objective == check on the returned roster cannot: an
encoding that cuts off good rosters, or one that penalises too much.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roster import Roster, SolveParams, SolveStatus, check, load_scenario, solve
from roster.constraints import registry

START = dt.date(2026, 12, 12)  # a Saturday: the horizon holds a weekend
SHIFTS = [
    {"id": "E", "start": "07:00", "end": "15:00"},
    {"id": "L", "start": "14:00", "end": "22:00"},
    {"id": "N", "start": "21:00", "end": "07:00"},
]

weights = st.one_of(st.none(), st.integers(1, 9))


@st.composite
def rules(draw, ids):  # type: ignore[no-untyped-def]
    """Any rule kind in the registry, with parameters it draws itself."""
    kind = draw(st.sampled_from(sorted(registry)))
    rule = {"kind": kind, **registry[kind].draw_parameters(draw, ids)}
    rule = {k: v for k, v in rule.items() if v is not None}
    weight = draw(weights)
    if weight is not None:
        rule["weight"] = weight
    return rule


@st.composite
def scenarios(draw):  # type: ignore[no-untyped-def]
    days = draw(st.integers(2, 3))
    # at most 3^6 or 4^4 rosters to enumerate
    shifts = SHIFTS[: draw(st.integers(2, 3 if days == 2 else 2))]
    ids = [s["id"] for s in shifts]
    staff = []
    for i in range(2):
        person = {"id": f"P{i}", "roles": ["RN"], "hours_per_week": draw(st.sampled_from([20, 40]))}
        if draw(st.booleans()):
            person["requests"] = [
                {
                    "dates": [(START + dt.timedelta(draw(st.integers(0, days - 1)))).isoformat()],
                    "shift": draw(st.sampled_from([None, *ids])),
                    "want": draw(st.sampled_from(["on", "off"])),
                    "weight": draw(st.integers(1, 9)),
                }
            ]
        if draw(st.integers(0, 4)) == 0:
            person["leave"] = [(START + dt.timedelta(draw(st.integers(0, days - 1)))).isoformat()]
        staff.append(person)
    demand = [
        {
            "shift": sid,
            "role": "RN",
            "min": draw(st.integers(0, 1)),
            "min_weight": draw(weights),
            "preferred": 1,
            "under_weight": draw(st.integers(0, 5)),
            "over_weight": draw(st.integers(0, 3)),
            "max": 2,
        }
        for sid in ids
        if draw(st.booleans())
    ]
    data = {
        "horizon": {"start": START.isoformat(), "days": days},
        "shifts": shifts,
        "roles": [{"id": "RN"}],
        "staff": staff,
        "demand": demand,
        "rules": draw(
            st.lists(
                rules(
                    {
                        "staff_ids": [p["id"] for p in staff],
                        "shift_ids": ids,
                        "duty_ids": [],
                        "days": days,
                        "date": lambda d: (START + dt.timedelta(d)).isoformat(),
                    }
                ),
                max_size=3,
            )
        ),
    }
    if draw(st.booleans()):
        data["history"] = {
            "P0": draw(st.lists(st.sampled_from(["-", *ids]), min_size=1, max_size=3))
        }
    if draw(st.booleans()):
        data["time_cover"] = [
            {"role": "RN", "from": "12:00", "to": "20:00", "min": 1, "weight": draw(weights)}
        ]
    return data


def brute_force(sc, choices=None) -> int | None:  # type: ignore[no-untyped-def]
    """The least total penalty over every roster the hard rules allow;
    ``choices``: what a person-day may hold (default: off or one shift)."""
    if choices is None:
        choices = [(), *((t,) for t in sc.shift_by_id)]
    cells = [(p.id, d) for p in sc.staff for d in range(sc.horizon.days)]
    best = None
    for choice in itertools.product(choices, repeat=len(cells)):
        rows = [(sid, sc.dates[d], t, "RN") for (sid, d), held in zip(cells, choice) for t in held]
        report = check(sc, Roster(pd.DataFrame(rows, columns=["staff", "date", "shift", "role"])))
        if report.feasible and (best is None or report.total_penalty < best):
            best = report.total_penalty
    return best


def assert_solver_finds(sc, choices=None) -> None:  # type: ignore[no-untyped-def]
    """solve() proves the brute-force optimum (or infeasibility)."""
    expected = brute_force(sc, choices)
    result = solve(sc, SolveParams(time_limit=10, workers=1, seed=0, explain=False))
    if expected is None:
        assert result.status == SolveStatus.INFEASIBLE
    else:
        assert result.status == SolveStatus.OPTIMAL
        assert result.objective == expected


@settings(
    max_examples=35, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@pytest.mark.slow
@given(scenarios())
def test_solver_optimum_equals_brute_force_optimum(data):
    assert_solver_finds(load_scenario(data))


# -- on-call duties: a day holds nothing, D, OC or D+OC ----------------------------
@st.composite
def duty_scenarios(draw):  # type: ignore[no-untyped-def]
    """A day shift and an evening on-call, resident or not, with rules that
    count duties."""
    resident = draw(st.booleans())
    duty = {
        "id": "OC",
        "start": draw(st.sampled_from(["17:00", "16:00", "20:00"])),
        "end": "08:00",
        "resident": resident,
        "paid_fraction": draw(st.sampled_from([0, 0.25, 1])),
    }
    w = draw(weights)
    pool = [
        {"kind": "window", "what": "duties", "duties": ["OC"], "days": 2, "max": 1, "weight": w},
        {"kind": "succession", "first": "OC", "weight": w},
        {"kind": "min_rest", "hours": 11, "weight": w},
        {"kind": "hours", "max_hours": draw(st.sampled_from([8, 12, 20])), "weight": w},
        {"kind": "shift_count", "duties": ["OC"], "max": 1, "weight": w},
        {"kind": "fairness", "measure": "duties", "weight": draw(st.integers(1, 5))},
        {"kind": "window", "what": "work", "days": 2, "max": 1, "weight": w},
    ]
    staff = []
    for i in range(2):
        person = {"id": f"P{i}", "roles": ["RN"], "hours_per_week": 37.5}
        if draw(st.booleans()):
            person["requests"] = [
                {
                    "dates": [(START + dt.timedelta(draw(st.integers(0, 1)))).isoformat()],
                    "shift": draw(st.sampled_from([None, "D", "OC"])),
                    "want": draw(st.sampled_from(["on", "off"])),
                    "weight": draw(st.integers(1, 9)),
                }
            ]
        staff.append(person)
    return {
        "horizon": {"start": START.isoformat(), "days": 2},
        "shifts": [{"id": "D", "start": "08:00", "end": "17:00"}],
        "duties": [duty],
        "roles": [{"id": "RN"}],
        "staff": staff,
        "demand": [
            {"duty": "OC", "role": "RN", "min": 1, "min_weight": draw(weights)},
            {
                "shift": "D",
                "role": "RN",
                "min": 1,
                "preferred": 2,
                "under_weight": draw(st.integers(0, 3)),
            },
        ],
        "rules": draw(st.lists(st.sampled_from(pool), max_size=3)),
    }


@settings(
    max_examples=30, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@pytest.mark.slow
@given(duty_scenarios())
def test_solver_optimum_with_duties_equals_brute_force(data):
    assert_solver_finds(load_scenario(data), [(), ("D",), ("OC",), ("D", "OC")])

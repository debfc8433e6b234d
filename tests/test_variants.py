"""What-if variants: reading --vary, and each change applied to a scenario."""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path

import pytest

from roster import load_scenario
from roster.constraints.time_cover import segments
from roster.load import read_data
from roster.variants import VaryError, apply, grid, parse_vary, read_variants

WARD = Path(__file__).parents[1] / "scenarios" / "medical-ward.yaml"


@pytest.fixture(scope="module")
def ward():  # type: ignore[no-untyped-def]
    return read_data(WARD), load_scenario(WARD)


def changed(ward, **values: str):  # type: ignore[no-untyped-def]
    data, base = ward
    return load_scenario(apply(data, base, {k.replace("__", "."): v for k, v in values.items()}))


@pytest.mark.parametrize(
    "spec, key, values",
    [
        ("staff.RN=-2..1", "staff.RN", ("-2", "-1", "0", "+1")),
        ("staff.RN=2", "staff.RN", ("+2",)),
        ("staff.RN+=2", "staff.RN", ("+2",)),
        ("staff.PH-=1", "staff.PH", ("-1",)),
        ("staff.RN@rn-part=0,1", "staff.RN@rn-part", ("0", "+1")),
        ("demand.RN.N=1.0, 1.2", "demand.RN.N", ("1.0", "1.2")),
        ("demand.NA*=1.5", "demand.NA", ("1.5",)),
        ("demand.NA+=1", "demand.NA", ("+1",)),
        ("demand.NA=+0..+2", "demand.NA", ("+0", "+1", "+2")),
        ("leave.PH1=-,2026-12-08..2026-12-10", "leave.PH1", ("-", "2026-12-08..2026-12-10")),
        (
            "contract.rn-full.hours_per_week=30,37.5",
            "contract.rn-full.hours_per_week",
            ("30", "37.5"),
        ),
    ],
)
def test_parse_vary(spec: str, key: str, values: tuple[str, ...]) -> None:
    axis = parse_vary(spec)
    assert (axis.key, axis.values) == (key, values)


@pytest.mark.parametrize(
    "spec, message",
    [
        ("staff.RN", "write KEY=VALUES"),
        ("nurses.RN=1", "unknown key"),
        ("staff.RN=1.5", "not a whole number"),
        ("staff.RN*=2", "*= is for demand"),
        ("demand.RN=lots", "not a number"),
        ("demand.RN=-1.5", "whole number of people"),
        ("demand.RN+=1,2", "takes one value"),
        ("leave.PH1=2026-13-01", "not a date"),
        ("leave.PH1=2026-12-10..2026-12-08", "ends before it starts"),
        ("staff.RN=1,1", "listed twice"),
    ],
)
def test_parse_vary_errors(spec: str, message: str) -> None:
    with pytest.raises(VaryError, match=re.escape(message)):
        parse_vary(spec)


def test_grid_is_every_combination_named_by_its_values() -> None:
    variants = grid([parse_vary("staff.RN=-1..1"), parse_vary("demand.NA=1,1.5")])
    assert len(variants) == 6
    assert variants[0].name == "staff.RN=-1__demand.NA=1"
    assert len({v.name for v in variants}) == 6
    with pytest.raises(VaryError, match="varied twice"):
        grid([parse_vary("staff.RN=1"), parse_vary("staff.RN=2")])


def test_adding_staff_clones_a_typical_person_without_personal_entries(ward) -> None:
    sc = changed(ward, staff__RN="+2")
    new = [p for p in sc.staff if p.id.startswith("RN+")]
    assert [p.id for p in new] == ["RN+1", "RN+2"]
    # 7 full-time RNs without a skill are the most common kind: R06 is the first
    assert all(p.contract == "rn-full" and p.roles == ["RN"] and p.skills == [] for p in new)
    assert new[0].name == "new RN 1 (like R06)"
    sc = changed(ward, **{"staff__RN@rn-full": "+1", "staff__NA": "+1"})
    assert sc.staff_by_id["RN+1"].name == "new RN 1 (like R06)"
    sc = changed(ward, **{"staff__RN@R07": "+1"})  # on leave in the original
    assert not sc.staff_by_id["RN+1"].leave and sc.staff_by_id["R07"].leave


def test_adding_from_a_named_template(ward) -> None:
    sc = changed(ward, **{"staff__RN@R13": "+1"})
    clone = sc.staff_by_id["RN+1"]
    assert clone.contract == "rn-part"
    assert [r.kind for r in clone.rules] == ["max_weekends"]  # her own rules come along


def test_removing_staff_takes_the_last_listed_without_pins_and_their_history(ward) -> None:
    data, base = ward
    sc = changed(ward, staff__PH="-1")
    assert [p.id for p in sc.staff if "PH" in p.roles] == ["PH1", "PH2"]
    sc = changed(ward, staff__PH="-3")  # PH1 has a pin, so it goes last
    assert not [p for p in sc.staff if "PH" in p.roles]
    assert "PH1" not in sc.history
    with pytest.raises(VaryError, match="only 3 people"):
        apply(data, base, {"staff.PH": "-4"})


def test_removing_someone_named_in_a_rule_scope(ward) -> None:
    data, base = ward
    data = {
        **data,
        "rules": [
            *data["rules"],
            {"kind": "max_weekends", "max": 0, "scope": {"staff": ["A12", "A11"]}},
        ],
    }
    base = load_scenario(data)
    sc = load_scenario(apply(data, base, {"staff.NA": "-1"}))
    assert "A12" not in sc.staff_by_id
    assert sc.rules[-1].scope.staff == ["A11"]


def _needs(sc):  # type: ignore[no-untyped-def]
    return {
        (n.day, n.shift, n.role, n.skill): (n.demand.min, n.demand.preferred, n.demand.max)
        for n in sc.needs
    }


@pytest.mark.parametrize(
    "key, value, selected",
    [
        ("demand.NA", "1.5", lambda d, s, wd: True),
        ("demand.NA.N", "2", lambda d, s, wd: s == "N"),
        ("demand.NA.E.sat.sun", "+1", lambda d, s, wd: s == "E" and wd in ("sat", "sun")),
        ("demand.NA.2026-12-09", "-1", lambda d, s, wd: d == 2),
        ("demand.PH.D.2026-12-09.wed", "3", lambda d, s, wd: s == "D" and d == 2),
    ],
)
def test_demand_changes_exactly_the_selected_needs(ward, key: str, value: str, selected) -> None:
    data, base = ward
    sc = load_scenario(apply(data, base, {key: value}))
    before, after = _needs(base), _needs(sc)
    assert before.keys() == after.keys()
    role = key.split(".")[1]
    for k, levels in before.items():
        d, shift, r, _ = k
        if r == role and selected(d, shift, base.weekday(d)):
            f = (
                (lambda n: max(0, n + int(value)))
                if value[0] in "+-"
                else (lambda n: math.ceil(n * float(value) - 1e-9))
            )
            assert after[k] == tuple(None if x is None else f(x) for x in levels), k
        else:
            assert after[k] == levels, k


def _windows(sc):  # type: ignore[no-untyped-def]
    out: dict[tuple, int] = {}
    for seg in segments(sc):
        key = (seg.day, seg.entry.role, seg.entry.skill, seg.entry.weight, seg.a, seg.b)
        assert key not in out
        out[key] = seg.entry.min
    return out


def test_demand_on_a_clock_window_and_weekday(ward) -> None:
    data, base = ward
    sc = load_scenario(apply(data, base, {"demand.RN.15:00-07:00.sat": "1.3"}))
    before, after = _windows(base), _windows(sc)
    assert before.keys() == after.keys()
    changed_keys = [k for k in before if before[k] != after[k]]
    assert changed_keys and all(
        base.weekday(k[0]) == "sat" and k[2] is None and k[3] is None for k in changed_keys
    )
    # the 3-RN evening and night window goes to 4 on Saturday only
    assert {after[k] for k in changed_keys} == {4}


def test_demand_for_a_role_leaves_its_skill_entries_alone(ward) -> None:
    data, base = ward
    sc = load_scenario(apply(data, base, {"demand.RN": "2"}))
    assert [t.min for t in sc.time_cover if t.skill == "charge"] == [1, 1]
    assert [t.min for t in sc.time_cover if t.skill is None] == [8, 6, 8]
    sc = load_scenario(apply(data, base, {"demand.charge": "+1"}))
    assert [t.min for t in sc.time_cover if t.skill == "charge"] == [2, 2]


def test_demand_scaled_to_zero_drops_a_clock_window(ward) -> None:
    sc = changed(ward, **{"demand__charge": "0"})
    assert not [t for t in sc.time_cover if t.skill == "charge"]


@pytest.mark.parametrize(
    "values, message",
    [
        ({"demand.XX": "2"}, "neither a role nor a skill"),
        ({"demand.RN.N": "2"}, "no demand or time_cover entry matches"),
        ({"demand.NA.Q": "2"}, "is not a shift"),
        ({"contract.nope.hours_per_week": "3"}, "unknown contract"),
        ({"contract.rn-full.consecutive.max": "6"}, "2 rules match 'consecutive'"),
        ({"contract.rn-full.hours.foo": "6"}, "2 rules match 'hours' (rules[0], rules[1])"),
        ({"contract.rn-full.rules[0].foo": "6"}, "no parameter 'foo'"),
        ({"rule.nope.max": "1"}, "no rule 'nope'"),
        ({"staff.XX": "1"}, "unknown role"),
        ({"staff.RN@nobody": "1"}, "neither a person nor a contract"),
        ({"leave.nobody": "2026-12-08"}, "unknown staff"),
    ],
)
def test_change_errors_name_the_key(ward, values: dict[str, str], message: str) -> None:
    data, base = ward
    with pytest.raises(VaryError, match=re.escape(message)):
        apply(data, base, values)


def test_contract_and_rule_parameters(ward) -> None:
    sc = changed(
        ward,
        **{
            "contract__rn-full__hours_per_week": "30",
            "contract__rn-full__rules[2]__max": "6",
            "rule__fair nights__max_spread": "4",
        },
    )
    rn_full = sc.contract_by_id["rn-full"]
    assert rn_full.hours_per_week == 30
    assert rn_full.rules[2].max == 6 and rn_full.rules[4].max == 4  # nights in a row unchanged
    assert next(r for r in sc.rules if r.name == "fair nights").max_spread == 4
    sc = changed(ward, **{"contract__rn-full__nights in a row__max": "3"})
    assert sc.contract_by_id["rn-full"].rules[4].max == 3


def test_an_invalid_value_is_caught_by_the_scenario_check(ward) -> None:
    data, base = ward
    with pytest.raises(
        VaryError,
        match=r"rules\[2\]\.max=-3 makes the scenario invalid(.|\n)*"
        r"must be at least 1",
    ):
        apply(data, base, {"contract.rn-full.rules[2].max": "-3", "staff.NA": "+1"})
    from roster import ScenarioError

    with pytest.raises(ScenarioError, match="must be at least 1"):
        load_scenario(apply(data, base, {"contract.rn-full.rules[2].max": "-3"}))


def test_leave_is_added_and_pins_on_it_give_way(ward) -> None:
    sc = changed(ward, leave__PH1="2026-12-11..2026-12-13")
    assert {sc.dates[d] for d in sc.leave_days["PH1"]} == {
        dt.date(2026, 12, 11),
        dt.date(2026, 12, 12),
        dt.date(2026, 12, 13),
    }
    assert sc.staff_by_id["PH1"].fixed == []  # the Saturday on-call pin
    assert changed(ward, leave__PH1="-").staff_by_id["PH1"].fixed


def test_read_variants_from_csv_and_yaml(tmp_path: Path) -> None:
    (tmp_path / "v.csv").write_text("variant,staff.RN,demand.NA\nnow,,\nmore,+1,1.5\n")
    keys, variants = read_variants(tmp_path / "v.csv")
    assert keys == ["staff.RN", "demand.NA"]
    assert [(v.name, v.values) for v in variants] == [
        ("now", {}),
        ("more", {"staff.RN": "+1", "demand.NA": "1.5"}),
    ]
    (tmp_path / "v.yaml").write_text("- {staff.RN: -1}\n- {staff.RN: 2, leave.PH1: 2026-12-08}\n")
    keys, variants = read_variants(tmp_path / "v.yaml")
    assert keys == ["staff.RN", "leave.PH1"]
    assert variants[1].values == {"staff.RN": "+2", "leave.PH1": "2026-12-08"}
    (tmp_path / "bad.yaml").write_text("staff.RN: 1\n")
    with pytest.raises(VaryError, match="a list of variants"):
        read_variants(tmp_path / "bad.yaml")

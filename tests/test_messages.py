"""What a scenario's author reads when the file is wrong: date ranges written
FIRST..LAST wherever dates are listed, weekday names in any case, and every
problem reported in one run, each located."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from roster import load_scenario
from roster.validation import ScenarioError
from tests.helpers import BASE


def _data(**sections: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    data.update(copy.deepcopy(sections))
    return data


def _problems(data: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(ScenarioError) as caught:
        load_scenario(data)
    return caught.value.problems


# -- date ranges ---------------------------------------------------------------
def test_a_range_is_the_same_as_from_to_in_every_date_list() -> None:
    ranged = _data(
        staff=[
            {
                "id": "S1",
                "roles": ["RN"],
                "leave": [
                    "2026-12-08..2026-12-09",
                    {"date": "2026-12-11..2026-12-12", "type": "sick"},
                ],
                "unavailable": [{"dates": ["2026-12-07..2026-12-07"], "shifts": ["N"]}],
                "requests": [{"dates": ["2026-12-10..2026-12-13"], "want": "off"}],
            },
        ],
        demand=[{"shift": "E", "role": "RN", "min": 1, "dates": ["2026-12-07..2026-12-08"]}],
        time_cover=[
            {
                "role": "RN",
                "from": "08:00",
                "to": "09:00",
                "min": 1,
                "dates": ["2026-12-09..2026-12-10"],
            }
        ],
    )
    written = _data(
        staff=[
            {
                "id": "S1",
                "roles": ["RN"],
                "leave": [
                    {"from": "2026-12-08", "to": "2026-12-09"},
                    {"from": "2026-12-11", "to": "2026-12-12", "type": "sick"},
                ],
                "unavailable": [
                    {"dates": [{"from": "2026-12-07", "to": "2026-12-07"}], "shifts": ["N"]}
                ],
                "requests": [
                    {"dates": [{"from": "2026-12-10", "to": "2026-12-13"}], "want": "off"}
                ],
            },
        ],
        demand=[
            {
                "shift": "E",
                "role": "RN",
                "min": 1,
                "dates": [{"from": "2026-12-07", "to": "2026-12-08"}],
            }
        ],
        time_cover=[
            {
                "role": "RN",
                "from": "08:00",
                "to": "09:00",
                "min": 1,
                "dates": [{"from": "2026-12-09", "to": "2026-12-10"}],
            }
        ],
    )
    a, b = load_scenario(ranged), load_scenario(written)
    assert a.leave_of == b.leave_of == {"S1": {1: "annual", 2: "annual", 4: "sick", 5: "sick"}}
    assert [n.day for n in a.needs] == [n.day for n in b.needs] == [0, 1]
    assert a.unavailable_days(a.staff[0].unavailable[0]) == frozenset({0})
    assert a.staff[0].requests == b.staff[0].requests
    assert a.time_cover == b.time_cover


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("2026-12-09..2026-12-08", "the last day (2026-12-08) is before the first (2026-12-09)"),
        ("2026-12-0x..2026-12-09", "'2026-12-0x' is not a date"),
        ("2026-12-08..", "'' is not a date"),
        ("2026-02-30..2026-03-01", "'2026-02-30' is not a date"),
    ],
)
def test_a_bad_range_is_located_and_says_how_to_write_one(written: str, said: str) -> None:
    data = _data(staff=[{"id": "S1", "roles": ["RN"], "leave": ["2026-12-07", written]}])
    data["demand"] = [{"shift": "E", "role": "RN", "min": 1, "dates": [written]}]
    problems = dict(_problems(data))
    for where in ("staff[0] (S1).leave[1]", "demand[0].dates[0]"):
        assert said in problems[where], problems
        assert "FIRST..LAST" in problems[where] and "2027-03-03..2027-03-05" in problems[where]


# -- weekdays ------------------------------------------------------------------
def test_weekday_names_in_any_case() -> None:
    sc = load_scenario(
        _data(
            weekend=["SAT", "Sun"],
            demand=[{"shift": "E", "role": "RN", "min": 1, "weekdays": ["Mon", "TUE", "hol"]}],
            staff=[{"id": "S1", "roles": ["RN"], "unavailable": [{"weekdays": ["Fri"]}]}],
            contracts=[{"id": "c", "leave_hours": {"annual": {"Mon": 7.5}}}],
            rules=[{"kind": "min_rest", "hours": 11, "scope": {"weekdays": ["WED"]}}],
        )
    )
    assert sc.weekend == ["sat", "sun"]
    assert sc.demand[0].weekdays == ["mon", "tue", "hol"]
    assert sc.staff[0].unavailable[0].weekdays == ["fri"]
    assert sc.contracts[0].leave_hours == {"annual": {"mon": 7.5}}
    assert sc.rules[0].scope.weekdays == ["wed"]


def test_a_wrong_weekday_is_one_problem_quoting_what_was_written() -> None:
    problems = _problems(_data(weekend=["Mo"]))
    assert len(problems) == 1
    assert problems[0][0] == "weekend[0]" and "(got 'Mo')" in problems[0][1]


# -- every problem in one run --------------------------------------------------
def test_field_errors_and_unknown_ids_in_one_pass() -> None:
    data = _data(
        staff=[
            {"id": "S1", "roles": ["RN"], "hours_per_week": -3},  # a field error
            {"id": "S2", "roles": ["RN"], "contract": "fulltime"},  # an unknown id
            {"id": "S3", "roles": ["R N"]},  # its only role is not an id
        ],
        contracts=[{"id": "full-time"}],
        demand=[
            {"shift": "E", "role": "RN", "min": "x"},  # a field error
            {"shift": "L", "role": "XX", "min": 1},  # an unknown role, after one left out
        ],
        history={"S3": ["E", "Q"], "ZZ": ["-"]},  # S3 is defined, though broken
        rules=[
            {"kind": "consecutive", "max": 0},
            {"kind": "min_rest", "hours": 11, "scope": {"staff": ["NOPE"]}},
        ],
    )
    problems = _problems(data)
    where = [p for p, _ in problems]
    assert where == [
        "staff[0] (S1).hours_per_week",
        "staff[2] (S3).roles[0]",
        "demand[0].min",
        "rules[0] (consecutive).max",
        # the cross-checks, in the same run, with the file's own indexes
        "staff[1] (S2).contract",
        "rules[1] (min_rest).scope.staff[0]",
        "demand[1].role",
        "history.S3[1]",
        "history.ZZ",
    ], problems
    said = dict(problems)
    assert said["staff[1] (S2).contract"] == "unknown contract 'fulltime'; allowed: full-time"
    assert said["demand[1].role"].startswith("unknown role 'XX'")
    assert "unknown staff 'S3'" not in " ".join(said.values())  # broken, not missing


def test_a_reference_to_an_entry_that_did_not_parse_is_not_blamed() -> None:
    data = _data(demand=[{"shift": "L", "role": "RN", "min": 1}])
    data["shifts"][1]["start"] = "25:00"  # L is broken
    problems = _problems(data)
    assert [p for p, _ in problems] == ["shifts[1] (L).start"]


def test_a_duplicate_cover_after_an_entry_left_out_keeps_the_files_indexes() -> None:
    data = _data(
        demand=[
            {"shift": "E", "role": "RN", "min": 2, "max": 1},  # left out whole
            {"shift": "E", "role": "RN", "min": 1},
            {"shift": "E", "role": "RN", "min": 2},
        ]
    )
    problems = _problems(data)
    assert problems[0][0] == "demand[0]"
    assert problems[1][0] == "demand" and "demand[1] and demand[2] both set E" in problems[1][1]


def test_no_cross_check_without_a_horizon() -> None:
    data = _data(staff=[{"id": "S1", "roles": ["XX"]}])
    data["horizon"] = {"start": "2026-12-07", "days": 0}
    assert [p for p, _ in _problems(data)] == ["horizon.days"]

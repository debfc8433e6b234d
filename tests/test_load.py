"""Reading scenarios: YAML 1.2 and JSON, and bad input reported as
(field path, what is wrong, what is allowed) — never a crash."""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from roster import Scenario, ScenarioError, load_scenario
from roster.constraints import registry
from roster.load import read_data

DATA = Path(__file__).parent / "data"
SMALL = DATA / "small.yaml"

#: pydantic / Python wording a ward manager should never see
JARGON = (
    "Input should",
    "Value error",
    "pydantic",
    "errors.pydantic.dev",
    "type=",
    "Traceback",
    "instance of",
    "<unicode string>",
    "dictionary",
)


_SMALL_DATA = read_data(SMALL)


def small() -> dict[str, Any]:
    return copy.deepcopy(_SMALL_DATA)


def write_json(tmp_path: Path, data: dict[str, Any], name: str = "scenario.json") -> Path:
    """Name it .yaml to go through the YAML reader (JSON text is YAML too)."""
    path = tmp_path / name
    path.write_text(json.dumps(data, indent=1, default=str), encoding="utf-8")
    return path


def problems_of(source: Any) -> list[tuple[str, str]]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(source)
    err = info.value
    text = err.render()
    for word in JARGON:
        assert word not in text, f"jargon {word!r} in:\n{text}"
    return err.problems


def find(problems: list[tuple[str, str]], path: str) -> str:
    """The message for this exact field path (fails listing what was found)."""
    hits = [msg for p, msg in problems if p == path]
    assert hits, f"no problem at {path!r}; got {problems}"
    return hits[0]


# -- good input ------------------------------------------------------------------
def test_load_yaml_file() -> None:
    sc = load_scenario(SMALL)
    assert isinstance(sc, Scenario)
    assert sc.name == "Small ward"
    assert sc.horizon.start == dt.date(2026, 12, 11) and sc.horizon.days == 4
    assert [s.id for s in sc.shifts] == ["E", "L", "N"]
    night = sc.shift_by_id["N"]
    assert night.duration == 600 and night.is_night
    assert sc.shift_by_id["E"].paid_minutes == 8 * 60
    assert sc.staff_by_id["B"].leave == [dt.date(2026, 12, 13)]
    assert sc.history_of("C") == ["E", None]
    assert sc.hours_per_week("A") == 37.5


def test_load_accepts_str_path_and_dict() -> None:
    assert load_scenario(str(SMALL)) == load_scenario(SMALL) == load_scenario(small())


def test_json_file_is_accepted_and_equals_yaml() -> None:
    from_json = load_scenario(DATA / "small.json")
    assert from_json.model_dump() == load_scenario(SMALL).model_dump()


def test_yaml_1_2_keeps_off_on_no_as_shift_codes() -> None:
    """Under YAML 1.1, OFF/ON/NO/Y would be booleans and 07:00 the number 420."""
    sc = load_scenario(DATA / "yaml12.yaml")
    assert [s.id for s in sc.shifts] == ["ON", "OFF", "NO", "Y"]
    assert sc.shift_by_id["ON"].start == 7 * 60
    assert sc.history["A"] == ["NO", "NO", "OFF", "ON", "Y", "-"]
    assert sc.history_of("B") == ["OFF", None]
    assert [d.shift for d in sc.demand] == ["NO", "ON", "OFF"]
    assert sc.staff_by_id["A"].fixed[0].shift == "OFF"
    assert sc.staff_by_id["B"].requests[0].shift == "NO"
    assert sc.staff_by_id["B"].requests[0].want == "on"
    succession = sc.rules[0]
    assert succession.first == ["NO"] and succession.then == ["ON", "Y"]


def test_parse_keeps_dates_as_text_until_validated() -> None:
    """Dates are checked by the scenario model, so a bad one gets a field path."""
    data = read_data(SMALL)
    assert data["horizon"]["start"] == "2026-12-11"
    assert data["name"] == "Small ward"


# -- bad input: one problem, its path, its message --------------------------------
Mutation = Callable[[dict[str, Any]], None]


def _staff(i: int, **fields: Any) -> Mutation:
    def f(d: dict[str, Any]) -> None:
        d["staff"][i].update(fields)

    return f


def _rules(*rules: dict[str, Any]) -> Mutation:
    def f(d: dict[str, Any]) -> None:
        d["rules"] = list(rules)

    return f


def _set(section: str, value: Any) -> Mutation:
    def f(d: dict[str, Any]) -> None:
        d[section] = value

    return f


def _contract_rules(*rules: dict[str, Any]) -> Mutation:
    def f(d: dict[str, Any]) -> None:
        d["contracts"][0]["rules"] = list(rules)

    return f


def _dup(section: str) -> Mutation:
    def f(d: dict[str, Any]) -> None:
        d[section].append(copy.deepcopy(d[section][-1]))

    return f


STAFF_IDS = "allowed: A, B, C, D, F, P1"
SHIFT_IDS = "allowed: E, L, N"

CASES: list[tuple[str, Mutation, str, list[str]]] = [
    # unknown fields, with the allowed ones listed
    (
        "unknown field in staff",
        _staff(1, colour="red"),
        "staff[1] (B).colour",
        ["unknown field 'colour'", "allowed:", "roles", "contract", "leave"],
    ),
    (
        "unknown top-level section",
        _set("wards", []),
        "wards",
        ["unknown field 'wards'", "allowed:", "horizon", "staff", "demand"],
    ),
    (
        "unknown field in a rule",
        _rules({"kind": "min_rest", "hourz": 11}),
        "rules[0] (min_rest).hourz",
        ["unknown field 'hourz'", "allowed:", "hours"],
    ),
    (
        "unknown field in a shift",
        lambda d: d["shifts"][0].update(brake=30),
        "shifts[0] (E).brake",
        ["unknown field 'brake'", "break_minutes"],
    ),
    # unknown ids, everywhere they are referenced
    (
        "unknown role of a person",
        _staff(1, roles=["HCA"]),
        "staff[1] (B).roles[0]",
        ["unknown role 'HCA'", "allowed: PH, RN"],
    ),
    (
        "unknown skill of a person",
        _staff(1, skills=["iv"]),
        "staff[1] (B).skills[0]",
        ["unknown skill 'iv'", "allowed: charge"],
    ),
    (
        "unknown contract",
        _staff(1, contract="part-time"),
        "staff[1] (B).contract",
        ["unknown contract 'part-time'", "allowed: full-time"],
    ),
    (
        "unknown staff in history",
        _set("history", {"Z": ["N"]}),
        "history.Z",
        ["unknown staff 'Z'", STAFF_IDS],
    ),
    (
        "unknown shift in history",
        _set("history", {"A": ["E", "X"]}),
        "history.A[1]",
        ["unknown shift 'X'", "'-' for a day off", SHIFT_IDS],
    ),
    (
        "unknown shift in demand",
        lambda d: d["demand"][0].update(shift="X"),
        "demand[0].shift",
        ["unknown shift 'X'", SHIFT_IDS],
    ),
    (
        "unknown role in demand",
        lambda d: d["demand"][1].update(role="HCA"),
        "demand[1].role",
        ["unknown role 'HCA'", "allowed: PH, RN"],
    ),
    (
        "unknown skill in demand",
        lambda d: d["demand"][0].update(skill="iv"),
        "demand[0].skill",
        ["unknown skill 'iv'", "allowed: charge"],
    ),
    (
        "unknown role in time cover",
        _set("time_cover", [{"role": "HCA", "from": "07:00", "to": "09:00", "min": 1}]),
        "time_cover[0].role",
        ["unknown role 'HCA'"],
    ),
    (
        "unknown skill in time cover",
        _set("time_cover", [{"skill": "iv", "from": "07:00", "to": "09:00", "min": 1}]),
        "time_cover[0].skill",
        ["unknown skill 'iv'"],
    ),
    (
        "unknown shift of a role",
        lambda d: d["roles"][1].update(shifts=["X"]),
        "roles[1].shifts[0]",
        ["unknown shift 'X'"],
    ),
    (
        "unknown shift pinned",
        _staff(0, fixed=[{"date": "2026-12-11", "shift": "X"}]),
        "staff[0] (A).fixed[0].shift",
        ["unknown shift 'X'", SHIFT_IDS],
    ),
    (
        "unknown role pinned",
        _staff(0, fixed=[{"date": "2026-12-11", "shift": "E", "role": "HCA"}]),
        "staff[0] (A).fixed[0].role",
        ["unknown role 'HCA'"],
    ),
    (
        "pinned role the person lacks",
        _staff(0, fixed=[{"date": "2026-12-11", "shift": "E", "role": "PH"}]),
        "staff[0] (A).fixed[0].role",
        ["'PH' is not one of A's roles", "RN"],
    ),
    (
        "pinned date outside the horizon",
        _staff(0, fixed=[{"date": "2027-01-05", "shift": "E"}]),
        "staff[0] (A).fixed[0].date",
        ["2027-01-05 is outside the horizon", "2026-12-11..2026-12-14"],
    ),
    (
        "unknown shift in a request",
        _staff(0, requests=[{"dates": ["2026-12-12"], "shift": "X", "want": "off"}]),
        "staff[0] (A).requests[0].shift",
        ["unknown shift 'X'"],
    ),
    (
        "unknown shift when unavailable",
        _staff(0, unavailable=[{"dates": ["2026-12-12"], "shifts": ["X"]}]),
        "staff[0] (A).unavailable[0].shifts[0]",
        ["unknown shift 'X'"],
    ),
    (
        "unknown staff in a rule scope",
        _rules({"kind": "min_rest", "hours": 11, "scope": {"staff": ["Z"]}}),
        "rules[0] (min_rest).scope.staff[0]",
        ["unknown staff 'Z'", STAFF_IDS],
    ),
    (
        "unknown role in a rule scope",
        _rules({"kind": "min_rest", "hours": 11, "scope": {"roles": ["HCA"]}}),
        "rules[0] (min_rest).scope.roles[0]",
        ["unknown role 'HCA'"],
    ),
    (
        "unknown skill in a rule scope",
        _rules({"kind": "min_rest", "hours": 11, "scope": {"skills": ["iv"]}}),
        "rules[0] (min_rest).scope.skills[0]",
        ["unknown skill 'iv'"],
    ),
    (
        "unknown contract in a rule scope",
        _rules({"kind": "min_rest", "hours": 11, "scope": {"contracts": ["bank"]}}),
        "rules[0] (min_rest).scope.contracts[0]",
        ["unknown contract 'bank'", "allowed: full-time"],
    ),
    (
        "unknown role in a contract rule's scope",
        _contract_rules({"kind": "consecutive", "max": 5, "scope": {"roles": ["HCA"]}}),
        "contracts[0] (full-time).rules[0] (consecutive).scope.roles[0]",
        ["unknown role 'HCA'"],
    ),
    (
        "unknown staff in a person's rule scope",
        _staff(2, rules=[{"kind": "consecutive", "max": 4, "scope": {"staff": ["Z"]}}]),
        "staff[2] (C).rules[0] (consecutive).scope.staff[0]",
        ["unknown staff 'Z'"],
    ),
    (
        "unknown shift in a rule's shifts",
        _rules({"kind": "shift_count", "shifts": ["X"], "max": 2}),
        "rules[0] (shift_count).shifts",
        ["unknown shift 'X'", SHIFT_IDS],
    ),
    (
        "unknown shift in succession",
        _rules({"kind": "succession", "first": "N", "then": ["X"]}),
        "rules[0] (succession).then",
        ["unknown shift 'X'"],
    ),
    # duplicate ids
    ("duplicate staff id", _dup("staff"), "staff", ["id 'P1' is used 2 times", "unique"]),
    ("duplicate shift id", _dup("shifts"), "shifts", ["id 'N' is used 2 times"]),
    ("duplicate role id", _dup("roles"), "roles", ["id 'PH' is used 2 times"]),
    ("duplicate skill id", _dup("skills"), "skills", ["id 'charge' is used 2 times"]),
    ("duplicate contract id", _dup("contracts"), "contracts", ["id 'full-time' is used 2 times"]),
    # impossible dates and numbers
    (
        "impossible horizon start",
        lambda d: d["horizon"].update(start="2026-02-30"),
        "horizon.start",
        ["not a valid date", "YYYY-MM-DD", "2026-02-30"],
    ),
    (
        "impossible leave date",
        _staff(1, leave=["2026-13-01"]),
        "staff[1] (B).leave[0]",
        ["not a valid date", "YYYY-MM-DD", "2026-13-01"],
    ),
    (
        "impossible request range end",
        _staff(
            0, requests=[{"dates": [{"from": "2026-12-11", "to": "2026-11-31"}], "want": "off"}]
        ),
        "staff[0] (A).requests[0].dates[0].to",
        ["not a valid date", "2026-11-31"],
    ),
    (
        "leave range backwards",
        _staff(1, leave=[{"from": "2026-12-13", "to": "2026-12-12"}]),
        "staff[1] (B).leave[0]",
        ["'to' (2026-12-12) is before 'from' (2026-12-13)"],
    ),
    (
        "unknown leave type",
        _staff(1, leave=[{"from": "2026-12-10", "to": "2026-12-12", "type": "holiday"}]),
        "staff[1] (B).leave[0].type",
        ["unknown leave type 'holiday'", "annual, parental, sick"],
    ),
    (
        "leave with date and from",
        _staff(1, leave=[{"date": "2026-12-10", "from": "2026-12-10"}]),
        "staff[1] (B).leave[0]",
        ["give 'date', or 'from'"],
    ),
    (
        "two types on one day",
        _staff(1, leave=["2026-12-10", {"date": "2026-12-10", "type": "sick"}]),
        "staff[1] (B).leave[1]",
        ["2026-12-10 is already annual leave", "one leave type"],
    ),
    (
        "unknown credited type",
        lambda d: d["staff"][0].update(leave_hours={"anual": 7.5}),
        "staff[0] (A).leave_hours.anual",
        ["unknown leave type 'anual'"],
    ),
    (
        "leave credit over a day",
        lambda d: d["staff"][0].update(leave_hours={"annual": 25}),
        "staff[0] (A).leave_hours.annual",
        ["24"],
    ),
    (
        "unknown time zone",
        lambda d: d.update(timezone="Europe/Londn"),
        "timezone",
        ["unknown time zone 'Europe/Londn'", "Europe/London"],
    ),
    (
        "negative break",
        lambda d: d["shifts"][0].update(break_minutes=-30),
        "shifts[0] (E).break_minutes",
        ["must be at least 0", "-30"],
    ),
    (
        "break as long as the shift",
        lambda d: d["shifts"][0].update(break_minutes=510),
        "shifts[0] (E)",
        ["break_minutes (510) must be shorter than the shift (510 min)"],
    ),
    (
        "horizon of no days",
        lambda d: d["horizon"].update(days=0),
        "horizon.days",
        ["must be at least 1"],
    ),
    (
        "negative hours per week",
        _staff(0, hours_per_week=-1),
        "staff[0] (A).hours_per_week",
        ["must be at least 0"],
    ),
    (
        "negative rule weight",
        _rules({"kind": "min_rest", "hours": 11, "weight": -2}),
        "rules[0] (min_rest).weight",
        ["must be at least 0", "-2"],
    ),
    (
        "negative rest",
        _rules({"kind": "min_rest", "hours": -5}),
        "rules[0] (min_rest).hours",
        ["must be more than 0 (got -5)"],
    ),
    (
        "negative hours limit",
        _rules({"kind": "hours", "max_hours": -1}),
        "rules[0] (hours).max_hours",
        ["must be at least 0 (got -1)"],
    ),
    (
        "negative demand",
        lambda d: d["demand"][0].update(min=-1, preferred=None),
        "demand[0].min",
        ["must be at least 0"],
    ),
    (
        "clock out of range",
        lambda d: d["shifts"][1].update(end="25:00"),
        "shifts[1] (L).end",
        ["'HH:MM' between 00:00 and 24:00"],
    ),
    (
        "not a whole number",
        lambda d: d["demand"][0].update(min="two"),
        "demand[0].min",
        ["must be a whole number", "'two'"],
    ),
    (
        "bad choice",
        _staff(0, requests=[{"dates": ["2026-12-12"], "want": "maybe"}]),
        "staff[0] (A).requests[0].want",
        ["must be 'on' or 'off'", "'maybe'"],
    ),
    (
        "id with a space",
        _staff(0, id="Ann B"),
        "staff[0] (Ann B).id",
        ["must be an id", "letters, digits"],
    ),
    ("list expected", _staff(0, roles="RN"), "staff[0] (A).roles", ["must be a list"]),
    (
        "missing required field",
        lambda d: d["staff"][1].pop("roles"),
        "staff[1] (B).roles",
        ["required field is missing"],
    ),
    (
        "a shift that is not a mapping",
        lambda d: d["shifts"].append("X"),
        "shifts[3]",
        ["must be a mapping"],
    ),
    (
        "preferred below min",
        lambda d: d["demand"][0].update(min=2, preferred=1),
        "demand[0]",
        ["preferred (1) is below min (2)"],
    ),
    (
        "demand set twice",
        lambda d: d["demand"].append({"shift": "L", "role": "RN", "min": 2}),
        "demand",
        ["both set L RN"],
    ),
    (
        "day scope on a rule that has none",
        _rules({"kind": "complete_weekends", "scope": {"weekdays": ["sat"]}}),
        "rules[0] (complete_weekends)",
        ["cannot be limited to some days"],
    ),
    # rule kinds
    (
        "unknown rule kind",
        _rules({"kind": "nonsense"}),
        "rules[0]",
        ["unknown rule kind 'nonsense'", "allowed: " + ", ".join(sorted(registry))],
    ),
    (
        "unknown rule kind in a contract",
        _contract_rules({"kind": "max_nights"}),
        "contracts[0] (full-time).rules[0]",
        ["unknown rule kind 'max_nights'"],
    ),
    (
        "unknown rule kind for a person",
        _staff(3, rules=[{"kind": "bogus"}]),
        "staff[3] (D).rules[0]",
        ["unknown rule kind 'bogus'"],
    ),
    ("rule without a kind", _rules({"max": 5}), "rules[0]", ["a rule needs a 'kind'"]),
]


@pytest.mark.parametrize("mutate,path,fragments", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_names_field_and_problem(
    tmp_path: Path, mutate: Mutation, path: str, fragments: list[str]
) -> None:
    data = small()
    mutate(data)
    file = write_json(tmp_path, data)  # JSON: the pure-Python YAML 1.2 reader is slow
    with pytest.raises(ScenarioError) as info:
        load_scenario(file)
    assert info.value.source == str(file)
    msg = find(problems_of(file), path)
    for frag in fragments:
        assert frag in msg, f"{frag!r} not in {msg!r}"
    text = info.value.render()
    assert text.startswith(f"{file}: ")
    assert f"  {path}: " in text


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    data = small()
    data["staff"][0]["roles"] = ["HCA"]
    data["staff"][1]["contract"] = "bank"
    data["demand"][0]["shift"] = "X"
    data["history"] = {"Z": ["-"]}
    problems = problems_of(write_json(tmp_path, data, "several.yaml"))
    assert [p for p, _ in problems] == [
        "staff[0] (A).roles[0]",
        "staff[1] (B).contract",
        "demand[0].shift",
        "history.Z",
    ]


def test_dict_source_has_no_file_name() -> None:
    data = small()
    data["staff"][0]["roles"] = ["HCA"]
    with pytest.raises(ScenarioError) as info:
        load_scenario(data)
    assert info.value.source is None
    assert info.value.render().startswith("1 problem(s) in the scenario:")


# -- file-level problems ----------------------------------------------------------
def test_impossible_date_written_plainly_in_yaml(tmp_path: Path) -> None:
    """An unquoted 2026-02-30 is a YAML timestamp that cannot exist: still a
    clear message with its field path, not a crash in the YAML reader."""
    text = SMALL.read_text().replace("start: 2026-12-11", "start: 2026-02-30")
    text = text.replace("leave: [2026-12-13]", "leave: [2026-12-32]")
    file = tmp_path / "dates.yaml"
    file.write_text(text)
    problems = problems_of(file)
    assert "2026-02-30" in find(problems, "horizon.start")
    assert "not a valid date" in find(problems, "staff[1] (B).leave[0]")


def test_yaml_syntax_error_gives_line_and_column(tmp_path: Path) -> None:
    file = tmp_path / "broken.yaml"
    file.write_text("horizon: {start: 2026-12-07, days: 7}\nshifts: [\n  {id: E\n")
    [(path, msg)] = problems_of(file)
    assert path == "file"
    assert msg.startswith("not valid YAML at line ")
    assert "column" in msg


def test_yaml_tab_indent(tmp_path: Path) -> None:
    file = tmp_path / "tabs.yaml"
    file.write_text("horizon:\n\tstart: 2026-12-07\n")
    [(path, msg)] = problems_of(file)
    assert path == "file" and "line 2, column 1" in msg and "\\t" in msg


def test_yaml_duplicate_key(tmp_path: Path) -> None:
    file = tmp_path / "dup.yaml"
    file.write_text(SMALL.read_text().replace("{id: C, name: Cai,", "{id: C, id: G, name: Cai,"))
    [(path, msg)] = problems_of(file)
    assert path == "file" and 'duplicate key "id"' in msg and "line " in msg


def test_json_syntax_error(tmp_path: Path) -> None:
    file = tmp_path / "broken.json"
    file.write_text('{"horizon": {"start": "2026-12-07", "days": 7},\n "shifts": [}\n')
    [(path, msg)] = problems_of(file)
    assert path == "file"
    assert msg.startswith("not valid JSON at line 2, column 13")


def test_json_impossible_date(tmp_path: Path) -> None:
    data = json.loads((DATA / "small.json").read_text())
    data["horizon"]["start"] = "2026-02-30"
    file = tmp_path / "s.json"
    file.write_text(json.dumps(data))
    assert "not a valid date" in find(problems_of(file), "horizon.start")


def test_missing_file(tmp_path: Path) -> None:
    file = tmp_path / "nowhere.yaml"
    [(path, msg)] = problems_of(file)
    assert path == "file" and "cannot read it" in msg and "No such file" in msg


def test_not_utf8(tmp_path: Path) -> None:
    file = tmp_path / "latin1.yaml"
    file.write_bytes("name: Station Ü\n".encode("latin-1"))
    [(path, msg)] = problems_of(file)
    assert path == "file" and "cannot read it" in msg


@pytest.mark.parametrize("text", ["", "- a\n- b\n", "just text\n"])
def test_top_level_must_be_a_mapping(tmp_path: Path, text: str) -> None:
    file = tmp_path / "top.yaml"
    file.write_text(text)
    [(path, msg)] = problems_of(file)
    assert path == "(top)" and "mapping of sections" in msg


def test_history_code_off_is_not_a_day_off_unless_defined(tmp_path: Path) -> None:
    """'OFF' is a shift id like any other: where no shift OFF exists, history
    naming it is an unknown shift (the day-off code is '-')."""
    file = tmp_path / "off.yaml"
    file.write_text(SMALL.read_text().replace("A: [N, N]", "A: [N, OFF]"))
    msg = find(problems_of(file), "history.A[1]")
    assert "unknown shift 'OFF'" in msg and "'-' for a day off" in msg

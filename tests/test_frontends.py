"""The library functions the command line is a thin layer over: bad input
with neutral locations, scenario edits, the YAML writer, the rule catalogue
and a solve's summary."""

from __future__ import annotations

import datetime as dt
import io
import pickle
from pathlib import Path

import pytest
from click.testing import CliRunner

from roster.catalogue import catalogue
from roster.cli import main
from roster.cli.common import FLAGS
from roster.constraints import SECTIONS, registry
from roster.edits import EditError, add_leave
from roster.errors import InputError
from roster.load import dump_yaml, load_scenario, parse_text, read_data
from roster.model.solve import SolveParams, solve
from roster.repair import Absence
from roster.result import Result, SolveStatus
from roster.validation import ScenarioError
from roster.variants import VaryError

DATA = Path(__file__).parent / "data"
SMALL = DATA / "small.yaml"


def test_input_errors_share_one_base_and_survive_pickling() -> None:
    assert issubclass(ScenarioError, InputError) and issubclass(VaryError, InputError)
    exc = ScenarioError([("staff[0].id", "bad")], "ward.yaml")
    back = pickle.loads(pickle.dumps(exc))
    assert type(back) is ScenarioError and back.render() == exc.render()
    edit = EditError("absent 'x'", "write STAFF:DATE")
    assert pickle.loads(pickle.dumps(edit)).render() == "absent 'x': write STAFF:DATE"


def test_library_errors_name_no_flags_and_the_cli_maps_them() -> None:
    with pytest.raises(EditError) as info:
        Absence.parse("B:2026-12-12..2026-12-11")
    assert str(info.value) == "absent 'B:2026-12-12..2026-12-11': the last date is before the first"
    assert info.value.render(FLAGS).startswith("--absent 'B:2026-12-12..2026-12-11': ")


def test_a_scenario_field_is_never_taken_for_a_flag() -> None:
    exc = ScenarioError([("history", "must be a mapping")], "ward.yaml")
    assert "  history: must be a mapping" in exc.render(FLAGS)
    folder = ScenarioError([("history", "no roster here")], "out", "roster folder")
    assert "  --history: no roster here" in folder.render(FLAGS)


def test_cli_output_names_the_flag(tmp_path: Path) -> None:
    published = tmp_path / "published.csv"
    published.write_text("staff,date,shift,role\n")
    result = CliRunner().invoke(
        main,
        ["repair", str(SMALL), str(published), "-o", str(tmp_path / "out"), "--absent", "Z:x"],
    )
    assert result.exit_code == 2
    assert "--absent 'Z:x': write STAFF:DATE or STAFF:DATE..DATE, dates as" in result.output
    suggest = CliRunner().invoke(
        main,
        ["suggest", str(SMALL), str(published), "--date", "2030-01-01", "--shift", "X"],
    )
    assert suggest.exit_code == 2
    assert "2 problem(s) in the command line:" in suggest.output
    assert "  --shift: unknown shift 'X'" in suggest.output
    assert "  --date: 2030-01-01 is outside the horizon" in suggest.output


def test_add_leave_takes_the_person_off_and_drops_their_pins() -> None:
    data = read_data(SMALL)
    data["staff"][2]["fixed"] = [{"date": "2026-12-12", "shift": "E"}]
    add_leave(data, "C", dt.date(2026, 12, 12), dt.date(2026, 12, 13))
    person = data["staff"][2]
    assert person["leave"] == [{"from": "2026-12-12", "to": "2026-12-13"}]
    assert person["fixed"] == []
    sc = load_scenario(data)
    assert sc.leave_days["C"] == frozenset({1, 2})
    with pytest.raises(EditError, match=r"leave\.Z: unknown staff 'Z'"):
        add_leave(data, "Z", dt.date(2026, 12, 12), dt.date(2026, 12, 12), where="leave.Z")


def test_dump_yaml_reads_back_the_same_data() -> None:
    data = read_data(SMALL)
    data["description"] = "OFF"  # YAML 1.1 would read it as false
    data["history"] = {"A": ["E", "-", "N"]}
    fh = io.StringIO()
    dump_yaml(data, fh)
    assert parse_text(fh.getvalue()) == data
    assert load_scenario(parse_text(fh.getvalue())).description == "OFF"


def test_the_catalogue_lists_every_rule_kind_and_section() -> None:
    found = catalogue()
    assert [k.kind for k in found.kinds] == sorted(registry)
    assert [p.name for p in found.common][:3] == ["name", "weight", "scope"]
    assert all(p.meaning for p in found.common)
    consecutive = next(k for k in found.kinds if k.kind == "consecutive")
    assert consecutive.doc and {"max", "min"} <= {p.name for p in consecutive.parameters}
    assert not {"kind", "name", "weight", "scope"} & {p.name for p in consecutive.parameters}
    assert [name for name, _ in found.sections] == [s.name for s in SECTIONS]


def test_result_summary_states_the_outcome() -> None:
    result = Result(SolveStatus.FEASIBLE, 120.0, 100.0, 1.234, None, None)
    assert result.summary() == [
        ("status", "FEASIBLE"),
        ("objective", "120"),
        ("best bound", "100"),
        ("gap", "16.67%"),
        ("wall time", "1.23s"),
    ]
    none = Result(SolveStatus.UNKNOWN, None, None, 2.0, None, None).summary()
    assert [value for _, value in none] == ["UNKNOWN", "-", "-", "-", "2.00s"]


def test_an_unsupported_strategy_is_bad_input_located_at_the_setting(tmp_path) -> None:
    ward = Path(__file__).parent.parent / "scenarios" / "medical-ward.yaml"  # has on-call duties
    with pytest.raises(InputError) as caught:
        solve(load_scenario(ward), SolveParams(strategy="cg", time_limit=1))
    assert [loc for loc, _ in caught.value.problems] == ["strategy"]
    assert "--" not in caught.value.render()
    res = CliRunner().invoke(main, ["solve", str(ward), "--strategy", "cg", "-o", str(tmp_path)])
    assert res.exit_code == 2
    assert "--strategy: cg: decomposition does not handle on-call duties" in res.output

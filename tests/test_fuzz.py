"""Fuzzing the front door: byte-level mutations of the shipped examples,
and mutations of their parsed structure (a hostile value in any field, a
field removed or unknown, a list emptied or doubled), through ``validate``
and ``solve`` must end in exit 0, 2, 3 or 4 (or 130), never a traceback, and
quickly. A bounded number of examples here;
``ROSTER_FUZZ_EXAMPLES`` raises it for a long hunt."""

from __future__ import annotations

import copy
import json
import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roster.cli import main
from roster.load import read_data

SCENARIOS = sorted((Path(__file__).parent.parent / "scenarios").glob("*.yaml"))
EXAMPLES = int(os.environ.get("ROSTER_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=EXAMPLES <= 40,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
#: solving takes longer: a quarter as many
SOLVE_FUZZ = settings(FUZZ, max_examples=max(8, EXAMPLES // 4))
#: the examples small enough to solve in the fuzz's 2 s
SOLVED = ("medical-ward.yaml", "infeasible-ward.yaml", "pharmacy-4-weeks.yaml")
#: what a mutation may splice in: YAML's own syntax, numbers at the limits,
#: odd characters
PIECES = [
    b"",
    b"-",
    b":",
    b"{",
    b"}",
    b"[",
    b"]",
    b"&a ",
    b"*a",
    b"!!python/object ",
    b"\n",
    b"  ",
    b"\t",
    b"'",
    b'"',
    b"1e309",
    b"-1",
    b"99999999999999999999",
    b"true",
    b"null",
    b".inf",
    b"0",
    b"24:00",
    b"\xd9\xa0",
    b"\xff",
    b"2026-02-30",
    b"~",
    b"#",
    b"?",
    b",",
    b"| ",
    b"> ",
    b"%YAML 1.1\n",
    b"=HYPERLINK(1)",
]


def _examples(draw, names: tuple[str, ...] | None) -> Path:  # type: ignore[no-untyped-def]
    return draw(st.sampled_from([p for p in SCENARIOS if names is None or p.name in names]))


@st.composite
def mutated(draw, names=None) -> tuple[Path, bytes]:  # type: ignore[no-untyped-def]
    """A shipped example with one to four byte runs replaced."""
    path = _examples(draw, names)
    data = bytearray(path.read_bytes())
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        cut = draw(st.integers(0, 8))
        data[at : at + cut] = draw(st.sampled_from(PIECES))
    return path, bytes(data)


def _validates(target: Path) -> None:
    """``roster validate`` ends in 0 or 2, with no traceback, in seconds."""
    _ends_well(["validate", str(target)], codes=(0, 2), seconds=10)


def _solves(target: Path) -> None:
    """``roster solve`` (2 s) ends in 0, 2, 3 or 4, with no traceback, soon."""
    _ends_well(
        [
            "solve",
            str(target),
            "-o",
            str(target.parent / "out"),
            "--time-limit",
            "2",
            "--workers",
            "1",
            "--quiet",
        ],
        codes=(0, 2, 3, 4),
        seconds=30,
    )


def _ends_well(args: list[str], codes: tuple[int, ...], seconds: float) -> None:
    began = time.perf_counter()
    res = CliRunner().invoke(main, args)
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    assert "Traceback" not in res.output
    assert res.exit_code in codes, res.output
    assert time.perf_counter() - began < seconds


@FUZZ
@given(mutated())
def test_validate_never_crashes(tmp_path_factory, case) -> None:  # type: ignore[no-untyped-def]
    path, data = case
    target = tmp_path_factory.mktemp("fuzz") / path.name
    target.write_bytes(data)
    _validates(target)


@pytest.mark.slow
@SOLVE_FUZZ
@given(mutated(names=SOLVED))
def test_solve_never_crashes(tmp_path_factory, case) -> None:  # type: ignore[no-untyped-def]
    path, data = case
    target = tmp_path_factory.mktemp("fuzz") / path.name
    target.write_bytes(data)
    _solves(target)


#: values a mutation may put in any field: wrong types, the edges of every
#: range, hostile text
HOSTILE = [
    None,
    True,
    False,
    0,
    -1,
    1,
    2**31,
    2**63,
    10**18,
    -(10**18),
    0.5,
    1e309,
    -1e309,
    float("nan"),
    "",
    " ",
    "x",
    '=HYPERLINK("http://x")',
    "N",
    "RN",
    "07:00",
    "24:00",
    "٠٧:00",
    "2026-02-30",
    "0001-01-01",
    "9999-12-31",
    "mon",
    "Mon",
    [],
    [None],
    {},
    {"x": 1},
    ["RN", "RN"],
    "a\nb",
    "../..",
    "x" * 300,
]


def _paths(node, here=()):  # type: ignore[no-untyped-def]
    """Every place in a parsed scenario: (path, value)."""
    yield here, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*here, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, (*here, i))


@st.composite
def schema_mutated(draw, names=None):  # type: ignore[no-untyped-def]
    """A shipped example, parsed, with one to three fields changed the way a
    person or a program gets them wrong: a hostile value, a field removed,
    an unknown field added, a list emptied or an entry doubled."""
    path = _examples(draw, names)
    data = copy.deepcopy(read_data(path))
    for _ in range(draw(st.integers(1, 3))):
        places = [p for p, _ in _paths(data) if p]
        where = draw(st.sampled_from(places))
        parent = data
        for step in where[:-1]:
            parent = parent[step]
        last = where[-1]
        how = draw(
            st.sampled_from(["value", "value", "value", "remove", "unknown", "empty", "double"])
        )
        node = parent[last]
        if how == "value":
            parent[last] = copy.deepcopy(draw(st.sampled_from(HOSTILE)))  # never shared
        elif how == "remove":
            del parent[last]
        elif how == "unknown" and isinstance(node, dict):
            node["surprise"] = copy.deepcopy(draw(st.sampled_from(HOSTILE)))
        elif how == "empty" and isinstance(node, (list, dict)):
            node.clear()
        elif how == "double" and isinstance(node, list) and node:
            node.append(copy.deepcopy(node[0]))
    return path, data


def _as_json(folder: Path, name: str, data) -> Path:  # type: ignore[no-untyped-def]
    target = folder / f"{Path(name).stem}.json"
    target.write_text(json.dumps(data, default=str, allow_nan=True))
    return target


@FUZZ
@given(schema_mutated())
def test_validate_never_crashes_on_schema_mutations(tmp_path_factory, case) -> None:  # type: ignore[no-untyped-def]
    path, data = case
    _validates(_as_json(tmp_path_factory.mktemp("fuzz"), path.name, data))


@SOLVE_FUZZ
@given(schema_mutated(names=SOLVED))
def test_solve_never_crashes_on_schema_mutations(tmp_path_factory, case) -> None:  # type: ignore[no-untyped-def]
    path, data = case
    _solves(_as_json(tmp_path_factory.mktemp("fuzz"), path.name, data))

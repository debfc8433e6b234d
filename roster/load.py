"""Reading scenario files: YAML 1.2 (so OFF/ON/NO stay strings) or JSON,
with errors that name the file, the field path, the problem and what is
allowed."""

from __future__ import annotations

import json
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import SafeConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from roster.constraints import registry
from roster.records import ID_PATTERN
from roster.scenario import Scenario
from roster.validation import ScenarioError

#: input limits: a file's size, the values in it (aliases counted each time
#: they are used), and how deeply they nest
MAX_FILE_BYTES = 20_000_000
MAX_VALUES = 2_000_000
MAX_DEPTH = 40


def read_data(path: str | Path) -> Any:
    """Parse a YAML or JSON file into plain data; ScenarioError if unreadable."""
    source = str(path)
    try:
        if Path(path).exists() and not Path(path).is_file():
            # a folder, or a pipe or device that would block or never end
            raise ScenarioError([("file", "not a regular file")], source)
        size = Path(path).stat().st_size
        if size > MAX_FILE_BYTES:
            raise ScenarioError([("file", f"{size:,} bytes; at most {MAX_FILE_BYTES:,}")], source)
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([("file", f"cannot read it: {exc}")], source) from None
    return parse_text(text, source, json_only=str(path).endswith(".json"))


class _Constructor(SafeConstructor):
    """Safe YAML, but dates stay text: pydantic checks them, so an impossible
    date like 2026-02-30 is reported with its field path, not as a crash."""


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", SafeConstructor.construct_yaml_str)


def parse_text(text: str, source: str = "<text>", json_only: bool = False) -> Any:
    """Parse YAML 1.2 (or JSON only) into plain data, dates left as text for
    pydantic. ScenarioError, naming ``source``, if it does not parse or is too
    big or deep to be a scenario (alias bombs included)."""
    data = _parse(text, source, json_only)
    problem = _too_big(data)
    if problem:
        raise ScenarioError([("file", problem)], source)
    return data


def _too_big(data: Any) -> str | None:
    """Why ``data`` is too big to be a scenario, or None. Values are counted
    each time they are reached, so a YAML alias bomb ("billion laughs") is
    caught after MAX_VALUES steps, not after it has been expanded."""
    stack, seen = [(data, 0)], 0
    while stack:
        node, depth = stack.pop()
        seen += 1
        if seen > MAX_VALUES:
            return (
                f"more than {MAX_VALUES:,} values (YAML aliases count each time they are "
                "used): too big to be a scenario"
            )
        if depth > MAX_DEPTH:
            return f"nested more than {MAX_DEPTH} levels deep: too deep to be a scenario"
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)
    return None


def _parse(text: str, source: str, json_only: bool) -> Any:
    try:
        if json_only:
            return json.loads(text)
        yaml = YAML(typ="safe", pure=True)
        yaml.version = (1, 2)
        yaml.Constructor = _Constructor
        return yaml.load(text)
    except json.JSONDecodeError as exc:
        raise ScenarioError(
            [("file", f"not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}")],
            source,
        ) from None
    except MarkedYAMLError as exc:
        raise ScenarioError([("file", _yaml_problem(exc))], source) from None
    except (YAMLError, ValueError) as exc:
        where = str(exc).replace("\n", " ")
        raise ScenarioError([("file", f"not valid YAML: {where}")], source) from None
    except RecursionError:
        raise ScenarioError([("file", "nested too deeply to be a scenario")], source) from None


def _yaml_problem(exc: MarkedYAMLError) -> str:
    """'not valid YAML at line 3, column 5: <problem> (<context> at line 2)'."""
    mark = exc.problem_mark or exc.context_mark
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
    what = exc.problem or exc.context or "cannot parse it"
    if exc.problem and exc.context:
        cm = exc.context_mark
        what += f" ({exc.context}{f' at line {cm.line + 1}' if cm is not None else ''})"
    return f"not valid YAML{where}: {what}"


def load_scenario(source: str | Path | dict[str, Any]) -> Scenario:
    """Load and validate a scenario from a file path or from plain data.

    Raises
    ------
    ScenarioError
        With every problem found, each naming its field path.
    """
    from_file = isinstance(source, (str, Path))
    name = str(source) if from_file else None
    data = read_data(source) if from_file else source  # type: ignore[arg-type]
    if not isinstance(data, dict):
        raise ScenarioError(
            [
                (
                    "(top)",
                    "a scenario must be a mapping of sections (horizon, shifts, roles, staff, ...)",
                )
            ],
            name,
        )
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(describe_errors(exc, data), name) from None
    except RecursionError:
        raise ScenarioError([("(top)", "nested too deeply to be a scenario")], name) from None
    except ScenarioError as exc:
        exc.source = name
        raise ScenarioError(exc.problems, name) from None


def load_text(text: str, source: str) -> Scenario:
    """Load a scenario from a file's text (JSON when ``source`` ends in
    .json, else YAML); errors name ``source``."""
    data = parse_text(text, source, json_only=source.endswith(".json"))
    try:
        return load_scenario(data)
    except ScenarioError as exc:
        raise ScenarioError(exc.problems, source) from None


# -- error messages -----------------------------------------------------------
def _model_at(loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The pydantic model owning the field at the end of ``loc`` (best effort)."""
    tp: Any = Scenario
    for part in loc:
        tp = _unwrap(tp)
        if isinstance(part, int):
            args = typing.get_args(tp)
            tp = args[0] if args else None
        elif isinstance(tp, type) and issubclass(tp, BaseModel):
            field = tp.model_fields.get(part) or next(
                (f for f in tp.model_fields.values() if f.alias == part), None
            )
            if field is None:
                return None
            tp = field.annotation
        elif part in registry:
            tp = registry[part]
        elif typing.get_origin(tp) is dict:
            tp = typing.get_args(tp)[1]
        else:
            return None
    tp = _unwrap(tp)
    return tp if isinstance(tp, type) and issubclass(tp, BaseModel) else None


def _unwrap(tp: Any) -> Any:
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin is typing.Union or str(origin) == "<class 'types.UnionType'>":
            options = [a for a in typing.get_args(tp) if a is not type(None)]
            models = [a for a in options if isinstance(a, type) and issubclass(a, BaseModel)]
            if len(options) == 1:
                tp = options[0]
            elif len(models) == 1:
                tp = models[0]
            else:
                return tp
        else:
            return tp


def _path(loc: tuple[Any, ...], data: Any) -> str:
    out = ""
    node = data
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            node = node[part] if isinstance(node, list) and part < len(node) else None
            if isinstance(node, dict) and isinstance(node.get("id"), str):
                out += f" ({node['id']})"
        elif part in registry and isinstance(node, dict) and node.get("kind") == part:
            out += f" ({part})"
        elif part in ("date", "range", "typed", "credit_hours", "credit_by_weekday") and not (
            isinstance(node, dict) and part in node
        ):
            continue  # a union's tag, not a field
        else:
            out += ("." if out else "") + str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out or "(top)"


def describe_errors(exc: ValidationError, data: Any) -> list[tuple[str, str]]:
    """pydantic's errors as (field path, message) for people who write
    scenarios: paths name ids and rule kinds from ``data`` (``staff[3]
    (N04).contract``), unknown fields list what is allowed, repeats dropped."""
    problems: list[tuple[str, str]] = []
    seen = set()
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        kind = err["type"]
        msg = err["msg"]
        if kind == "extra_forbidden":
            model = _model_at(loc[:-1])
            allowed = ""
            if model is not None:
                names = [f.alias or n for n, f in model.model_fields.items()]
                allowed = f"; allowed: {', '.join(names)}"
            msg = f"unknown field '{loc[-1]}'{allowed}"
        elif kind == "union_tag_invalid":
            kind = err["input"].get("kind")
            msg = f"unknown rule kind {kind!r}; allowed: {', '.join(sorted(registry))}"
        elif kind == "union_tag_not_found":
            msg = f"a rule needs a 'kind'; allowed: {', '.join(sorted(registry))}"
        elif kind == "missing":
            msg = "required field is missing"
        elif "input" in err and kind not in ("value_error",):
            shown = repr(err["input"])
            msg = f"{_plain(kind, msg, err.get('ctx') or {})} (got {shown[:60]})"
        msg = msg.removeprefix("Value error, ")
        path = _path(loc, data)
        if (path, msg) not in seen:
            seen.add((path, msg))
            problems.append((path, msg))
    return problems


def _plain(kind: str, msg: str, ctx: dict[str, Any]) -> str:
    """pydantic's wording, rephrased for people who write rosters, not code."""
    if kind.startswith("date"):
        reason = msg.split(", ", 1)[1] if kind == "date_from_datetime_parsing" else ""
        return (
            "not a valid date"
            + (f" ({reason})" if reason else "")
            + "; write YYYY-MM-DD, e.g. 2026-12-07"
        )
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "must be a whole number"
    if kind in ("float_parsing", "float_type"):
        return "must be a number"
    if kind in ("bool_parsing", "bool_type"):
        return "must be true or false"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return "must be a mapping of fields, like {id: ..., ...}"
    if kind == "string_type":
        return "must be text"
    if kind == "list_type":
        return "must be a list, like [a, b]"
    if kind == "string_pattern_mismatch" and ctx.get("pattern") == ID_PATTERN:
        return "must be an id: letters, digits and _ . + - only, starting with a letter or digit"
    if kind == "greater_than_equal":
        return f"must be at least {_num(ctx.get('ge'))}"
    if kind == "less_than_equal":
        return f"must be at most {_num(ctx.get('le'))}"
    if kind == "greater_than":
        return f"must be more than {_num(ctx.get('gt'))}"
    if kind == "too_short" and ctx.get("min_length") is not None:
        return (
            f"must have at least {ctx['min_length']} entr{'y' if ctx['min_length'] == 1 else 'ies'}"
        )
    if kind == "too_long" and ctx.get("max_length") is not None:
        return f"must have at most {ctx['max_length']} entries"
    if kind == "string_too_long":
        return f"must be at most {ctx.get('max_length')} characters"
    if msg.startswith("Input should be "):
        return "must be " + msg[len("Input should be ") :]
    return msg


def _num(v: Any) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def dump_yaml(data: object, fh: typing.IO[str]) -> None:
    """Write plain scenario data as YAML 1.2 that ``read_data`` reads back
    unchanged (so codes like ``OFF`` stay strings), laid out for people:
    block style for sections, flow style for each small record."""

    def flow(node: object, depth: int) -> object:
        if isinstance(node, dict):
            m = CommentedMap((k, flow(v, depth + 1)) for k, v in node.items())
            if depth >= 2 and not any(
                isinstance(v, (dict, list)) and len(v) > 8 for v in node.values()
            ):
                m.fa.set_flow_style()
            return m
        if isinstance(node, list):
            seq = CommentedSeq(flow(v, depth + 1) for v in node)
            if all(not isinstance(v, (dict, list)) for v in node):
                seq.fa.set_flow_style()
            return seq
        return node

    yaml = YAML()
    yaml.version = (1, 2)
    yaml.width = 4096
    yaml.dump(flow(data, 0), fh)

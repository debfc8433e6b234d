"""Reading scenario files: YAML 1.2 (so OFF/ON/NO stay strings) or JSON,
with errors that name the file, the field path, the problem and what is
allowed."""

from __future__ import annotations

import json
import re
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
        problems = describe_errors(exc, data)
        more = [p for p in checked_without(data, exc) if p not in problems]
        raise ScenarioError(problems + more, name) from None
    except RecursionError:
        raise ScenarioError([("(top)", "nested too deeply to be a scenario")], name) from None
    except ScenarioError as exc:
        exc.source = name
        raise ScenarioError(exc.problems, name) from None


# -- every problem in one pass ----------------------------------------------
#: list sections whose entries define ids, and the kind of id
_DEFINES = {
    "shifts": "shift",
    "duties": "duty",
    "roles": "role",
    "skills": "skill",
    "staff": "staff",
    "contracts": "contract",
}
#: rounds of leaving out what does not parse before giving up
_ROUNDS = 8

Path_ = tuple[Any, ...]


def checked_without(data: dict[str, Any], exc: ValidationError) -> list[tuple[str, str]]:
    """The cross-checks' problems (unknown or duplicate ids, dates outside
    the horizon ...) in ``data`` whose fields pydantic refused, so that a
    file's problems all show in one run, not one kind after another.

    The values pydantic refused are left out (an entry, or the entry holding
    it, when leaving out the value alone leaves the entry incomplete) and the
    rest is checked again; the ids of entries left out still count as
    defined. Paths and indexes are the file's own. Nothing when the rest
    cannot be checked (no horizon, no staff ...)."""
    removed: set[Path_] = set()
    errors = [tuple(e["loc"]) for e in exc.errors(include_url=False)]
    kept: dict[Path_, list[int]] = {}
    for _ in range(_ROUNDS):
        targets = {_deepest(loc, data, kept, removed) for loc in errors}
        if () in targets or targets <= removed:
            return []
        removed |= targets
        kept = {}
        rest = _without(data, removed, (), _prefixes(removed), kept)
        try:
            Scenario.model_validate(rest, context={"also_known": _defined(data, removed)})
        except ValidationError as again:
            errors = [tuple(e["loc"]) for e in again.errors(include_url=False)]
            continue
        except ScenarioError as found:
            return [(_remap(at, data, kept), _renumber(msg, kept)) for at, msg in found.problems]
        except Exception:
            return []
        return []
    return []


def _deepest(loc: Path_, data: Any, kept: dict[Path_, list[int]], removed: set[Path_]) -> Path_:
    """The path in ``data`` (the file's own indexes) of the deepest value on
    ``loc``, a location in the data with ``removed`` left out (whose indexes
    ``kept`` maps back); union tags and missing fields are skipped."""
    path: Path_ = ()
    node = data
    for part in loc:
        if isinstance(node, list) and isinstance(part, int):
            order = kept.get(path)
            i = order[part] if order is not None and 0 <= part < len(order) else part
            if not 0 <= i < len(node):
                break
            path, node = (*path, i), node[i]
        elif isinstance(node, dict) and part in node and (*path, part) not in removed:
            path, node = (*path, part), node[part]
    return path


def _prefixes(removed: set[Path_]) -> set[Path_]:
    return {p[:n] for p in removed for n in range(len(p))}


def _without(
    node: Any, removed: set[Path_], path: Path_, above: set[Path_], kept: dict[Path_, list[int]]
) -> Any:
    """``node`` with the ``removed`` paths left out, copied only along them;
    ``kept`` gets, for each list copied, the indexes it keeps."""
    if path not in above:
        return node
    if isinstance(node, dict):
        return {
            k: _without(v, removed, (*path, k), above, kept)
            for k, v in node.items()
            if (*path, k) not in removed
        }
    if isinstance(node, list):
        order = kept[path] = [i for i in range(len(node)) if (*path, i) not in removed]
        return [_without(node[i], removed, (*path, i), above, kept) for i in order]
    return node


def _defined(data: dict[str, Any], removed: set[Path_]) -> dict[str, set[str]]:
    """Kind of id -> ids of the entries left out (or of entries whose id was)."""
    out: dict[str, set[str]] = {}
    for path in removed:
        section = path[0]
        if len(path) < 2 or not isinstance(path[1], int):
            continue
        entries = data.get(section)
        entry = entries[path[1]] if isinstance(entries, list) else None
        if section in _DEFINES and isinstance(entry, dict) and isinstance(entry.get("id"), str):
            out.setdefault(_DEFINES[section], set()).add(entry["id"])
        elif section == "leave_types" and isinstance(entry, str):
            out.setdefault("leave type", set()).add(entry)
    return out


#: a step of a field path as problems write it: a field, an index, an id label
_STEP = re.compile(
    r"\.?(?P<key>[A-Za-z_][A-Za-z0-9_]*)|\[(?P<index>[0-9]+)\]|(?P<label> \([^)]*\))"
)


def _remap(text: str, data: Any, kept: dict[Path_, list[int]]) -> str:
    """A field path in the data with entries left out, written with the
    file's own indexes (``staff[2]`` back to ``staff[3]`` when ``staff[1]``
    was left out)."""
    out: list[str] = []
    pos, node = 0, data
    path: Path_ = ()
    while pos < len(text):
        m = _STEP.match(text, pos)
        if m is None or node is None:
            out.append(text[pos:])
            break
        if m["key"] is not None:
            node = node.get(m["key"]) if isinstance(node, dict) else None
            path = (*path, m["key"])
            out.append(m.group(0))
        elif m["index"] is not None:
            i = int(m["index"])
            order = kept.get(path)
            i = order[i] if order is not None and i < len(order) else i
            node = node[i] if isinstance(node, list) and i < len(node) else None
            path = (*path, i)
            out.append(f"[{i}]")
        else:
            out.append(m.group(0))
        pos = m.end()
    return "".join(out)


def _renumber(message: str, kept: dict[Path_, list[int]]) -> str:
    """``demand[2]`` and ``time_cover[2]`` in a message, with the file's own
    indexes."""

    def back(m: re.Match[str]) -> str:
        order = kept.get((m[1],))
        i = int(m[2])
        return f"{m[1]}[{order[i] if order is not None and i < len(order) else i}]"

    return re.sub(r"\b(demand|time_cover)\[([0-9]+)\]", back, message)


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

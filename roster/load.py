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
from ruamel.yaml.error import YAMLError

from roster.constraints import registry
from roster.scenario import Scenario
from roster.validation import ScenarioError


def read_data(path: str | Path) -> Any:
    """Parse a YAML or JSON file into plain data; ScenarioError if unreadable."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([("file", f"cannot read it: {exc}")], source) from None
    return parse_text(text, source, json_only=str(path).endswith(".json"))


def parse_text(text: str, source: str = "<text>", json_only: bool = False) -> Any:
    try:
        if json_only:
            return json.loads(text)
        yaml = YAML(typ="safe", pure=True)
        yaml.version = (1, 2)
        return yaml.load(text)
    except (YAMLError, json.JSONDecodeError) as exc:
        where = str(exc).replace("\n", " ")
        raise ScenarioError([("file", f"not valid {'JSON' if json_only else 'YAML'}: {where}")],
                            source) from None


def load_scenario(source: str | Path | dict[str, Any]) -> Scenario:
    """Load and validate a scenario from a file path or from plain data.

    Raises
    ------
    ScenarioError
        With every problem found, each naming its field path.
    """
    name = None if isinstance(source, dict) else str(source)
    data = source if isinstance(source, dict) else read_data(source)
    if not isinstance(data, dict):
        raise ScenarioError([("(top)", "a scenario must be a mapping of sections "
                              "(horizon, shifts, roles, staff, ...)")], name)
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(describe_errors(exc, data), name) from None
    except ScenarioError as exc:
        exc.source = name
        raise ScenarioError(exc.problems, name) from None


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
        elif part in ("date", "range") and not (isinstance(node, dict) and part in node):
            continue  # a union's tag, not a field
        else:
            out += ("." if out else "") + str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out or "(top)"


def describe_errors(exc: ValidationError, data: Any) -> list[tuple[str, str]]:
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
            msg = f"unknown rule kind {err['input'].get('kind')!r}; allowed: {', '.join(sorted(registry))}"
        elif kind == "union_tag_not_found":
            msg = f"a rule needs a 'kind'; allowed: {', '.join(sorted(registry))}"
        elif kind == "missing":
            msg = "required field is missing"
        elif "input" in err and kind not in ("value_error",):
            shown = repr(err["input"])
            msg = f"{msg} (got {shown[:60]})"
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, "):]
        path = _path(loc, data)
        if (path, msg) not in seen:
            seen.add((path, msg))
            problems.append((path, msg))
    return problems

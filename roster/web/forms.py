"""Form inputs generated from the scenario's pydantic models, so that a field
added to a model (a rule's new parameter, say) appears in the editing pages
with no template to change.

A model's flat fields become ``Input``s: the field's type gives the input
(number, date, select for a choice of words, a comma-separated list, yes/no),
its bounds the input's min and max, its description the help text; nested
records (a rule's scope) are flattened to dotted keys (``scope.roles``).
Fields that are not flat (lists of records, mappings) are left out: their
values are kept as they are when a record is saved.

What people type is read back leniently: a blank is "not given", numbers
become numbers, and text that is not one is passed on as typed, so that the
scenario's own validation refuses it with the same located message as the
command line (``staff[3] (N04).hours_per_week: must be a number``).
Those messages are then placed next to the input they are about.
"""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from pydantic import BaseModel, PlainSerializer
from pydantic.fields import FieldInfo

#: how list inputs separate their items
_SEPARATOR = re.compile(r"[,;]")
#: an id shown after a list index in the library's locations: 'staff[3] (N04)'
_SHOWN_ID = re.compile(r" \([^)]*\)")


@dataclass(frozen=True)
class Input:
    """One input of a generated form.

    ``key``: the field's path in its record (``scope.roles``); ``type``:
    text, number, date, select, list (comma-separated) or bool; ``single``:
    a list input whose field also takes one plain value (``shift: N``);
    ``default``: what a blank means, as text ('' for nothing)."""

    key: str
    type: str
    required: bool = False
    help: str = ""
    options: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    step: str = "any"
    single: bool = False
    default: str = ""


class _Absent:
    """A blank input: the field is left out of its record."""


ABSENT = _Absent()


# -- models to inputs ---------------------------------------------------------------------
def inputs(
    model: type[BaseModel],
    skip: Iterable[str] = (),
    choices: Mapping[str, Sequence[str]] | None = None,
    prefix: str = "",
) -> list[Input]:
    """The flat fields of ``model`` as inputs (``skip``: keys left out;
    ``choices``: key -> the ids a text field may hold, shown as a select)."""
    skipped, choices = set(skip), choices or {}
    out: list[Input] = []
    for name, info in model.model_fields.items():
        key = prefix + (info.alias or name)
        if key in skipped:
            continue
        nested = _model(info.annotation)
        if nested is not None:
            out += inputs(nested, skipped, choices, prefix=f"{key}.")
            continue
        made = _input(key, info, choices.get(key))
        if made is not None:
            out.append(made)
    return out


def _model(annotation: Any) -> type[BaseModel] | None:
    """The record type of a field holding one nested record, if it does."""
    options = _options(annotation)
    if len(options) == 1 and isinstance(options[0], type) and issubclass(options[0], BaseModel):
        return options[0]
    return None


def _options(annotation: Any) -> list[Any]:
    """The types a field may hold (Annotated and None stripped)."""
    annotation = _bare(annotation)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return [_bare(a) for a in typing.get_args(annotation) if a is not type(None)]
    return [annotation]


def _bare(annotation: Any) -> Any:
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation


def _constraints(annotation: Any, info: FieldInfo) -> tuple[list[Any], str]:
    """Every bound on a field (its own, and those of the types it is made
    of: ``Count``, ``Weight``) and the first description found."""
    found, described = list(info.metadata), info.description or ""
    stack = [annotation]
    while stack:
        tp = stack.pop()
        if typing.get_origin(tp) is typing.Annotated:
            inner, *extra = typing.get_args(tp)
            for meta in extra:
                if isinstance(meta, FieldInfo):
                    found += meta.metadata
                    described = described or meta.description or ""
                else:
                    found.append(meta)
            stack.append(inner)
        elif typing.get_origin(tp) in (typing.Union, types.UnionType):
            stack += typing.get_args(tp)
    return found, described


def _input(key: str, info: FieldInfo, allowed: Sequence[str] | None) -> Input | None:
    options = _options(info.annotation)
    lists = [o for o in options if typing.get_origin(o) is list]
    metadata, described = _constraints(info.annotation, info)
    low = next((getattr(m, a) for m in metadata for a in ("ge", "gt") if hasattr(m, a)), None)
    high = next((getattr(m, a) for m in metadata for a in ("le", "lt") if hasattr(m, a)), None)
    default = "" if info.is_required() else shown(info.get_default(call_default_factory=True))
    base = Input(key, "text", info.is_required(), described, default=default)
    if lists:
        item = _options(typing.get_args(lists[0])[0])
        if not all(_scalar(i) for i in item):
            return None
        words = tuple(w for i in item if typing.get_origin(i) is Literal for w in _words(i))
        words = words or tuple(allowed or ())
        # a field taking one value or a list writes one as a plain value
        return replace(base, type="list", options=words, single=len(options) > 1)
    if len(options) > 1 and not all(o in (dt.date,) or _model(o) for o in options):
        return None
    tp = options[0]
    if any(isinstance(m, PlainSerializer) and m.return_type is str for m in metadata):
        return base  # held as a number, written as text (a clock time '07:30')
    if typing.get_origin(tp) is Literal:
        return replace(base, type="select", options=_words(tp))
    if tp is bool:
        return replace(base, type="bool", options=("true", "false"))
    if tp in (int, float):
        step = "1" if tp is int else "any"
        return replace(base, type="number", minimum=low, maximum=high, step=step)
    if tp is dt.date:
        return replace(base, type="date" if len(options) == 1 else "text")
    if tp is str:
        if allowed is not None:
            return replace(base, type="select", options=tuple(allowed))
        return base
    return None


def _scalar(tp: Any) -> bool:
    return tp in (str, int, float, dt.date) or typing.get_origin(tp) is Literal or _ranged(tp)


def _ranged(tp: Any) -> bool:
    """A date range record, written 'FIRST..LAST' in a list input."""
    return (
        isinstance(tp, type)
        and issubclass(tp, BaseModel)
        and set(tp.model_fields) == {"from_", "to"}
    )


def _words(literal: Any) -> tuple[str, ...]:
    return tuple(str(a) for a in typing.get_args(literal))


# -- values to text and back ------------------------------------------------------------
def shown(value: Any) -> str:
    """A stored value as an input shows it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, dict) and "from" in value:
        return f"{value['from']}..{value['to']}" if value.get("to") else str(value["from"])
    if isinstance(value, list):
        return ", ".join(shown(v) for v in value)
    return str(value)


def read(inp: Input, text: str) -> Any:
    """What was typed into ``inp``, as the scenario holds it (ABSENT when
    blank); what cannot be read is passed on as typed, for validation to
    refuse where it is."""
    text = text.strip()
    if not text:
        return ABSENT
    if inp.type == "number":
        for number in (int, float):
            try:
                return number(text)
            except ValueError:
                pass
        return text
    if inp.type == "bool":
        return {"true": True, "false": False}.get(text.lower(), text)
    if inp.type == "list":
        items = [i.strip() for i in _SEPARATOR.split(text) if i.strip()]
        return items[0] if inp.single and len(items) == 1 else items
    return text


def get(record: Mapping[str, Any], key: str) -> Any:
    """The value at a dotted ``key`` of a record (None when not there)."""
    node: Any = record
    for part in key.split("."):
        node = node.get(part) if isinstance(node, Mapping) else None
    return node


def put(record: dict[str, Any], key: str, value: Any) -> None:
    """Set the dotted ``key`` of a record, or remove it for ABSENT (and a
    nested record left empty with it)."""
    *path, last = key.split(".")
    node = record
    trail = []
    for part in path:
        if not isinstance(node.get(part), dict):
            if value is ABSENT:
                return
            node[part] = {}
        trail.append((node, part))
        node = node[part]
    if value is ABSENT:
        node.pop(last, None)
        for parent, part in reversed(trail):
            if not parent[part]:
                del parent[part]
    else:
        node[last] = value


# -- what a page shows --------------------------------------------------------------------
@dataclass
class Cell:
    """An input as a page shows it: its form name, text and problems."""

    name: str
    input: Input
    text: str
    problems: list[str] = field(default_factory=list)


@dataclass
class Row:
    """A record in a form: its cells, under the form-name ``prefix``
    (``staff[3]``), with the problems about the record as a whole."""

    prefix: str
    cells: list[Cell]
    title: str = ""
    group: str = ""
    hidden: dict[str, str] = field(default_factory=dict)
    removed: bool = False
    problems: list[str] = field(default_factory=list)

    def cell(self, key: str) -> Cell | None:
        """The cell of ``key``, if the row has one."""
        return next((c for c in self.cells if c.input.key == key), None)


def row(prefix: str, fields: Sequence[Input], texts: Mapping[str, str], title: str = "") -> Row:
    """A row of ``fields`` under ``prefix``, showing ``texts`` (key -> text)."""
    return Row(prefix, [Cell(f"{prefix}.{f.key}", f, texts.get(f.key, "")) for f in fields], title)


def record_texts(fields: Sequence[Input], record: Mapping[str, Any]) -> dict[str, str]:
    """A stored record's values as its inputs show them."""
    return {f.key: shown(get(record, f.key)) for f in fields}


def form_texts(fields: Sequence[Input], form: Mapping[str, Any], prefix: str) -> dict[str, str]:
    """What a submitted form holds for a row's inputs."""
    return {f.key: str(form.get(f"{prefix}.{f.key}") or "") for f in fields}


def indices(form: Iterable[str], section: str) -> list[int]:
    """The row numbers a form holds under ``section`` (``staff`` ->
    ``staff[0].id``, ``staff[1].name`` ...), in order."""
    pattern = re.compile(rf"^{re.escape(section)}\[(\d{{1,4}})\]\.")
    return sorted({int(m.group(1)) for k in form if (m := pattern.match(k))})


def place(
    rows: Sequence[Row], found: Iterable[tuple[str, str]], where: Mapping[str, str]
) -> list[str]:
    """Put each problem (the library's location, message) next to the input
    or row it is about: ``where`` maps the library's paths of records
    (``staff[2]``, ``staff[0].leave[1]``) to the rows' prefixes. Returns
    every problem as a line, for the list above the form."""
    cells = {c.name: c for r in rows for c in r.cells}
    by_prefix = {r.prefix: r for r in rows}
    lines = []
    for location, message in found:
        lines.append(f"{location}: {message}" if location else message)
        loc = _SHOWN_ID.sub("", location)
        source = _longest(loc, where)
        if source is not None:
            loc = where[source] + loc[len(source) :]
        name = _longest(loc, cells)
        if name is not None:
            cells[name].problems.append(f"{location}: {message}")
            continue
        prefix = _longest(loc, by_prefix)
        if prefix is not None:
            by_prefix[prefix].problems.append(f"{location}: {message}")
    return lines


def _longest(loc: str, names: Iterable[str]) -> str | None:
    """The longest of ``names`` that ``loc`` is or starts with, as a path."""
    hits = [n for n in names if loc == n or loc.startswith((f"{n}.", f"{n}["))]
    return max(hits, key=len) if hits else None

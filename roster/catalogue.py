"""The rule catalogue: every rule kind with its parameters, as data.

``roster rules`` prints it; any other front end (or a document generator)
reads the same list, so a new rule kind appears everywhere from its own
module alone.
"""

from __future__ import annotations

import sys
import types
import typing
from dataclasses import dataclass

from roster.constraints import SECTIONS, registry
from roster.constraints.base import Rule, Scope

#: the parameters every rule takes besides its own
COMMON = ("name", "weight", "scope")


@dataclass(frozen=True)
class Parameter:
    """One parameter: its name as written in a scenario, its type, its
    default (``required`` when it has none) and what it means."""

    name: str
    type: str
    default: str
    meaning: str


@dataclass(frozen=True)
class Kind:
    """A rule kind: its ``kind``, its module's description, whether its
    scope may limit the days, and its own parameters."""

    kind: str
    doc: str
    day_scoped: bool
    parameters: list[Parameter]


@dataclass(frozen=True)
class Catalogue:
    """The common parameters, the rule kinds (by kind) and the always-on
    sections as (name, first paragraph of their description)."""

    common: list[Parameter]
    kinds: list[Kind]
    sections: list[tuple[str, str]]


def type_name(annotation: object) -> str:
    """A parameter's type as a reader writes it: ``work | off | shift`` for
    literals, ``int | None``, ``list[str]``."""
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) is typing.Literal:
        return " | ".join(str(a) for a in args)
    if args and typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return " | ".join(type_name(a) for a in args)
    if args:
        origin = getattr(typing.get_origin(annotation), "__name__", "?")
        return f"{origin}[{', '.join(type_name(a) for a in args)}]"
    return "None" if annotation is type(None) else getattr(annotation, "__name__", str(annotation))


def catalogue() -> Catalogue:
    """Every registered rule kind with its parameters, read from the rule
    classes themselves (descriptions included), so the list cannot drift
    from what the scenario loader accepts."""
    common = [Parameter(name, "", "", Rule.model_fields[name].description or "") for name in COMMON]
    common += [
        Parameter(f"scope.{field.alias or name}", "", "", field.description or "")
        for name, field in Scope.model_fields.items()
    ]
    kinds = []
    for kind, cls in sorted(registry.items()):
        parameters = [
            Parameter(
                field.alias or name,
                type_name(field.annotation),
                "required" if field.is_required() else repr(field.get_default()),
                field.description or "",
            )
            for name, field in cls.model_fields.items()
            if name != "kind" and name not in COMMON
        ]
        doc = (sys.modules[cls.__module__].__doc__ or "").strip()
        kinds.append(Kind(kind, doc, cls.day_scoped, parameters))
    sections = []
    for section in SECTIONS:
        doc = sys.modules[type(section).__module__].__doc__ or ""
        sections.append((section.name, doc.strip().split("\n\n")[0].replace("\n", " ")))
    return Catalogue(common, kinds, sections)

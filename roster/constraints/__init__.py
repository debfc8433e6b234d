"""The rule library: one module per rule family.

Two sorts of module live here. Rule kinds (subclasses of ``Rule``) are written
in the scenario's ``rules:`` lists and register themselves by ``kind``.
Section families (cover, leave, requests ...) read a section of the scenario
and expose module-level ``encode(ctx)`` and ``check(ctx)``; they are listed
in ``sections``. Importing this package imports every module in it.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

from roster.constraints.base import Rule, registry

sections: list[ModuleType] = []

for _info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    if _info.name == "base":
        continue
    _mod = importlib.import_module(f"{__name__}.{_info.name}")
    if getattr(_mod, "SECTION", False):
        sections.append(_mod)


def links_people(family: ModuleType | Rule) -> bool:
    """Whether a rule family ties people to each other (cover, group
    fairness) rather than being about one person alone. Decomposition keeps
    these in its master problem and prices everything else per person: this
    is the only thing it needs to know about a rule."""
    if isinstance(family, Rule):
        return family.group_rule
    return bool(getattr(family, "LINKS_PEOPLE", False))


__all__ = ["Rule", "links_people", "registry", "sections"]

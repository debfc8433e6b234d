"""The rule library: one module per rule family.

Every family keeps one contract: its parameters, a CP-SAT ``encode`` and an
independent ``check``. Rule kinds (``Rule`` subclasses) are written in the
scenario's ``rules:`` lists and register themselves by ``kind``; sections
(``Section`` subclasses: cover, leave, requests ...) take their parameters
from a section of the scenario and are listed in ``SECTIONS``.
``Scenario.rule_instances`` yields both, so building, checking, explaining
and decomposing loop over one list.
"""

from __future__ import annotations

import pkgutil
from importlib import import_module

from roster.constraints.base import Rule, Section, registry
from roster.constraints.composition import CompositionSection
from roster.constraints.cover import CoverSection
from roster.constraints.fixed import FixedSection
from roster.constraints.leave import LeaveSection
from roster.constraints.one_shift import OneShiftSection
from roster.constraints.requests import RequestsSection
from roster.constraints.time_cover import TimeCoverSection

#: every section family, in the order the model is built
SECTIONS: tuple[Section, ...] = (
    CompositionSection(),
    CoverSection(),
    FixedSection(),
    LeaveSection(),
    OneShiftSection(),
    RequestsSection(),
    TimeCoverSection(),
)

# Every module here is imported, and a rule kind's class registers itself
# by its ``kind`` as it is defined: a new kind is its module (and its test
# file), nothing else to edit. Sorted, so the kinds are in one order.
for _module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
    import_module(f"{__name__}.{_module}")

__all__ = ["SECTIONS", "Rule", "Section", "registry"]

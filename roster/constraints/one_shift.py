"""Structural: at most one shift per person per day, and no shift that
overlaps the previous day's in real time (a night, then an early).

Always hard. The one-per-day half lives in the variables (works = sum x).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from roster.check import CheckContext
    from roster.model.build import ModelContext
    from roster.result import Violation
    from roster.scenario import Scenario

SECTION = True
RULE = "one_shift"


def overlapping_pairs(scenario: Scenario, d: int) -> list[tuple[str, str]]:
    """(first, second): ``first`` on day ``d`` overlaps ``second`` on day
    ``d + 1`` in real time."""
    return [
        (a.id, b.id)
        for a in scenario.shifts
        for b in scenario.shifts
        if scenario.span(d, a.id)[1] > scenario.span(d + 1, b.id)[0]
    ]


def encode(ctx: ModelContext) -> None:
    from roster.model.build import neg

    idx = ctx.index
    for d in range(-1, idx.days - 1):
        pairs = [(idx.t_of[a], idx.t_of[b]) for a, b in overlapping_pairs(ctx.scenario, d)]
        for s in sorted(ctx.free_staff):
            for a, b in pairs:
                first, second = ctx.x(s, d, a), ctx.x(s, d + 1, b)
                if first is None or first is False or second is False:
                    continue
                ctx.model.add_bool_or([neg(lit) for lit in (first, second) if lit is not True])


def check(ctx: CheckContext) -> Iterator[Violation]:
    sc = ctx.scenario
    for p in sc.staff:
        for d in range(ctx.days):
            shifts = ctx.shifts(p.id, d)
            if len(shifts) > 1:
                yield ctx.violation(
                    RULE, p.id, [d], len(shifts) - 1, None,
                    f"{p.id} works {len(shifts)} shifts ({', '.join(shifts)}) on one day",
                )
            before = ctx.shifts(p.id, d - 1)
            if not before or not shifts:
                continue
            pairs = set(overlapping_pairs(sc, d - 1))
            for a in before:
                for b in shifts:
                    if (a, b) in pairs:
                        yield ctx.violation(
                            RULE, p.id, [d - 1, d], 1, None,
                            f"{p.id}: {a} overlaps the next day's {b}",
                        )

"""Structural: at most one shift and one on-call duty per person per day,
and nothing that overlaps in real time: a night, then an early; a day shift
and an on-call that starts before it ends; an on-call that runs into the
next morning's shift.

Always hard. The one-per-day halves live in the variables.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from roster.constraints.base import Section
from roster.constraints.context import CheckContext, ModelContext
from roster.constraints.literals import Lit

if TYPE_CHECKING:
    from roster.result import Violation
    from roster.scenario import Scenario

RULE = "one_shift"


def overlapping_pairs(scenario: Scenario, d: int) -> list[tuple[str, str]]:
    """(first, second): ``first`` on day ``d`` overlaps ``second`` on day
    ``d + 1`` in real time (shifts and duties alike; two shifts or two
    duties on one day are ruled out anyway)."""
    codes = [t.id for t in scenario.shifts] + [k.id for k in scenario.duties]
    return [
        (a, b) for a in codes for b in codes if scenario.span(d, a)[1] > scenario.span(d + 1, b)[0]
    ]


def same_day_pairs(scenario: Scenario, d: int) -> list[tuple[str, str]]:
    """(shift, duty) that overlap when both are on day ``d``."""
    out = []
    for t in scenario.shifts:
        a0, a1 = scenario.span(d, t.id)
        for k in scenario.duties:
            b0, b1 = scenario.span(d, k.id)
            if max(a0, b0) < min(a1, b1):
                out.append((t.id, k.id))
    return out


class OneShiftSection(Section):
    """At most one shift and one duty a day, none overlapping in real time."""

    name = RULE

    def encode(self, ctx: ModelContext, staff: Sequence[int]) -> None:
        idx = ctx.index
        staff = sorted(ctx.free_staff)

        def forbid(s: int, first: Lit, second: Lit) -> None:
            # one person, one place: a fact, not a rule the explainer may drop
            if first is not False and second is not False:
                ctx.always(first + second <= 1)

        for d in range(-1, idx.days - 1):
            pairs = [(idx.t_of[a], idx.t_of[b]) for a, b in overlapping_pairs(ctx.scenario, d)]
            for s in staff:
                for a, b in pairs:
                    forbid(s, ctx.x(s, d, a), ctx.x(s, d + 1, b))
        if not idx.duties:
            return
        for d in range(idx.days):
            pairs = [(idx.t_of[a], idx.t_of[b]) for a, b in same_day_pairs(ctx.scenario, d)]
            for s in staff:
                for a, b in pairs:
                    forbid(s, ctx.x(s, d, a), ctx.x(s, d, b))

    def check(self, ctx: CheckContext, staff: Sequence[str]) -> Iterator[Violation]:
        sc = ctx.scenario
        overlaps: dict[int, set[tuple[str, str]]] = {}  # by day, worked out once
        for pid in staff:
            p = sc.staff_by_id[pid]
            for d in range(ctx.days):
                shifts, duties = ctx.shifts(p.id, d), ctx.duties(p.id, d)
                for what, held in (("shifts", shifts), ("on-call duties", duties)):
                    if len(held) > 1:
                        yield ctx.violation(
                            RULE,
                            p.id,
                            [d],
                            len(held) - 1,
                            None,
                            f"{p.id} has {len(held)} {what} ({', '.join(held)}) on one day",
                        )
                if shifts and duties:
                    same = set(same_day_pairs(sc, d))
                    for a in shifts:
                        for b in duties:
                            if (a, b) in same:
                                yield ctx.violation(
                                    RULE,
                                    p.id,
                                    [d],
                                    1,
                                    None,
                                    f"{p.id}: {a} and on-call {b} overlap on one day",
                                )
                before = [*ctx.shifts(p.id, d - 1), *ctx.duties(p.id, d - 1)]
                now = [*shifts, *duties]
                if not before or not now:
                    continue
                if d not in overlaps:
                    overlaps[d] = set(overlapping_pairs(sc, d - 1))
                pairs = overlaps[d]
                for a in before:
                    for b in now:
                        if (a, b) in pairs:
                            yield ctx.violation(
                                RULE,
                                p.id,
                                [d - 1, d],
                                1,
                                None,
                                f"{p.id}: {a} overlaps the next day's {b}",
                            )

"""Pinned assignments (hard): this person works this shift (as this role),
or holds this on-call duty."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from roster.constraints.base import Section, fmt_dates
from roster.constraints.context import CheckContext, ModelContext

if TYPE_CHECKING:
    from roster.result import Violation

RULE = "fixed"


class FixedSection(Section):
    """Pinned shifts and duties, from each person's ``fixed`` (hard)."""

    name = RULE

    def encode(self, ctx: ModelContext, staff: Sequence[int]) -> None:
        idx, sc = ctx.index, ctx.scenario
        for p in sc.staff:
            s = idx.s_of[p.id]
            if s not in ctx.free_staff:
                continue
            for f in p.fixed:
                d, t = sc.day_index(f.date), idx.t_of[f.shift]
                assert d is not None  # validated
                text = f"{p.id} is pinned to {f.shift} on {fmt_dates([f.date])}"
                key = ("fixed", s, d, t)
                lit = (
                    ctx.as_role(s, d, t, idx.r_of[f.role]) if f.role is not None else ctx.x(s, d, t)
                )
                if lit is True:
                    continue
                # pinned to something impossible when the literal is False
                ctx.require_any([lit], staff=s, key=key, text=text)

    def check(self, ctx: CheckContext, staff: Sequence[str]) -> Iterator[Violation]:
        sc = ctx.scenario
        for p in (sc.staff_by_id[sid] for sid in staff):
            for f in p.fixed:
                d = sc.day_index(f.date)
                assert d is not None
                worked = [*ctx.assignments(p.id, d)] + [
                    (k, sc.duty_roles.get((p.id, k))) for k in ctx.duties(p.id, d)
                ]
                if not any(t == f.shift and (f.role is None or r == f.role) for t, r in worked):
                    role = f" as {f.role}" if f.role else ""
                    yield ctx.violation(
                        RULE,
                        p.id,
                        [d],
                        1,
                        None,
                        f"{p.id} is pinned to {f.shift}{role} on {fmt_dates([f.date])} but "
                        f"works {', '.join(t for t, _ in worked) or 'nothing'}",
                    )

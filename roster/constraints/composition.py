"""Care-team composition: a person works a shift as exactly one of their
roles, and only as a role allowed on that shift (``roles[].shifts``).

Always hard. The encoding lives in the variables: one role choice per worked
shift, none for a role the shift does not allow.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from roster.constraints.base import Section
from roster.constraints.context import CheckContext, ModelContext

if TYPE_CHECKING:
    from roster.result import Violation

RULE = "composition"


class CompositionSection(Section):
    """Each person works a shift as one of their roles, and only as a role
    allowed on that shift."""

    name = RULE

    def encode(self, ctx: ModelContext, staff: Sequence[int]) -> None:
        """Nothing to add: ``Variables`` only creates allowed (person, shift, role)."""

    def check(self, ctx: CheckContext, staff: Sequence[str]) -> Iterator[Violation]:
        sc = ctx.scenario
        allowed = {r.id: set(r.shifts) if r.shifts is not None else None for r in sc.roles}
        for p in (sc.staff_by_id[sid] for sid in staff):
            for d in range(ctx.days):
                for shift, role in ctx.assignments(p.id, d):
                    ok = allowed.get(role) if role is not None else None
                    if role not in p.roles or (ok is not None and shift not in ok):
                        yield ctx.violation(
                            RULE,
                            p.id,
                            [d],
                            1,
                            None,
                            f"{p.id} cannot work {shift} as {role}",
                        )

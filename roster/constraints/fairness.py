"""Fairness: balance nights, weekends, hours or shifts across a group of
staff, pro rata to what each can work.

Each person's load is scaled to a full-time, full-availability equivalent:
``load = value * ref // capacity``, where ``capacity`` is contracted hours per
week times days not on leave or unavailable, and ``ref`` the largest capacity in the group
(so equals compare equal and a half-timer's 2 nights weigh like 4). The
spread is the largest load minus the smallest, in whole nights / weekends /
hours / shifts. Penalty: ``weight`` per unit of spread above ``max_spread``.
People with no contracted hours count as the group's largest contract.
Counts and available days carried over from earlier rosters (the scenario's
``carry``) are added in, so that fairness holds over months.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, ClassVar, Literal

from pydantic import Field

from roster.constraints.base import Rule, weekend_blocks
from roster.constraints.max_weekends import worked_weekend

if TYPE_CHECKING:
    from roster.check import CheckContext
    from roster.model.build import ModelContext
    from roster.result import Violation
    from roster.scenario import Scenario


class Fairness(Rule):
    """Keep the spread of a load measure across a group small."""

    kind: Literal["fairness"]
    measure: Literal["nights", "weekends", "hours", "shifts"] = Field(
        description="what is balanced: night shifts, worked weekends, paid hours, shifts"
    )
    shifts: list[str] | None = Field(
        None, description="for measure: shifts, count only these shift types"
    )
    group_by: Literal["role", "all"] = Field(
        "role", description="role: one group per (first) role; all: one group"
    )
    max_spread: int = Field(0, ge=0, description="spread allowed before any penalty")

    group_rule: ClassVar[bool] = True
    shift_fields: ClassVar[tuple[str, ...]] = ("shifts",)

    def describe(self) -> str:
        return f"fair share of {self.measure} (spread at most {self.max_spread})"

    def groups(self, scenario: Scenario, staff: Sequence[str]) -> list[list[str]]:
        out: dict[str, list[str]] = {}
        for sid in staff:
            key = scenario.staff_by_id[sid].roles[0] if self.group_by == "role" else "*"
            out.setdefault(key, []).append(sid)
        return [g for g in out.values() if len(g) > 1]

    def capacities(self, scenario: Scenario, group: list[str]) -> dict[str, int]:
        """Minutes per week x available days; 0 = left out of the group."""
        hours = {sid: scenario.hours_per_week(sid) for sid in group}
        default = max((h for h in hours.values() if h), default=1.0)
        out = {}
        for sid in group:
            h = hours[sid] if hours[sid] is not None else default
            free = scenario.horizon.days - len(scenario.away_days[sid])
            out[sid] = round(h * 60) * (free + scenario.carried(sid).days)
        return {k: v for k, v in out.items() if v > 0}

    def unit(self) -> int:
        return 60 if self.measure == "hours" else 1

    def carried(self, scenario: Scenario, sid: str) -> int:
        """The value carried over from earlier rosters (none for a count of
        some shift types only: the carry-over counts every shift)."""
        carry = scenario.carried(sid)
        if self.measure == "hours":
            return round(carry.hours * 60)
        if self.measure == "shifts":
            return carry.shifts if self.shifts is None else 0
        return carry.nights if self.measure == "nights" else carry.weekends

    def per_shift(self, scenario: Scenario) -> dict[str, int]:
        """What one worked shift of each type adds to the value."""
        out = {}
        for sh in scenario.shifts:
            if self.measure == "nights":
                out[sh.id] = int(sh.is_night)
            elif self.measure == "hours":
                out[sh.id] = sh.paid_minutes
            elif self.measure == "shifts":
                out[sh.id] = int(self.shifts is None or sh.id in self.shifts)
        return out

    def encode(self, ctx: ModelContext, staff: Sequence[int]) -> None:
        sc, idx = ctx.scenario, ctx.index
        per = self.per_shift(sc)
        blocks = weekend_blocks(sc)
        for group in self.groups(sc, [idx.staff[s] for s in staff]):
            cap = self.capacities(sc, group)
            if len(cap) < 2:
                continue
            ref = max(cap.values())
            loads, tops = [], []
            for sid, c in cap.items():
                s = idx.s_of[sid]
                before = self.carried(sc, sid)
                if self.measure == "weekends":
                    value = sum(worked_weekend(ctx, s, b) for b in blocks)
                    top = len(blocks)
                else:
                    value = sum(
                        per[idx.shifts[t]] * ctx.x(s, d, t)
                        for d in idx.D
                        for t in idx.T
                        if per[idx.shifts[t]]
                    )
                    top = idx.days * max(per.values(), default=0)
                hi = (top + before) * ref // (c * self.unit())
                load = ctx.model.new_int_var(0, hi, f"load[{sid}]")
                # load = floor(value * ref / divisor), as two linear inequalities
                divisor = c * self.unit()
                ctx.model.add(divisor * load <= (value + before) * ref)
                ctx.model.add(divisor * load >= (value + before) * ref - divisor + 1)
                loads.append(load)
                tops.append(hi)
            ub = max(tops)
            most = ctx.model.new_int_var(0, ub, "most")
            least = ctx.model.new_int_var(0, ub, "least")
            ctx.model.add_max_equality(most, loads)
            ctx.model.add_min_equality(least, loads)
            ctx.limit(most - least, None, self.max_spread, ub, weight=self.weight,
                      staff=None, days=[], key=(ctx.origin, tuple(group)),
                      text=f"{', '.join(group)}: {self.describe()} ({ctx.origin})")

    def loads(self, ctx: CheckContext, group: list[str]) -> dict[str, int]:
        sc = ctx.scenario
        cap = self.capacities(sc, group)
        if len(cap) < 2:
            return {}
        ref = max(cap.values())
        per = self.per_shift(sc)
        blocks = weekend_blocks(sc)
        out = {}
        for sid, c in cap.items():
            if self.measure == "weekends":
                value = sum(1 for b in blocks if any(ctx.works(sid, d) for d in b))
            else:
                value = sum(per[t] for d in range(ctx.days) for t in ctx.shifts(sid, d))
            out[sid] = (value + self.carried(sc, sid)) * ref // (c * self.unit())
        return out

    def check(self, ctx: CheckContext, staff: Sequence[str]) -> Iterable[Violation]:
        for group in self.groups(ctx.scenario, staff):
            loads = self.loads(ctx, group)
            if not loads:
                continue
            spread = max(loads.values()) - min(loads.values())
            if spread > self.max_spread:
                hi = max(loads, key=loads.__getitem__)
                lo = min(loads, key=loads.__getitem__)
                yield ctx.violation(
                    self.label, None, [], spread - self.max_spread, self.weight,
                    f"{self.measure} spread {spread} across {len(loads)} staff "
                    f"({hi} {loads[hi]}, {lo} {loads[lo]}; full-time equivalents)",
                )

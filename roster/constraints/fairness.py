"""Fairness: balance nights, weekends, hours, shifts or holidays worked (shifts
starting on the scenario's holidays) across a group of staff, pro rata to
what each can work.

Each person's load is their count scaled to a full-time, full-availability
equivalent: ``load = value * ref / capacity``, where ``capacity`` is contracted
minutes per week times the days of the horizon not on leave (days marked
unavailable do not lower it: the contract is unchanged), plus days carried
over from earlier rosters, and ``ref`` the largest capacity in the group (so
equals compare equal and a half-timer's 2 nights weigh like 4). Loads are
exact fractions, compared over a common denominator, never rounded: the
spread is the largest load minus the smallest. Penalty: ``weight`` per whole
unit (night, weekend, hour, shift) of spread above ``max_spread``, rounded
up, so a spread of 1.87 with ``max_spread: 1`` costs one unit.
People with no contracted hours count as the group's largest contract.
Counts and available days carried over from earlier rosters (the scenario's
``carry``) are added in, so that fairness holds over months.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field, model_validator

from roster.constraints.base import Rule, weekend_blocks
from roster.constraints.context import CheckContext, ModelContext
from roster.constraints.max_weekends import worked_weekend
from roster.records import MAX_COUNT

if TYPE_CHECKING:
    from roster.result import Violation
    from roster.scenario import Scenario


class Fairness(Rule):
    """Keep the spread of a load measure across a group small."""

    kind: Literal["fairness"]
    measure: Literal["nights", "weekends", "hours", "shifts", "holidays", "duties"] = Field(
        description="what is balanced: night shifts, worked weekends, paid hours (duties "
        "their paid share), shifts, shifts on the scenario's holidays, on-call duties held"
    )
    shifts: list[str] | None = Field(
        None, description="for measure: shifts, count only these shift types"
    )
    duties: list[str] | None = Field(
        None, description="for measure: duties, count only these duties"
    )
    group_by: Literal["role", "all"] = Field(
        "role", description="role: one group per (first) role; all: one group"
    )
    max_spread: int = Field(0, ge=0, le=MAX_COUNT, description="spread allowed before any penalty")

    group_rule: ClassVar[bool] = True
    shift_fields: ClassVar[tuple[str, ...]] = ("shifts",)
    duty_fields: ClassVar[tuple[str, ...]] = ("duties",)

    @model_validator(mode="after")
    def _fields(self) -> Fairness:
        if self.shifts is not None and self.measure != "shifts":
            raise ValueError("'shifts' is for measure: shifts")
        if self.duties is not None and self.measure != "duties":
            raise ValueError("'duties' is for measure: duties")
        return self

    def describe(self) -> str:
        return f"fair share of {self.measure} (spread at most {self.max_spread})"

    def groups(self, scenario: Scenario, staff: Sequence[str]) -> list[list[str]]:
        out: dict[str, list[str]] = {}
        for sid in staff:
            key = scenario.staff_by_id[sid].roles[0] if self.group_by == "role" else "*"
            out.setdefault(key, []).append(sid)
        return [g for g in out.values() if len(g) > 1]

    def capacities(self, scenario: Scenario, group: list[str]) -> dict[str, int]:
        """Contracted minutes per week x days not on leave (plus carried
        days), divided by their common factor; 0 = left out of the group."""
        hours = {sid: scenario.hours_per_week(sid) for sid in group}
        default = max((h for h in hours.values() if h), default=1.0)
        out = {}
        for sid in group:
            h = hours[sid]
            h = h if h is not None else default
            free = scenario.horizon.days - len(scenario.leave_days[sid])
            out[sid] = round(h * 60) * (free + scenario.carried(sid).days)
        out = {k: v for k, v in out.items() if v > 0}
        common = math.gcd(*out.values()) if out else 1
        return {k: v // common for k, v in out.items()}

    def unit(self) -> int:
        return 60 if self.measure == "hours" else 1

    def carried(self, scenario: Scenario, sid: str) -> int:
        """The value carried over from earlier rosters (none for a count of
        some shift types only: the carry-over counts every shift)."""
        carry = scenario.carried(sid)
        if self.measure == "duties":
            return 0  # duties are not carried over yet
        if self.measure == "hours":
            return round(carry.hours * 60)
        if self.measure == "shifts":
            return carry.shifts if self.shifts is None else 0
        if self.measure == "holidays":
            return carry.holidays
        return carry.nights if self.measure == "nights" else carry.weekends

    def worth(self, scenario: Scenario, d: int, shift: str) -> int:
        """What ``shift`` worked on day ``d`` adds to the value (hours: its
        real paid minutes); ``shift`` may be a duty."""
        if scenario.is_duty(shift):
            if self.measure == "hours":
                return scenario.paid(d, shift)
            return int(self.measure == "duties" and (self.duties is None or shift in self.duties))
        if self.measure == "duties":
            return 0
        if self.measure == "nights":
            return int(scenario.shift_by_id[shift].is_night)
        if self.measure == "hours":
            return scenario.paid(d, shift)
        if self.measure == "holidays":
            return int(d in scenario.holiday_of)
        return int(self.shifts is None or shift in self.shifts)

    def encode(self, ctx: ModelContext, staff: Sequence[int]) -> None:
        sc, idx = ctx.scenario, ctx.index
        blocks = weekend_blocks(sc)
        unit = self.unit()
        for group in self.groups(sc, [idx.staff[s] for s in staff]):
            cap = self.capacities(sc, group)
            if len(cap) < 2:
                continue
            ref = max(cap.values())
            values: dict[str, Any] = {}
            top = 0
            # the most one person can add: the same for everyone in the group
            codes = range(len(idx.shifts) + len(idx.duties))
            days_most = (
                len(blocks)
                if self.measure == "weekends"
                else sum(
                    max(self.worth(sc, d, t) for t in idx.shifts)
                    + max((self.worth(sc, d, k) for k in idx.duties), default=0)
                    for d in idx.D
                )
            )
            for sid in cap:
                s = idx.s_of[sid]
                before = self.carried(sc, sid)
                if self.measure == "weekends":
                    value = sum(worked_weekend(ctx, s, b) for b in blocks)
                else:
                    value = sum(
                        w * ctx.x(s, d, t)
                        for d in idx.D
                        for t in codes
                        if (w := self.worth(sc, d, idx.code(t)))
                    )
                most = days_most
                var = ctx.new_int(before, most + before, f"value[{sid}]")
                ctx.always(var == value + before)
                values[sid] = var
                top = max(top, most + before)
            # people of equal capacity compare by their counts alone: only the
            # largest and smallest of each class meet the other classes
            classes: dict[int, list[str]] = {}
            for sid, c in cap.items():
                classes.setdefault(c, []).append(sid)
            ends = {}
            for c, members in classes.items():
                if len(members) == 1:
                    ends[c] = (values[members[0]], values[members[0]])
                    continue
                hi = ctx.new_int(0, top, "")
                lo = ctx.new_int(0, top, "")
                ctx.define_max(hi, [values[m] for m in members])
                ctx.define_min(lo, [values[m] for m in members])
                ends[c] = (hi, lo)
            text = f"{', '.join(group)}: {self.describe()} ({ctx.origin})"
            key = (ctx.origin, tuple(group))
            terms, spans = [], []
            for k in classes:
                for m in classes:
                    if k == m and len(classes[k]) == 1:
                        continue
                    # load_k - load_m - max_spread, over the common denominator
                    # unit * k * m: (hi_k * ref * m - lo_m * ref * k) - max_spread * unit * k * m
                    a, b, den = ref * m, ref * k, unit * k * m
                    g = math.gcd(a, b, den)
                    a, b, den = a // g, b // g, den // g
                    allowed = self.max_spread * den
                    excess = a * ends[k][0] - b * ends[m][1]
                    if self.weight is None:
                        ctx.require(excess <= allowed, staff=None, key=key, text=text)
                        continue
                    span = -(-(a * top - allowed) // den)
                    if span <= 0:
                        continue
                    t = ctx.new_int(-(-(-b * top - allowed) // den) - 1, span, "")
                    # t = ceil((excess - allowed) / den), as two inequalities
                    ctx.always(den * t >= excess - allowed)
                    ctx.always(den * t <= excess - allowed + den - 1)
                    terms.append(t)
                    spans.append(span)
            if self.weight is None or not terms or ctx.explain or self.weight == 0:
                continue
            over = ctx.new_int(0, max(spans), "spread_over")
            ctx.define_max(over, [0, *terms])
            ctx.penalize(over, self.weight, None, [])

    def loads(self, ctx: CheckContext, group: list[str]) -> dict[str, Fraction]:
        """Each person's load in full-time equivalents, exactly."""
        sc = ctx.scenario
        cap = self.capacities(sc, group)
        if len(cap) < 2:
            return {}
        ref = max(cap.values())
        blocks = weekend_blocks(sc)
        out = {}
        for sid, c in cap.items():
            if self.measure == "weekends":
                value = sum(1 for b in blocks if any(ctx.works(sid, d) for d in b))
            else:
                value = sum(
                    self.worth(sc, d, t)
                    for d in range(ctx.days)
                    for t in [*ctx.shifts(sid, d), *ctx.duties(sid, d)]
                )
            out[sid] = Fraction((value + self.carried(sc, sid)) * ref, c * self.unit())
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
                    self.label,
                    None,
                    [],
                    math.ceil(spread - self.max_spread),
                    self.weight,
                    f"{self.measure} spread {float(spread):.2f} across {len(loads)} staff "
                    f"({hi} {float(loads[hi]):.2f}, {lo} {float(loads[lo]):.2f}; "
                    "full-time equivalents)",
                )

    @classmethod
    def draw_parameters(cls, draw: Any, ids: dict[str, Any]) -> dict[str, Any]:
        """Random parameters for the property tests (``ids``: what they may name)."""
        from hypothesis import strategies as st  # a test dependency

        out = {
            "measure": draw(
                st.sampled_from(["nights", "weekends", "hours", "shifts", "holidays", "duties"])
            ),
            "group_by": draw(st.sampled_from(["role", "all"])),
            "max_spread": draw(st.integers(0, 2)),
        }
        if out["measure"] == "shifts" and draw(st.booleans()):
            out["shifts"] = [draw(st.sampled_from(ids["shift_ids"]))]
        if out["measure"] == "duties" and ids.get("duty_ids") and draw(st.booleans()):
            out["duties"] = [draw(st.sampled_from(ids["duty_ids"]))]
        return out

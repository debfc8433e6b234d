"""Cover per shift: min, preferred and max people of a role and/or skill; an
entry with ``duty:`` counts the people holding that on-call duty instead.

A person counts for a role only on shifts worked as that role; a skill entry
without a role counts everyone with the skill; with a role, only those
working as that role who have the skill. So a charge-qualified RN on the
late counts towards "RN" and "RN with charge", and a pharmacist never fills
a nurse slot.

Entries with ``dates`` override weekday entries for the same shift, role and
skill on those dates; on the scenario's holidays, entries naming the pseudo-
weekday ``hol`` override weekday entries (and ``dates`` override both).
Penalties: ``min_weight`` per person below min, ``under_weight``/``over_weight``
per person below/above preferred,
``max_weight`` per person above max; an absent min/max weight means hard.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

import pandas as pd
from ortools.sat.python import cp_model

from roster.constraints.base import Section, fmt_dates
from roster.constraints.context import CheckContext, ModelContext
from roster.constraints.literals import soft_one

if TYPE_CHECKING:
    from roster.records import Demand, Need
    from roster.result import Violation
    from roster.scenario import Scenario, Staff

RULE = "cover"
#: per person short when ``--soft-cover`` turns hard minima soft
SOFT_COVER_WEIGHT = 10_000


def counts(
    person: Staff, role_worked: str | None, need_role: str | None, need_skill: str | None
) -> bool:
    """Whether a person working as ``role_worked`` counts for the need."""
    if need_skill is not None and need_skill not in person.skills:
        return False
    return need_role is None or role_worked == need_role


def eligible(scenario: Scenario, role: str | None, skill: str | None) -> list[Staff]:
    """Staff who could count for a need: they may work as ``role`` and have
    ``skill`` (None = any). Leave and rules are not considered."""
    return [
        p
        for p in scenario.staff
        if (role is None or role in p.roles) and (skill is None or skill in p.skills)
    ]


def levels(dm: Demand, soft_cover: bool) -> list[tuple[str, int | None, int | None, int | None]]:
    """(label, lo, hi, weight) per level; weight None = hard."""
    out: list[tuple[str, int | None, int | None, int | None]] = []
    if dm.min > 0:
        w = dm.min_weight
        if w is None and soft_cover:
            w = SOFT_COVER_WEIGHT
        out.append(("below min", dm.min, None, w))
    if dm.preferred is not None:
        if dm.under_weight:
            out.append(("below preferred", dm.preferred, None, dm.under_weight))
        if dm.over_weight:
            out.append(("above preferred", None, dm.preferred, dm.over_weight))
    if dm.max is not None:
        out.append(("above max", None, dm.max, dm.max_weight))
    return out


def _explain(scenario: Scenario, need: Need) -> str:
    date = scenario.dates[need.day]
    who = eligible(scenario, need.role, need.skill)
    away = [p.id for p in who if need.day in scenario.away_days[p.id]]
    why = (
        "on leave"
        if all(need.day in scenario.leave_days[p] for p in away)
        else ("on leave or unavailable")
    )
    head = (
        f"{fmt_dates([date])} {need.shift}: {need.what()} cover needs at least "
        f"{need.demand.min} (demand[{need.source}])"
    )
    if not who:
        return f"{head}; nobody has that role/skill"
    names = ", ".join(p.id for p in who[:12]) + (" ..." if len(who) > 12 else "")
    if len(away) == len(who):
        return f"{head}; the only ones who can, {names}, are {why}"
    tail = f", {len(away)} of them {why}" if away else ""
    return f"{head}; {len(who)} can work it ({names}){tail}"


def assigned(ctx: CheckContext, need: Need) -> int:
    """How many count towards the need in the roster."""
    staff = ctx.scenario.staff_by_id
    return sum(
        1
        for shift in need.shifts
        for sid, role in ctx.working(need.day, shift)
        if (p := staff.get(sid)) is not None
        and counts(p, role, need.role, need.skill)
        and (need.role is None or need.role in p.roles)
    )


def coverage(ctx: CheckContext) -> pd.DataFrame:
    """Per date, shift and role/skill: the levels, who is there, what is missing."""
    scenario = ctx.scenario
    rows = []
    for need in scenario.needs:
        dm, n = need.demand, assigned(ctx, need)
        rows.append(
            {
                "date": scenario.dates[need.day].isoformat(),
                "shift": need.shift,
                "window": "",
                "role": need.role or "",
                "skill": need.skill or "",
                "min": dm.min,
                "preferred": dm.preferred if dm.preferred is not None else "",
                "max": dm.max if dm.max is not None else "",
                "assigned": n,
                "shortfall": max(0, dm.min - n),
                "below_preferred": max(0, dm.preferred - n) if dm.preferred is not None else 0,
                "surplus": max(0, n - dm.max) if dm.max is not None else 0,
            }
        )
    return pd.DataFrame(rows)


class CoverSection(Section):
    """Cover per shift and on-call duty, from the scenario's ``demand``."""

    name = RULE
    links_people = True  # counts people together: decomposition's master holds it

    def encode(self, ctx: ModelContext, staff: Sequence[int]) -> None:
        sc, idx = ctx.scenario, ctx.index
        who: dict[tuple[str | None, str | None], tuple[list[int], set[int]]] = {}
        levels_of: dict[int, list[tuple[str, int | None, int | None, int | None]]] = {}
        # the fast path of a neighbourhood: soft levels of a need with one free
        # person, each p0 + (p1 - p0) * lit (see soft_one),
        # summed over every such need into one penalty: a year-long one-person
        # sub-model has tens of thousands of them
        one_lits: list = []
        one_coefs: list[int] = []
        one_const = 0
        for need in sc.needs:
            if need.day not in ctx.free_days:
                continue  # nothing to decide: a constant penalty
            d, ts = need.day, [idx.t_of[t] for t in need.shifts]
            r = idx.r_of[need.role] if need.role is not None else None
            group = (need.role, need.skill)
            if group not in who:
                everyone = {idx.s_of[p.id] for p in eligible(sc, *group)}
                who[group] = (sorted(everyone & ctx.free_staff), everyone)
            free, everyone = who[group]
            if need.source not in levels_of:
                levels_of[need.source] = levels(need.demand, ctx.soft_cover)
            lits: list = []
            for s in free:
                if ctx.is_free(s, d):
                    for t in ts:
                        lit = ctx.as_role(s, d, t, r) if r is not None else ctx.x(s, d, t)
                        if lit is not False:
                            lits.append(lit)
            if not lits and ctx.partial and all(w is not None for *_, w in levels_of[need.source]):
                continue  # a sub-model: a soft penalty that is a constant
            fixed = sum(
                1
                for t in ts
                for s, role in ctx.pinned_at.get((d, t), ())
                if s in everyone and (r is None or role == r)
            )
            for label, lo, hi, weight in levels_of[need.source]:
                if (
                    len(lits) == 1 and len(ts) == 1 and weight is not None
                ):  # (explaining ignores penalties)
                    p0, p1 = soft_one(fixed, 1, lo, hi)
                    one_const += weight * p0
                    if p1 != p0:
                        one_lits.append(lits[0])
                        one_coefs.append(weight * (p1 - p0))
                    continue
                text = None
                if ctx.explain:  # the sentence costs time; only explanations read it
                    text = (
                        _explain(sc, need)
                        if lo is not None
                        else (
                            f"{fmt_dates([sc.dates[need.day]])} {need.shift}: "
                            f"at most {hi} {need.what()}"
                        )
                    )
                ctx.limit(
                    sum(lits, fixed),
                    lo,
                    hi,
                    len(lits) + fixed,
                    weight=weight,
                    staff=None,
                    days=[need.day],
                    key=("cover", need.day, need.shift, need.role, need.skill, label),
                    text=text,
                )
        if one_lits or one_const:
            ctx.penalize(
                cp_model.LinearExpr.weighted_sum(one_lits, one_coefs) + one_const,
                1,
                staff=None,
                days=(),
                rule=RULE,
            )

    def check(self, ctx: CheckContext, staff: Sequence[str]) -> Iterator[Violation]:
        soft_cover = ctx.soft_cover
        for need in ctx.scenario.needs:
            n = assigned(ctx, need)
            for label, lo, hi, weight in levels(need.demand, soft_cover):
                amount = max(0, lo - n) if lo is not None else max(0, n - hi)  # type: ignore[operator]
                if amount:
                    level = lo if lo is not None else hi
                    yield ctx.violation(
                        RULE,
                        None,
                        [need.day],
                        amount,
                        weight,
                        f"{fmt_dates([ctx.date(need.day)])} {need.shift}: {n} {need.what()}, "
                        f"{label} {level}",
                    )

"""Who can cover this shift (or on-call duty)? Each person is tried in it
(moved from their own shift, or duty, that day if any) and the roster is
checked again: those who break no hard rule are ranked by what the change
costs in soft penalties; the others are listed with each hard rule they
would break, named as the scenario states it ("at most 5 consecutive
working days (rules[2])"). Hard cover minima count as hard rules here even
when the roster was solved with soft cover: moving a person off a shift
that would then be short is not "can take it".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from roster.checker import RosterView, check, found_in
from roster.constraints import Rule
from roster.errors import InputError
from roster.result import CheckReport, Violation
from roster.roster import Roster
from roster.scenario import RuleInstance, Scenario


@dataclass
class Candidate:
    """One person tried in the shift: what taking it would change in the
    total penalty (cover soft), rule by rule, and which hard rules it would
    break (none: ``eligible``)."""

    staff: str
    name: str
    role: str
    now: str  #: the shift they work that day now ('' = off)
    cost: int  #: change in total penalty (cover soft) if they take the shift
    by_rule: dict[str, int] = field(default_factory=dict)  #: the change, rule by rule
    #: hard rules it would break: "at most 40 hours per week (rules[0]): 43.5 hours in ..."
    broken: list[str] = field(default_factory=list)

    @property
    def eligible(self) -> bool:
        return not self.broken


def _role_for(scenario: Scenario, staff: str, shift: str, role: str | None) -> str | None:
    if scenario.is_duty(shift):  # a duty is held in one role per person
        held = scenario.duty_roles.get((staff, shift))
        return held if role is None or held == role else None
    person = scenario.staff_by_id[staff]
    for r in scenario.roles:
        if (
            r.id in person.roles
            and (role is None or r.id == role)
            and (r.shifts is None or shift in r.shifts)
        ):
            return r.id
    return None


#: the sections' hard parts, as a ward manager names them
_SECTION_WORDS = {
    "cover": "the cover minimum (demand)",
    "time_cover": "the clock-time cover minimum (time_cover)",
    "leave": "no work on leave or unavailable days (leave, unavailable)",
    "fixed": "pinned shifts (fixed)",
    "one_shift": "one shift or duty at a time",
    "composition": "who may work as what (roles)",
}


def hard_breaks(scenario: Scenario, roster: Roster) -> list[str]:
    """Every hard rule ``roster`` breaks, cover minima included (never
    softened), each as a sentence naming the rule and where the scenario
    states it: 'at most 5 consecutive working days (rules[2]): R1: 6
    consecutive working days (...), at most 5'."""
    view = RosterView(scenario, roster, soft_cover=False)
    return _sentences(found_in(view) + found_in(view, linking=True))


def _sentences(found: list[tuple[RuleInstance, Violation]]) -> list[str]:
    """The hard violations among ``found``, each as ``hard_breaks`` words it."""
    out = []
    for inst, v in found:
        if not v.hard:
            continue
        detail = v.message
        if v.staff is not None:
            detail = detail.removeprefix(f"{v.staff}: ")
        name = inst.rule.name if not isinstance(inst.rule, Rule) else None
        if name is not None:
            what = _SECTION_WORDS.get(name, name)
        else:
            what = f"{inst.rule.describe()} ({inst.origin})"
        out.append(f"{what}: {detail}")
    return out


def _delta(before: CheckReport, after: CheckReport) -> dict[str, int]:
    keys = set(before.by_rule) | set(after.by_rule)
    out = {k: after.by_rule.get(k, 0) - before.by_rule.get(k, 0) for k in sorted(keys)}
    return {k: v for k, v in out.items() if v}


@dataclass
class Effect:
    """What a change to a roster does: the change in total penalty, rule by
    rule, the hard rules it breaks that the roster kept, and those it mends."""

    cost: int
    by_rule: dict[str, int]
    broken: list[str]
    mended: list[str]


def effect(scenario: Scenario, before: Roster, after: Roster, soft_cover: bool = False) -> Effect:
    """What changing ``before`` into ``after`` does (``Effect``): a manager
    editing a cell sees it before applying the change. The penalty is the
    roster's own (``soft_cover`` as it was solved), so the change is the
    difference the two rosters' pages show; a cover minimum left short is
    a hard rule broken, as in ``suggest``."""
    old = check(scenario, before, soft_cover=soft_cover)
    new = check(scenario, after, soft_cover=soft_cover)
    was, now = hard_breaks(scenario, before), hard_breaks(scenario, after)
    return Effect(
        new.total_penalty - old.total_penalty,
        _delta(old, new),
        [b for b in now if b not in was],
        [b for b in was if b not in now],
    )


def assign(
    scenario: Scenario, roster: Roster, staff: str, date: dt.date, shift: str | None,
    role: str | None = None,
) -> Roster:  # fmt: skip
    """``roster`` with ``staff`` on ``shift`` on ``date`` as ``role``: a shift
    replaces their shift that day, an on-call duty their duty; ``shift``
    None takes them off that day (shifts and duties). The role defaults to
    the first of theirs that may work the shift. An unknown person, shift,
    role of theirs or a date outside the horizon is an InputError naming
    each; a role that may not work the shift is left for the rules to judge."""
    problems = _cell_problems(scenario, staff, date, shift, role)
    if problems:
        raise InputError(problems, what="change")
    df = roster.df
    mine = (df["staff"] == staff) & (df["date"] == date)
    if shift is None:
        return Roster(df[~mine].reset_index(drop=True))
    duty = scenario.is_duty(shift)
    mine &= df["shift"].map(scenario.is_duty) == duty
    person = scenario.staff_by_id[staff]
    as_role = role or _role_for(scenario, staff, shift, None) or person.roles[0]
    moved = pd.DataFrame([(staff, date, shift, as_role)], columns=df.columns)
    return Roster(pd.concat([df[~mine], moved], ignore_index=True))


def _cell_problems(
    scenario: Scenario, staff: str, date: dt.date, shift: str | None, role: str | None
) -> list[tuple[str, str]]:
    """What ``assign`` cannot do, each located at its argument."""
    problems = []
    person = scenario.staff_by_id.get(staff)
    if person is None:
        problems.append(
            ("staff", f"unknown staff '{staff}'; allowed: {', '.join(scenario.staff_by_id)}")
        )
    if scenario.day_index(date) is None:
        span = f"{scenario.dates[0]}..{scenario.dates[-1]}"
        problems.append(("date", f"{date} is outside the horizon {span}"))
    if shift is not None and shift not in scenario.shift_by_id and not scenario.is_duty(shift):
        codes = ", ".join([*scenario.shift_by_id, *scenario.duty_by_id, "off"])
        problems.append(("shift", f"unknown shift '{shift}'; allowed: {codes}"))
    elif shift is not None and person is not None and scenario.is_duty(shift):
        held = scenario.duty_roles.get((staff, shift))
        if held is None:
            problems.append(("shift", f"{staff} cannot hold {shift}: no role of theirs may"))
        elif role is not None and role != held:
            problems.append(("role", f"{staff} holds {shift} as {held}, not '{role}'"))
    elif shift is not None and person is not None and role is not None and role not in person.roles:
        problems.append(
            ("role", f"'{role}' is not one of {staff}'s roles ({', '.join(person.roles)})")
        )
    return problems


def check_request(scenario: Scenario, date: dt.date, shift: str, role: str | None) -> None:
    """An InputError naming each of ``date``, ``shift`` and ``role`` that the
    scenario does not know, so a caller learns of all of them at once
    before anyone is tried."""
    problems = []
    if shift not in scenario.shift_by_id and not scenario.is_duty(shift):
        codes = ", ".join([*scenario.shift_by_id, *scenario.duty_by_id])
        problems.append(("shift", f"unknown shift '{shift}'; allowed: {codes}"))
    if role is not None and role not in {r.id for r in scenario.roles}:
        known = ", ".join(r.id for r in scenario.roles)
        problems.append(("role", f"unknown role '{role}'; allowed: {known}"))
    if scenario.day_index(date) is None:
        span = f"{scenario.dates[0]}..{scenario.dates[-1]}"
        problems.append(("date", f"{date} is outside the horizon {span}"))
    if problems:
        raise InputError(problems, what="arguments")


def suggest(
    scenario: Scenario, roster: Roster, date: dt.date, shift: str, role: str | None = None
) -> list[Candidate]:
    """Everyone who could be put on ``shift`` on ``date`` (as ``role``):
    those who break no hard rule first, cheapest first; then the others, with
    the hard rules they would break (``hard_breaks``: a cover minimum left
    short elsewhere included). The cost is the change in total penalty with
    cover soft, as ``check(..., soft_cover=True)`` scores it. An unknown
    shift or role, or a date outside the horizon, is an InputError
    (``check_request``)."""
    check_request(scenario, date, shift, role)
    # taking the shift changes one person's shifts: only their part of the
    # rules about one person, and the rules linking people, can change
    # (``found_in``), so only those are checked for each person tried
    soft = RosterView(scenario, roster, True)
    linked_before = _report(found_in(soft, linking=True))
    base_hard = set(hard_breaks(scenario, roster))
    df = roster.df
    out = []
    for p in scenario.staff:
        as_role = _role_for(scenario, p.id, shift, role)
        if as_role is None:
            continue
        mine = (df["staff"] == p.id) & (df["date"] == date)
        now = "+".join(df.loc[mine, "shift"])
        if shift in now.split("+"):
            continue
        moved = assign(scenario, roster, p.id, date, shift, as_role)
        soft_after = RosterView(scenario, moved, True)
        hard_after = soft_after.scoring_cover(False)
        own = found_in(soft_after, staff=p.id)
        before = CheckReport(
            linked_before.violations + _report(found_in(soft, staff=p.id)).violations
        )
        after = _report(own + found_in(soft_after, linking=True))
        # rules about one person do not read soft_cover: their hard part is
        # the same in both views
        broken = _sentences(own + found_in(hard_after, linking=True))
        out.append(
            Candidate(
                p.id,
                p.name or p.id,
                as_role,
                now,
                after.total_penalty - before.total_penalty,
                _delta(before, after),
                [b for b in broken if b not in base_hard],
            )
        )
    return sorted(out, key=lambda c: (not c.eligible, c.cost, c.staff))


def _report(found: list[tuple[RuleInstance, Violation]]) -> CheckReport:
    return CheckReport(tuple(v for _, v in found))

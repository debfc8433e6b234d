"""Why the hard rules cannot all hold: a small set of conflicting rule
instances, found with assumption literals and shrunk by deletion, told in
the order a ward manager reads a roster.

The cover the rules cannot meet comes first, day by day: what is needed and
who could give it (``Tue 2026-12-08 PN: PH cover needs at least 1
(demand[3]); 2 pharmacists can work it (P1, P2), both on leave``). Then the
leave, pins and rules of the people involved, by date, then role, then
person (R2 before R10). Cover that only the days before the roster could
give (a night that started before it) is blamed on the missing history, not
on people.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from typing import TYPE_CHECKING, Any

from ortools.sat.python import cp_model

from roster.constraints.base import fmt_dates
from roster.constraints.cover import eligible
from roster.constraints.leave import blocked
from roster.constraints.time_cover import Segment, segments
from roster.model.build import build

if TYPE_CHECKING:
    from roster.model.solve import SolveParams
    from roster.records import Need
    from roster.scenario import Scenario


def _infeasible(
    model: cp_model.CpModel, lits: list, seconds: float, seed: int
) -> tuple[bool, list[int]]:
    """Solve under these assumptions; (infeasible?, core as literal indexes)."""
    model.clear_assumptions()
    model.add_assumptions(lits)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1  # cores come from the sequential search
    solver.parameters.max_time_in_seconds = max(seconds, 0.05)
    solver.parameters.random_seed = seed
    solver.parameters.catch_sigint_signal = False
    status = solver.solve(model)
    if status != cp_model.INFEASIBLE:
        return False, []
    return True, list(solver.sufficient_assumptions_for_infeasibility())


def explain(scenario: Scenario, params: SolveParams) -> list[str]:
    """Sentences naming a small set of hard rules that cannot hold together.

    The set is minimal (no sentence can be dropped) when the time allows.
    """
    deadline = time.perf_counter() + params.explain_time_limit
    ctx = build(scenario, explain=True)
    entries = list(ctx.assumptions.values())
    if not entries:
        return [
            "the structural rules (one shift a day, no overlaps, roles) cannot hold "
            "with the history and pinned shifts"
        ]
    lits = [lit for lit, _ in entries]
    by_index = {lit.index: i for i, lit in enumerate(lits)}
    ok, core = _infeasible(ctx.model, lits, deadline - time.perf_counter(), params.seed)
    if not ok:
        return ["no small reason found within the time limit; every hard rule is involved"]
    current = [by_index[i] for i in core if i in by_index] or list(range(len(lits)))
    # deletion: drop each member in turn, keep the drop if still infeasible
    k = 0
    while k < len(current) and time.perf_counter() < deadline:
        trial = current[:k] + current[k + 1 :]
        left = deadline - time.perf_counter()
        ok, core = _infeasible(ctx.model, [lits[i] for i in trial], min(left, 5.0), params.seed)
        if ok:
            smaller = [by_index[i] for i in core if i in by_index]
            current = [i for i in trial if i in set(smaller)] if smaller else trial
        else:
            k += 1
    keys = list(ctx.assumptions)
    return tell(scenario, [(keys[i], entries[i][1]) for i in current])


# -- telling it ----------------------------------------------------------------
#: sorts after every day
_UNDATED = 1 << 30


def tell(scenario: Scenario, conflict: list[tuple[Any, str]]) -> list[str]:
    """The conflicting rule instances (assumption key, the rule's own
    sentence) as sentences for a ward manager: the cover they cannot give
    first, by date and role, each saying what is needed and who could give
    it (the same need on consecutive days with nobody away: one sentence);
    then the rest by date (leave, pins), role and person, one rule broken
    the same way by several people in one sentence naming them all."""
    roles = {r.id: i for i, r in enumerate(scenario.roles)}
    staff_index = {p.id: i for i, p in enumerate(scenario.staff)}
    needs: list[tuple[tuple[Any, ...], int, Any, str]] = []  # order, day, merge key, text
    rest: list[tuple[tuple[Any, ...], str | None, str]] = []  # order, person, text
    for key, text in conflict:
        kind = key[0] if isinstance(key, tuple) and key else None
        if kind == "cover" and key[-1] == "below min":
            _, day, shift, role, skill, _ = key
            need = next(
                (
                    n
                    for n in scenario.needs
                    if (n.day, n.shift, n.role, n.skill) == (day, shift, role, skill)
                ),
                None,
            )
            order = (day, roles.get(role, len(roles)), shift)
            if need is None:
                needs.append((order, day, None, text))
                continue
            line, merge = _need(scenario, need)
            needs.append((order, day, merge, line))
        elif kind == "cover":
            needs.append(((key[1], roles.get(key[3], len(roles)), key[2]), key[1], None, text))
        elif kind in ("time_cover", "time_cover max"):
            seg = _segment(scenario, key[1], key[2])
            line = _clock_need(scenario, seg) if seg is not None and kind == "time_cover" else text
            day = seg.day if seg is not None else _UNDATED
            role = seg.entry.role if seg is not None else None
            needs.append(((day, roles.get(role or "", len(roles)), key[2]), day, None, line))
        else:
            person = _person(scenario, key)
            day = _day(scenario, key, person, conflict)
            rank = (
                roles.get(scenario.staff_by_id[person].roles[0], len(roles))
                if person is not None
                else len(roles)
            )
            who = _natural(person) if person is not None else ()
            place = (day, rank, who, staff_index.get(person or "", -1), text)
            rest.append((place, person, text))
    needs.sort(key=lambda item: item[0])
    rest.sort(key=lambda item: item[0])
    return _merge_days(scenario, needs) + _merge_people(rest)


def _merge_days(
    scenario: Scenario, needs: list[tuple[tuple[Any, ...], int, Any, str]]
) -> list[str]:
    """One sentence for the same need on a run of consecutive days with
    nobody away ('Mon 2026-12-07..Sun 2026-12-13 E: ... each day (7 days)');
    ``needs`` are in date order."""
    lines: list[tuple[str, Any, list[int]]] = []  # text, merge key, days
    latest: dict[Any, int] = {}  # merge key -> its latest line
    for _, day, merge, text in needs:
        at = latest.get(merge) if merge is not None else None
        if at is not None and lines[at][2][-1] == day - 1:
            lines[at][2].append(day)
            continue
        if merge is not None:
            latest[merge] = len(lines)
        lines.append((text, merge, [day]))
    out = []
    for text, merge, days in lines:
        if merge is None:
            out.append(text)
            continue
        shift, head, tail = merge
        dates = fmt_dates([scenario.dates[days[0]], scenario.dates[days[-1]]])
        each = f" each day ({len(days)} days)" if len(days) > 1 else ""
        out.append(f"{dates} {shift}: {head}{each}; {tail}")
    return out


def _merge_people(rest: list[tuple[tuple[Any, ...], str | None, str]]) -> list[str]:
    """'RN3, RN10: at most 40 hours per week (rules[0])' for the same rule
    broken the same way by several people, in the first one's place."""
    out: list[str] = []
    shared: dict[str, int] = {}
    for _, person, text in rest:
        prefix = f"{person}: "
        if person is not None and text.startswith(prefix):
            same = text[len(prefix) :]
            at = shared.get(same)
            if at is not None:
                who, _, _ = out[at].partition(": ")
                out[at] = f"{who}, {person}: {same}"
                continue
            shared[same] = len(out)
        out.append(text)
    return out


def _natural(text: str) -> tuple[Any, ...]:
    """'R10' after 'R2': digits compared as numbers."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"([0-9]+)", text))


def _person(scenario: Scenario, key: Any) -> str | None:
    """The person an assumption is about, if one: leave, pins and published
    days carry their index second, a person's rule last."""
    if not isinstance(key, tuple) or len(key) < 2:
        return None
    staff = scenario.staff
    if key[0] in ("leave", "fixed", "published") and isinstance(key[1], int):
        return staff[key[1]].id if 0 <= key[1] < len(staff) else None
    last = key[-1]
    if isinstance(last, int) and not isinstance(last, bool) and 0 <= last < len(staff):
        return staff[last].id
    if isinstance(last, str) and last in scenario.staff_by_id:
        return last
    return None


def _day(scenario: Scenario, key: Any, person: str | None, conflict: list[tuple[Any, str]]) -> int:
    """The day an assumption is about: a pin's or a published day's own; for
    leave, the first of the person's days off that the conflicting cover is
    on (else their first); none for a rule over the whole roster."""
    if key[0] in ("fixed", "published") and len(key) > 2 and isinstance(key[2], int):
        return key[2]
    if key[0] == "leave" and person is not None:
        days = sorted(blocked(scenario).get(person, {}))
        wanted = {k[1] for k, _ in conflict if isinstance(k, tuple) and k and k[0] == "cover"}
        return next((d for d in days if d in wanted), days[0] if days else _UNDATED)
    return _UNDATED


def _people(n: int, role: str | None, skill: str | None, scenario: Scenario) -> str:
    """'2 pharmacists', '1 registered nurse', '3 people with IV'."""
    name = scenario.roles[[r.id for r in scenario.roles].index(role)].name if role else None
    if name:
        noun = name if n == 1 else (name if name.endswith("s") else name + "s")
    else:
        noun = "person" if n == 1 else "people"
    with_skill = f" with {skill}" if skill else ""
    return f"{n} {noun}{with_skill}"


def _away(
    scenario: Scenario, who: list[str], day: int, shifts: tuple[str, ...]
) -> tuple[list[str], list[str]]:
    """Of ``who``, those on leave on ``day`` and those unavailable for all of
    ``shifts`` on it."""
    off = blocked(scenario)
    leave, unavailable = [], []
    for sid in who:
        if day in scenario.leave_days[sid]:
            leave.append(sid)
        elif day in off.get(sid, {}):
            cannot = off[sid][day]
            if cannot is None or set(shifts) <= cannot:
                unavailable.append(sid)
    return leave, unavailable


def _names(ids: list[str]) -> str:
    return ", ".join(ids[:12]) + (" ..." if len(ids) > 12 else "")


def _who_can(scenario: Scenario, need: Need) -> list[str]:
    """People who may work one of the need's shifts (or hold its duty) in a
    role that counts for it, leave and rules aside."""
    out = []
    for p in eligible(scenario, need.role, need.skill):
        for code in need.shifts:
            if scenario.is_duty(code):
                held = scenario.duty_roles.get((p.id, code))
                ok = held is not None and (need.role is None or held == need.role)
            else:
                ok = any(
                    r.id in p.roles
                    and (need.role is None or r.id == need.role)
                    and (r.shifts is None or code in r.shifts)
                    for r in scenario.roles
                )
            if ok:
                out.append(p.id)
                break
    return out


def _need(scenario: Scenario, need: Need) -> tuple[str, Any]:
    """'Tue 2026-12-08 PN: PH cover needs at least 1 (demand[3]); 2
    pharmacists can work it (P1, P2), both on leave', and what the same
    need on the next day must match to be told with it (None: told alone)."""
    date = fmt_dates([scenario.dates[need.day]])
    head = f"{need.what()} cover needs at least {need.demand.min} (demand[{need.source}])"
    who = _who_can(scenario, need)
    if not who:
        return f"{date} {need.shift}: {head}; nobody has that role and skill", None
    tail = _available(scenario, who, need.day, need.shifts, need.role, need.skill)
    if tail.endswith(_NOBODY_AWAY):
        return "", (need.shift, head, tail)
    return f"{date} {need.shift}: {head}; {tail}", None


#: the end of a need's sentence when nobody who can work it is away
_NOBODY_AWAY = ", none of them away"


def _available(
    scenario: Scenario,
    who: list[str],
    day: int,
    shifts: tuple[str, ...],
    role: str | None,
    skill: str | None,
) -> str:
    """'2 pharmacists can work it (P1, P2), both on leave'; '5 registered
    nurses can work it (...): 1 on leave (R2), 4 free that day'."""
    leave, unavailable = _away(scenario, who, day, shifts)
    text = f"{_people(len(who), role, skill, scenario)} can work it ({_names(who)})"
    if not leave and not unavailable:
        return text + _NOBODY_AWAY
    if len(leave) == len(who):
        return text + (
            ", on leave"
            if len(who) == 1
            else ", both on leave"
            if len(who) == 2
            else ", all on leave"
        )
    if len(unavailable) == len(who):
        return text + (", unavailable" if len(who) == 1 else ", all unavailable")
    if len(leave) + len(unavailable) == len(who):
        return f"{text}: {len(leave)} on leave ({_names(leave)}), the others unavailable"
    parts = []
    if leave:
        parts.append(f"{len(leave)} on leave ({_names(leave)})")
    if unavailable:
        parts.append(f"{len(unavailable)} unavailable ({_names(unavailable)})")
    free = len(who) - len(leave) - len(unavailable)
    return f"{text}: {', '.join(parts)}, {free} free that day"


def _segment(scenario: Scenario, source: int, start: int) -> Segment | None:
    return next((s for s in segments(scenario) if (s.source, s.a) == (source, start)), None)


def _clock_need(scenario: Scenario, seg: Segment) -> str:
    """A clock-cover segment nobody can fill: what it needs, and who could
    give it; when only shifts started before the roster span it, the
    missing (or not matching) history is the cause, and says so."""
    tc = seg.entry
    what = " with ".join(x for x in (tc.role, tc.skill) if x)
    head = (
        f"{fmt_dates([scenario.dates[seg.day]])} {seg.clock()}: {what} cover needs at least "
        f"{tc.min} at every minute (time_cover[{seg.source}])"
    )
    shifts = tuple(dict.fromkeys(sid for _, sid in seg.spans))
    if not seg.spans:
        return f"{head}; no shift that {what} can work spans {seg.clock()}"
    if all(e < 0 for e, _ in seg.spans):
        day = fmt_dates([scenario.dates[0] - dt.timedelta(days=1)])
        codes = " or ".join(shifts)
        people = [p.id for p in eligible(scenario, tc.role, tc.skill)]
        known = [sid for sid in people if scenario.history_of(sid)]
        only = f"only {codes}, started the day before the roster starts ({day}), spans it"
        if not known:
            example = people[0] if people else "N01"
            return (
                f"{head}; {only}, and that day is not in the history: give history: each "
                f"person's last days, e.g. {{{example}: [{shifts[0]}]}}"
            )
        return (
            f"{head}; {only}, and the history has too few {what} on it: correct history: "
            "(the roster cannot change the days before it starts)"
        )
    days = sorted({e for e, _ in seg.spans if e >= 0})
    who = [p.id for p in eligible(scenario, tc.role, tc.skill)]
    if not who:
        return f"{head}; nobody has that role and skill"
    return f"{head}; {_available(scenario, who, days[0], shifts, tc.role, tc.skill)}"

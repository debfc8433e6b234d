"""Edits to a scenario's plain data (as read from its file): leave, headcount,
cover levels, contract hours and rule parameters.

What-if variants and repair both change a scenario this way, so every edited
scenario is validated by the same ``load_scenario`` as any scenario file.
Each function changes ``data`` in place (copy it first to keep the
original); ``base``, where asked for, is the scenario loaded from ``data``
as it is before the edit. An edit that cannot apply is an ``EditError``
located at ``where``, the caller's name for the change.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from roster.constraints import registry
from roster.constraints.time_cover import applying
from roster.errors import InputError
from roster.records import WEEKDAYS, expand, format_clock
from roster.scenario import Scenario

_WINDOW = re.compile(r"^\d{1,2}:\d{2}-\d{1,2}:\d{2}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class EditError(InputError, ValueError):
    """A change that cannot be read or applied; the message says why."""

    def __init__(self, location: str, message: str, source: str | None = None) -> None:
        super().__init__([(location, message)], source, what=None)


def add_leave(
    data: dict[str, Any],
    staff: str,
    first: dt.date,
    last: dt.date,
    where: str = "staff",
    kind: str = "annual",
) -> bool:
    """Leave (of type ``kind``) for ``staff`` from ``first`` to ``last``
    (inclusive): how a what-if, a sick call and an imported leave sheet alike
    take someone out. Pins on those dates give way to the leave, since a
    pinned shift cannot be worked on leave. False (and no entry added) when
    the very same entry is there already."""
    person = next((p for p in data["staff"] if p.get("id") == staff), None)
    if person is None:
        raise EditError(where, f"unknown staff {staff!r}")
    a, b = first.isoformat(), last.isoformat()
    entry: str | dict[str, str]
    if kind == "annual":
        entry = a if first == last else {"from": a, "to": b}
    else:
        entry = {"date": a, "type": kind} if first == last else {"from": a, "to": b, "type": kind}
    if person.get("fixed"):
        person["fixed"] = [
            f for f in person["fixed"] if not first <= dt.date.fromisoformat(str(f["date"])) <= last
        ]
    leave = person.setdefault("leave", [])
    if entry in leave:
        return False
    leave.append(entry)
    return True


def change_headcount(
    data: dict[str, Any],
    base: Scenario,
    role: str,
    change: int,
    template: str | None = None,
    where: str = "staff",
) -> None:
    """Add ``change`` people (or remove ``-change``) of ``role``: the question
    "what if we had two more nurses" as scenario data.

    New people are cloned from ``template`` (a person, or a contract;
    default: any of the role) without their leave, pins or requests, like
    the most common profile among the template's people. Removal takes the
    last-listed people who have only that role (and match the template),
    those without pinned shifts first, and drops them from history and rule
    scopes.
    """
    roles = [r.id for r in base.roles]
    if role not in roles:
        raise EditError(where, f"unknown role {role!r}; allowed: {', '.join(roles)}")
    staff = data["staff"]
    members = [i for i, p in enumerate(base.staff) if role in p.roles]
    if template:
        if template in base.staff_by_id:
            chosen = [i for i in members if base.staff[i].id == template]
        elif template in base.contract_by_id:
            chosen = [i for i in members if base.staff[i].contract == template]
        else:
            raise EditError(where, f"template {template!r} is neither a person nor a contract")
        if not chosen:
            raise EditError(where, f"no {role} matches the template {template!r}")
    else:
        chosen = members
    if change > 0:
        _add_people(staff, base, role, change, chosen)
        return
    removable = [i for i in chosen if base.staff[i].roles == [role]]
    # the last listed first, people with pinned shifts last
    removable.sort(key=lambda i: (bool(base.staff[i].fixed), -i))
    if len(removable) < -change:
        raise EditError(
            f"{where}={change:+d}",
            f"only {len(removable)} people have the single role "
            f"{role}{' and match ' + template if template else ''}",
        )
    drop_staff(data, {base.staff[i].id for i in removable[:-change]})


def rename_staff(data: dict[str, Any], old: str, new: str) -> None:
    """Give the person ``old`` the id ``new`` wherever the scenario names
    them (their entry, history, carried totals, rule scopes), so that a
    corrected id leaves nothing behind under the old one."""
    for person in data.get("staff") or []:
        if person.get("id") == old:
            person["id"] = new
    for section in ("history", "carry"):
        table = data.get(section) or {}
        if old in table:
            table[new] = table.pop(old)
    for rules in _rule_lists(data):
        for rule in rules:
            scope = rule.get("scope") or {}
            if scope.get("staff"):
                scope["staff"] = [new if s == old else s for s in scope["staff"]]


def set_up_for(data: dict[str, Any], start: dt.date, days: int) -> dict[str, Any]:
    """A unit's set-up (shifts, roles, skills, contracts, weekday cover and
    rules) for a period from ``start``, without its people or anything
    dated (holidays, cover on dates, rule scopes' days): where a new unit
    like it starts, before its own staff are added."""
    new = copy.deepcopy(data)
    drop_staff(new, [p.get("id") for p in new.get("staff") or []])
    new["horizon"] = {"start": start.isoformat(), "days": days}
    for section in ("history", "carry", "holidays"):
        new.pop(section, None)
    for section in ("demand", "time_cover"):
        new[section] = [e for e in new.get(section) or [] if e.get("dates") is None]
    for rules in _rule_lists(new):
        for rule in rules:
            for key in ("from", "to"):
                (rule.get("scope") or {}).pop(key, None)
    return new


def drop_staff(data: dict[str, Any], gone: Iterable[str]) -> None:
    """Take the people ``gone`` out of the scenario: their entries, their
    history and carried totals, and their names in rule scopes, so that
    nothing is left naming someone who is not there."""
    gone = set(gone)
    data["staff"] = [p for p in data.get("staff") or [] if p.get("id") not in gone]
    for section in ("history", "carry"):
        for sid in gone:
            (data.get(section) or {}).pop(sid, None)
    for rules in _rule_lists(data):
        for rule in rules:
            scope = rule.get("scope") or {}
            if scope.get("staff"):
                scope["staff"] = [s for s in scope["staff"] if s not in gone]


def _add_people(
    staff: list[dict[str, Any]], base: Scenario, role: str, n: int, chosen: list[int]
) -> None:
    """``n`` clones of a typical person: the first of the most common profile."""

    def profile(i: int) -> tuple[Any, ...]:
        p = base.staff[i]
        return p.contract, tuple(p.roles), tuple(sorted(p.skills)), p.hours_per_week

    common = Counter(map(profile, chosen)).most_common(1)[0][0]
    like = staff[next(i for i in chosen if profile(i) == common)]
    ids = {p["id"] for p in staff}
    k = 0
    for _ in range(n):
        k += 1
        while f"{role}+{k}" in ids:
            k += 1
        clone = copy.deepcopy(like)
        for section in ("leave", "unavailable", "fixed", "requests"):
            clone.pop(section, None)
        clone["id"] = f"{role}+{k}"
        clone["name"] = f"new {role} {k} (like {like['id']})"
        staff.append(clone)
        ids.add(clone["id"])


def _rule_lists(data: dict[str, Any]) -> list[list[dict[str, Any]]]:
    lists = [data.get("rules") or []]
    lists += [c.get("rules") or [] for c in data.get("contracts") or []]
    lists += [p.get("rules") or [] for p in data.get("staff") or []]
    return lists


def scale_cover(
    data: dict[str, Any],
    base: Scenario,
    who: str,
    filters: Iterable[str],
    scale: Callable[[int], int],
    where: str = "demand",
) -> None:
    """Apply ``scale`` to the cover levels (``min``, ``preferred``, ``max``)
    of the ``demand`` and ``time_cover`` entries for ``who``: how more or
    less cover is asked for without rewriting the entries by hand.

    ``who`` is a role (its entries without a skill) or a skill (every entry
    for it). ``filters`` narrow it to shifts or duties, weekdays, dates
    (``2026-12-08``) or time_cover windows (``19:00-07:00``); an entry
    applying on more days than the filter keeps them unchanged in a copy of
    its own. A time_cover entry scaled to nothing is dropped.
    """
    roles = {r.id for r in base.roles}
    skills = {k.id for k in base.skills}
    if who not in roles | skills:
        raise EditError(
            where,
            f"{who!r} is neither a role nor a skill; allowed: {', '.join(sorted(roles | skills))}",
        )
    shifts, weekdays, dates, windows = set(), set(), set(), set()
    for f in filters:
        if f in base.shift_by_id or base.is_duty(f):
            shifts.add(f)
        elif f in WEEKDAYS:
            weekdays.add(f)
        elif _DATE.match(f):
            dates.add(parse_date(where, f))
        elif _WINDOW.match(f):
            windows.add(f)
        else:
            codes = ", ".join([*base.shift_by_id, *base.duty_by_id])
            raise EditError(
                where,
                f"{f!r} is not a shift or duty ({codes}), "
                "a weekday (mon..sun), a date YYYY-MM-DD or a clock window "
                "HH:MM-HH:MM",
            )

    def in_filter(d: int) -> bool:
        return (not weekdays or base.weekday(d) in weekdays) and (
            not dates or base.dates[d] in dates
        )

    def matches(entry: Any) -> bool:
        # a role alone: its entries without a skill (more RNs, not more charge nurses)
        return entry.skill == who if who in skills else (entry.role == who and entry.skill is None)

    day_filter = bool(weekdays or dates)
    hit = 0
    new_demand: list[dict[str, Any]] = []
    for i, (raw, dm) in enumerate(zip(data.get("demand") or [], base.demand)):
        if not (
            matches(dm) and not (windows and not shifts) and (not shifts or set(dm.shifts) & shifts)
        ):
            new_demand.append(raw)
            continue
        hit += 1
        if not day_filter:
            new_demand.append(_scaled(raw, scale))
        elif dm.dates is not None:
            chosen = [
                x for x in expand(dm.dates) if (d := base.day_index(x)) is not None and in_filter(d)
            ]
            rest = [x for x in expand(dm.dates) if x not in chosen]
            new_demand += _split(raw, chosen, rest, scale)
        elif not dates:  # weekday pattern, weekday filter: split the weekdays
            own = raw.get("weekdays") or list(WEEKDAYS)
            chosen_w = [w for w in own if w in weekdays]
            rest_w = [w for w in own if w not in weekdays]
            if rest_w:
                new_demand.append({**raw, "weekdays": rest_w})
            if chosen_w:
                new_demand.append(_scaled({**raw, "weekdays": chosen_w}, scale))
        else:  # weekday pattern, date filter: dated entries override it there
            new_demand.append(raw)
            # the days it sets (dated and holiday entries may override it)
            own_days = {need.day for need in base.needs if need.source == i}
            chosen = [base.dates[d] for d in sorted(own_days) if in_filter(d)]
            if chosen:
                extra = {k: v for k, v in raw.items() if k != "weekdays"}
                new_demand.append(_scaled({**extra, "dates": _iso(chosen)}, scale))
    new_cover: list[dict[str, Any]] = []
    applies = applying(base)
    for i, (raw, tc) in enumerate(zip(data.get("time_cover") or [], base.time_cover)):
        window = f"{format_clock(tc.from_)}-{format_clock(tc.to)}"
        if not (
            matches(tc) and not (shifts and not windows) and (not windows or window in windows)
        ):
            new_cover.append(raw)
            continue
        hit += 1
        if not day_filter:
            new_cover += _split(raw, None, [], scale, keep_zero=False)
            continue
        # the days its window applies on: as dates, the split keeps them
        days = [base.dates[d] for d in applies[i]]
        chosen = [x for x in days if in_filter(base.day_index(x))]  # type: ignore[arg-type]
        rest = [x for x in days if x not in chosen]
        plain = {k: v for k, v in raw.items() if k != "weekdays"}
        new_cover += _split(plain, chosen, rest, scale, keep_zero=False)
    if not hit:
        raise EditError(where, "no demand or time_cover entry matches")
    data["demand"], data["time_cover"] = new_demand, new_cover


def parse_date(where: str, text: str) -> dt.date:
    """A date written YYYY-MM-DD; an EditError at ``where`` otherwise."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise EditError(where, f"{text!r} is not a date YYYY-MM-DD") from None


def _scaled(raw: dict[str, Any], scale: Callable[[int], int]) -> dict[str, Any]:
    out = dict(raw)
    for level in ("min", "preferred", "max"):
        if out.get(level) is not None:
            out[level] = scale(out[level])
    return out


def _split(
    raw: dict[str, Any],
    chosen: list[dt.date] | None,
    rest: list[dt.date],
    scale: Callable[[int], int],
    keep_zero: bool = True,
) -> list[dict[str, Any]]:
    """The entry on ``rest`` as it was and on ``chosen`` scaled (all its days
    when ``chosen`` is None); a time_cover entry scaled to 0 is dropped."""
    out = []
    if chosen is not None and rest:
        out.append({**raw, "dates": _iso(rest)})
    if chosen is None or chosen:
        part = raw if chosen is None else {**raw, "dates": _iso(chosen)}
        scaled = _scaled(part, scale)
        if keep_zero or scaled.get("min", 0) > 0 or scaled.get("max") is not None:
            out.append(scaled)
    return out


def _iso(dates: list[dt.date]) -> list[str]:
    return [x.isoformat() for x in dates]


def set_contract(
    data: dict[str, Any], contract: str, path: str, value: Any, where: str = "contract"
) -> None:
    """Set a contract's ``hours_per_week`` (``path``) or a parameter of one of
    its rules (``path`` = ``<rule>.<param>``, the rule as its name, its kind
    or ``rules[i]``): what a contract change would do, without editing the file."""
    contracts = data.get("contracts") or []
    found = next((c for c in contracts if c.get("id") == contract), None)
    if found is None:
        raise EditError(
            where,
            f"unknown contract {contract!r}; allowed: "
            f"{', '.join(c['id'] for c in contracts) or 'none are defined'}",
        )
    if path == "hours_per_week":
        found["hours_per_week"] = value
        return
    set_rule_param(found.setdefault("rules", []), path, value, where)


def set_rule_param(rules: list[dict[str, Any]], path: str, value: Any, where: str = "rule") -> None:
    """Set ``<rule>.<param>`` (``path``) in a list of rule entries (the
    scenario's ``rules:``, a contract's or a person's), checking that the rule
    is one and takes that parameter."""
    spec, _, param = path.rpartition(".")
    if not spec:
        raise EditError(
            where, "write <rule>.<parameter>, the rule as its name, its kind or rules[i]"
        )
    match = re.fullmatch(r"rules\[(\d+)\]", spec)
    if match:
        i = int(match.group(1))
        if i >= len(rules):
            raise EditError(where, f"there are only {len(rules)} rules")
        found = [rules[i]]
    else:
        found = [r for r in rules if r.get("name") == spec]
        if not found:
            found = [r for r in rules if r.get("kind") == spec and r.get(param) is not None]
            if not found:
                found = [r for r in rules if r.get("kind") == spec]
    if not found:
        known = [r.get("name") or r.get("kind") for r in rules]
        raise EditError(
            where, f"no rule {spec!r} here; the rules: {', '.join(map(str, known)) or 'none'}"
        )
    if len(found) > 1:
        listed = ", ".join(
            f"rules[{rules.index(r)}]" + (f" ({r['name']})" if r.get("name") else "") for r in found
        )
        raise EditError(where, f"{len(found)} rules match {spec!r} ({listed}); name one")
    rule = found[0]
    cls = registry.get(rule.get("kind", ""))
    params = {f.alias or n for n, f in cls.model_fields.items()} if cls else set()
    if param not in params - {"kind"}:
        raise EditError(
            where,
            f"{rule.get('kind')} rules have no parameter {param!r}; "
            f"allowed: {', '.join(sorted(params - {'kind'}))}",
        )
    rule[param] = value


def upsert_staff(data: dict[str, Any], fields: dict[str, Any]) -> bool:
    """Merge one person's ``fields`` (``id`` and any of the staff entry's
    fields) into ``data``'s staff: the fields given replace those of the
    person with that id, whose other fields (leave, requests, rules...) stay;
    a new id is a new person, appended. True when the person is new."""
    person = next((p for p in data["staff"] if p.get("id") == fields["id"]), None)
    if person is None:
        data["staff"].append(dict(fields))
        return True
    person.update(fields)
    return False


def add_request(
    data: dict[str, Any], staff: str, request: dict[str, Any], where: str = "staff"
) -> bool:
    """Append ``request`` (a ``requests`` entry: dates, optional shift, want,
    weight) to ``staff``'s requests, unless the very same entry is there
    already (a sheet imported twice adds nothing). True when appended."""
    person = next((p for p in data["staff"] if p.get("id") == staff), None)
    if person is None:
        raise EditError(where, f"unknown staff {staff!r}")
    requests = person.setdefault("requests", [])
    if request in requests:
        return False
    requests.append(request)
    return True

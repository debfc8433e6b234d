"""Cross-checks pydantic cannot do field by field: ids must exist and be unique."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import TYPE_CHECKING

from roster.constraints.time_cover import applying
from roster.errors import InputError
from roster.records import LEAVE_TYPES, Leave, demand_table, leave_type

if TYPE_CHECKING:
    from roster.scenario import Scenario


class ScenarioError(InputError):
    """Bad input in a scenario (or a roster, or a folder of them): a list of
    (field path, what is wrong and what is allowed)."""

    def __init__(
        self, problems: list[tuple[str, str]], source: str | None = None, what: str = "scenario"
    ) -> None:
        super().__init__(problems, source, what)

    @property
    def neutral(self) -> bool:
        """A scenario's field paths are its own (its ``history`` section is
        no front end's ``--history``); a roster folder's are neutral."""
        return self.what != "scenario"


def _allowed(ids: list[str] | set[str]) -> str:
    ids = sorted(ids)
    shown = ", ".join(ids[:20]) + (" ..." if len(ids) > 20 else "")
    return f"allowed: {shown}" if ids else "none are defined"


def cross_check(sc: Scenario, also_known: Mapping[str, set[str]] | None = None) -> None:
    """Raise ScenarioError with every problem pydantic cannot see field by
    field: duplicate ids, references to ids not defined, dates outside the
    horizon, a day with two leave types, unknown history codes; once those are
    clear, cover patterns that set the same thing twice.

    ``also_known`` (kind of id, e.g. ``shift``, -> ids) are ids defined by
    entries the file has but that did not parse: references to them are not
    blamed (the entry's own problem is reported instead)."""
    problems: list[tuple[str, str]] = []

    def unique(section: str, ids: list[str]) -> None:
        for key, n in Counter(ids).items():
            if n > 1:
                problems.append((section, f"id '{key}' is used {n} times; ids must be unique"))

    shifts = [s.id for s in sc.shifts]
    duties = [k.id for k in sc.duties]
    roles = [r.id for r in sc.roles]
    skills = [k.id for k in sc.skills]
    staff = [p.id for p in sc.staff]
    contracts = [c.id for c in sc.contracts]
    for section, ids in (
        ("shifts", shifts),
        ("duties", duties),
        ("roles", roles),
        ("skills", skills),
        ("staff", staff),
        ("contracts", contracts),
    ):
        unique(section, ids)
    unique("leave_types", list(sc.leave_types))
    for i, k in enumerate(sc.duties):
        if k.id in shifts:
            problems.append(
                (
                    f"duties[{i}].id",
                    f"'{k.id}' is also a shift id; a duty needs an "
                    "id of its own (a roster row's shift column holds either)",
                )
            )
    known: dict[str, set[str]] = {
        "shift": set(shifts),
        "duty": set(duties),
        "shift or duty": set(shifts) | set(duties),
        "role": set(roles),
        "skill": set(skills),
        "staff": set(staff),
        "contract": set(contracts),
        "leave type": set(LEAVE_TYPES) | set(sc.leave_types),
    }
    for what, extra in (also_known or {}).items():
        known[what] = known.get(what, set()) | set(extra)
    if also_known:
        known["shift or duty"] = known["shift"] | known["duty"]

    def ref(path: str, what: str, value: str | None) -> None:
        if value is not None and value not in known[what]:
            problems.append((path, f"unknown {what} '{value}'; {_allowed(known[what])}"))

    def refs(path: str, what: str, values: list[str] | None) -> None:
        for i, v in enumerate(values or []):
            ref(f"{path}[{i}]", what, v)

    for i, r in enumerate(sc.roles):
        refs(f"roles[{i}].shifts", "shift", r.shifts)
    for i, k in enumerate(sc.duties):
        refs(f"duties[{i}] ({k.id}).roles", "role", k.roles)

    either = "shift or duty" if duties else "shift"
    for i, p in enumerate(sc.staff):
        at = f"staff[{i}] ({p.id})"
        refs(f"{at}.roles", "role", p.roles)
        refs(f"{at}.skills", "skill", p.skills)
        ref(f"{at}.contract", "contract", p.contract)
        seen: dict[object, str] = {}
        for j, spec in enumerate(p.leave):
            kind = leave_type(spec)
            if isinstance(spec, Leave):
                ref(f"{at}.leave[{j}].type", "leave type", kind)
            for x in spec.dates() if isinstance(spec, Leave) else [spec]:
                if seen.setdefault(x, kind) != kind:
                    problems.append(
                        (
                            f"{at}.leave[{j}]",
                            f"{x} is already {seen[x]} leave in an "
                            f"earlier entry; a day has one leave type",
                        )
                    )
        for key in p.leave_hours or {}:
            ref(f"{at}.leave_hours.{key}", "leave type", key)
        for j, u in enumerate(p.unavailable):
            refs(f"{at}.unavailable[{j}].shifts", either, u.shifts)
        for j, f in enumerate(p.fixed):
            ref(f"{at}.fixed[{j}].shift", either, f.shift)
            if f.shift in sc.duty_by_id and (p.id, f.shift) not in sc.duty_roles:
                problems.append(
                    (
                        f"{at}.fixed[{j}].shift",
                        f"{p.id} has none of the roles that may hold {f.shift}",
                    )
                )
            ref(f"{at}.fixed[{j}].role", "role", f.role)
            if sc.day_index(f.date) is None:
                problems.append(
                    (
                        f"{at}.fixed[{j}].date",
                        f"{f.date} is outside the horizon {sc.dates[0]}..{sc.dates[-1]}",
                    )
                )
            if f.role is not None and f.role not in p.roles:
                problems.append(
                    (
                        f"{at}.fixed[{j}].role",
                        f"'{f.role}' is not one of {p.id}'s roles ({', '.join(p.roles)})",
                    )
                )
        for j, q in enumerate(p.requests):
            if isinstance(q.shift, list):
                refs(f"{at}.requests[{j}].shift", either, q.shift)
            else:
                ref(f"{at}.requests[{j}].shift", either, q.shift)
        check_rules(sc, f"{at}.rules", p.rules, known, problems)

    for i, c in enumerate(sc.contracts):
        for key in c.leave_hours:
            ref(f"contracts[{i}] ({c.id}).leave_hours.{key}", "leave type", key)
        check_rules(sc, f"contracts[{i}] ({c.id}).rules", c.rules, known, problems)
    check_rules(sc, "rules", sc.rules, known, problems)

    for i, dm in enumerate(sc.demand):
        field = "shift" if dm.shift is not None else "duty"
        value = getattr(dm, field)
        if isinstance(value, list):
            refs(f"demand[{i}].{field}", field, value)
        else:
            ref(f"demand[{i}].{field}", field, value)
        if dm.duty is not None and dm.role is not None:
            for code in dm.shifts:
                allowed = sc.duty_by_id[code].roles if code in sc.duty_by_id else None
                if allowed is not None and dm.role not in allowed:
                    problems.append(
                        (
                            f"demand[{i}].role",
                            f"{code} is held only by {', '.join(allowed)}; "
                            f"'{dm.role}' never counts",
                        )
                    )
        ref(f"demand[{i}].role", "role", dm.role)
        ref(f"demand[{i}].skill", "skill", dm.skill)
    for i, tc in enumerate(sc.time_cover):
        ref(f"time_cover[{i}].role", "role", tc.role)
        ref(f"time_cover[{i}].skill", "skill", tc.skill)

    seen_holidays: set[object] = set()
    for i, h in enumerate(sc.holidays):
        if sc.day_index(h.date) is None:
            problems.append(
                (
                    f"holidays[{i}].date",
                    f"{h.date} is outside the horizon "
                    f"{sc.dates[0]}..{sc.dates[-1]}; list only holidays in it",
                )
            )
        if h.date in seen_holidays:
            problems.append((f"holidays[{i}].date", f"{h.date} is listed twice"))
        seen_holidays.add(h.date)

    for sid in sc.carry:
        ref(f"carry.{sid}", "staff", sid)
    duties_ok = bool(duties)
    for sid, codes in sc.history.items():
        ref(f"history.{sid}", "staff", sid)
        for j, code in enumerate(codes):
            if code in ("-", "") or code in known["shift"] or code in known["duty"]:
                continue
            parts = code.split("+")
            shifts = [c for c in parts if c in known["shift"]]
            duties = [c for c in parts if c in known["duty"]]
            if len(shifts) + len(duties) < len(parts) or len(shifts) > 1 or len(duties) > 1:
                what = "a shift id, a duty id, both as 'D+OC', " if duties_ok else "a shift id "
                problems.append(
                    (
                        f"history.{sid}[{j}]",
                        f"unknown shift '{code}'; use {what}or '-' "
                        f"for a day off; {_allowed(known['shift or duty'])}",
                    )
                )

    if not problems:
        for section, resolve in (("demand", demand_table), ("time_cover", applying)):
            try:
                resolve(sc)
            except ValueError as exc:
                problems.append((section, str(exc)))
    if problems:
        raise ScenarioError(problems)


def check_rules(sc, path, rules, known, problems) -> None:
    """Add to ``problems`` the (field path, message) of a ``rules:`` list at
    ``path``: kinds that belong in the scenario's own list, and ids in scopes
    and rule fields not in ``known`` (kind of id -> the ids defined)."""
    for i, rule in enumerate(rules):
        at = f"{path}[{i}] ({rule.kind})"
        if getattr(rule, "scenario_only", False) and path != "rules":
            problems.append(
                (
                    at,
                    f"'{rule.kind}' names its people itself: write it in the "
                    "scenario's rules, not a contract's or a person's",
                )
            )
        scope = rule.scope
        for field, what in (
            ("staff", "staff"),
            ("roles", "role"),
            ("skills", "skill"),
            ("contracts", "contract"),
        ):
            for j, v in enumerate(getattr(scope, field) or []):
                if v not in known[what]:
                    problems.append(
                        (
                            f"{at}.scope.{field}[{j}]",
                            f"unknown {what} '{v}'; {_allowed(known[what])}",
                        )
                    )
        for where, msg in rule.id_problems(known):
            problems.append((f"{at}.{where}", msg))
        for field in rule.duty_fields:
            for v in getattr(rule, field) or []:
                if v not in known["duty"]:
                    problems.append(
                        (f"{at}.{field}", f"unknown duty '{v}'; {_allowed(known['duty'])}")
                    )
        for field in rule.shift_fields:
            value = getattr(rule, field)
            values = value if isinstance(value, list) else [value]
            for v in values:
                if v is not None and v not in known["shift"]:
                    problems.append(
                        (f"{at}.{field}", f"unknown shift '{v}'; {_allowed(known['shift'])}")
                    )

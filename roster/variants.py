"""What-if variants: the base scenario with named changes.

A change is ``KEY=VALUE`` applied to the scenario's plain data (as read from
its file), so every variant is validated by the same ``load_scenario`` as any
scenario file. The keys:

``staff.<role>[@<template>]``
    Headcount change, a whole number: ``+2`` adds two people cloned from the
    template (a person, or a contract; default: any of the role) without their
    leave, pins or requests, and like the most common profile (contract,
    roles, skills, hours) among the template's people; ``-1`` removes the
    last-listed person who has only that role (and matches the template),
    preferring people without pinned shifts.
``demand.<role or skill>[.<filter>...]``
    Cover levels (``min``, ``preferred``, ``max``) of the matching ``demand``
    and ``time_cover`` entries (a role: its entries without a skill; a skill:
    every entry for it): a plain number multiplies (rounded up, so
    ``1.2`` turns 3 into 4), a signed one adds (``+1``, ``-1``). Filters: a
    shift or on-call duty id, a weekday (``sat``), a date (``2026-12-08``), or a clock window
    of a time_cover entry (``19:00-07:00``).
``contract.<id>.hours_per_week`` / ``contract.<id>.<rule>.<param>``
    A contract's hours, or a parameter of one of its rules; ``<rule>`` is the
    rule's name, its kind when one rule of that kind sets the parameter, or
    ``rules[i]``.
``rule.<rule>.<param>``
    The same for the scenario-wide ``rules:``.
``leave.<staff>``
    Leave on a date or ``FROM..TO`` (inclusive); ``-`` = none. Pins on those
    dates give way to the leave.

``--vary KEY=V1,V2`` lists values (``a..b`` = every whole number from a to
b); ``KEY+=N``, ``KEY-=N`` and ``KEY*=X`` are shorthands for one step.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import itertools
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from roster.constraints import registry
from roster.constraints.time_cover import applying
from roster.load import load_scenario, parse_text, read_data
from roster.scenario import WEEKDAYS, Scenario, expand, format_clock
from roster.validation import ScenarioError

KINDS = ("staff", "demand", "contract", "rule", "leave")
#: what-if limits: variants in one run, people one key adds or removes
MAX_VARIANTS = 1000
MAX_STAFF_CHANGE = 1000
_INT_RANGE = re.compile(r"^([+-]?\d+)\.\.([+-]?\d+)$")
_WINDOW = re.compile(r"^\d{1,2}:\d{2}-\d{1,2}:\d{2}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
NONE = ("-", "none")


class VaryError(ValueError):
    """A change that cannot be read or applied; the message says why."""


@dataclass(frozen=True)
class Axis:
    """One varied key and its values (as written, e.g. '+2', '1.2')."""

    key: str
    values: tuple[str, ...]

    @property
    def kind(self) -> str:
        return self.key.split(".", 1)[0]

    @property
    def base(self) -> str | None:
        """The value that changes nothing, when the axis has it."""
        for v in self.values:
            if neutral(self.key, v):
                return v
        return None


@dataclass(frozen=True)
class Variant:
    name: str
    values: dict[str, str] = field(default_factory=dict)


def neutral(key: str, value: str) -> bool:
    kind = key.split(".", 1)[0]
    if kind == "staff":
        return int(value) == 0
    if kind == "demand":
        return value in ("+0", "-0") or (value[0] not in "+-" and float(value) == 1.0)
    if kind == "leave":
        return value in NONE
    return False


def parse_vary(spec: str) -> Axis:
    """'staff.RN=-2..2' or 'demand.RN.N*=1.2' -> Axis."""
    match = re.fullmatch(r"\s*([^=]+?)([+*-]?)=(.*)", spec)
    if match is None or not match.group(3).strip():
        raise VaryError(
            f"--vary {spec!r}: write KEY=VALUES, e.g. staff.RN=-2..2 or "
            f"demand.RN.N=1.0,1.2; keys start with {', '.join(KINDS)}"
        )
    key, op, text = match.group(1).strip(), match.group(2), match.group(3).strip()
    kind = key.split(".", 1)[0]
    if kind not in KINDS or "." not in key:
        raise VaryError(
            f"--vary {spec!r}: unknown key {key!r}; keys start with "
            f"{', '.join(k + '.' for k in KINDS)}"
        )
    if op:
        if "," in text or _INT_RANGE.match(text):
            raise VaryError(
                f"--vary {spec!r}: {op}= takes one value; write {key}=V1,V2 for several"
            )
        if (op == "*" and kind != "demand") or (op in "+-" and kind not in ("staff", "demand")):
            raise VaryError(
                f"--vary {spec!r}: {op}= is for "
                f"{'demand' if op == '*' else 'staff and demand'} keys"
            )
        text = text.lstrip("+")
        tokens = [text if op == "*" else f"{op}{text}"]
    else:
        tokens = []
        for token in (t.strip() for t in text.split(",")):
            rng = _INT_RANGE.match(token) if kind != "leave" else None
            if rng:
                a, b = int(rng.group(1)), int(rng.group(2))
                if abs(b - a) >= MAX_VARIANTS:
                    raise VaryError(
                        f"--vary {spec!r}: {abs(b - a) + 1} values; at most "
                        f"{MAX_VARIANTS} variants in all"
                    )
                signed = token.startswith(("+", "-")) or kind == "staff"
                tokens += [f"{v:+d}" if signed else str(v) for v in _span(a, b)]
            else:
                tokens.append(token)
    values = tuple(_normal(key, t, spec) for t in tokens)
    if len(set(values)) < len(values):
        raise VaryError(f"--vary {spec!r}: a value is listed twice")
    return Axis(key, values)


def _span(a: int, b: int) -> range:
    return range(a, b + 1) if a <= b else range(a, b - 1, -1)


def _normal(key: str, token: str, spec: str) -> str:
    """Check one value's form for its key; staff deltas are written signed."""
    kind = key.split(".", 1)[0]
    if not token:
        raise VaryError(f"--vary {spec!r}: an empty value")
    if kind == "staff":
        if not re.fullmatch(r"[+-]?[0-9]{1,6}", token):
            raise VaryError(
                f"{key}: {token!r} is not a whole number of staff to add (+N) or remove (-N)"
            )
        if abs(int(token)) > MAX_STAFF_CHANGE:
            raise VaryError(f"{key}: {token!r}: at most {MAX_STAFF_CHANGE} people added or removed")
        return f"{int(token):+d}" if int(token) else "0"
    if kind == "demand":
        try:
            number = float(token)
        except ValueError:
            raise VaryError(
                f"{key}: {token!r} is not a number; write a multiplier "
                "(1.2) or an addition (+1, -1)"
            ) from None
        if token[0] in "+-":
            if number != int(number):
                raise VaryError(
                    f"{key}: an addition must be a whole number of people, not {token!r}"
                )
        elif number < 0 or not math.isfinite(number):
            raise VaryError(f"{key}: a multiplier must be 0 or more, not {token!r}")
        return token
    if kind == "leave" and token not in NONE:
        _leave_dates(key, token)
    return token


def grid(axes: list[Axis]) -> list[Variant]:
    """Every combination of the axes' values (the Cartesian grid)."""
    keys = [a.key for a in axes]
    if len(set(keys)) < len(keys):
        raise VaryError(
            f"{Counter(keys).most_common(1)[0][0]} is varied twice; list its values in one --vary"
        )
    total = math.prod(len(a.values) for a in axes)
    if total > MAX_VARIANTS:
        raise VaryError(f"{total} variants; at most {MAX_VARIANTS}: vary fewer keys or values")
    out = []
    for combo in itertools.product(*(a.values for a in axes)):
        values = dict(zip(keys, combo))
        out.append(Variant(variant_name(values), values))
    return out


def variant_name(values: dict[str, str]) -> str:
    """'staff.RN=+1__demand.RN.N=1.2': a folder name that says what changed."""
    if not values:
        return "base"
    text = "__".join(f"{k}={v}" for k, v in values.items())
    return folder_name(text)


def folder_name(text: str) -> str:
    """Safe as a folder name on every system: '15:00' becomes '1500'; a name
    of dots alone ('.', '..') or starting with one becomes '_..': never a
    step out of (or a hidden file in) the output folder."""
    safe = re.sub(r"[^A-Za-z0-9_.+=@\-]", "_", text.replace(":", ""))
    return "_" + safe if safe.startswith(".") else safe


def read_variants(path: str | Path) -> tuple[list[str], list[Variant]]:
    """Variants listed in a CSV (one column per key, optional 'variant' for
    the name, a blank cell = no change) or a YAML/JSON list of mappings."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        try:
            with path.open(newline="", encoding="utf-8") as fh:
                rows = list(csv.DictReader(fh))
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise VaryError(f"{path}: cannot read it: {exc}") from None
    else:
        rows = read_data(path)
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise VaryError(
                f"{path}: write a list of variants, each a mapping of KEY: VALUE "
                "(and optionally variant: NAME)"
            )
    if not rows:
        raise VaryError(f"{path}: lists no variants")
    keys: list[str] = []
    variants = []
    for i, row in enumerate(rows):
        values = {}
        for key, raw in row.items():
            if key == "variant" or raw is None or str(raw).strip() == "":
                continue
            axis = parse_vary(f"{key}={_text(raw)}")
            if len(axis.values) != 1:
                raise VaryError(f"{path}: variant {i + 1}, {key}: one value per variant")
            values[axis.key] = axis.values[0]
            if axis.key not in keys:
                keys.append(axis.key)
        name = str(row.get("variant") or "").strip() or variant_name(values)
        variants.append(Variant(folder_name(name), values))
    names = [v.name for v in variants]
    if len(set(names)) < len(names):
        raise VaryError(
            f"{path}: variant name {Counter(names).most_common(1)[0][0]!r} is used twice"
        )
    return keys, variants


def _text(raw: Any) -> str:
    if isinstance(raw, bool):
        return "true" if raw else "false"
    return str(raw)


# -- applying changes ---------------------------------------------------------
def apply(data: dict[str, Any], base: Scenario, values: dict[str, str]) -> dict[str, Any]:
    """A deep copy of ``data`` (the base scenario's plain data, which
    ``base`` was loaded from) with every change applied."""
    out = copy.deepcopy(data)
    # headcounts last: removing someone must not break the other keys' ids
    todo = sorted(
        ((k, v) for k, v in values.items() if not neutral(k, v)),
        key=lambda kv: kv[0].startswith("staff."),
    )
    for i, (key, value) in enumerate(todo):
        if i:  # the next change reads the scenario as the last one left it
            try:
                base = load_scenario(out)
            except ScenarioError as exc:
                raise VaryError(
                    f"{todo[i - 1][0]}={todo[i - 1][1]} makes the scenario invalid: {exc.render()}"
                ) from None
        kind = key.split(".", 1)[0]
        {"staff": _staff, "demand": _demand, "contract": _contract, "rule": _rule, "leave": _leave}[
            kind
        ](out, base, key, value)
    if values:
        out["name"] = f"{data.get('name') or 'scenario'} [{variant_name(values)}]"
    return out


def _staff(data: dict[str, Any], base: Scenario, key: str, value: str) -> None:
    role, _, template = key.removeprefix("staff.").partition("@")
    roles = [r.id for r in base.roles]
    if role not in roles:
        raise VaryError(f"{key}: unknown role {role!r}; allowed: {', '.join(roles)}")
    staff = data["staff"]
    members = [i for i, p in enumerate(base.staff) if role in p.roles]
    if template:
        if template in base.staff_by_id:
            chosen = [i for i in members if base.staff[i].id == template]
        elif template in base.contract_by_id:
            chosen = [i for i in members if base.staff[i].contract == template]
        else:
            raise VaryError(f"{key}: template {template!r} is neither a person nor a contract")
        if not chosen:
            raise VaryError(f"{key}: no {role} matches the template {template!r}")
    else:
        chosen = members
    n = int(value)
    if n > 0:
        # a typical person: the first of the most common profile
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
        return
    removable = [i for i in chosen if base.staff[i].roles == [role]]
    # the last listed first, people with pinned shifts last
    removable.sort(key=lambda i: (bool(base.staff[i].fixed), -i))
    if len(removable) < -n:
        raise VaryError(
            f"{key}={value}: only {len(removable)} people have the single role "
            f"{role}{' and match ' + template if template else ''}"
        )
    gone = {base.staff[i].id for i in removable[:-n]}
    data["staff"] = [p for p in staff if p["id"] not in gone]
    for sid in gone:
        (data.get("history") or {}).pop(sid, None)
    for rules in _rule_lists(data):
        for rule in rules:
            scope = rule.get("scope") or {}
            if scope.get("staff"):
                scope["staff"] = [s for s in scope["staff"] if s not in gone]


def _rule_lists(data: dict[str, Any]) -> list[list[dict[str, Any]]]:
    lists = [data.get("rules") or []]
    lists += [c.get("rules") or [] for c in data.get("contracts") or []]
    lists += [p.get("rules") or [] for p in data.get("staff") or []]
    return lists


def _demand(data: dict[str, Any], base: Scenario, key: str, value: str) -> None:
    who, *filters = key.removeprefix("demand.").split(".")
    roles = {r.id for r in base.roles}
    skills = {k.id for k in base.skills}
    if who not in roles | skills:
        raise VaryError(
            f"{key}: {who!r} is neither a role nor a skill; allowed: "
            f"{', '.join(sorted(roles | skills))}"
        )
    shifts, weekdays, dates, windows = set(), set(), set(), set()
    for f in filters:
        if f in base.shift_by_id or base.is_duty(f):
            shifts.add(f)
        elif f in WEEKDAYS:
            weekdays.add(f)
        elif _DATE.match(f):
            dates.add(_date(key, f))
        elif _WINDOW.match(f):
            windows.add(f)
        else:
            codes = ", ".join([*base.shift_by_id, *base.duty_by_id])
            raise VaryError(
                f"{key}: {f!r} is not a shift or duty ({codes}), "
                "a weekday (mon..sun), a date YYYY-MM-DD or a clock window "
                "HH:MM-HH:MM"
            )

    def in_filter(d: int) -> bool:
        return (not weekdays or base.weekday(d) in weekdays) and (
            not dates or base.dates[d] in dates
        )

    def matches(entry: Any) -> bool:
        # a role alone: its entries without a skill (more RNs, not more charge nurses)
        return entry.skill == who if who in skills else (entry.role == who and entry.skill is None)

    scale = _scaler(key, value)
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
                x
                for x in expand(dm.dates)
                if base.day_index(x) is not None and in_filter(base.day_index(x))
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
        raise VaryError(f"{key}: no demand or time_cover entry matches")
    data["demand"], data["time_cover"] = new_demand, new_cover


def _scaler(key: str, value: str) -> Any:
    if value[0] in "+-":
        k = int(float(value))
        return lambda n: max(0, n + k)
    f = float(value)
    return lambda n: math.ceil(n * f - 1e-9)


def _scaled(raw: dict[str, Any], scale: Any) -> dict[str, Any]:
    out = dict(raw)
    for level in ("min", "preferred", "max"):
        if out.get(level) is not None:
            out[level] = scale(out[level])
    return out


def _split(
    raw: dict[str, Any],
    chosen: list[dt.date] | None,
    rest: list[dt.date],
    scale: Any,
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


def _contract(data: dict[str, Any], base: Scenario, key: str, value: str) -> None:
    cid, _, path = key.removeprefix("contract.").partition(".")
    contracts = data.get("contracts") or []
    where = next((c for c in contracts if c.get("id") == cid), None)
    if where is None:
        raise VaryError(
            f"{key}: unknown contract {cid!r}; allowed: "
            f"{', '.join(c['id'] for c in contracts) or 'none are defined'}"
        )
    if path == "hours_per_week":
        where["hours_per_week"] = _scalar(key, value)
        return
    _set_rule_param(where.setdefault("rules", []), key, path, value)


def _rule(data: dict[str, Any], base: Scenario, key: str, value: str) -> None:
    _set_rule_param(data.setdefault("rules", []), key, key.removeprefix("rule."), value)


def _set_rule_param(rules: list[dict[str, Any]], key: str, path: str, value: str) -> None:
    spec, _, param = path.rpartition(".")
    if not spec:
        raise VaryError(
            f"{key}: write <rule>.<parameter>, the rule as its name, its kind or rules[i]"
        )
    match = re.fullmatch(r"rules\[(\d+)\]", spec)
    if match:
        i = int(match.group(1))
        if i >= len(rules):
            raise VaryError(f"{key}: there are only {len(rules)} rules")
        found = [rules[i]]
    else:
        found = [r for r in rules if r.get("name") == spec]
        if not found:
            found = [r for r in rules if r.get("kind") == spec and r.get(param) is not None]
            if not found:
                found = [r for r in rules if r.get("kind") == spec]
    if not found:
        known = [r.get("name") or r.get("kind") for r in rules]
        raise VaryError(
            f"{key}: no rule {spec!r} here; the rules: {', '.join(map(str, known)) or 'none'}"
        )
    if len(found) > 1:
        listed = ", ".join(
            f"rules[{rules.index(r)}]" + (f" ({r['name']})" if r.get("name") else "") for r in found
        )
        raise VaryError(f"{key}: {len(found)} rules match {spec!r} ({listed}); name one")
    rule = found[0]
    cls = registry.get(rule.get("kind", ""))
    params = {f.alias or n for n, f in cls.model_fields.items()} if cls else set()
    if param not in params - {"kind"}:
        raise VaryError(
            f"{key}: {rule.get('kind')} rules have no parameter {param!r}; "
            f"allowed: {', '.join(sorted(params - {'kind'}))}"
        )
    rule[param] = _scalar(key, value)


def _scalar(key: str, value: str) -> Any:
    """A value as YAML 1.2 reads it: 6 -> int, 0.5 -> float, [N, LN] -> list."""
    try:
        return parse_text(value, key)
    except Exception:
        return value


def _date(key: str, text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise VaryError(f"{key}: {text!r} is not a date YYYY-MM-DD") from None


def _leave_dates(key: str, token: str) -> tuple[dt.date, dt.date]:
    a, sep, b = token.partition("..")
    first, last = _date(key, a), _date(key, b) if sep else _date(key, a)
    if last < first:
        raise VaryError(f"{key}: {token!r} ends before it starts")
    return first, last


def _leave(data: dict[str, Any], base: Scenario, key: str, value: str) -> None:
    sid = key.removeprefix("leave.")
    person = next((p for p in data["staff"] if p.get("id") == sid), None)
    if person is None:
        raise VaryError(f"{key}: unknown staff {sid!r}")
    first, last = _leave_dates(key, value)
    person.setdefault("leave", []).append(
        first.isoformat() if first == last else {"from": first.isoformat(), "to": last.isoformat()}
    )
    # a pinned shift cannot be worked on leave: the leave wins
    person["fixed"] = [
        f
        for f in person.get("fixed") or []
        if not first <= dt.date.fromisoformat(str(f["date"])) <= last
    ]

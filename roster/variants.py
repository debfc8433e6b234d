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

from roster.edits import (
    EditError,
    add_leave,
    change_headcount,
    parse_date,
    scale_cover,
    set_contract,
    set_rule_param,
)
from roster.load import load_scenario, parse_text, read_data
from roster.scenario import Scenario
from roster.validation import ScenarioError

KINDS = ("staff", "demand", "contract", "rule", "leave")
#: what-if limits: variants in one run, people one key adds or removes
MAX_VARIANTS = 1000
MAX_STAFF_CHANGE = 1000
_INT_RANGE = re.compile(r"^([+-]?\d+)\.\.([+-]?\d+)$")
NONE = ("-", "none")


#: a what-if change that cannot be read or applied (an edit error, located
#: at the --vary spec, the key or the variants file)
VaryError = EditError


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
    """One what-if scenario: the base with ``values`` (key -> value, as
    written) applied, none for the base itself; ``name`` is its output
    folder's name, already safe as one."""

    name: str
    values: dict[str, str] = field(default_factory=dict)


def neutral(key: str, value: str) -> bool:
    """Whether a key's value changes nothing (staff 0, demand ×1 or ±0,
    leave '-'), so that an axis can say which of its values is the base."""
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
            f"vary {spec!r}",
            f"write KEY=VALUES, e.g. staff.RN=-2..2 or "
            f"demand.RN.N=1.0,1.2; keys start with {', '.join(KINDS)}",
        )
    key, op, text = match.group(1).strip(), match.group(2), match.group(3).strip()
    kind = key.split(".", 1)[0]
    if kind not in KINDS or "." not in key:
        raise VaryError(
            f"vary {spec!r}",
            f"unknown key {key!r}; keys start with {', '.join(k + '.' for k in KINDS)}",
        )
    if op:
        if "," in text or _INT_RANGE.match(text):
            raise VaryError(
                f"vary {spec!r}", f"{op}= takes one value; write {key}=V1,V2 for several"
            )
        if (op == "*" and kind != "demand") or (op in "+-" and kind not in ("staff", "demand")):
            raise VaryError(
                f"vary {spec!r}",
                f"{op}= is for {'demand' if op == '*' else 'staff and demand'} keys",
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
                        f"vary {spec!r}",
                        f"{abs(b - a) + 1} values; at most {MAX_VARIANTS} variants in all",
                    )
                signed = token.startswith(("+", "-")) or kind == "staff"
                tokens += [f"{v:+d}" if signed else str(v) for v in _span(a, b)]
            else:
                tokens.append(token)
    values = tuple(_normal(key, t, spec) for t in tokens)
    if len(set(values)) < len(values):
        raise VaryError(f"vary {spec!r}", "a value is listed twice")
    return Axis(key, values)


def _span(a: int, b: int) -> range:
    return range(a, b + 1) if a <= b else range(a, b - 1, -1)


def _normal(key: str, token: str, spec: str) -> str:
    """Check one value's form for its key; staff deltas are written signed."""
    kind = key.split(".", 1)[0]
    if not token:
        raise VaryError(f"vary {spec!r}", "an empty value")
    if kind == "staff":
        if not re.fullmatch(r"[+-]?[0-9]{1,6}", token):
            raise VaryError(
                key, f"{token!r} is not a whole number of staff to add (+N) or remove (-N)"
            )
        if abs(int(token)) > MAX_STAFF_CHANGE:
            raise VaryError(key, f"{token!r}: at most {MAX_STAFF_CHANGE} people added or removed")
        return f"{int(token):+d}" if int(token) else "0"
    if kind == "demand":
        try:
            number = float(token)
        except ValueError:
            raise VaryError(
                key, f"{token!r} is not a number; write a multiplier (1.2) or an addition (+1, -1)"
            ) from None
        if token[0] in "+-":
            if number != int(number):
                raise VaryError(key, f"an addition must be a whole number of people, not {token!r}")
        elif number < 0 or not math.isfinite(number):
            raise VaryError(key, f"a multiplier must be 0 or more, not {token!r}")
        return token
    if kind == "leave" and token not in NONE:
        _leave_dates(key, token)
    return token


def grid(axes: list[Axis]) -> list[Variant]:
    """Every combination of the axes' values (the Cartesian grid)."""
    keys = [a.key for a in axes]
    if len(set(keys)) < len(keys):
        twice = Counter(keys).most_common(1)[0][0]
        raise VaryError("", f"{twice} is varied twice; list its values in one {{vary}}")
    total = math.prod(len(a.values) for a in axes)
    if total > MAX_VARIANTS:
        raise VaryError("", f"{total} variants; at most {MAX_VARIANTS}: vary fewer keys or values")
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
            raise VaryError(str(path), f"cannot read it: {exc}") from None
    else:
        rows = read_data(path)
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise VaryError(
                str(path),
                "write a list of variants, each a mapping of KEY: VALUE "
                "(and optionally variant: NAME)",
            )
    if not rows:
        raise VaryError(str(path), "lists no variants")
    keys: list[str] = []
    variants = []
    for i, row in enumerate(rows):
        values = {}
        for key, raw in row.items():
            if key == "variant" or raw is None or str(raw).strip() == "":
                continue
            axis = parse_vary(f"{key}={_text(raw)}")
            if len(axis.values) != 1:
                raise VaryError(str(path), f"variant {i + 1}, {key}: one value per variant")
            values[axis.key] = axis.values[0]
            if axis.key not in keys:
                keys.append(axis.key)
        name = str(row.get("variant") or "").strip() or variant_name(values)
        variants.append(Variant(folder_name(name), values))
    names = [v.name for v in variants]
    if len(set(names)) < len(names):
        raise VaryError(
            str(path), f"variant name {Counter(names).most_common(1)[0][0]!r} is used twice"
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
                key_before, value_before = todo[i - 1]
                raise VaryError(
                    "",
                    f"{key_before}={value_before} makes the scenario invalid: {exc.render()}",
                ) from None
        kind = key.split(".", 1)[0]
        {"staff": _staff, "demand": _demand, "contract": _contract, "rule": _rule, "leave": _leave}[
            kind
        ](out, base, key, value)
    if values:
        out["name"] = f"{data.get('name') or 'scenario'} [{variant_name(values)}]"
    return out


def _scaler(key: str, value: str) -> Any:
    if value[0] in "+-":
        k = int(float(value))
        return lambda n: max(0, n + k)
    f = float(value)
    return lambda n: math.ceil(n * f - 1e-9)


def _staff(data: dict[str, Any], base: Scenario, key: str, value: str) -> None:
    role, _, template = key.removeprefix("staff.").partition("@")
    change_headcount(data, base, role, int(value), template or None, where=key)


def _demand(data: dict[str, Any], base: Scenario, key: str, value: str) -> None:
    who, *filters = key.removeprefix("demand.").split(".")
    scale_cover(data, base, who, filters, _scaler(key, value), where=key)


def _contract(data: dict[str, Any], base: Scenario, key: str, value: str) -> None:
    cid, _, path = key.removeprefix("contract.").partition(".")
    set_contract(data, cid, path, _scalar(key, value), where=key)


def _rule(data: dict[str, Any], base: Scenario, key: str, value: str) -> None:
    rules = data.setdefault("rules", [])
    set_rule_param(rules, key.removeprefix("rule."), _scalar(key, value), where=key)


def _scalar(key: str, value: str) -> Any:
    """A value as YAML 1.2 reads it: 6 -> int, 0.5 -> float, [N, LN] -> list."""
    try:
        return parse_text(value, key)
    except Exception:
        return value


def _leave_dates(key: str, token: str) -> tuple[dt.date, dt.date]:
    a, sep, b = token.partition("..")
    first, last = parse_date(key, a), parse_date(key, b) if sep else parse_date(key, a)
    if last < first:
        raise VaryError(key, f"{token!r} ends before it starts")
    return first, last


def _leave(data: dict[str, Any], base: Scenario, key: str, value: str) -> None:
    first, last = _leave_dates(key, value)
    add_leave(data, key.removeprefix("leave."), first, last, where=key)

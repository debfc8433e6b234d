"""Editing a unit's scenario: its period, shifts, roles, staff, leave,
requests, cover, contracts, rules and the rest, through forms generated
from the pydantic schema (``roster.web.forms``).

Each section is its own form. Saving one validates the whole scenario with
the library, as ``roster solve`` would: a problem is shown next to the field
it is about, with the command line's located message, and nothing is
stored; else the edit is a new scenario version (earlier ones stay).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel

from roster.constraints import registry
from roster.edits import drop_staff, rename_staff
from roster.errors import InputError
from roster.load import load_scenario
from roster.records import (
    LEAVE_TYPES,
    WEEKDAYS,
    Demand,
    Duty,
    Fixed,
    Holiday,
    Leave,
    Role,
    Shift,
    Skill,
    Unavailable,
)
from roster.records import Request as RequestRecord
from roster.scenario import Contract, Scenario, Staff
from roster.store import NotFound
from roster.web.forms import (
    ABSENT,
    Input,
    Row,
    form_texts,
    indices,
    inputs,
    place,
    put,
    read,
    record_texts,
    row,
    shown,
)
from roster.web.pages import StoreDep, page
from roster.web.security import MAX_FORM_FIELDS

router = APIRouter()

#: the sections of the editing page, in its order: heading, what to do there
SECTIONS = {
    "settings": ("Unit and period", "The period rostered starts on horizon.start and "
                 "lasts horizon.days days."),
    "shifts": ("Shifts", "Clock times as HH:MM; an end earlier than the start is on the "
               "next day."),
    "duties": ("On-call duties", "Held beside a shift or alone; clock times as HH:MM."),
    "roles": ("Roles", "What people work a shift as; cover counts people by role."),
    "skills": ("Skills", "Qualifications cover may ask for, such as taking charge."),
    "holidays": ("Public holidays", "In the period rostered; cover may differ on them."),
    "staff": ("Staff", "One row a person; fill a blank row to add someone. Their leave, "
              "requests and days off are below."),
    "leave": ("Leave", "One row a stretch of leave: the first and last day (leave the last "
              "blank for one day)."),
    "unavailable": ("Cannot work", "Days or shifts someone cannot work: dates, weekdays "
                    "(every such day), shifts (e.g. never nights: the night shift alone)."),
    "requests": ("Requests", "Wishes to work (on) or not (off): dates as YYYY-MM-DD or "
                 "FIRST..LAST, commas between; the shift blank for the whole day."),
    "fixed": ("Fixed shifts", "Shifts someone must work on a date, whatever the solver "
              "prefers."),
    "cover": ("Cover", "People needed on each shift, for each role and weekday: minimum / "
              "preferred / maximum (blank: none)."),
    "contracts": ("Contracts", "Terms shared by the staff who name them. A contract's rules "
                  "are with the rules below."),
    "rules": ("Rules", "A rule without a weight must always hold; with a weight, breaking "
              "it costs that much for each unit it is broken by."),
}  # fmt: skip
#: blank rows offered for new entries
NEW_ROWS = 3
#: the cover levels a grid cell holds
LEVELS = ("min", "preferred", "max")

Form = Mapping[str, Any]
Where = dict[str, str]


def _choices(data: Mapping[str, Any]) -> dict[str, list[str]]:
    """The ids a field may name, so that it is offered as a choice (or its
    ids listed beside it)."""

    def ids(section: str) -> list[str]:
        return [str(r.get("id")) for r in data.get(section) or [] if isinstance(r, dict)]

    shifts = ids("shifts") + ids("duties")
    return {
        "roles": ids("roles"), "role": ids("roles"), "skills": ids("skills"),
        "contract": ids("contracts"),
        "staff": ids("staff"), "type": [*LEAVE_TYPES, *(data.get("leave_types") or [])],
        "shift": shifts, "shifts": ids("shifts"), "duties": ids("duties"),
        "scope.staff": ids("staff"), "scope.roles": ids("roles"),
        "scope.skills": ids("skills"), "scope.contracts": ids("contracts"),
    }  # fmt: skip


def _person_input(data: Mapping[str, Any]) -> Input:
    return Input("staff", "select", True, "whose it is", tuple(_choices(data)["staff"]))


@dataclass
class View:
    """A section as the page shows it: its rows (and for cover, the grid's
    days and the entries it leaves alone) and the problems found."""

    rows: list[Row]
    problems: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


# -- a list of records: staff, contracts -----------------------------------------------------
@dataclass(frozen=True)
class Table:
    """A list section of the scenario, one row a record, with rows to add
    and a box to remove one."""

    section: str
    model: type[BaseModel]
    noun: str

    def fields(self, data: Mapping[str, Any]) -> list[Input]:
        """The record's flat fields."""
        return inputs(self.model, choices=_choices(data))

    def view(self, data: Mapping[str, Any]) -> View:
        """The records as stored, and blank rows for new ones."""
        fields, records = self.fields(data), data.get(self.section) or []
        rows = [
            row(f"{self.section}[{i}]", fields, record_texts(fields, r), str(r.get("id", "")))
            for i, r in enumerate(records)
        ]
        rows += [
            row(f"{self.section}[{len(records) + k}]", fields, {}, f"new {self.noun}")
            for k in range(NEW_ROWS)
        ]
        return View(rows)

    def posted(self, data: Mapping[str, Any], form: Form) -> View:
        """The rows as submitted."""
        fields, records = self.fields(data), data.get(self.section) or []
        rows = []
        for i in indices(form, self.section):
            prefix = f"{self.section}[{i}]"
            title = str(records[i].get("id", "")) if i < len(records) else f"new {self.noun}"
            made = row(prefix, fields, form_texts(fields, form, prefix), title)
            made.removed = bool(form.get(f"{prefix}._remove"))
            rows.append(made)
        return View(rows)

    def apply(self, data: dict[str, Any], form: Form) -> tuple[Where, list[tuple[str, str]]]:
        """The submitted records into ``data``: changed, added, removed (a
        record the form does not hold stays as it was)."""
        fields, old = self.fields(data), data.get(self.section) or []
        posted = indices(form, self.section)
        kept: list[dict[str, Any]] = []
        where: Where = {}
        gone: list[Any] = []
        renamed: list[tuple[str, str]] = []
        for i in sorted(set(posted) | set(range(len(old)))):
            prefix = f"{self.section}[{i}]"
            if i not in posted:
                kept.append(old[i])
                continue
            if form.get(f"{prefix}._remove"):
                gone += [old[i].get("id")] if i < len(old) else []
                continue
            texts = form_texts(fields, form, prefix)
            if i >= len(old) and not any(texts.values()):
                continue
            record = copy.deepcopy(old[i]) if i < len(old) else {}
            for f in fields:
                put(record, f.key, read(f, texts[f.key]))
            if i < len(old) and record.get("id") != old[i].get("id"):
                renamed.append((str(old[i].get("id")), str(record.get("id"))))
            where[f"{self.section}[{len(kept)}]"] = prefix
            kept.append(record)
        data[self.section] = kept
        if self.section == "staff":
            drop_staff(data, set(gone) - {r.get("id") for r in kept})
            ids = {r.get("id") for r in kept}
            for before, after in renamed:
                if before not in ids:  # else someone new has the old id
                    rename_staff(data, before, after)
        return where, []


# -- the unit's own fields -----------------------------------------------------------------
@dataclass(frozen=True)
class Settings:
    """The scenario's own flat fields: the unit's name, the period rostered
    (horizon), the weekend, the time zone, more leave types."""

    section: str = "settings"
    prefix: str = "unit"

    def fields(self, data: Mapping[str, Any]) -> list[Input]:
        """The scenario's flat fields."""
        return inputs(Scenario, choices=_choices(data))

    def view(self, data: Mapping[str, Any]) -> View:
        """The fields as stored."""
        fields = self.fields(data)
        return View([row(self.prefix, fields, record_texts(fields, data), "the unit")])

    def posted(self, data: Mapping[str, Any], form: Form) -> View:
        """The fields as submitted."""
        fields = self.fields(data)
        return View([row(self.prefix, fields, form_texts(fields, form, self.prefix), "the unit")])

    def apply(self, data: dict[str, Any], form: Form) -> tuple[Where, list[tuple[str, str]]]:
        """The submitted fields into ``data`` (a field not in the form stays)."""
        where: Where = {}
        for f in self.fields(data):
            name = f"{self.prefix}.{f.key}"
            if name in form:
                put(data, f.key, read(f, str(form.get(name) or "")))
            top = f.key.split(".")[0]
            where[top] = f"{self.prefix}.{top}"
        return where, []


# -- entries each person has: leave, requests ----------------------------------------------
@dataclass(frozen=True)
class Entries:
    """A per-person list (leave, requests) as one table: a row an entry,
    with whose it is."""

    section: str
    model: type[BaseModel]
    skip: tuple[str, ...] = ()

    def fields(self, data: Mapping[str, Any]) -> list[Input]:
        """Whose, and the entry's flat fields."""
        return [
            _person_input(data),
            *inputs(self.model, skip=self.skip, choices=_choices(data)),
        ]

    def texts(self, entry: Any, fields: Sequence[Input]) -> dict[str, str]:
        """An entry as its row shows it: a leave's bare date or range as from and to."""
        if self.section == "leave":
            if not isinstance(entry, dict):
                entry = {"date": entry}
            first, _, last = str(entry.get("from") or entry.get("date") or "").partition("..")
            return {
                "from": first, "to": str(entry.get("to") or last),
                "type": str(entry.get("type") or "annual"),
            }  # fmt: skip
        return record_texts(fields, entry)

    def view(self, data: Mapping[str, Any]) -> View:
        """Every person's entries, and blank rows for new ones."""
        fields, rows = self.fields(data), list[Row]()
        for person in data.get("staff") or []:
            for entry in person.get(self.section) or []:
                texts = {**self.texts(entry, fields), "staff": str(person["id"])}
                rows.append(row(f"{self.section}[{len(rows)}]", fields, texts))
        n = len(rows)
        rows += [row(f"{self.section}[{n + k}]", fields, {}, "new") for k in range(NEW_ROWS)]
        return View(rows)

    def posted(self, data: Mapping[str, Any], form: Form) -> View:
        """The rows as submitted."""
        fields, rows = self.fields(data), list[Row]()
        for i in indices(form, self.section):
            prefix = f"{self.section}[{i}]"
            made = row(prefix, fields, form_texts(fields, form, prefix))
            made.removed = bool(form.get(f"{prefix}._remove"))
            rows.append(made)
        return View(rows)

    def apply(self, data: dict[str, Any], form: Form) -> tuple[Where, list[tuple[str, str]]]:
        """Every person's entries, as the form lists them (a form listing
        none is refused: the page always sends its rows, blank ones too)."""
        if not indices(form, self.section):
            return {}, [(self.section, "the form sent no rows; reload the page and try again")]
        fields = self.fields(data)
        people = {str(p.get("id")): i for i, p in enumerate(data["staff"])}
        for person in data["staff"]:
            person.pop(self.section, None)
        where: Where = {}
        own: list[tuple[str, str]] = []
        for i in indices(form, self.section):
            prefix = f"{self.section}[{i}]"
            texts = form_texts(fields, form, prefix)
            if form.get(f"{prefix}._remove") or not any(texts.values()):
                continue
            who = people.get(texts["staff"])
            if who is None:
                allowed = ", ".join(people)
                own.append((f"{prefix}.staff", f"choose whose it is; allowed: {allowed}"))
                continue
            entry: dict[str, Any] = {}
            for f in fields[1:]:
                put(entry, f.key, read(f, texts[f.key]))
            entries = data["staff"][who].setdefault(self.section, [])
            where[f"staff[{who}].{self.section}[{len(entries)}]"] = prefix
            entries.append(_one_day(entry) if self.section == "leave" else entry)
        return where, own


def _one_day(leave: dict[str, Any]) -> Any:
    """A day's annual leave as the scenario writes it: the bare date."""
    first, last = leave.get("from"), leave.get("to", leave.get("from"))
    if leave.get("type", "annual") == "annual" and first == last and isinstance(first, str):
        return first
    return leave


# -- rules: the unit's and each contract's ---------------------------------------------------
def _containers(data: Mapping[str, Any]) -> list[tuple[str, str, list[dict[str, Any]]]]:
    """Where rules are listed: (form prefix, heading, the rules): the unit's,
    each contract's, and each person's who has rules of their own."""
    out = [("rules", "Rules of the whole unit", list(data.get("rules") or []))]
    for c, contract in enumerate(data.get("contracts") or []):
        out.append(
            (f"contracts[{c}].rules", f"Rules of contract {contract.get('id')}",
             list(contract.get("rules") or []))
        )  # fmt: skip
    for i, person in enumerate(data.get("staff") or []):
        if person.get("rules"):
            out.append(
                (f"staff[{i}].rules", f"Rules of {person.get('id')} alone",
                 list(person["rules"]))
            )  # fmt: skip
    return out


def _set_rules(data: dict[str, Any], prefix: str, rules: list[dict[str, Any]]) -> None:
    """Put a list of rules back where ``prefix`` (from ``_containers``) says."""
    if prefix == "rules":
        data["rules"] = rules
        return
    section, _, rest = prefix.partition("[")
    data[section][int(rest.split("]")[0])]["rules"] = rules


def _first_paragraph(doc: str | None) -> str:
    """What a rule kind is, from its docstring, as plain words."""
    return " ".join((doc or "").split("\n\n")[0].split()).replace("``", "")


def _rule_fields(data: Mapping[str, Any], kind: str) -> list[Input]:
    model = registry.get(kind)
    return [] if model is None else inputs(model, skip=("kind",), choices=_choices(data))


def _rule_row(
    prefix: str, kind: str, fields: list[Input], texts: dict[str, str], group: str
) -> Row:
    made = row(prefix, fields, texts, kind)
    made.hidden, made.group = {"kind": kind}, group
    return made


@dataclass(frozen=True)
class Rules:
    """Every rule of the unit and of its contracts, each with its own
    parameters (from its kind's model), to change, remove or add."""

    section: str = "rules"

    def view(self, data: Mapping[str, Any]) -> View:
        """The rules as stored, and the kinds that may be added."""
        rows = []
        for prefix, group, rules in _containers(data):
            for i, rule in enumerate(rules):
                kind = str(rule.get("kind"))
                fields = _rule_fields(data, kind)
                rows.append(
                    _rule_row(f"{prefix}[{i}]", kind, fields, record_texts(fields, rule), group)
                )
        return View(rows, extra=self._extra(data))

    def _extra(self, data: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "kinds": sorted(registry),
            "containers": [(p, g) for p, g, _ in _containers(data)],
            "describe": {k: _first_paragraph(registry[k].__doc__) for k in registry},
        }

    def posted(self, data: Mapping[str, Any], form: Form) -> View:
        """The rules as submitted, and a blank one of the kind asked for
        when the form asked to add one."""
        rows = []
        for prefix, group, _ in _containers(data):
            for i in indices(form, prefix):
                kind = str(form.get(f"{prefix}[{i}].kind") or "")
                fields = _rule_fields(data, kind)
                made = _rule_row(
                    f"{prefix}[{i}]", kind, fields, form_texts(fields, form, f"{prefix}[{i}]"),
                    group,
                )  # fmt: skip
                made.removed = bool(form.get(f"{prefix}[{i}]._remove"))
                rows.append(made)
        return View(rows, extra=self._extra(data))

    def add(self, data: Mapping[str, Any], form: Form, view: View) -> list[str]:
        """A blank rule of the kind chosen, in the list chosen; the problem
        when either is not one."""
        kind, to = str(form.get("add_kind") or ""), str(form.get("add_to") or "")
        groups = {p: (g, len(rules)) for p, g, rules in _containers(data)}
        if kind not in registry:
            return [f"add_kind: {kind!r} is not a rule kind; allowed: {', '.join(registry)}"]
        if to not in groups:
            return [f"add_to: {to!r} is not a list of rules; allowed: {', '.join(groups)}"]
        group, stored = groups[to]
        n = max([stored - 1, *indices(form, to)]) + 1
        view.rows.append(_rule_row(f"{to}[{n}]", kind, _rule_fields(data, kind), {}, group))
        return []

    def apply(self, data: dict[str, Any], form: Form) -> tuple[Where, list[tuple[str, str]]]:
        """Each list of rules, as the form holds it (a rule it does not hold
        stays as it was)."""
        where: Where = {}
        for prefix, _, old in _containers(data):
            posted = indices(form, prefix)
            kept: list[dict[str, Any]] = []
            for i in sorted(set(posted) | set(range(len(old)))):
                at = f"{prefix}[{i}]"
                if i not in posted:
                    kept.append(old[i])
                    continue
                if form.get(f"{at}._remove"):
                    continue
                kind = str(form.get(f"{at}.kind") or (old[i].get("kind") if i < len(old) else ""))
                record = copy.deepcopy(old[i]) if i < len(old) else {"kind": kind}
                record["kind"] = kind
                fields = _rule_fields(data, kind)
                texts = form_texts(fields, form, at)
                for f in fields:
                    put(record, f.key, read(f, texts[f.key]))
                where[f"{prefix}[{len(kept)}]"] = at
                kept.append(record)
            _set_rules(data, prefix, kept)
        return where, []


# -- cover: a shift x weekday grid per role -----------------------------------------------
def _simple(entry: Mapping[str, Any]) -> bool:
    """Whether a demand entry is one the grid shows: one shift, a role, no
    skill, no dates, plain weekdays."""
    days = entry.get("weekdays")
    return (
        isinstance(entry.get("shift"), str)
        and bool(entry.get("role"))
        and not entry.get("skill")
        and entry.get("duty") is None
        and entry.get("dates") is None
        and (days is None or "hol" not in days)
    )


def _same(a: Sequence[Any], b: Sequence[Any]) -> bool:
    """Whether two lists hold the same entries, in any order."""
    return sorted(json.dumps(e, sort_keys=True) for e in a) == sorted(
        json.dumps(e, sort_keys=True) for e in b
    )


def _level_inputs() -> dict[str, Input]:
    fields = {f.key: f for f in inputs(Demand)}
    return {level: fields[level] for level in LEVELS}


@dataclass(frozen=True)
class Cover:
    """Cover as a grid: for each role, a row a shift and a column a
    weekday, each cell the minimum, preferred and maximum number of people.
    Entries the grid cannot show (by skill, on dates, on holidays, several
    shifts together, duties) are listed and kept as they are."""

    section: str = "cover"

    def _grid(self, data: Mapping[str, Any]) -> list[tuple[str, str, str]]:
        """(role, shift, prefix) of every grid row."""
        shifts = [str(s.get("id")) for s in data.get("shifts") or []]
        out = []
        for role in data.get("roles") or []:
            allowed = role.get("shifts") or shifts
            out += [(str(role["id"]), s, f"cover[{role['id']}][{s}]") for s in allowed]
        return out

    def _cells(self) -> list[Input]:
        levels = _level_inputs()
        return [
            Input(f"{day}.{level}", "number", False, levels[level].help, (),
                  levels[level].minimum, levels[level].maximum, "1")
            for day in WEEKDAYS for level in LEVELS
        ]  # fmt: skip

    def _extra(self, data: Mapping[str, Any]) -> dict[str, Any]:
        others = [e for e in data.get("demand") or [] if not _simple(e)]
        return {"days": WEEKDAYS, "levels": LEVELS, "others": [json.dumps(e) for e in others]}

    def view(self, data: Mapping[str, Any]) -> View:
        """The grid from the stored entries."""
        rows = []
        for role, shift, prefix in self._grid(data):
            texts = {}
            for entry in data.get("demand") or []:
                if _simple(entry) and entry["role"] == role and entry["shift"] == shift:
                    for day in entry.get("weekdays") or WEEKDAYS:
                        for level in LEVELS:
                            texts[f"{day}.{level}"] = shown(entry.get(level))
            rows.append(row(prefix, self._cells(), texts, f"{role} on {shift}"))
        return View(rows, extra=self._extra(data))

    def posted(self, data: Mapping[str, Any], form: Form) -> View:
        """The grid as submitted."""
        rows = [
            row(prefix, self._cells(), form_texts(self._cells(), form, prefix),
                f"{role} on {shift}")
            for role, shift, prefix in self._grid(data)
        ]  # fmt: skip
        return View(rows, extra=self._extra(data))

    def apply(self, data: dict[str, Any], form: Form) -> tuple[Where, list[tuple[str, str]]]:
        """The grid's cells as demand entries, weekdays with the same
        numbers (and the same weights as before) in one entry."""
        old = data.get("demand") or []
        demand = [e for e in old if not _simple(e)]
        where: Where = {}
        for role, shift, prefix in self._grid(data):
            by_day: dict[str, dict[str, Any]] = {}
            for entry in old:
                if _simple(entry) and entry["role"] == role and entry["shift"] == shift:
                    for day in entry.get("weekdays") or WEEKDAYS:
                        by_day[day] = {k: v for k, v in entry.items() if k != "weekdays"}
            groups: dict[str, list[str]] = {}
            for day in WEEKDAYS:
                levels = {lv: read(Input(lv, "number"), str(form.get(f"{prefix}.{day}.{lv}", "")))
                          for lv in LEVELS}  # fmt: skip
                if f"{prefix}.{day}.min" not in form:
                    levels = {lv: by_day.get(day, {}).get(lv, ABSENT) for lv in LEVELS}
                if all(v is ABSENT for v in levels.values()):
                    continue
                entry = dict(by_day.get(day) or {"shift": shift, "role": role})
                for lv, value in levels.items():
                    put(entry, lv, value)
                groups.setdefault(json.dumps(entry, sort_keys=True), []).append(day)
            for text, days in groups.items():
                entry = json.loads(text)
                if len(days) < len(WEEKDAYS):
                    entry["weekdays"] = days
                where[f"demand[{len(demand)}]"] = prefix
                demand.append(entry)
        if _same(demand, old):  # keep the entries' order when nothing changed
            return {}, []
        data["demand"] = demand
        return where, []


EDITORS: dict[str, Settings | Table | Entries | Rules | Cover] = {
    "settings": Settings(),
    "shifts": Table("shifts", Shift, "shift"),
    "duties": Table("duties", Duty, "duty"),
    "roles": Table("roles", Role, "role"),
    "skills": Table("skills", Skill, "skill"),
    "holidays": Table("holidays", Holiday, "holiday"),
    "staff": Table("staff", Staff, "person"),
    "leave": Entries("leave", Leave, skip=("date",)),
    "unavailable": Entries("unavailable", Unavailable),
    "requests": Entries("requests", RequestRecord),
    "fixed": Entries("fixed", Fixed),
    "cover": Cover(),
    "contracts": Table("contracts", Contract, "contract"),
    "rules": Rules(),
}


# -- the pages --------------------------------------------------------------------------------
def _calendar(scenario: Scenario) -> dict[str, Any]:
    """Who is away on which day: the leave calendar beside the leave form."""
    away: dict[str, dict[str, str]] = {}
    for p in scenario.staff:
        days = away.setdefault(p.id, {})
        for spec in p.leave:
            kind = spec.type if isinstance(spec, Leave) else "annual"
            for day in spec.dates() if isinstance(spec, Leave) else [spec]:
                days[day.isoformat()] = kind
    return {"dates": scenario.dates, "away": away}


def _page(
    request: Request,
    store: StoreDep,
    unit_id: int,
    views: Mapping[str, View] | None = None,
    status: int = 200,
    saved: str = "",
) -> HTMLResponse:
    current = store.scenario(unit_id)
    data = current.data
    shown_views = {name: e.view(data) for name, e in EDITORS.items()}
    shown_views.update(views or {})
    return page(
        request, "edit.html.j2", status, unit=store.unit(unit_id), version=current,
        sections=SECTIONS, views=shown_views, calendar=_calendar(current.scenario()),
        saved=saved,
    )  # fmt: skip


@router.get("/units/{unit_id}/edit", response_class=HTMLResponse)
def edit(request: Request, unit_id: int, store: StoreDep, saved: str = "") -> HTMLResponse:
    """Every section's form, filled from the unit's current scenario."""
    return _page(request, store, unit_id, saved=saved if saved in (*SECTIONS, "none") else "")


def _validated(
    data: dict[str, Any], own: list[tuple[str, str]]
) -> tuple[Scenario | None, list[tuple[str, str]]]:
    """The scenario the edit makes, or every problem with it."""
    try:
        scenario = load_scenario(data)
    except InputError as exc:
        return None, own + exc.problems
    return (None, own) if own else (scenario, [])


def _saved_data(scenario: Scenario) -> dict[str, Any]:
    dumped: dict[str, Any] = scenario.model_dump(mode="json", by_alias=True, exclude_none=True)
    return dumped


@router.post("/units/{unit_id}/edit/{section}", response_class=HTMLResponse)
async def save(request: Request, unit_id: int, section: str, store: StoreDep) -> Response:
    """Save one section: validated whole, a new version, or the form again
    with each problem beside its field and nothing stored."""
    editor = EDITORS.get(section)
    if editor is None:
        raise NotFound("section", f"no section {section!r}; allowed: {', '.join(SECTIONS)}")
    current = store.scenario(unit_id)
    form = await request.form(max_fields=MAX_FORM_FIELDS)
    view = editor.posted(current.data, form)
    opened = str(form.get("version") or "")
    if opened and opened != str(current.version):
        fresh = editor.view(current.data)
        fresh.problems = [
            f"version: this form shows version {opened}, but the unit has changed since "
            f"(version {current.version} is now current); your changes were not saved: "
            "reload the page and make them again"
        ]
        return _page(request, store, unit_id, {section: fresh}, 409)
    if isinstance(editor, Rules) and form.get("action") == "add":
        view.problems = editor.add(current.data, form, view)
        return _page(request, store, unit_id, {section: view}, 400 if view.problems else 200)
    data = copy.deepcopy(current.data)
    where, own = editor.apply(data, form)
    scenario, found = _validated(data, own)
    if scenario is None:
        view.problems = place(view.rows, found, where)
        return _page(request, store, unit_id, {section: view}, 400)
    outcome = "none"
    if _saved_data(scenario) != current.data:
        store.add_version(unit_id, scenario, note=f"edited {section}")
        outcome = section
    return RedirectResponse(
        f"/units/{unit_id}/edit?saved={outcome}#section-{section}", status_code=303
    )

"""Re-rostering: mend a published roster after sick calls and changes, with
as few changed shifts as the rules allow, and say who changes what.

The repaired scenario is the scenario (as edited) plus the absences as leave
and a ``published`` rule holding the published roster: days before ``from``
are kept exactly, and every changed person-day costs a penalty. It is solved
like any scenario (cover soft, so a shortfall is reported, not fatal; the
published roster as the hint) and checked by the same checker.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from roster.checker import check
from roster.constraints.published import published_rule
from roster.edits import EditError, add_leave
from roster.load import load_scenario, read_data
from roster.metrics import Shortfall, shortfalls
from roster.model.solve import SolveParams, solve
from roster.output import write_result
from roster.records import Leave
from roster.result import Result
from roster.roster import Roster
from roster.scenario import Scenario

#: cost of one changed person-day; high, so that the fewest changes win over
#: the soft rules' penalties (and still below restoring a person of cover,
#: 10 000 with cover soft)
CHANGE_WEIGHT = 1000
#: extra cost at short notice, and for taking a published day off; each
#: below half the change cost, so one extra change never beats them
NOTICE_WEIGHT = 300
DAY_OFF_WEIGHT = 300


@dataclass
class Absence:
    """A person away from ``first`` to ``last`` inclusive (a sick call, as
    ``--absent`` gives it); the repair adds it to the scenario as leave."""

    staff: str
    first: dt.date
    last: dt.date
    kind: str = "annual"  #: the leave type it is recorded as

    @classmethod
    def parse(cls, text: str) -> Absence:
        """'R05:2026-12-08' or 'R05:2026-12-08..2026-12-10'."""
        staff, sep, dates = text.partition(":")
        a, dots, b = dates.partition("..")
        try:
            first = dt.date.fromisoformat(a)
            last = dt.date.fromisoformat(b) if dots else first
        except ValueError:
            raise EditError(
                f"absent {text!r}", "write STAFF:DATE or STAFF:DATE..DATE, dates as YYYY-MM-DD"
            ) from None
        if not sep or not staff:
            raise EditError(f"absent {text!r}", "write STAFF:DATE or STAFF:DATE..DATE")
        if last < first:
            raise EditError(f"absent {text!r}", "the last date is before the first")
        return cls(staff, first, last)


@dataclass
class Repair:
    """The repaired roster's solve, its scenario, and what changed."""

    result: Result
    scenario: Scenario
    published: Roster
    changes: pd.DataFrame
    gone: list[tuple[str, str, str]] = field(default_factory=list)
    #: the scenario data with the absences as leave (no published rule): the
    #: unit's scenario from now on
    edited: dict[str, Any] = field(default_factory=dict)

    @property
    def people_changed(self) -> int:
        return self.changes["staff"].nunique() if len(self.changes) else 0

    def uncovered(self) -> list[Shortfall]:
        """Cover below its hard minimum in the repaired roster."""
        if self.result.roster is None:
            return []
        return shortfalls(self.scenario, self.result.roster)


def repair_scenario(
    data: dict[str, Any],
    base: Scenario,
    published: Roster,
    absences: list[Absence],
    start: dt.date,
    notice_days: int,
    weights: tuple[int, int, int] = (CHANGE_WEIGHT, NOTICE_WEIGHT, DAY_OFF_WEIGHT),
) -> dict[str, Any]:
    """The scenario data to solve: absences as leave, the published rule."""
    out = with_absences(data, base, absences)
    weight, notice, day_off = weights
    rows = [(s, d, t) for s, d, t, _ in published.df.itertuples(index=False)]
    out["rules"] = [
        *(out.get("rules") or []),
        published_rule(
            rows,
            name="published roster",
            weight=weight,
            notice_weight=notice,
            day_off_weight=day_off,
            notice_days=notice_days,
            **{"from": start.isoformat()},
        ),
    ]
    return out


def with_absences(data: dict[str, Any], base: Scenario, absences: list[Absence]) -> dict[str, Any]:
    """A copy of the scenario data with each absence added as leave of its
    type. Days the person is on leave already keep that leave (they are off
    either way, and a day has one leave type); an absence wholly on leave
    already is refused, as there is nothing to repair."""
    out = copy.deepcopy(data)
    for a in absences:
        where = f"absent {a.staff}"
        if a.staff not in base.staff_by_id:
            raise EditError(where, f"unknown staff; allowed: {', '.join(base.staff_by_id)}")
        taken = _leave_dates(base, a.staff)
        spans = _spans([d for d in _days(a.first, a.last) if d not in taken])
        if not spans:
            raise EditError(
                where, f"already on leave every day from {a.first} to {a.last}: nothing to repair"
            )
        for first, last in spans:
            add_leave(out, a.staff, first, last, where=where, kind=a.kind)
    return out


def _leave_dates(scenario: Scenario, staff: str) -> set[dt.date]:
    """Every date ``staff`` has leave on, in the horizon or not."""
    out: set[dt.date] = set()
    for spec in scenario.staff_by_id[staff].leave:
        out.update(spec.dates() if isinstance(spec, Leave) else [spec])
    return out


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def _spans(days: list[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Sorted dates as runs of consecutive days (first, last)."""
    spans: list[tuple[dt.date, dt.date]] = []
    for d in days:
        if spans and d - spans[-1][1] == dt.timedelta(days=1):
            spans[-1] = (spans[-1][0], d)
        else:
            spans.append((d, d))
    return spans


def _codes(scenario: Scenario, roster: Roster) -> dict[tuple[str, int], list[tuple[str, str]]]:
    """(staff, day) -> shifts then on-call duties: what a person-day holds."""
    shifts, duties = roster.layers(scenario)
    out = {k: list(v) for k, v in shifts.items()}
    for key, held in duties.items():
        out.setdefault(key, []).extend(held)
    return out


def changes(
    scenario: Scenario,
    before: Roster,
    after: Roster | None,
    absences: list[Absence],
    gone: list[tuple[str, str, str]],
) -> pd.DataFrame:
    """One row per changed person-day: staff, date, before, after, reason."""
    cols = ["staff", "date", "before", "after", "reason"]
    if after is None:
        return pd.DataFrame(columns=cols)
    old, new = _codes(scenario, before), _codes(scenario, after)
    away = {
        (a.staff, d)
        for a in absences
        for x in pd.date_range(a.first, a.last)
        if (d := scenario.day_index(x.date())) is not None
    }
    # shifts an absent person had: who takes them over
    vacated: dict[tuple[int, str], list[str]] = defaultdict(list)
    for (sid, d), cells in old.items():
        if (sid, d) in away:
            for code, _ in cells:
                vacated[(d, code)].append(sid)
    rows = []
    for p in scenario.staff:
        for d in range(scenario.horizon.days):
            b = "+".join(t for t, _ in old.get((p.id, d), []))
            a = "+".join(t for t, _ in new.get((p.id, d), []))
            if a == b:
                continue
            if (p.id, d) in away:
                reason = "absent"
            elif taken := [
                c for c in a.split("+") if c and c not in b.split("+") and vacated.get((d, c))
            ]:
                reason = "; ".join(f"covers {', '.join(vacated[(d, c)])}'s {c}" for c in taken)
            else:
                reason = "re-rostered"
            rows.append((p.id, scenario.dates[d].isoformat(), b or "off", a or "off", reason))
    rows += [(s, x, t, "off", "no longer on the roster") for s, x, t in gone]
    return pd.DataFrame(rows, columns=cols)


def repair(
    scenario: str | Path,
    published_csv: str | Path,
    *,
    absences: list[Absence] = (),  # type: ignore[assignment]
    start: dt.date | None = None,
    notice_days: int = 2,
    params: SolveParams | None = None,
    outdir: str | Path | None = None,
) -> Repair:
    """Mend the published roster for the scenario (as edited) and the
    absences, changing nothing before ``start`` (default: today, or the
    horizon's first day if later) and as little as possible after it.

    With ``outdir``: the files of ``roster solve`` (the repaired scenario as
    scenario.json) and changes.csv.
    """
    data = read_data(scenario)
    base = load_scenario(data)
    gone: list[tuple[str, str, str]] = []
    published = Roster.from_csv(published_csv, base, gone=gone)
    out = repair_roster(
        data, base, published, list(absences), start=start, notice_days=notice_days,
        params=params, gone=gone,
    )  # fmt: skip
    if outdir is not None:
        write_result(
            out.result, out.scenario, outdir, extra={"changes.csv": out.changes},
            changed=marks(out.changes),
        )  # fmt: skip
    return out


def repair_roster(
    data: dict[str, Any],
    base: Scenario,
    published: Roster,
    absences: list[Absence],
    *,
    start: dt.date | None = None,
    notice_days: int = 2,
    params: SolveParams | None = None,
    gone: list[tuple[str, str, str]] | None = None,
) -> Repair:
    """``repair`` on data in memory: ``data`` the scenario as edited (``base``
    validated from it), ``published`` the roster to mend; ``gone``: rows of
    people no longer in the scenario, listed as changes."""
    gone = gone or []
    if start is None:
        start = min(max(dt.date.today(), base.dates[0]), base.dates[-1])
    fixed = repair_scenario(data, base, published, absences, start, notice_days)
    repaired = load_scenario(fixed)
    params = (params or SolveParams()).model_copy(update={"soft_cover": True})
    result = solve(repaired, params, hint=published)
    table = changes(repaired, published, result.roster, absences, gone)
    return Repair(result, repaired, published, table, gone, with_absences(data, base, absences))


def marks(table: pd.DataFrame, by: str = "the repair") -> dict[tuple[str, dt.date], str]:
    """A changes table as the report marks changed cells: what they were and
    why (``by``: what changed them)."""
    return {
        (staff, dt.date.fromisoformat(date)): f"changed by {by}: was {before} ({why})"
        for staff, date, before, _, why in table.itertuples(index=False)
    }


def only_changes(scenario: Scenario) -> Scenario:
    """The repaired scenario with every soft penalty but the changes' set to
    0 (cover minima stay, soft in the solve): its optimum has the fewest
    changes the hard rules and the cover allow."""
    data = scenario.model_dump(mode="json", by_alias=True, exclude_none=True)
    rule_lists = [
        data.get("rules", []),
        *(c.get("rules", []) for c in data["contracts"]),
        *(p.get("rules", []) for p in data["staff"]),
    ]
    for rules in rule_lists:
        for rule in rules:
            if rule["kind"] != "published" and rule.get("weight") is not None:
                rule["weight"] = 0
    for person in data["staff"]:
        for q in person.get("requests", []):
            q["weight"] = 0
    for entry in data.get("demand", []):
        entry.update(under_weight=0, over_weight=0)
        for key in ("min_weight", "max_weight"):
            if entry.get(key) is not None:
                entry[key] = 0
    for entry in data.get("time_cover", []):
        for key in ("weight", "max_weight"):
            if entry.get(key) is not None:
                entry[key] = 0
    return load_scenario(data)


def count_changes(scenario: Scenario, before: Roster, after: Roster) -> int:
    """Person-days that differ between two rosters (what the published rule
    counts)."""
    return sum(1 for v in check(scenario, after).violations if v.rule == "published roster")

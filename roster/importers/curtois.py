"""The Curtois & Qu shift-scheduling benchmark (Instance1..24) as a scenario.

The converted scenario is solved by the same ``solve`` with the same rule
modules a ward uses; its objective is the benchmark's objective:

* shifts have lengths but no clock times: all start at 08:00, so none
  overlap and no rest rule is implied; ``CannotFollow`` becomes hard
  ``succession`` rules, one per set of forbidden followers;
* per-employee limits become hard contract rules (employees with identical
  limits share a contract): ``shift_count`` per type, ``hours`` in minutes,
  ``consecutive`` work (min/max) and days off (min), ``max_weekends``;
* days off become whole-day ``unavailable`` dates (ordinary days off, so they
  count in day-off runs, as in the benchmark);
* shift on/off requests become weighted ``requests``; cover becomes a
  ``preferred`` level with under/over weights and no hard minimum.

Runs touching the horizon's edges are exempt from minima and counted by
their in-horizon days for maxima, exactly the benchmark's convention, because
the converted scenario has no history. Day 0 is a Monday (2014-01-06).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from pathlib import Path
from typing import Any

from roster.validation import ScenarioError

START = dt.date(2014, 1, 6)  # a Monday, the StartDate of the XML versions
ROLE = "nurse"


def parse(text: str, source: str = "<curtois>") -> dict[str, list[list[str]]]:
    """Sections -> rows of comma-separated fields (comments and blanks dropped)."""
    sections: dict[str, list[list[str]]] = {}
    current = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("SECTION_"):
            current = line
            sections[current] = []
        elif current is None:
            raise ScenarioError(
                [("file", f"data before the first SECTION_ line: {line!r}")], source
            )
        else:
            sections[current].append([f.strip() for f in line.split(",")])
    needed = ["SECTION_HORIZON", "SECTION_SHIFTS", "SECTION_STAFF"]
    missing = [s for s in needed if s not in sections]
    if missing:
        raise ScenarioError(
            [("file", f"missing {', '.join(missing)}; is this a Curtois & Qu .txt instance?")],
            source,
        )
    return sections


def to_scenario(text: str, name: str = "curtois", source: str = "<curtois>") -> dict[str, Any]:
    """Scenario data (ready for ``load_scenario``) for one instance's text."""
    sec = parse(text, source)
    try:
        return _convert(sec, name)
    except (ValueError, IndexError, KeyError) as exc:
        raise ScenarioError([("file", f"cannot read the instance: {exc}")], source) from None


def _date(day: int | str) -> str:
    return (START + dt.timedelta(days=int(day))).isoformat()


def _convert(sec: dict[str, list[list[str]]], name: str) -> dict[str, Any]:
    days = int(sec["SECTION_HORIZON"][0][0])
    shifts = []
    firsts: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for sid, length, cannot in sec["SECTION_SHIFTS"]:
        minutes = int(length)
        end = 8 * 60 + minutes
        shifts.append(
            {"id": sid, "start": "08:00", "end": f"{(end // 60) % 24:02d}:{end % 60:02d}"}
        )
        then = tuple(t for t in cannot.split("|") if t)
        if then:
            firsts[then].append(sid)
    # shifts with the same forbidden followers share one rule
    successions = [
        {"kind": "succession", "first": first, "then": list(then)} for then, first in firsts.items()
    ]
    weekends = days // 7 + (1 if days % 7 > 5 else 0)

    contracts: dict[tuple, str] = {}
    contract_rules: dict[str, list[dict[str, Any]]] = {}
    staff: list[dict[str, Any]] = []
    for row in sec["SECTION_STAFF"]:
        sid, max_shifts, max_min, min_min, max_cons, min_cons, min_off, max_we = row
        limits = tuple(
            sorted(
                (k, int(v)) for k, v in (pair.split("=") for pair in max_shifts.split("|") if pair)
            )
        )
        key = (
            limits,
            int(max_min),
            int(min_min),
            int(max_cons),
            int(min_cons),
            int(min_off),
            int(max_we),
        )
        if key not in contracts:
            cid = f"c{len(contracts) + 1}"
            contracts[key] = cid
            rules: list[dict[str, Any]] = [
                {"kind": "shift_count", "shifts": [t], "max": n} for t, n in limits if n < days
            ]
            rules.append(
                {"kind": "hours", "min_minutes": int(min_min), "max_minutes": int(max_min)}
            )
            rules.append(
                {"kind": "consecutive", "what": "work", "min": int(min_cons), "max": int(max_cons)}
            )
            if int(min_off) > 1:
                rules.append({"kind": "consecutive", "what": "off", "min": int(min_off)})
            if int(max_we) < weekends:
                rules.append({"kind": "max_weekends", "max": int(max_we)})
            contract_rules[cid] = rules
        staff.append({"id": sid, "roles": [ROLE], "contract": contracts[key]})

    by_id = {p["id"]: p for p in staff}
    for row in sec.get("SECTION_DAYS_OFF", []):
        person = by_id[row[0]]
        dates = [_date(d) for d in row[1:] if d]
        if dates:
            person.setdefault("unavailable", []).append({"dates": dates})
    for section, want in (
        ("SECTION_SHIFT_ON_REQUESTS", "on"),
        ("SECTION_SHIFT_OFF_REQUESTS", "off"),
    ):
        for emp, day, shift, weight in sec.get(section, []):
            by_id[emp].setdefault("requests", []).append(
                {"dates": [_date(day)], "shift": shift, "want": want, "weight": int(weight)}
            )
    demand = []
    grouped: dict[tuple, list[str]] = defaultdict(list)
    for day, shift, req, under, over in sec.get("SECTION_COVER", []):
        grouped[(shift, int(req), int(under), int(over))].append(_date(day))
    for (shift, req, under, over), dates in grouped.items():
        demand.append(
            {
                "shift": shift,
                "role": ROLE,
                "dates": dates,
                "preferred": req,
                "under_weight": under,
                "over_weight": over,
            }
        )
    return {
        "name": name,
        "description": f"Curtois & Qu benchmark instance {name}, converted by roster import",
        "timezone": "UTC",  # the benchmark has no clock changes
        "horizon": {"start": START.isoformat(), "days": days},
        "shifts": shifts,
        "roles": [{"id": ROLE}],
        "contracts": [{"id": cid, "rules": contract_rules[cid]} for cid in contract_rules],
        "staff": staff,
        "demand": demand,
        "rules": successions,
    }


def read(path: str | Path) -> dict[str, Any]:
    """Scenario data for an instance file (named by its stem); ScenarioError
    naming the file if it cannot be read or converted."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([("file", f"cannot read it: {exc}")], str(path)) from None
    return to_scenario(text, name=path.stem, source=str(path))


def roster_rows(roster_df: Any, scenario: Any) -> list[tuple[str, int, str]]:
    """(employee, 0-based day, shift) rows: the benchmark's own roster layout."""
    return sorted(
        (staff, scenario.day_index(date), shift)
        for staff, date, shift, _ in roster_df.itertuples(index=False)
    )

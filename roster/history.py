"""Week to week: carry a finished roster into the next one.

The next scenario gets the last ``HISTORY_DAYS`` days of the previous roster
as its ``history`` (so runs, rest and weekly rules continue across the
boundary) and each person's totals as its ``carry`` (so fairness rules
balance nights and weekends over months, not within one roster).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from roster.checker import check
from roster.constraints import requests
from roster.constraints.base import weekend_blocks
from roster.load import load_scenario, read_data
from roster.output import load_folder
from roster.roster import Roster
from roster.scenario import Scenario
from roster.validation import ScenarioError

#: days of the previous roster written as history: two weeks covers every
#: look-back rule (runs, rest, succession, the calendar week's hours)
HISTORY_DAYS = 14


def previous(path: str | Path) -> tuple[Scenario, Roster]:
    """A roster folder written by ``roster solve`` (or its roster.csv)."""
    path = Path(path)
    return load_folder(path.parent if path.is_file() else path, where="history")


def carried_data(
    data: dict[str, Any], start: dt.date, before: Scenario, roster: Roster
) -> dict[str, Any]:
    """``data`` (the next scenario, starting on ``start``) with the history
    and carry of the previous roster, for the people in both."""
    ids = {p["id"] for p in data.get("staff") or [] if isinstance(p, dict) and "id" in p}
    if ids and not ids & set(before.staff_by_id):
        raise ScenarioError(
            [
                (
                    "history",
                    "the previous roster shares no staff with this "
                    "scenario: is it another unit's folder?",
                )
            ],
            what="arguments",
        )
    if before.horizon.start >= start:
        raise ScenarioError(
            [
                (
                    "history",
                    f"the previous roster starts on "
                    f"{before.horizon.start}, not before this one ({start})",
                )
            ],
            what="arguments",
        )
    cells, held_on = roster.layers(before)
    refused = requests.refused(before, check(before, roster))
    asked = {(sid, d) for sid, d, _ in requests.each_request(before)}
    # days of the previous roster that come before the next one
    days = [d for d in range(before.horizon.days) if before.dates[d] < start]
    weekends = [b for b in weekend_blocks(before) if all(d in days for d in b)]
    history = dict(data.get("history") or {})
    carry = dict(data.get("carry") or {})
    ids = {p["id"] for p in data["staff"]}
    for p in before.staff:
        if p.id not in ids:
            continue
        codes = []
        for k in range(HISTORY_DAYS, 0, -1):
            x = start - dt.timedelta(days=k)
            d = before.day_index(x)
            if d is not None:  # the shift, then the duty: 'D+OC'
                held = [t for t, _ in cells.get((p.id, d), [])[:1] + held_on.get((p.id, d), [])[:1]]
                codes.append("+".join(held) if held else "-")
            elif x < before.dates[0]:  # older than the previous roster: its history
                past = before.history.get(p.id, [])
                back = (before.dates[0] - x).days
                codes.append(past[-back] if back <= len(past) else "-")
            else:  # a gap between the two rosters
                codes.append("-")
        while codes and codes[0] == "-":
            codes.pop(0)
        history[p.id] = codes
        worked = [(d, t) for d in days for t, _ in cells.get((p.id, d), [])]
        duty_minutes = sum(before.paid(d, k) for d in days for k, _ in held_on.get((p.id, d), []))
        old = before.carried(p.id)
        mine = [(sid, d) for sid, d in asked if sid == p.id and d in days]
        carry[p.id] = {
            "days": old.days + sum(1 for d in days if d not in before.leave_days[p.id]),
            "nights": old.nights + sum(1 for _, t in worked if before.shift_by_id[t].is_night),
            "weekends": old.weekends
            + sum(1 for b in weekends if any((p.id, d) in cells for d in b)),
            "hours": round(
                old.hours + (sum(before.paid(d, t) for d, t in worked) + duty_minutes) / 60, 2
            ),
            "shifts": old.shifts + len(worked),
            "holidays": old.holidays + sum(1 for d, _ in worked if d in before.holiday_of),
            "requests": old.requests + len(mine),
            "requests_granted": old.requests_granted
            + sum(1 for sid, d in mine if (sid, d) not in refused),
        }
    return {**data, "history": history, "carry": carry}


def roll(data: dict[str, Any], start: dt.date | None) -> dict[str, Any]:
    """``data`` with its horizon moved to begin on ``start`` (same length)."""
    if start is None:
        return data
    return {**data, "horizon": {**data["horizon"], "start": start.isoformat()}}


def next_scenario(
    path: str | Path, start: dt.date | None = None, history: str | Path | None = None
) -> Scenario:
    """The scenario in ``path`` moved to begin on ``start`` (same length) and,
    with ``history`` (a folder ``roster solve`` wrote), continuing that roster:
    its last days as history, its totals as carry. Errors in the result are
    located at ``path``."""
    data = roll(read_data(path), start)
    try:
        if history is not None:
            before, done = previous(history)
            data = carried_data(data, load_scenario(data).horizon.start, before, done)
        return load_scenario(data)
    except ScenarioError as exc:
        if exc.source is None and exc.what == "scenario":
            raise ScenarioError(exc.problems, str(path)) from None
        raise

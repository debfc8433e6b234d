"""report.html: the roster as people read it, in one self-contained file.

The numbers come from what the CSVs are written from: the roster, the check
report (penalties, hard violations), ``coverage_table`` and ``staff_totals``,
and the solve result when there is one. Nothing is recomputed here.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from roster.constraints import requests, time_cover
from roster.files import atomic_write
from roster.metrics import fair_loads, shortfalls, who
from roster.records import format_clock
from roster.result import CheckReport, Result, SolveStatus
from roster.roster import Roster, label
from roster.scenario import Scenario
from roster.tables import coverage_table, hours_due, staff_totals

#: shift colours: light enough to print, distinct on screen
PALETTE = [
    "#8ecae6",
    "#ffb703",
    "#6a4c93",
    "#90be6d",
    "#f28482",
    "#4d908e",
    "#f9c74f",
    "#577590",
    "#f8961e",
    "#b5838d",
    "#43aa8b",
    "#e76f51",
]


def headline(
    scenario: Scenario, roster: Roster, report: CheckReport, result: Result | None = None
) -> list[str]:
    """The outcome in plain words, what a manager must act on first: any
    cover below its minimum (a roster can be the best possible and still
    leave a shift short), then how good the roster is."""
    short = shortfalls(scenario, roster)
    if not short:
        return [verdict(result, report)]
    kinds = {gap.what.partition(".")[0] for gap in short}
    noun = NOUNS[kinds.pop()] if len(kinds) == 1 else "place"
    listed = [
        f"{gap.date:%a %d %b} {gap.what.partition('.')[2]} {gap.who} "
        f"({gap.present} of {gap.required} present)"
        for gap in short[:MAX_LISTED]
    ]
    more = f", and {len(short) - MAX_LISTED} more (see Cover)" if len(short) > MAX_LISTED else ""
    plural = "s" if len(short) > 1 else ""
    first = f"{len(short)} {noun}{plural} below minimum cover: {', '.join(listed)}{more}."
    return [first, verdict(result, report)]


#: shortfalls named in the headline; the rest are counted
MAX_LISTED = 5
#: what a shortfall is short on, by the kind in ``Shortfall.what``
NOUNS = {"shift": "shift", "window": "clock-time window"}


def verdict(result: Result | None, report: CheckReport) -> str:
    """How good the roster is, in plain words (cover is ``headline``'s)."""
    if result is None:
        if not report.feasible:
            return (
                f"This roster breaks {len(report.hard_violations)} hard rule(s), marked "
                f"in red; its soft penalty is {report.total_penalty}."
            )
        return f"This roster keeps every hard rule; its penalty is {report.total_penalty}."
    if result.status == SolveStatus.OPTIMAL:
        return (
            f"Proven best: no roster scores lower under these rules (penalty {result.objective:g})."
        )
    gap = result.gap
    if gap is None or (result.best_bound in (None, 0) and (result.objective or 0) > 0):
        return (
            f"The best roster found in the time limit (penalty {result.objective:g}); "
            "the solver could not prove how close it is to the best possible."
        )
    return (
        f"Within {100 * gap:.1f}% of the best possible roster under these rules "
        f"(penalty {result.objective:g}, and no roster can score below "
        f"{result.best_bound:g})."
    )


def _text_color(hex_color: str) -> str:
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return "#000" if 0.299 * r + 0.587 * g + 0.114 * b > 140 else "#fff"


def view(
    scenario: Scenario,
    roster: Roster,
    report: CheckReport,
    result: Result | None = None,
    changed: Mapping[tuple[str, dt.date], str] | None = None,
) -> dict[str, Any]:
    """Everything the template shows, as plain values. ``changed``: cells a
    repair changed, (staff, date) -> what they were and why."""
    sc = scenario
    changed = changed or {}
    colors = {s.id: PALETTE[i % len(PALETTE)] for i, s in enumerate(sc.shifts)}
    cells, held = roster.layers(sc)
    weekend = {d for d in range(sc.horizon.days) if sc.weekday(d) in sc.weekend}
    refused = requests.refused(sc, report)
    asked = {(sid, d): q for sid, d, q in requests.each_request(sc)}
    broken: dict[tuple[str, int], list[str]] = defaultdict(list)
    for v in report.hard_violations:
        for x in v.dates:
            if v.staff is not None and (d := sc.day_index(x)) is not None:
                broken[(v.staff, d)].append(v.message)
    pinned = {
        (p.id, d) for p in sc.staff for f in p.fixed if (d := sc.day_index(f.date)) is not None
    }
    totals = staff_totals(sc, roster)
    fair = _fairness(sc, roster)
    groups = []
    for role in sc.roles:
        people = [p for p in sc.staff if p.roles[0] == role.id]
        if not people:
            continue
        rows = []
        for p in people:
            row = []
            for d in range(sc.horizon.days):
                worked = cells.get((p.id, d), [])
                codes = [t for t, _ in worked]
                q = asked.get((p.id, d))
                row.append(
                    {
                        "codes": codes,
                        "text": "+".join(label(sc, p.id, t, r) for t, r in worked),
                        "duties": [label(sc, p.id, k, r) for k, r in held.get((p.id, d), [])],
                        "changed": changed.get((p.id, sc.dates[d])),
                        "color": colors[codes[0]] if codes else None,
                        "ink": _text_color(colors[codes[0]]) if codes else None,
                        "leave": sc.leave_of[p.id].get(d),
                        "weekend": d in weekend,
                        "pinned": (p.id, d) in pinned,
                        "request": None
                        if q is None
                        else ("refused" if (p.id, d) in refused else "granted"),
                        "request_text": None
                        if q is None
                        else f"asked {'to' if q.want == 'on' else 'not to'} work "
                        f"{'this day' if q.shifts is None else q.text()}",
                        "broken": broken.get((p.id, d), []),
                    }
                )
            exact = hours_due(sc, p.id)
            t = totals[p.id]
            over = exact is not None and t["hours"] + t["leave_hours"] > exact + 0.005
            due = None if exact is None else round(exact, 1)
            granted = sum(1 for (sid, d) in asked if sid == p.id and (sid, d) not in refused)
            rows.append(
                {
                    "id": p.id,
                    "name": p.name or p.id,
                    "contract": p.contract or "",
                    "cells": row,
                    "totals": totals[p.id],
                    "due": due,
                    "over": over,
                    "requests": sum(1 for (sid, _) in asked if sid == p.id),
                    "granted": granted,
                    "fair": fair.get(p.id, {}),
                }
            )
        groups.append({"role": role.name or role.id, "id": role.id, "people": rows})
    cover = coverage_table(sc, roster)
    shift_cover = cover[cover["shift"] != ""]
    return {
        "title": sc.name or "Roster",
        "description": sc.description,
        "dates": [
            {
                "iso": x.isoformat(),
                "day": x.strftime("%a"),
                "num": x.strftime("%d %b"),
                "weekend": d in weekend,
                "holiday": d in sc.holiday_of,
                "notes": day_notes(sc, d),
            }
            for d, x in enumerate(sc.dates)
        ],
        "groups": groups,
        "legend": [
            {
                "id": s.id,
                "name": s.name or s.id,
                "color": colors[s.id],
                "ink": _text_color(colors[s.id]),
                "time": f"{format_clock(s.start)}-{format_clock(s.end)}",
            }
            for s in sc.shifts
        ],
        "duty_legend": [
            {
                "id": k.id,
                "name": k.name or k.id,
                "resident": k.resident,
                "time": f"{format_clock(k.start)}-{format_clock(k.end)}",
                "paid": k.paid_share,
            }
            for k in sc.duties
        ],
        # clock-time cover is drawn per day below, not listed segment by segment
        "cover": len(shift_cover) > 0,
        "cover_short": [
            {**r, "day": _day(r["date"])}
            for r in shift_cover.to_dict("records")
            if r["shortfall"] > 0
        ],
        "cover_weeks": _cover_weeks(sc, shift_cover),
        "charts": _charts(sc, cover),
        "changed": len(changed),
        "by_rule": report.by_rule,
        "penalties": [_dated(v.as_dict()) for v in report.penalties],
        "hard": [_dated(v.as_dict()) for v in report.hard_violations],
        "headline": headline(sc, roster, report, result),
        "summary": _summary(result, report),
        "generated": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "timezone": sc.zone_name,
    }


def _day(iso: str) -> str:
    """'Tue 08 Dec' for an ISO date: a manager reads weekdays, not ISO."""
    return f"{dt.date.fromisoformat(iso):%a %d %b}"


def _dated(violation: dict[str, Any]) -> dict[str, Any]:
    """A violation's dates with their weekdays."""
    return {**violation, "dates": [_day(x) for x in violation["dates"]]}


def _cover_weeks(sc: Scenario, cover: Any) -> list[dict[str, Any]]:
    """Shift cover as one table per calendar week: a row per shift and role
    or skill, a column per day, each cell 'present/minimum' with its state
    (short, below preferred, surplus, ok) for the colour and the legend."""
    state = {}
    for r in cover.to_dict("records"):
        key = (r["shift"], who(r["role"] or None, r["skill"] or None))
        if r["shortfall"] > 0:
            kind = "short"
        elif r["below_preferred"] > 0:
            kind = "below"
        elif r["surplus"] > 0:
            kind = "surplus"
        else:
            kind = "ok"
        wish = [f"preferred {r['preferred']}"] if r["preferred"] != "" else []
        cap = [f"at most {r['max']}"] if r["max"] != "" else []
        state[key, r["date"]] = {
            "text": f"{r['assigned']}/{r['min']}",
            "state": kind,
            "title": "; ".join([f"{r['assigned']} present, at least {r['min']}", *wish, *cap]),
        }
    order = list(dict.fromkeys(key for key, _ in state))
    weeks: list[list[int]] = []
    for d in range(sc.horizon.days):
        if not weeks or sc.weekday(d) == "mon":
            weeks.append([])
        weeks[-1].append(d)
    out = []
    for days in weeks:
        iso = [sc.dates[d].isoformat() for d in days]
        rows = [
            {"shift": shift, "who": group, "cells": [state.get(((shift, group), x)) for x in iso]}
            for shift, group in order
            if any(((shift, group), x) in state for x in iso)
        ]
        if rows:
            out.append(
                {
                    "title": f"Week of {sc.dates[days[0]]:%a %d %b}",
                    "days": [
                        {"label": f"{sc.dates[d]:%a %d}", "weekend": sc.weekday(d) in sc.weekend}
                        for d in days
                    ],
                    "rows": rows,
                }
            )
    return out


def day_notes(sc: Scenario, d: int) -> list[str]:
    """What a manager must know about a date: a holiday, the clocks changing."""
    out = []
    if d in sc.holiday_of:
        out.append(sc.holiday_of[d])
    extra = sc.clock_changes.get(d)
    if extra is not None:
        way = "back" if extra > 0 else "forward"
        out.append(f"clocks go {way}: a {24 + extra // 60}-hour day")
    return out


def _summary(result: Result | None, report: CheckReport) -> list[tuple[str, str]]:
    if result is None:
        return [
            ("status", "checked (not solved here)"),
            ("penalty", str(report.total_penalty)),
            ("hard violations", str(len(report.hard_violations))),
        ]

    def fmt(v: float | None) -> str:
        return "-" if v is None else f"{v:g}"

    return [
        ("outcome", f"{OUTCOME[result.status]} ({result.status.value})"),
        ("penalty", fmt(result.objective)),
        ("no roster can score below", fmt(result.best_bound)),
        (
            "at most above the best possible",
            "-" if result.gap is None else f"{100 * result.gap:.2f}%",
        ),
        ("solve time", f"{result.wall_time_s:.1f} s"),
    ]


#: a solve's status as a manager reads it
OUTCOME = {
    SolveStatus.OPTIMAL: "proven best",
    SolveStatus.FEASIBLE: "the best found in the time, not proven best",
    SolveStatus.INFEASIBLE: "the hard rules conflict",
    SolveStatus.UNKNOWN: "no roster found in the time",
}


def _fairness(sc: Scenario, roster: Roster) -> dict[str, dict[str, float]]:
    """Nights and weekends per person as full-time equivalents within their
    role, as the fairness rule measures them (to 2 decimals)."""
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for measure in ("nights", "weekends"):
        for loads in fair_loads(sc, roster, measure):
            for sid, load in loads.items():
                out[sid][measure] = round(float(load), 2)
    return out


def _charts(sc: Scenario, cover: Any) -> list[dict[str, Any]]:
    """Per day, one band per clock-time cover entry: its segments, each with
    the people required and present (the rows of coverage.csv)."""
    segs = time_cover.segments(sc)
    if not segs:
        return []
    windows = cover[cover["window"] != ""].to_dict("records")
    by_day: dict[int, dict[str, list[dict[str, Any]]]] = defaultdict(lambda: defaultdict(list))
    for seg, row in zip(segs, windows):  # coverage.csv lists the segments in this order
        tc = seg.entry
        band = (
            f"{who(tc.role, tc.skill)} {format_clock(tc.from_)}-{format_clock(tc.to)}"
            f"{'' if tc.weight is None else ' (wish)'}"
        )
        start = sc.timeline.instant(seg.day, 0)
        by_day[seg.day][band].append(
            {"a": seg.a - start, "b": seg.b - start, "need": row["min"], "have": row["assigned"]}
        )
    # one scale for every day: a window past midnight widens them all alike
    span = max(
        [1440, *(s["b"] for bands in by_day.values() for segs_ in bands.values() for s in segs_)]
    )
    charts = []
    for d, bands in sorted(by_day.items()):
        # the roster ends within the span on its last day: that part is shaded
        horizon_end = sc.timeline.instant(sc.horizon.days, 0) - sc.timeline.instant(d, 0)
        charts.append(
            {
                "date": sc.dates[d].strftime("%a %d %b"),
                "iso": sc.dates[d].isoformat(),
                "span": span,
                "end": horizon_end if horizon_end < span else None,
                "bands": [{"name": k, "segments": v} for k, v in bands.items()],
            }
        )
    return charts


def render(
    scenario: Scenario,
    roster: Roster,
    report: CheckReport,
    result: Result | None = None,
    changed: Mapping[tuple[str, dt.date], str] | None = None,
) -> str:
    """report.html's text: the headline, the roster grid, cover, people and
    penalties (``result`` adds status, bound and gap; ``changed`` marks a
    repair's changes)."""
    env = Environment(
        loader=PackageLoader("roster", "templates"), autoescape=select_autoescape(["html", "j2"])
    )
    page = view(scenario, roster, report, result, changed)
    return env.get_template("report.html.j2").render(**page)


def write_report(
    path: str | Path,
    scenario: Scenario,
    roster: Roster,
    report: CheckReport,
    result: Result | None = None,
    changed: Mapping[tuple[str, dt.date], str] | None = None,
) -> Path:
    """Write report.html (atomically) for a solved or a checked roster."""
    path = Path(path)
    html = render(scenario, roster, report, result, changed)
    atomic_write(path, lambda fh: fh.write(html))
    return path

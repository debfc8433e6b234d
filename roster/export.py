"""Exports of a written roster: an Excel workbook and one calendar per person.

Both read a roster folder as ``roster solve`` writes it (``scenario.json``
and ``roster.csv``), and are written atomically.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from icalendar import Calendar, Event, vText
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from roster.files import atomic_write
from roster.records import format_clock
from roster.report import PALETTE
from roster.result import CheckReport
from roster.roster import Roster
from roster.scenario import Scenario
from roster.tables import coverage_table, hours_due, staff_totals


def write_xlsx(
    path: str | Path, scenario: Scenario, roster: Roster, report: CheckReport | None = None
) -> Path:
    """The wall chart with shift colours and a legend, then sheets for cover
    and per-person totals; header rows frozen."""
    sc = scenario
    colors = {s.id: PALETTE[i % len(PALETTE)].lstrip("#") for i, s in enumerate(sc.shifts)}
    bold, thin = Font(bold=True), Side(style="thin", color="BBBBBB")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    grey = PatternFill("solid", fgColor="EEEEEE")
    leave = PatternFill("lightGray", fgColor="BBBBBB")
    wb = Workbook()

    ws = wb.worksheets[0]  # a new workbook's one sheet
    ws.title = "Roster"
    ws.append(
        [
            "staff",
            "name",
            "role",
            *(
                f"{x:%a} {x:%d %b}" + (f"\n{sc.holiday_of[d]}" if d in sc.holiday_of else "")
                for d, x in enumerate(sc.dates)
            ),
        ]
    )
    for c in ws[1]:
        c.font, c.alignment = bold, Alignment(horizontal="center", wrap_text=True)
    weekend = [sc.weekday(d) in sc.weekend for d in range(sc.horizon.days)]
    cells = roster.layers(sc)[0]
    texts = roster.cell_texts(sc)
    duty_fill = PatternFill("solid", fgColor="D9D2E9")
    for p in sc.staff:
        codes = [texts.get((p.id, d), "") for d in range(sc.horizon.days)]
        ws.append([p.id, p.name or p.id, p.roles[0], *codes])
        row = ws.max_row
        for d, code in enumerate(codes):
            c = ws.cell(row, 4 + d)
            c.alignment, c.border = Alignment(horizontal="center"), box
            if code:
                worked = cells.get((p.id, d))  # the shift's colour; a duty's alone
                c.fill = PatternFill("solid", fgColor=colors[worked[0][0]]) if worked else duty_fill
            elif d in sc.leave_days[p.id]:  # the type: payroll tells them apart
                c.value, c.fill = sc.leave_of[p.id][d], leave
            elif weekend[d]:
                c.fill = grey
    holiday = PatternFill("solid", fgColor="FFE8A3")
    for d in range(sc.horizon.days):
        ws.column_dimensions[get_column_letter(4 + d)].width = 8
        if d in sc.holiday_of:
            ws.cell(1, 4 + d).fill = holiday
        elif weekend[d]:
            ws.cell(1, 4 + d).fill = grey
    ws.column_dimensions["B"].width = 28
    ws.freeze_panes = "D2"
    ws.append([])
    ws.append(["legend"])
    ws.cell(ws.max_row, 1).font = bold
    for s in sc.shifts:
        ws.append([s.id, s.name or s.id, f"{format_clock(s.start)}-{format_clock(s.end)}"])
        ws.cell(ws.max_row, 1).fill = PatternFill("solid", fgColor=colors[s.id])
    for k in sc.duties:
        ws.append(
            [
                k.id,
                f"on call: {k.name or k.id}" + (" (resident)" if k.resident else ""),
                f"{format_clock(k.start)}-{format_clock(k.end)}",
            ]
        )
        ws.cell(ws.max_row, 1).fill = duty_fill

    cover = coverage_table(sc, roster)
    ws = wb.create_sheet("Cover")
    ws.append(list(cover.columns))
    short = PatternFill("solid", fgColor="F8B4B4")
    for rec in cover.itertuples(index=False):
        ws.append(list(rec))
        if rec.shortfall:
            ws.cell(ws.max_row, list(cover.columns).index("assigned") + 1).fill = short
    _header(ws, bold)

    totals = staff_totals(sc, roster)
    ws = wb.create_sheet("People")
    ws.append(
        [
            "staff",
            "name",
            "role",
            "contract",
            "hours",
            "leave hours",
            "contract hours",
            "shifts",
            "nights",
            "weekends",
            "on-call duties",
            "on-call paid hours",
        ]
    )
    for p in sc.staff:
        due = hours_due(sc, p.id)
        due = None if due is None else round(due, 2)
        t = totals[p.id]
        ws.append(
            [
                p.id,
                p.name or p.id,
                p.roles[0],
                p.contract,
                t["hours"],
                t["leave_hours"],
                due,
                t["shifts"],
                t["nights"],
                t["weekends"],
                t["duties"],
                t["duty_hours"],
            ]
        )
    _header(ws, bold)
    if report is not None and report.by_rule:
        ws = wb.create_sheet("Penalties")
        ws.append(["rule", "penalty"])
        for rule, total in report.by_rule.items():
            ws.append([rule, total])
        _header(ws, bold)

    # no cell is a formula: a name such as =HYPERLINK(...) stays text (the
    # product writes no formulas of its own)
    for sheet in wb.worksheets:
        for sheet_row in sheet.iter_rows():
            for c in sheet_row:
                if c.data_type == "f":
                    c.data_type = "s"
    path = Path(path)
    atomic_write(path, wb.save, mode="wb")
    return path


def _header(ws, bold) -> None:
    for c in ws[1]:
        c.font = bold
    ws.freeze_panes = "A2"
    for col in ws.columns:
        ws.column_dimensions[col[0].column_letter].width = max(
            10, min(40, max(len(str(c.value or "")) for c in col) + 2)
        )


# -- calendars ------------------------------------------------------------------
def one_line(text: str) -> str:
    """Line breaks (which a calendar's content lines cannot hold) as spaces."""
    return " ".join(text.splitlines())


def shift_times(scenario: Scenario, date: dt.date, shift: str) -> tuple[dt.datetime, dt.datetime]:
    """Start and end of a shift on a date as instants, shown on the ward's
    clock (aware, in the scenario's time zone)."""
    d = (date - scenario.horizon.start).days
    a, b = scenario.span(d, shift)
    return scenario.timeline.local(a), scenario.timeline.local(b)


def write_ical(folder: str | Path, scenario: Scenario, roster: Roster) -> list[Path]:
    """One .ics per staff member (RFC 5545), named after their id."""
    folder = Path(folder)
    written = []
    for staff, data in calendars(scenario, roster).items():
        path = folder / f"{staff}.ics"
        atomic_write(path, functools.partial(_write_bytes, data), mode="wb")
        written.append(path)
    return written


def calendars(scenario: Scenario, roster: Roster) -> dict[str, bytes]:
    """Each staff member's calendar (RFC 5545) as the bytes of an .ics file,
    by staff id: what ``write_ical`` writes and a web page serves."""
    stamp = dt.datetime.now(dt.UTC).replace(microsecond=0)
    by_person: dict[str, list[tuple[dt.date, str, str]]] = {p.id: [] for p in scenario.staff}
    for staff, date, shift, role in roster.df.itertuples(index=False):
        by_person[staff].append((date, shift, role))
    out = {}
    for p in scenario.staff:
        cal = Calendar()
        cal.add("prodid", "-//roster//shift roster//EN")
        cal.add("version", "2.0")
        # an extension property: escaped as TEXT (',' and ';') by hand
        cal.add("x-wr-calname", vText(one_line(f"{p.name or p.id}: {scenario.name or 'roster'}")))
        cal.add("x-wr-timezone", scenario.zone_name)
        for date, shift, role in sorted(by_person[p.id]):
            sh = scenario.shift_by_id.get(shift) or scenario.duty_by_id[shift]
            start, end = shift_times(scenario, date, shift)
            ev = Event()
            ev.add("uid", f"{p.id}-{date.isoformat()}-{shift}@roster")
            ev.add("dtstamp", stamp)
            ev.add("dtstart", start)
            ev.add("dtend", end)
            on_call = "On call: " if scenario.is_duty(shift) else ""
            ev.add("summary", one_line(f"{on_call}{sh.name or shift} ({shift})"))
            paid = scenario.paid((date - scenario.horizon.start).days, shift)
            ev.add("description", f"{role}, {paid / 60:g} paid hours")
            cal.add_component(ev)
        cal.add_missing_timezones()
        out[p.id] = cal.to_ical()
    return out


def _write_bytes(data: bytes, fh: Any) -> None:
    fh.write(data)


# -- one person's shifts ---------------------------------------------------------
@dataclass(frozen=True)
class PersonShift:
    """One shift or on-call duty of one person, on the ward's clock."""

    date: dt.date
    shift: str
    name: str
    role: str
    start: dt.datetime
    end: dt.datetime
    on_call: bool
    paid_hours: float


def person_shifts(scenario: Scenario, roster: Roster, staff_id: str) -> list[PersonShift]:
    """What ``staff_id`` works in ``roster``, in date order: what a staff
    member's own page and calendar feed show (none if they are not in it)."""
    mine = roster.df[roster.df["staff"] == staff_id]
    found = []
    for _staff, date, shift, role in sorted(mine.itertuples(index=False)):
        sh = scenario.shift_by_id.get(shift) or scenario.duty_by_id[shift]
        start, end = shift_times(scenario, date, shift)
        paid = scenario.paid((date - scenario.horizon.start).days, shift) / 60
        on_call = scenario.is_duty(shift)
        found.append(PersonShift(date, shift, sh.name or shift, role, start, end, on_call, paid))
    return found

"""The roster: a tidy table of worked shifts (staff, date, shift, role).

An on-call duty is a row of its own whose ``shift`` column holds the duty
id: ``P,2026-12-07,D`` and ``P,2026-12-07,OC`` are a day shift and the
on-call that evening."""

from __future__ import annotations

import csv
import datetime as dt
import operator
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from zipfile import BadZipFile

import pandas as pd
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from roster.records import LEAVE_TYPES
from roster.validation import ScenarioError

if TYPE_CHECKING:
    from roster.scenario import Scenario, Staff

COLUMNS = ["staff", "date", "shift", "role"]
WHAT = "roster CSV"
#: the sheet of a workbook (``roster export xlsx``) holding the roster
SHEET = "Roster"
#: how a zip file (an XLSX workbook) begins
ZIP_MAGIC = b"PK\x03\x04"
_CELL = re.compile(r"^\s*([^\s()+]+)\s*(?:\(\s*([^\s()]+)\s*\))?\s*$")


def _short_rows(path: str | Path, width: int) -> Iterator[tuple[str, str]]:
    """Rows with fewer values than the header: a file cut short, or a row
    typed by hand with a value missing (pandas would fill them in blank)."""
    with open(path, newline="", encoding="utf-8") as fh:
        for i, row in enumerate(csv.reader(fh)):
            if i and row and len(row) < width:
                yield (
                    f"row {i + 1}",
                    f"{len(row)} of the header's {width} values; the file may be cut short",
                )


def label(scenario: Scenario, staff: str, code: str, role: str | None) -> str:
    """A shift or duty code as grids show it: with the role worked when it
    is not the person's own (first) role, 'E (CN)'."""
    home = scenario.staff_by_id[staff].roles[0]
    return code if not role or role == home else f"{code} ({role})"


@dataclass
class Roster:
    """One row per worked shift. ``date`` holds ``datetime.date`` values."""

    df: pd.DataFrame

    def __post_init__(self) -> None:
        self.df = self.df[COLUMNS].sort_values(["staff", "date", "shift"]).reset_index(drop=True)

    def __len__(self) -> int:
        return len(self.df)

    def cells(self, scenario: Scenario) -> dict[tuple[str, int], list[tuple[str, str]]]:
        """(staff, day index) -> [(shift, role), ...] for days in the horizon
        (shifts only; ``duties`` gives the on-call rows)."""
        return self.layers(scenario)[0]

    def duties(self, scenario: Scenario) -> dict[tuple[str, int], list[tuple[str, str]]]:
        """(staff, day index) -> [(duty, role), ...] for days in the horizon."""
        return self.layers(scenario)[1]

    def layers(
        self, scenario: Scenario
    ) -> tuple[
        dict[tuple[str, int], list[tuple[str, str]]], dict[tuple[str, int], list[tuple[str, str]]]
    ]:
        """``cells`` and ``duties`` in one pass over the table, for callers
        that need both."""
        shifts: dict[tuple[str, int], list[tuple[str, str]]] = {}
        duties: dict[tuple[str, int], list[tuple[str, str]]] = {}
        is_duty = scenario.duty_by_id
        for staff, date, shift, role in self.df.itertuples(index=False):
            d = scenario.day_index(date)
            if d is not None:
                (duties if shift in is_duty else shifts).setdefault((staff, d), []).append(
                    (shift, role)
                )
        return shifts, duties

    def table(self, scenario: Scenario) -> pd.DataFrame:
        """The published layout: who works what, when (ISO 8601 with the UTC
        offset of the scenario's time zone), for how many real paid hours."""
        rows = []
        for staff, date, shift, role in self.df.itertuples(index=False):
            d = (date - scenario.horizon.start).days
            a, b = scenario.span(d, shift)
            start, end = scenario.timeline.local(a), scenario.timeline.local(b)
            rows.append(
                {
                    "staff": staff,
                    "name": scenario.staff_by_id[staff].name or staff,
                    "role": role,
                    "date": date.isoformat(),
                    "day": scenario.day_index(date),
                    "weekday": date.strftime("%a"),
                    "shift": shift,
                    "start": start.isoformat(timespec="minutes"),
                    "end": end.isoformat(timespec="minutes"),
                    "hours": round(scenario.paid(d, shift) / 60, 2),
                }
            )
        cols = ["staff", "name", "role", "date", "day", "weekday", "shift", "start", "end", "hours"]
        return pd.DataFrame(rows, columns=cols)

    def cell_texts(self, scenario: Scenario) -> dict[tuple[str, int], str]:
        """(staff, day) -> what every grid shows in that cell (grid.csv, the
        report, the workbook): the shift, then the on-call duties ('D+OC'),
        each with the role worked when it is not the person's own (first)
        role: 'E (CN)' for a senior nurse coordinating. Off days are absent."""
        cells, held = self.layers(scenario)
        first = operator.itemgetter(0)
        out: dict[tuple[str, int], str] = {}
        for key in cells.keys() | held.keys():
            worked = [*sorted(cells.get(key, []), key=first), *sorted(held.get(key, []), key=first)]
            out[key] = "+".join(label(scenario, key[0], code, role) for code, role in worked)
        return out

    def grid(self, scenario: Scenario) -> pd.DataFrame:
        """Staff x date wall chart of ``cell_texts``; blank = off."""
        cols = [d.isoformat() for d in scenario.dates]
        grid = pd.DataFrame("", index=[p.id for p in scenario.staff], columns=cols)
        for (staff, d), text in self.cell_texts(scenario).items():
            grid.at[staff, cols[d]] = text
        grid.insert(0, "name", [p.name or p.id for p in scenario.staff])
        grid.index.name = "staff"
        return grid

    @classmethod
    def from_csv(
        cls, path: str | Path, scenario: Scenario, gone: list[tuple[str, str, str]] | None = None
    ) -> Roster:
        """Read a roster CSV (columns staff,date,shift; role when needed).

        Unknown people or shifts and dates outside the horizon are input
        errors, except that with ``gone`` the rows of people the scenario no
        longer has are collected there as (staff, date, shift) instead.
        """
        source = str(path)
        try:
            raw = pd.read_csv(path, dtype=str, keep_default_na=False)
        except (
            OSError,
            pd.errors.ParserError,
            pd.errors.EmptyDataError,
            UnicodeDecodeError,
        ) as exc:
            raise ScenarioError(
                [("file", f"cannot read the roster CSV: {exc}")], source, WHAT
            ) from None
        if not isinstance(raw.index, pd.RangeIndex):  # pandas took extra fields as an index
            raise ScenarioError(
                [
                    (
                        "file",
                        f"rows have more values than the header has columns "
                        f"({','.join(raw.columns)}); look for stray commas",
                    )
                ],
                source,
                WHAT,
            )
        missing = [c for c in ("staff", "date", "shift") if c not in raw.columns]
        if missing:
            raise ScenarioError(
                [
                    (
                        "columns",
                        f"missing column(s) {', '.join(missing)}; need staff,date,shift "
                        f"(and role for people with several roles)",
                    )
                ],
                source,
                WHAT,
            )
        problems: list[tuple[str, str]] = list(_short_rows(path, len(raw.columns)))
        short = {at for at, _ in problems}
        rows = []
        seen: dict[tuple[str, str, str], int] = {}
        for i, rec in enumerate(raw.to_dict("records")):
            at = f"row {i + 2}"
            staff, shift = rec["staff"].strip(), rec["shift"].strip()
            blank = [c for c in ("staff", "date", "shift") if not rec[c].strip()]
            if at in short:
                continue
            if blank:
                problems.append(
                    (
                        f"{at}.{blank[0]}",
                        f"blank {blank[0]}: every row is one "
                        "shift or duty worked (leave a day off out)",
                    )
                )
                continue
            key = (staff, rec["date"].strip(), shift)
            if key in seen:
                problems.append((at, f"the same as row {seen[key]} ({', '.join(key)})"))
                continue
            seen[key] = i + 2
            person = scenario.staff_by_id.get(staff)
            if person is None and gone is not None:
                gone.append((staff, rec["date"].strip(), shift))
                continue
            if person is None:
                shown = ", ".join(list(scenario.staff_by_id)[:20])
                problems.append(
                    (
                        f"{at}.staff",
                        f"unknown staff '{staff}'; allowed: {shown}"
                        f"{' ...' if len(scenario.staff) > 20 else ''}",
                    )
                )
                continue
            duty = scenario.duty_by_id.get(shift)
            if shift not in scenario.shift_by_id and duty is None:
                problems.append(
                    (
                        f"{at}.shift",
                        f"unknown shift '{shift}'; allowed: "
                        f"{', '.join([*scenario.shift_by_id, *scenario.duty_by_id])}",
                    )
                )
                continue
            try:
                date = dt.date.fromisoformat(rec["date"].strip())
            except ValueError:
                problems.append((f"{at}.date", f"'{rec['date']}' is not a date YYYY-MM-DD"))
                continue
            if scenario.day_index(date) is None:
                problems.append(
                    (
                        f"{at}.date",
                        f"{date} is outside the horizon {scenario.dates[0]}..{scenario.dates[-1]}",
                    )
                )
                continue
            role = (rec.get("role") or "").strip()
            if duty is not None:
                held = scenario.duty_roles.get((staff, shift))
                if held is None:
                    problems.append(
                        (
                            f"{at}.shift",
                            f"{staff} cannot hold {shift}: it needs "
                            f"one of the roles {', '.join(duty.roles or [])}",
                        )
                    )
                    continue
                if role and role != held:
                    problems.append(
                        (f"{at}.role", f"{staff} holds {shift} as {held}, not '{role}'")
                    )
                    continue
                role = held
            elif not role:
                if len(person.roles) > 1:
                    problems.append(
                        (
                            f"{at}.role",
                            f"{staff} has several roles ({', '.join(person.roles)}); say which",
                        )
                    )
                    continue
                role = person.roles[0]
            elif role not in person.roles:
                problems.append(
                    (
                        f"{at}.role",
                        f"'{role}' is not one of {staff}'s roles ({', '.join(person.roles)})",
                    )
                )
                continue
            rows.append((staff, date, shift, role))
        if problems:
            raise ScenarioError(problems, source, WHAT)
        return cls(pd.DataFrame(rows, columns=COLUMNS))

    @classmethod
    def read(cls, path: str | Path, scenario: Scenario) -> Roster:
        """A roster CSV, or a workbook as ``roster export xlsx`` writes it
        (a name ending .xlsx, or any file that is a zip archive)."""
        if str(path).lower().endswith((".xlsx", ".xlsm")):
            return cls.from_xlsx(path, scenario)
        try:
            with open(path, "rb") as fh:
                if fh.read(4) == ZIP_MAGIC:
                    return cls.from_xlsx(path, scenario)
        except OSError:
            pass  # from_csv says why it cannot be read
        return cls.from_csv(path, scenario)

    @classmethod
    def from_xlsx(cls, path: str | Path, scenario: Scenario) -> Roster:
        """Read the "Roster" sheet of a workbook ``roster export xlsx`` wrote,
        perhaps edited in Excel: columns staff, name, role, then one a day of
        the horizon; a cell holds the shift, the on-call duties after '+',
        each with the role worked in brackets when it is not the person's
        first ('E', 'D (CN)', 'D+OC'), on a day of leave the leave type (not
        worked), or nothing (off). Rows end at the first blank one (the
        legend follows it).

        Every code that is not a shift, duty or role of that person, every
        unknown person and every header that is not a day of the horizon is
        an input error located at its cell ('Roster!F7')."""
        source = str(path)
        what = "roster workbook"
        try:
            with open(path, "rb") as fh:  # a file, so its name need not end .xlsx
                wb = load_workbook(fh, data_only=True)
        except (BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
            raise ScenarioError(
                [("file", f"cannot read it as an XLSX workbook: {exc}")], source, what
            ) from None
        if SHEET not in wb.sheetnames:
            raise ScenarioError(
                [
                    (
                        "file",
                        f"no sheet {SHEET!r} (the sheet roster export xlsx writes); "
                        f"the sheets: {', '.join(map(repr, wb.sheetnames))}",
                    )
                ],
                source,
                what,
            )
        ws = wb[SHEET]
        sc = scenario
        problems: list[tuple[str, str]] = []

        def at(row: int, col: int) -> str:
            return f"{SHEET}!{get_column_letter(col)}{row}"

        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        header = rows[0] if rows else []
        if [str(v or "").strip().lower() for v in header[:3]] != ["staff", "name", "role"]:
            problems.append(
                (at(1, 1), "the header must begin staff, name, role, then one column a day")
            )
            raise ScenarioError(problems, source, what)
        days: dict[int, int] = {}  # column -> day index
        for col, value in enumerate(header[3:], start=4):
            if value is None or not str(value).strip():
                continue
            d = _header_day(value, col - 4, sc)
            if d is None:
                expected = _day_label(sc, col - 4) if col - 4 < sc.horizon.days else None
                problems.append(
                    (
                        at(1, col),
                        f"{str(value).splitlines()[0]!r} is not a day of the horizon "
                        f"{sc.dates[0]}..{sc.dates[-1]}"
                        + (f" (this column is {expected!r})" if expected else ""),
                    )
                )
            else:
                days[col] = d
        leave_types = {*LEAVE_TYPES, *sc.leave_types}
        codes = [*sc.shift_by_id, *sc.duty_by_id]
        records = []
        seen: set[str] = set()
        for r, values in enumerate(rows[1:], start=2):
            if all(v is None or not str(v).strip() for v in values):
                break  # the legend follows a blank row
            staff = str(values[0] or "").strip()
            person = sc.staff_by_id.get(staff)
            if person is None:
                shown = ", ".join(list(sc.staff_by_id)[:20])
                problems.append(
                    (
                        at(r, 1),
                        f"unknown staff {staff!r}; allowed: {shown}"
                        + (" ..." if len(sc.staff) > 20 else ""),
                    )
                )
                continue
            if staff in seen:
                problems.append((at(r, 1), f"{staff} has a row above already"))
                continue
            seen.add(staff)
            for col, d in days.items():
                value = values[col - 1] if col - 1 < len(values) else None
                text = "" if value is None else str(value).strip()
                if not text:
                    continue
                if text in leave_types and d in sc.leave_days[staff]:
                    continue  # the leave shown on a leave day: not worked
                for code, role in _cell_parts(text, codes, problems, at(r, col), person, sc, d):
                    records.append((staff, sc.dates[d], code, role))
        if problems:
            raise ScenarioError(problems, source, what)
        return cls(pd.DataFrame(records, columns=COLUMNS))


def _day_label(sc: Scenario, d: int) -> str:
    """A day's header as the workbook writes it: 'Mon 07 Dec'."""
    return f"{sc.dates[d]:%a} {sc.dates[d]:%d %b}"


def _header_day(value: object, position: int, sc: Scenario) -> int | None:
    """The day a column header names: a date (a cell, or YYYY-MM-DD text) in
    the horizon, or the workbook's own label for the column's position."""
    if isinstance(value, dt.datetime):
        return sc.day_index(value.date())
    if isinstance(value, dt.date):
        return sc.day_index(value)
    text = str(value).strip()
    try:
        return sc.day_index(dt.date.fromisoformat(text))
    except ValueError:
        pass
    first = text.splitlines()[0].strip() if text else ""
    if position < sc.horizon.days and first == _day_label(sc, position):
        return position
    return None


def _cell_parts(
    text: str,
    codes: list[str],
    problems: list[tuple[str, str]],
    where: str,
    person: Staff,
    sc: Scenario,
    d: int,
) -> list[tuple[str, str]]:
    """(code, role) worked that a grid cell's text says ('D (CN)+OC');
    a problem at ``where`` for each part that cannot be read."""
    out: list[tuple[str, str]] = []
    for part in text.split("+"):
        m = _CELL.match(part)
        code, role = (m.group(1), m.group(2)) if m else (part.strip(), None)
        if m is None or code not in codes:
            leave = " (or, on a day of leave, its type)" if d in sc.leave_days[person.id] else ""
            problems.append(
                (
                    where,
                    f"{part.strip()!r}{f' in {text!r}' if '+' in text else ''} is not a "
                    "shift or on-call duty; "
                    f"allowed: {', '.join(codes)}{leave}, with the role in brackets "
                    "when it is not the person's first: 'E (CN)', a duty after +: 'D+OC'",
                )
            )
            continue
        if code in sc.duty_by_id:
            held = sc.duty_roles.get((person.id, code))
            if held is None:
                problems.append((where, f"{person.id} cannot hold {code}: no role of theirs may"))
                continue
            if role is not None and role != held:
                problems.append((where, f"{person.id} holds {code} as {held}, not {role!r}"))
                continue
            role = held
        elif role is None:
            role = person.roles[0]
        elif role not in person.roles:
            problems.append(
                (
                    where,
                    f"{role!r} is not one of {person.id}'s roles ({', '.join(person.roles)})",
                )
            )
            continue
        if any(code == c for c, _ in out):
            problems.append((where, f"{code} twice in {text!r}"))
            continue
        out.append((code, role))
    return out

"""Staff, leave and requests from the spreadsheets a unit already keeps.

A CSV or XLSX table (the first sheet, or one named) with a header row is read
column by column into a scenario's data: ``staff`` merges people by id,
``leave`` and ``requests`` add entries to the people named. Columns are found
by name, in any case and spacing, under the names in ``FIELDS`` (an explicit
``{field: column}`` mapping overrides them); columns no field reads are left
alone and listed.

Every problem in the file is reported at once, located as the spreadsheet
shows it (``staff.xlsx row 7, column 'roles'``, the header being row 1 when
it is the first), with what is allowed. The merged data is validated by the
same ``load_scenario`` as any scenario file, so what is returned is known
good; a problem it finds in an imported row is located at that row.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zipfile import BadZipFile

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from roster.edits import add_leave, add_request, upsert_staff
from roster.errors import InputError
from roster.load import MAX_FILE_BYTES, load_scenario
from roster.records import ID_PATTERN, LEAVE_TYPES, MAX_WEIGHT
from roster.scenario import Scenario
from roster.validation import ScenarioError

KINDS = ("staff", "leave", "requests")
#: the words a want column may hold, and what each means
WANTS = {"on": "on", "yes": "on", "y": "on", "work": "on", "off": "off", "no": "off", "n": "off"}
_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0"
_SEPARATOR = re.compile(r"[,;]")
_LOCATION = re.compile(
    r"^staff\[(\d+)\](?: \([^)]*\))?(?:\.(leave|requests)\[(\d+)\])?(?:\.(\w+))?"
)


@dataclass(frozen=True)
class Column:
    """A field a sheet may give, the column names it is found under (the
    first is its own name) and whether a sheet of its kind must have it."""

    field: str
    names: tuple[str, ...]
    required: bool = False
    meaning: str = ""


_STAFF_NAMES = ("staff", "staff id", "id", "employee", "employee id", "person", "name")
_FROM = ("from", "first day", "start", "start date", "from date", "first date")
_TO = ("to", "last day", "end", "end date", "to date", "until", "last date")

#: kind of sheet -> the fields it may give, in the order they are read
FIELDS: dict[str, tuple[Column, ...]] = {
    "staff": (
        Column(
            "id",
            ("id", "staff id", "staff", "employee id", "employee number", "staff number"),
            True,
            "the person's id in the scenario",
        ),
        Column("name", ("name", "full name", "staff name", "employee name")),
        Column("roles", ("roles", "role", "job role"), meaning="one or a list (, or ;)"),
        Column("skills", ("skills", "skill", "competencies"), meaning="a list (, or ;)"),
        Column("contract", ("contract", "contract type")),
        Column(
            "hours_per_week",
            ("hours_per_week", "hours", "contracted hours", "weekly hours"),
            meaning="a number, 0 to 168",
        ),
    ),
    "leave": (
        Column("staff", _STAFF_NAMES, True, "an id, or a name only one person has"),
        Column("from", _FROM, meaning="the first day"),
        Column("to", _TO, meaning="the last day; default: the first"),
        Column("date", ("date", "day", "dates"), meaning="or a single day (or FIRST..LAST)"),
        Column("type", ("type", "leave type", "kind", "reason"), meaning="default annual"),
    ),
    "requests": (
        Column("staff", _STAFF_NAMES, True, "an id, or a name only one person has"),
        Column("dates", ("dates", "date", "day", "days"), meaning="a list (, or ;), ranges A..B"),
        Column("from", _FROM, meaning="or the first day"),
        Column("to", _TO, meaning="and the last"),
        Column("shift", ("shift", "shifts"), meaning="one or a list; default: the whole day"),
        Column("want", ("want", "on/off", "request", "wish"), True, "on or off (yes/no, work)"),
        Column("weight", ("weight", "priority"), meaning="default 1"),
    ),
}


class SheetError(InputError):
    """Bad rows in a spreadsheet: every problem, each located at its file,
    row and column as the spreadsheet shows them."""

    def __init__(self, problems: list[tuple[str, str]], what: str = "spreadsheet") -> None:
        super().__init__(problems, None, what)

    @property
    def neutral(self) -> bool:
        """Locations and messages quote the sheet, not the library's names."""
        return False


@dataclass
class Sheet:
    """A table read from a file: its header and its non-blank rows, each
    with its row number as the spreadsheet shows it."""

    name: str
    header: list[str]
    header_row: int
    rows: list[tuple[int, list[Any]]]

    def at(self, row: int, column: str) -> str:
        """Where a value is, as a manager finds it."""
        return f"{self.name} row {row}, column '{column}'"


@dataclass
class Imported:
    """What an import made: the new scenario data (validated: ``scenario``)
    and what changed, in one line."""

    data: dict[str, Any]
    scenario: Scenario
    summary: str
    unread: list[str] = field(default_factory=list)


def _key(name: str) -> str:
    """A column name as matched: case, spaces, '_' and '-' ignored."""
    return re.sub(r"[\s_\-]+", "", name).lower()


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# -- reading a table --------------------------------------------------------------------
def read_sheet(path: str | Path, sheet: str | None = None) -> Sheet:
    """The table in a CSV or XLSX file (``sheet``: a workbook's sheet by name;
    default the first). SheetError when it cannot be read as one."""
    name = Path(path).name
    try:
        size = Path(path).stat().st_size
        if size > MAX_FILE_BYTES:
            raise SheetError([(name, f"{size:,} bytes; at most {MAX_FILE_BYTES:,}")])
        content = Path(path).read_bytes()
    except OSError as exc:
        raise SheetError([(name, f"cannot read it: {exc.strerror or exc}")]) from None
    return parse_sheet(content, name, sheet)


def parse_sheet(content: bytes, name: str, sheet: str | None = None) -> Sheet:
    """The table in a file's ``content`` (an upload, say), named ``name``:
    XLSX when it is a workbook (whatever its name), CSV otherwise."""
    if content.startswith(_XLS_MAGIC) or name.lower().endswith(".xls"):
        raise SheetError([(name, "an old .xls workbook: save it as .xlsx or CSV")])
    if content.startswith(_XLSX_MAGIC) or name.lower().endswith((".xlsx", ".xlsm")):
        rows = _xlsx_rows(content, name, sheet)
    else:
        if sheet is not None:
            raise SheetError([(name, f"a CSV file has no sheets (asked for {sheet!r})")])
        rows = _csv_rows(content, name)
    kept = [(n, row) for n, row in rows if not all(map(_blank, row))]
    if not kept:
        raise SheetError([(name, "no header row: the sheet is empty")])
    (header_row, first), body = kept[0], kept[1:]
    header = ["" if v is None else _text(v) for v in first]
    if not body:
        raise SheetError([(f"{name} row {header_row}", "a header but no rows under it")])
    return Sheet(name, header, header_row, body)


def _xlsx_rows(content: bytes, name: str, sheet: str | None) -> list[tuple[int, list[Any]]]:
    try:
        wb = load_workbook(io.BytesIO(content), data_only=True)
    except (BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise SheetError([(name, f"cannot read it as an XLSX workbook: {exc}")]) from None
    if sheet is None:
        ws = wb.worksheets[0]
    elif sheet in wb.sheetnames:
        ws = wb[sheet]
    else:
        raise SheetError(
            [(name, f"no sheet {sheet!r}; the sheets: {', '.join(map(repr, wb.sheetnames))}")]
        )
    return [(n, list(row)) for n, row in enumerate(ws.iter_rows(values_only=True), start=1)]


def _csv_rows(content: bytes, name: str) -> list[tuple[int, list[Any]]]:
    if b"\x00" in content[:65536]:  # a picture, a PDF, a program: no text table has NULs
        raise SheetError(
            [(name, "not a spreadsheet: save it as CSV (UTF-8 or Windows-1252) or XLSX")]
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("cp1252")  # what Excel saves as "CSV" on Windows
        except UnicodeDecodeError:
            raise SheetError(
                [(name, "not a text table (UTF-8 or Windows-1252 CSV) nor an XLSX workbook")]
            ) from None
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)  # Excel writes ';' where ',' is the decimal mark
    try:
        return [
            (n, row) for n, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1)
        ]
    except csv.Error as exc:
        raise SheetError([(name, f"not a CSV table: {exc}")]) from None


# -- columns ----------------------------------------------------------------------------
def find_columns(
    kind: str, sheet: Sheet, mapping: Mapping[str, str] | None = None, guess: bool = True
) -> dict[str, int]:
    """Field -> column index for a ``kind`` of sheet: ``mapping`` (field ->
    column name) first, then (unless ``guess`` is False: a mapping someone
    chose field by field, where a field left out is meant to be absent)
    each field's names in order. SheetError listing every header problem:
    a required field without a column, a mapping naming an unknown field or
    a column not in the header, two columns of the same name."""
    if kind not in FIELDS:
        raise SheetError([("kind", f"{kind!r} is not a sheet kind; allowed: {', '.join(KINDS)}")])
    fields = {c.field: c for c in FIELDS[kind]}
    where = f"{sheet.name} row {sheet.header_row}"
    by_key: dict[str, list[int]] = {}
    for i, title in enumerate(sheet.header):
        if title:
            by_key.setdefault(_key(title), []).append(i)
    shown = ", ".join(repr(t) for t in sheet.header if t)
    problems: list[tuple[str, str]] = []
    found: dict[str, int] = {}

    def take(f: str, title: str) -> bool:
        columns = by_key.get(_key(title), [])
        if len(columns) > 1:
            problems.append(
                (where, f"{len(columns)} columns are called {title!r}; rename all but one")
            )
            return True
        if columns and columns[0] not in found.values():
            found[f] = columns[0]
            return True
        return False

    by_field_key = {_key(f): f for f in fields}
    for given, column in (mapping or {}).items():
        f = by_field_key.get(_key(given))
        if f is None:
            problems.append(
                (
                    "map",
                    f"{given!r} is not a field of a {kind} sheet; fields: {', '.join(fields)}",
                )
            )
        elif not take(f, column):
            problems.append(
                (f"map {given}", f"no column {column!r} in {where}; its columns: {shown}")
            )
    for c in FIELDS[kind]:
        if c.field in found or any(_key(g) == _key(c.field) for g in mapping or {}):
            continue
        if not (guess and any(take(c.field, title) for title in c.names)) and c.required:
            problems.append(
                (
                    where,
                    f"no column for {c.field} ({c.meaning}): call one "
                    f"{' or '.join(repr(n) for n in c.names[:3])}, or map one to it; "
                    f"the columns: {shown}",
                )
            )
    if problems:
        raise SheetError(problems, f"{kind} {_what(sheet)}")
    return found


def guess_columns(kind: str, sheet: Sheet) -> dict[str, str | None]:
    """Field -> the column of ``sheet`` the importer would read it from by
    its names (None: no such column): what a column-mapping step shows
    first. Unlike ``find_columns`` it never fails: a missing required field
    or a doubled column name is for the mapping to settle."""
    if kind not in FIELDS:
        raise SheetError([("kind", f"{kind!r} is not a sheet kind; allowed: {', '.join(KINDS)}")])
    titles = [t for t in sheet.header if t]
    guessed: dict[str, str | None] = {}
    for c in FIELDS[kind]:
        keys = [_key(n) for n in c.names]
        free = [t for t in titles if t not in guessed.values()]
        guessed[c.field] = next(
            (t for k in keys for t in free if _key(t) == k),
            None,
        )
    return guessed


def sheet_names(content: bytes, name: str) -> list[str]:
    """The sheets of a workbook (in order), or [] for a CSV file: so that
    someone uploading a workbook of several sheets can choose one."""
    if not (content.startswith(_XLSX_MAGIC) or name.lower().endswith((".xlsx", ".xlsm"))):
        return []
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True)
    except (BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise SheetError([(name, f"cannot read it as an XLSX workbook: {exc}")]) from None
    names = list(wb.sheetnames)
    wb.close()
    return names


def _what(sheet: Sheet) -> str:
    return "spreadsheet" if sheet.name.lower().endswith((".xlsx", ".xlsm")) else "file"


# -- values -----------------------------------------------------------------------------
def _text(value: Any) -> str:
    """A cell as text: whole numbers without '.0' (an id typed as 1017),
    dates as YYYY-MM-DD."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return str(value).strip()


class _Row:
    """One row's values by field, collecting the problems found in it."""

    def __init__(
        self, sheet: Sheet, n: int, values: list[Any], columns: dict[str, int], problems: list
    ) -> None:
        self.sheet, self.n, self.values, self.columns = sheet, n, values, columns
        self.problems: list[tuple[str, str]] = problems
        self.ok = True

    def raw(self, f: str) -> Any:
        i = self.columns.get(f)
        if i is None or i >= len(self.values) or _blank(self.values[i]):
            return None
        return self.values[i]

    def text(self, f: str) -> str:
        value = self.raw(f)
        return "" if value is None else _text(value)

    def bad(self, f: str | None, message: str) -> None:
        self.ok = False
        if f is None or f not in self.columns:
            self.problems.append((f"{self.sheet.name} row {self.n}", message))
        else:
            self.problems.append(
                (self.sheet.at(self.n, self.sheet.header[self.columns[f]]), message)
            )

    def ids(self, f: str, allowed: list[str], what: str) -> list[str] | None:
        """A list of ids (',' or ';' between them), each one of ``allowed``."""
        text = self.text(f)
        if not text:
            return None
        out = []
        for part in (p.strip() for p in _SEPARATOR.split(text)):
            if not part:
                continue
            match = _one_of(part, allowed)
            if match is None:
                self.bad(
                    f,
                    f"{part!r} is not {what}; {_allowed(allowed)}",
                )
            else:
                out.append(match)
        return out

    def date(self, f: str) -> dt.date | None:
        value = self.raw(f)
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(_text(value))
        except ValueError:
            self.bad(f, f"{_text(value)!r} is not a date: {_DATE_HELP}")
            return None

    def dates(self, f: str) -> list[str] | None:
        """Dates and FIRST..LAST ranges, as a scenario lists them."""
        value = self.raw(f)
        if value is None:
            return None
        if isinstance(value, dt.date):
            return [self.date(f).isoformat()]  # type: ignore[union-attr]
        out = []
        for part in (p.strip() for p in _SEPARATOR.split(_text(value))):
            if part:
                span = _range(part)
                if span is None:
                    self.bad(f, f"{part!r} is not a date or a range FIRST..LAST: {_DATE_HELP}")
                else:
                    first, last = span
                    out.append(first.isoformat() if first == last else f"{first}..{last}")
        return out


_DATE_HELP = "write YYYY-MM-DD (e.g. 2027-03-01) or format the cell as a date"


def _range(text: str) -> tuple[dt.date, dt.date] | None:
    first, sep, last = text.partition("..")
    try:
        a = dt.date.fromisoformat(first.strip())
        b = dt.date.fromisoformat(last.strip()) if sep else a
    except ValueError:
        return None
    return (a, b) if a <= b else None


def _one_of(text: str, allowed: list[str]) -> str | None:
    """``text`` if allowed, else the one allowed id equal to it in another case."""
    if text in allowed:
        return text
    folded = [a for a in allowed if a.lower() == text.lower()]
    return folded[0] if len(folded) == 1 else None


def _allowed(ids: list[str]) -> str:
    shown = ", ".join(sorted(ids)[:20]) + (" ..." if len(ids) > 20 else "")
    return f"allowed: {shown}" if ids else "the scenario defines none"


# -- a new unit -------------------------------------------------------------------------
#: the starters a new unit may begin from, and what each gives
STARTERS = {
    "ward": "a 24-hour ward: early, late and night shifts; registered nurses (one can take "
    "charge) and nursing assistants; full- and part-time contracts; 11 hours' rest",
}


def starter(which: str, start: dt.date, days: int, name: str | None = None) -> dict[str, Any]:
    """Scenario data for a new unit, with no staff yet: the shifts with
    their clock times, roles, contracts, cover and rules a ward manager
    then adjusts, while its people come from a staff sheet (``import_sheet``)."""
    if which not in STARTERS:
        raise SheetError(
            [("starter", f"{which!r} is not a starter; allowed: {', '.join(STARTERS)}")]
        )
    cover = [
        {"shift": s, "role": "RN", "min": 1, "min_weight": 100, "preferred": 2, "under_weight": 10}
        for s in ("E", "L")
    ]
    cover += [{"shift": "N", "role": "RN", "min": 1, "min_weight": 100}]
    cover += [{"shift": s, "role": "NA", "min": 1, "min_weight": 50} for s in ("E", "L", "N")]
    return {
        "name": name or "New ward",
        "horizon": {"start": start.isoformat(), "days": days},
        "shifts": [
            {"id": "E", "name": "Early", "start": "07:00", "end": "15:30", "break_minutes": 30},
            {"id": "L", "name": "Late", "start": "14:30", "end": "22:00", "break_minutes": 30},
            {"id": "N", "name": "Night", "start": "21:30", "end": "07:30", "break_minutes": 30},
        ],
        "roles": [
            {"id": "RN", "name": "registered nurse"},
            {"id": "NA", "name": "nursing assistant"},
        ],
        "skills": [{"id": "charge", "name": "can take charge of the ward"}],
        "contracts": [
            {
                "id": "full-time",
                "hours_per_week": 37.5,
                "rules": [
                    {"kind": "hours", "max_hours": 48, "per": "week"},
                    {"kind": "consecutive", "max": 5},
                ],
            },
            {
                "id": "part-time",
                "hours_per_week": 22.5,
                "rules": [
                    {"kind": "hours", "max_hours": 30, "per": "week"},
                    {"kind": "consecutive", "max": 4},
                ],
            },
        ],
        "staff": [],
        "demand": cover,
        "rules": [
            {"kind": "min_rest", "hours": 11},
            {"kind": "fairness", "measure": "nights", "weight": 2},
        ],
    }


# -- rows to scenario data --------------------------------------------------------------
def import_sheet(
    data: dict[str, Any],
    kind: str,
    sheet: Sheet,
    mapping: Mapping[str, str] | None = None,
    guess: bool = True,
) -> Imported:
    """Merge ``sheet``'s rows of ``kind`` (staff, leave or requests) into a
    copy of the scenario ``data`` and validate the result. ``mapping`` and
    ``guess``: as ``find_columns`` takes them.

    SheetError with every problem in the sheet, located by row and column;
    nothing is returned half-done. ``data`` must itself be a valid scenario
    (a ScenarioError says what is wrong with it otherwise), except that a
    staff sheet may fill a scenario with no staff yet (a ``starter``)."""
    base = _base(data, kind)
    columns = find_columns(kind, sheet, mapping, guess)
    new = copy.deepcopy(data)
    problems: list[tuple[str, str]] = []
    rows = [_Row(sheet, n, values, columns, problems) for n, values in sheet.rows]
    #: (staff index, section, entry index) -> the row it came from
    origins: dict[tuple[int, str, int], _Row] = {}
    if kind == "staff":
        summary = _staff(new, base, rows, origins)
    else:
        summary = _entries(new, base, kind, rows, origins)
    what = f"{kind} {_what(sheet)}"
    if problems:
        raise SheetError(problems, what)
    try:
        scenario = load_scenario(new)
    except ScenarioError as exc:
        raise SheetError(
            [_locate(loc, msg, new, origins) for loc, msg in exc.problems], what
        ) from None
    used = set(columns.values())
    unread = [t for i, t in enumerate(sheet.header) if t and i not in used]
    if unread:
        summary += f" (columns not read: {', '.join(unread)})"
    return Imported(new, scenario, summary, unread)


#: the one person a scenario without staff is checked with, before a staff sheet fills it
_STAND_IN = "stand-in"


def _base(data: dict[str, Any], kind: str) -> Scenario:
    """``data`` validated; one with no staff yet, about to get them from a
    staff sheet, is checked with a stand-in person (left out of what the
    import returns: the staff are read from ``data``), since a scenario has staff."""
    if kind != "staff" or data.get("staff"):
        return load_scenario(data)
    roles = [r["id"] for r in data.get("roles") or [] if isinstance(r, dict) and "id" in r]
    stand_in = {"id": _STAND_IN, "roles": roles[:1] or ["role"]}
    return load_scenario({**data, "staff": [stand_in]})


def _locate(
    loc: str, msg: str, data: dict[str, Any], origins: dict[tuple[int, str, int], _Row]
) -> tuple[str, str]:
    """A problem the loader found, at the row that brought it in when one did."""
    m = _LOCATION.match(loc)
    if m is not None:
        person, section, entry, attr = m.groups()
        row = origins.get((int(person), section or "", int(entry or 0)))
        if row is not None:
            column = row.columns.get(attr or "") if not section else None
            place = (
                row.sheet.at(row.n, row.sheet.header[column])
                if column is not None
                else f"{row.sheet.name} row {row.n}"
            )
            return place, f"{msg} (in the scenario: {loc})"
    return f"the scenario after the import, {loc}", msg


def _staff(
    data: dict[str, Any],
    base: Scenario,
    rows: list[_Row],
    origins: dict[tuple[int, str, int], _Row],
) -> str:
    roles = [r.id for r in base.roles]
    skills = [k.id for k in base.skills]
    contracts = [c.id for c in base.contracts]
    known = [p["id"] for p in data["staff"]]
    seen: dict[str, int] = {}
    records = []
    for row in rows:
        sid = row.text("id")
        if not sid:
            row.bad("id", "blank id: every row is one person")
            continue
        if not re.fullmatch(ID_PATTERN, sid) or len(sid) > 64:
            row.bad(
                "id",
                f"{sid!r} is not an id: letters, digits and _ . + - only, "
                "starting with a letter or digit, at most 64",
            )
            continue
        if sid in seen:
            row.bad("id", f"{sid} is on row {seen[sid]} too; one row a person")
            continue
        seen[sid] = row.n
        fields: dict[str, Any] = {"id": sid}
        if name := row.text("name"):
            fields["name"] = name
        got = row.ids("roles", roles, "a role")
        if got:
            fields["roles"] = got
        elif sid not in known and row.ok:
            row.bad(
                "roles" if "roles" in row.columns else None,
                f"{sid} is new to the scenario: give their roles; {_allowed(roles)}",
            )
        got = row.ids("skills", skills, "a skill")
        if got is not None:
            fields["skills"] = got
        if contract := row.text("contract"):
            match = _one_of(contract, contracts)
            if match is None:
                row.bad("contract", f"{contract!r} is not a contract; {_allowed(contracts)}")
            fields["contract"] = match
        hours = row.raw("hours_per_week")
        if hours is not None:
            number = _number(hours)
            if number is None or not 0 <= number <= 168:
                row.bad(
                    "hours_per_week", f"{_text(hours)!r} is not hours a week: a number, 0 to 168"
                )
            fields["hours_per_week"] = number
        if row.ok:
            records.append((row, fields))
    added: list[str] = []
    updated: list[str] = []
    for row, fields in records:
        (added if upsert_staff(data, fields) else updated).append(fields["id"])
        index = next(i for i, p in enumerate(data["staff"]) if p["id"] == fields["id"])
        origins[index, "", 0] = row
    missing = [p for p in known if p not in seen]
    text = f"{len(added)} {_people(len(added))} added, {len(updated)} updated"
    if missing:
        text += f"; {len(missing)} in the scenario not in the file: {', '.join(missing)}"
    return text


def _people(n: int) -> str:
    return "person" if n == 1 else "people"


def _number(value: Any) -> float | int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value) if float(value).is_integer() else float(value)
    try:
        number = float(_text(value).replace(",", "."))
    except ValueError:
        return None
    return int(number) if number.is_integer() else number


def _person(row: _Row, base: Scenario, names: dict[str, list[str]]) -> str | None:
    """The person a row names: by id, or by a name only one person has."""
    text = row.text("staff")
    if not text:
        row.bad("staff", "blank staff: say whose it is (an id or a name)")
        return None
    if text in base.staff_by_id:
        return text
    found = names.get(" ".join(text.lower().split()), [])
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        row.bad(
            "staff", f"{len(found)} people are called {text!r} ({', '.join(found)}); give the id"
        )
    else:
        row.bad(
            "staff",
            f"{text!r} is not a staff id nor a name in the scenario; "
            f"{_allowed(list(base.staff_by_id))}",
        )
    return None


def _entries(
    data: dict[str, Any],
    base: Scenario,
    kind: str,
    rows: list[_Row],
    origins: dict[tuple[int, str, int], _Row],
) -> str:
    names: dict[str, list[str]] = {}
    for p in base.staff:
        if p.name:
            names.setdefault(" ".join(p.name.lower().split()), []).append(p.id)
    types = [*LEAVE_TYPES, *base.leave_types]
    codes = [*base.shift_by_id, *base.duty_by_id]
    index = {p["id"]: i for i, p in enumerate(data["staff"])}
    pending = []
    for row in rows:
        staff = _person(row, base, names)
        entry: tuple[dt.date, dt.date, str] | dict[str, Any] | None
        entry = _leave(row, types) if kind == "leave" else _request(row, codes)
        if staff is not None and entry is not None and row.ok:
            pending.append((row, staff, entry))
    added = again = pins = 0
    people = set()
    for row, staff, entry in pending:
        person = data["staff"][index[staff]]
        if isinstance(entry, tuple):
            first, last, leave_type = entry
            before = len(person.get("fixed") or [])
            new = add_leave(data, staff, first, last, where=row.sheet.name, kind=leave_type)
            pins += before - len(person.get("fixed") or [])
            section = "leave"
        else:
            new = add_request(data, staff, entry, where=row.sheet.name)
            section = "requests"
        if new:
            added += 1
            people.add(staff)
            origins[index[staff], section, len(person[section]) - 1] = row
        else:
            again += 1
    noun = "leave entries" if kind == "leave" else "requests"
    if added == 1:
        noun = noun.replace("entries", "entry").rstrip("s")
    text = f"{added} {noun} added for {len(people)} {_people(len(people))}"
    if again:
        text += f"; {again} already in the scenario"
    if pins:
        text += f"; {pins} pinned shift(s) on those days gave way to the leave"
    return text


def _leave(row: _Row, types: list[str]) -> tuple[dt.date, dt.date, str] | None:
    first, last = row.date("from"), row.date("to")
    one = row.dates("date") if row.raw("date") is not None else None
    if one is not None:
        if first is not None:
            row.bad("date", "give a date, or from (and to), not both")
        elif len(one) == 1:
            span = _range(one[0])
            if span is not None:
                first, last = span[0], (last or span[1])
        elif one:
            row.bad("date", "one day or one range FIRST..LAST a row")
    if first is None and row.ok:
        if last is not None:
            row.bad("from", "a last day but no first day")
        else:
            row.bad(None, "no date: give from (and to) or date")
    last = last or first
    if first is not None and last is not None and last < first:
        row.bad("to", f"the last day ({last}) is before the first ({first})")
    kind = row.text("type") or "annual"
    match = _one_of(kind, types)
    if match is None:
        row.bad("type", f"{kind!r} is not a leave type; {_allowed(types)}")
    if not row.ok or first is None or last is None or match is None:
        return None
    return first, last, match


def _request(row: _Row, codes: list[str]) -> dict[str, Any] | None:
    dates = row.dates("dates") or []
    first, last = row.date("from"), row.date("to")
    if first is not None:
        last = last or first
        if last < first:
            row.bad("to", f"the last day ({last}) is before the first ({first})")
        else:
            dates.append(first.isoformat() if first == last else f"{first}..{last}")
    elif last is not None:
        row.bad("from", "a last day but no first day")
    if not dates and row.ok:
        row.bad(None, "no date: give dates, or from (and to)")
    entry: dict[str, Any] = {"dates": dates}
    shifts = row.ids("shift", codes, "a shift or duty")
    if shifts:
        entry["shift"] = shifts[0] if len(shifts) == 1 else shifts
    want = row.raw("want")
    if want is None:
        row.bad("want", "blank want: on (to work) or off")
    else:
        word = ("yes" if want else "no") if isinstance(want, bool) else _text(want).lower()
        if word not in WANTS:
            row.bad("want", f"{_text(want)!r} is not a want; allowed: on, off (yes, no, work)")
        else:
            entry["want"] = WANTS[word]
    weight = row.raw("weight")
    if weight is not None:
        number = _number(weight)
        if not isinstance(number, int) or not 0 <= number <= MAX_WEIGHT:
            row.bad(
                "weight", f"{_text(weight)!r} is not a weight: a whole number, 0 to {MAX_WEIGHT:,}"
            )
        elif number != 1:
            entry["weight"] = number
    return entry if row.ok else None

"""Getting people into a unit from spreadsheets (staff, leave, requests; CSV or
XLSX) with a column-mapping step, a new unit from a starter and a staff
sheet, and the unit's scenario as YAML.

An upload is kept on the server between the mapping step and the import
(never sent back through the browser, so nothing there can be altered), under
a random token, for an hour at most; nothing is stored in the database until
the import has succeeded whole.
"""

from __future__ import annotations

import datetime as dt
import io
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from roster.edits import set_up_for
from roster.errors import InputError
from roster.importers.sheets import (
    FIELDS,
    KINDS,
    STARTERS,
    Sheet,
    SheetError,
    guess_columns,
    import_sheet,
    parse_sheet,
    sheet_names,
    starter,
)
from roster.load import dump_yaml
from roster.web.pages import StoreDep, page, problems

#: the largest spreadsheet accepted (bytes)
MAX_UPLOAD = 5 * 1024 * 1024
#: how long an upload waits for its mapping (seconds), and how many wait at once
KEEP_SECONDS = 3600
KEEP_AT_MOST = 20
#: file names a spreadsheet may have
SHEET_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm", ".xls")  # .xls: to say what to do
#: rows the mapping step shows of a sheet
PREVIEW_ROWS = 5

router = APIRouter()


@dataclass
class Upload:
    """A spreadsheet waiting for its column mapping: for unit ``unit_id``
    (named ``name``), or (``unit_id`` None) for a new unit named ``name``
    that starts from ``base``."""

    kind: str
    filename: str
    content: bytes
    sheets: list[str]
    unit_id: int | None = None
    name: str = ""
    base: dict[str, Any] | None = None
    sheet: str | None = None
    created: float = field(default_factory=time.monotonic)


def _uploads(request: Request) -> dict[str, Upload]:
    """The uploads waiting, the expired ones dropped."""
    state = request.app.state
    if not hasattr(state, "uploads"):
        state.uploads = {}
    kept: dict[str, Upload] = state.uploads
    for token, up in list(kept.items()):
        if time.monotonic() - up.created > KEEP_SECONDS:
            del kept[token]
    return kept


def _keep(request: Request, up: Upload) -> str:
    """Keep ``up`` under a new token (the oldest waiting dropped if too many)."""
    kept = _uploads(request)
    while len(kept) >= KEEP_AT_MOST:
        del kept[min(kept, key=lambda t: kept[t].created)]
    token = secrets.token_urlsafe(18)
    kept[token] = up
    return token


def _waiting(request: Request, token: str) -> Upload:
    """The upload under ``token``; a located error when it is gone."""
    up = _uploads(request).get(token)
    if up is None:
        raise InputError(
            [("file", "this upload has expired or is unknown: upload the spreadsheet again")],
            what=None,
        )
    return up


class TooBig(InputError):
    """An upload over ``MAX_UPLOAD`` (answered 413)."""

    def __init__(self) -> None:
        super().__init__([("file", f"larger than {MAX_UPLOAD // 2**20} MB")], what=None)


async def _read(request: Request, file: UploadFile) -> tuple[str, bytes]:
    """An uploaded spreadsheet's name and bytes; TooBig, or an InputError
    when it is not a CSV or XLSX file."""
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_UPLOAD + 64 * 1024:
        raise TooBig
    content = await file.read(MAX_UPLOAD + 1)
    if len(content) > MAX_UPLOAD:
        raise TooBig
    name = Path(file.filename or "sheet.csv").name
    if not name.lower().endswith(SHEET_SUFFIXES):
        raise InputError(
            [("file", f"{name!r} is not a spreadsheet; upload a CSV or XLSX file")], what=None
        )
    if not content:
        raise InputError([("file", f"{name} is empty")], what=None)
    return name, content


def _sheet(up: Upload) -> Sheet:
    return parse_sheet(up.content, up.filename, up.sheet)


def _first_table(up: Upload) -> None:
    """Check the upload holds a table: the first sheet that does (a notes
    sheet in front is passed over), or the problem with the first."""
    try:
        _sheet(up)
    except SheetError:
        for name in up.sheets[1:]:
            try:
                parse_sheet(up.content, up.filename, name)
            except SheetError:
                continue
            up.sheet = name
            return
        raise


def _cell(value: Any) -> str:
    """A cell as the preview shows it: dates without a time, whole numbers
    without '.0'."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _mapping_page(
    request: Request, token: str, up: Upload, status: int = 200, **extra: Any
) -> HTMLResponse:
    """Step 2: each field the importer knows, with the sheet's column it is
    read from (the importer's guess first), and the sheet's first rows."""
    sheet = _sheet(up)
    chosen = extra.pop("chosen", None) or guess_columns(up.kind, sheet)
    return page(
        request, "import_mapping.html.j2", status, token=token, up=up, sheet=sheet,
        fields=FIELDS[up.kind], chosen=chosen, columns=[t for t in sheet.header if t],
        preview=[(n, [_cell(v) for v in values]) for n, values in sheet.rows[:PREVIEW_ROWS]],
        problems=extra.pop("problems", []), **extra,
    )  # fmt: skip


def _refused(
    request: Request, template: str, lines: list[str], status: int = 400, **context: Any
) -> HTMLResponse:
    return page(request, template, status, problems=lines, **context)


# -- a new unit -----------------------------------------------------------------------------
def _next_monday() -> dt.date:
    today = dt.date.today()
    return today + dt.timedelta(days=7 - today.weekday())


def _new_context(store: StoreDep, **given: Any) -> dict[str, Any]:
    return {
        "starters": STARTERS, "units": store.units(), "starter_choice": "ward",
        "name": "", "start": _next_monday().isoformat(), "days": 28, **given,
    }  # fmt: skip


@router.get("/units/new/import", response_class=HTMLResponse)
def new_unit_form(request: Request, store: StoreDep) -> HTMLResponse:
    """A new unit: a starter (or another unit's set-up) and a staff sheet."""
    return page(request, "import_new.html.j2", problems=[], **_new_context(store))


def _base(store: StoreDep, choice: str, start: str, days: str, name: str) -> dict[str, Any]:
    """The scenario a new unit starts from, before its staff sheet: a
    starter, or a unit's set-up without its people (``unit:<id>``)."""
    found: list[tuple[str, str]] = []
    if not name.strip():
        found.append(("name", "a unit needs a name"))
    elif any(u.name == " ".join(name.split()) for u in store.units()):
        found.append(("name", f"a unit named {name.strip()!r} exists already"))
    try:
        first = dt.date.fromisoformat(start)
    except ValueError:
        found.append(("start", f"{start!r} is not a date; write YYYY-MM-DD"))
    if not days.isdigit() or not 1 <= int(days) <= 366:
        found.append(("days", f"{days!r} is not a number of days, 1 to 366"))
    if found:
        raise InputError(found, what=None)
    if choice.startswith("unit:") and choice[5:].isdigit():
        data = set_up_for(store.scenario(int(choice[5:])).data, first, int(days))
        return {**data, "name": name.strip()}
    return starter(choice, first, int(days), name.strip())


@router.post("/units/new/import", response_class=HTMLResponse)
async def upload_new(
    request: Request,
    store: StoreDep,
    file: Annotated[UploadFile, File()],
    name: Annotated[str, Form()] = "",
    starter_choice: Annotated[str, Form(alias="starter")] = "ward",
    start: Annotated[str, Form()] = "",
    days: Annotated[str, Form()] = "28",
) -> HTMLResponse:
    """The new unit's starting point and staff sheet, kept for the mapping
    step; nothing is stored until the import succeeds."""
    context = _new_context(store, name=name, starter_choice=starter_choice, start=start, days=days)
    try:
        base = _base(store, starter_choice, start, days, name)
        filename, content = await _read(request, file)
        up = Upload(
            "staff", filename, content, sheet_names(content, filename), name=name.strip(),
            base=base,
        )  # fmt: skip
        _first_table(up)
    except TooBig as exc:
        return _refused(request, "import_new.html.j2", problems(exc), 413, **context)
    except InputError as exc:
        return _refused(request, "import_new.html.j2", problems(exc), **context)
    return _mapping_page(request, _keep(request, up), up)


# -- a unit's import ----------------------------------------------------------------------
@router.get("/units/{unit_id}/import", response_class=HTMLResponse)
def import_form(request: Request, unit_id: int, store: StoreDep) -> HTMLResponse:
    """Step 1: what to import, and the file."""
    return page(
        request, "import.html.j2", unit=store.unit(unit_id), kinds=KINDS, kind="staff",
        problems=[],
    )  # fmt: skip


@router.post("/units/{unit_id}/import", response_class=HTMLResponse)
async def upload_sheet(
    request: Request,
    unit_id: int,
    store: StoreDep,
    file: Annotated[UploadFile, File()],
    kind: Annotated[str, Form()] = "staff",
) -> HTMLResponse:
    """The uploaded spreadsheet, kept for the mapping step that follows."""
    unit = store.unit(unit_id)
    context: dict[str, Any] = {"unit": unit, "kinds": KINDS, "kind": kind}
    if kind not in KINDS:
        lines = [f"kind: {kind!r} is not a kind of sheet; allowed: {', '.join(KINDS)}"]
        return _refused(request, "import.html.j2", lines, **context)
    try:
        name, content = await _read(request, file)
        up = Upload(
            kind, name, content, sheet_names(content, name), unit_id=unit_id, name=unit.name
        )
        _first_table(up)
    except TooBig as exc:
        return _refused(request, "import.html.j2", problems(exc), 413, **context)
    except InputError as exc:
        return _refused(request, "import.html.j2", problems(exc), **context)
    return _mapping_page(request, _keep(request, up), up)


# -- steps 2 and 3 ------------------------------------------------------------------------
@router.post("/imports/{token}/sheet", response_class=HTMLResponse)
async def choose_sheet(
    request: Request, token: str, sheet: Annotated[str, Form()] = ""
) -> HTMLResponse:
    """The mapping step again, for another sheet of the workbook."""
    up = _waiting(request, token)
    if sheet not in up.sheets:
        lines = [f"sheet: no sheet {sheet!r}; the sheets: {', '.join(up.sheets)}"]
        return _mapping_page(request, token, up, 400, problems=lines)
    previous, up.sheet = up.sheet, sheet
    try:
        return _mapping_page(request, token, up)
    except SheetError as exc:
        up.sheet = previous
        return _mapping_page(request, token, up, 400, problems=problems(exc))


@router.post("/imports/{token}", response_class=HTMLResponse)
async def run_import(request: Request, token: str, store: StoreDep) -> HTMLResponse:
    """Step 3: import with the mapping chosen. Every problem is shown at its
    row and column, and nothing stored; else a new scenario version (or the
    new unit) and what changed."""
    up = _waiting(request, token)
    form = await request.form()
    chosen = {f.field: str(form.get(f"map.{f.field}") or "") or None for f in FIELDS[up.kind]}
    mapping = {f: column for f, column in chosen.items() if column}
    base = up.base if up.unit_id is None else dict(store.scenario(up.unit_id).data)
    assert base is not None
    try:
        done = import_sheet(base, up.kind, _sheet(up), mapping, guess=False)
        note = f"imported {up.kind} from {up.filename}"
        if up.unit_id is None:
            unit = store.create_unit(up.name, done.data, note=f"created: {note}")
        else:
            store.add_version(up.unit_id, done.data, note=note)
            unit = store.unit(up.unit_id)
    except InputError as exc:
        return _mapping_page(request, token, up, 400, chosen=chosen, problems=problems(exc))
    _uploads(request).pop(token, None)
    return page(request, "import_result.html.j2", unit=unit, up=up, done=done)


# -- the unit as a scenario file ----------------------------------------------------------
@router.get("/units/{unit_id}/scenario.yaml")
def scenario_yaml(unit_id: int, store: StoreDep) -> Response:
    """The unit's current scenario, as a file ``roster solve`` reads."""
    unit = store.unit(unit_id)
    text = io.StringIO()
    dump_yaml(store.scenario(unit_id).data, text)
    stem = "".join(c if c.isalnum() or c in "-_" else "-" for c in unit.name) or "unit"
    return Response(
        text.getvalue(),
        media_type="application/yaml; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{stem}.yaml"'},
    )

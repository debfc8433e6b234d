"""Units: the list, a new unit from a scenario file, a unit's page."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from roster.errors import InputError
from roster.load import load_text
from roster.web.pages import StoreDep, WorkersDep, page, problems

#: the largest scenario file accepted (bytes)
MAX_UPLOAD = 5 * 1024 * 1024

#: the newest rosters a unit's page lists (every one is linked from the next)
ROSTERS_SHOWN = 10

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def units(request: Request, store: StoreDep) -> HTMLResponse:
    """Every unit, and the form to make one."""
    return page(request, "units.html.j2", units=store.units(), problems=[], name="")


@router.post("/units", response_class=HTMLResponse)
async def create_unit(
    request: Request,
    store: StoreDep,
    file: Annotated[UploadFile, File()],
    name: Annotated[str, Form()] = "",
) -> Response:
    """A new unit from an uploaded scenario file; a bad file is refused
    beside the form with the CLI's located messages, and nothing stored."""

    def refused(lines: list[str], status: int = 400) -> HTMLResponse:
        return page(
            request, "units.html.j2", status, units=store.units(), problems=lines, name=name
        )

    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_UPLOAD + 64 * 1024:
        return refused([f"file: larger than {MAX_UPLOAD // 2**20} MB"], 413)
    content = await file.read(MAX_UPLOAD + 1)
    if len(content) > MAX_UPLOAD:
        return refused([f"file: larger than {MAX_UPLOAD // 2**20} MB"], 413)
    source = Path(file.filename or "scenario.yaml").name
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return refused([f"{source}: not a scenario file: a scenario is YAML or JSON text (UTF-8)"])
    try:
        scenario = load_text(text, source)
    except InputError as exc:
        return refused([exc.render()])
    unit_name = name.strip() or scenario.name or Path(source).stem
    try:
        unit = store.create_unit(unit_name, scenario, note=f"created from {source}")
    except InputError as exc:
        return refused(problems(exc))
    return RedirectResponse(f"/units/{unit.id}", status_code=303)


@router.get("/units/{unit_id}", response_class=HTMLResponse)
def unit(request: Request, unit_id: int, store: StoreDep, workers: WorkersDep) -> HTMLResponse:
    """A unit: its scenario in brief, its newest rosters and what is
    published, the solve form and its runs."""
    found = store.unit(unit_id)
    current = store.scenario(unit_id)
    runs = [workers.reap(store, r) for r in store.runs(unit_id)]
    return page(
        request, "unit.html.j2", unit=found, version=current, sc=current.scenario(), runs=runs,
        rosters=store.rosters(unit_id, limit=ROSTERS_SHOWN),
        published=store.latest_published(unit_id), versions=store.version_numbers(unit_id),
        problems=[],
    )  # fmt: skip

"""A roster: its page (how good it is, the grid a manager clicks, where it
came from), its downloads, and the unit's published versions, read-only."""

from __future__ import annotations

import datetime as dt
import io
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from roster.checker import check
from roster.export import calendars, write_xlsx
from roster.files import safe_table
from roster.records import LEAVE_TYPES
from roster.report import OUTCOME, render, view
from roster.result import CheckReport, Result, SolveStatus
from roster.roster import Roster
from roster.scenario import Scenario
from roster.store import ChangeInfo, NotFound, PublishedInfo, RosterInfo, Store
from roster.web.pages import StoreDep, page

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: what each kind of roster is, in the words at the top of its page
ORIGIN = {
    "solve": "a draft from a solve",
    "import": "an imported roster",
    "edit": "an edit",
    "repair": "a repair after a sick call",
}

router = APIRouter()


@dataclass(frozen=True)
class Shown:
    """A roster as a page shows it: the scenario version it is for, whether
    its run treated cover as soft, how its solve ended (a draft's only), and
    the cells a change made, with what they were and why."""

    scenario: Scenario
    roster: Roster
    soft: bool
    result: Result | None
    marks: dict[tuple[str, dt.date], str]

    def report(self) -> CheckReport:
        """The checker's report on the roster."""
        return check(self.scenario, self.roster, soft_cover=self.soft)


def roster_parts(store: Store, roster_id: int) -> tuple[RosterInfo, Scenario, bool]:
    """A stored roster, the scenario version it is for, and whether the run
    it comes from (through any edits and repairs) treated cover as soft."""
    info = store.roster(roster_id)
    origin = info
    while origin.run_id is None and origin.parent_id is not None:  # an edit of an edit ...
        origin = store.roster(origin.parent_id)
    soft = False
    if origin.run_id is not None:
        soft = bool(store.run(origin.run_id).params.get("soft_cover", False))
    return info, store.version_by_id(info.scenario_version_id).scenario(), soft


def change_marks(change: ChangeInfo | None) -> dict[tuple[str, dt.date], str]:
    """The cells a change made, as the report marks them."""
    if change is None:
        return {}
    by = "this repair" if change.kind == "repair" else "this edit"
    return {
        (r["staff"], dt.date.fromisoformat(r["date"])): (
            f"changed by {by}: was {r['before']} ({r['reason']})"
        )
        for r in change.rows
    }


def solve_result(store: Store, info: RosterInfo, roster: Roster) -> Result | None:
    """How the solve that drafted this roster ended (status, penalty, bound):
    a draft's page says it in the report's words. None for other rosters,
    which the checker alone scores."""
    if info.kind != "solve" or info.run_id is None:
        return None
    run = store.run(info.run_id)
    if run.status is None:
        return None
    wall = float((run.summary or {}).get("wall_time_s") or 0.0)
    return Result(SolveStatus(run.status), run.objective, run.best_bound, wall, roster, None)


def repair_outcome(info: RosterInfo) -> str | None:
    """How a repair's solve ended, in the report's words (its penalty counts
    the changes too, so the page states only the outcome)."""
    status = info.summary.get("status") if info.kind == "repair" else None
    if status not in SolveStatus.__members__:
        return None
    return f"{OUTCOME[SolveStatus(status)]} ({status})"


def shown(store: Store, info: RosterInfo) -> Shown:
    """Everything a roster's page and downloads need."""
    _, sc, soft = roster_parts(store, info.id)
    roster = info.roster()
    marks = change_marks(store.change_making(info.id))
    return Shown(sc, roster, soft, solve_result(store, info, roster), marks)


def roster_page(
    request: Request, store: Store, roster_id: int, status: int = 200, **extra: Any
) -> HTMLResponse:
    """The roster's page; ``extra`` fills its forms (the cell being changed,
    its check, who can cover, problems beside a form)."""
    info = store.roster(roster_id)
    it = shown(store, info)
    grid = view(it.scenario, it.roster, it.report(), it.result, it.marks)
    published = store.published(info.unit_id, roster_id=roster_id)
    later = store.rosters(info.unit_id, parent_id=roster_id)
    context: dict[str, Any] = {
        "cell": None, "check": None, "cover": None, "sick_problems": [],
        "publish_problems": [], "sick": {}, "cover_query": {}, "cell_problems": None,
    }  # fmt: skip
    context.update(extra)
    return page(
        request, "roster.html.j2", status, roster=info, unit=store.unit(info.unit_id),
        sc=it.scenario, grid=grid, origin=ORIGIN.get(info.kind, info.kind),
        change=store.change_making(info.id), published=published, base=f"/rosters/{roster_id}",
        later=[(r.id, ORIGIN.get(r.kind, r.kind)) for r in reversed(later)],
        repair_solve=repair_outcome(info),
        leave_types=[*LEAVE_TYPES, *(t for t in it.scenario.leave_types if t not in LEAVE_TYPES)],
        **context,
    )  # fmt: skip


@router.get("/rosters/{roster_id}", response_class=HTMLResponse)
def roster_view(request: Request, roster_id: int, store: StoreDep) -> HTMLResponse:
    """The roster's page: how good it is, the grid, changing it, publishing
    it, a sick call, the downloads."""
    return roster_page(request, store, roster_id)


# -- downloads -----------------------------------------------------------------
def file_response(name: str, it: Shown, inline: bool = False) -> Response:
    """One of a roster's files: roster.csv, roster.xlsx, calendars.zip (an
    .ics per person) or report.html (shown in the page unless downloaded)."""
    if name == "roster.csv":
        text = safe_table(it.roster.table(it.scenario)).to_csv(index=False)
        return attachment(text.encode(), "text/csv; charset=utf-8", name)
    if name == "roster.xlsx":
        with tempfile.TemporaryDirectory() as folder:
            path = write_xlsx(Path(folder) / name, it.scenario, it.roster, it.report())
            return attachment(path.read_bytes(), XLSX, name)
    if name == "calendars.zip":
        return attachment(calendar_zip(it.scenario, it.roster), "application/zip", name)
    if name == "report.html":
        html = render(it.scenario, it.roster, it.report(), it.result, it.marks)
        if inline:
            return HTMLResponse(html)
        return attachment(html.encode(), "text/html; charset=utf-8", name)
    raise NotFound("file", f"no file {name!r}; allowed: {', '.join(FILES)}")


#: the files a roster can be downloaded as
FILES = ("roster.csv", "roster.xlsx", "calendars.zip", "report.html")


def attachment(data: bytes, media_type: str, name: str) -> Response:
    """A download named ``name``."""
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(data, media_type=media_type, headers=headers)


def calendar_zip(scenario: Scenario, roster: Roster) -> bytes:
    """Everyone's calendar (``STAFF.ics``) in one zip file."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for staff, data in calendars(scenario, roster).items():
            archive.writestr(f"{staff}.ics", data)
    return buffer.getvalue()


@router.get("/rosters/{roster_id}/report.html", response_class=HTMLResponse)
def roster_report(roster_id: int, store: StoreDep, download: bool = False) -> Response:
    """The roster's report, as ``roster report`` writes it, with a change's
    cells marked."""
    return file_response("report.html", shown(store, store.roster(roster_id)), not download)


@router.get("/rosters/{roster_id}/roster.csv")
def roster_csv(roster_id: int, store: StoreDep) -> Response:
    """The roster as ``roster.csv`` (cells safe from spreadsheet formulas)."""
    return file_response("roster.csv", shown(store, store.roster(roster_id)))


@router.get("/rosters/{roster_id}/roster.xlsx")
def roster_xlsx(roster_id: int, store: StoreDep) -> Response:
    """The roster as the workbook ``roster export xlsx`` writes."""
    return file_response("roster.xlsx", shown(store, store.roster(roster_id)))


@router.get("/rosters/{roster_id}/calendars.zip")
def roster_calendars(roster_id: int, store: StoreDep) -> Response:
    """Everyone's calendar, an .ics file per person, in one zip file."""
    return file_response("calendars.zip", shown(store, store.roster(roster_id)))


# -- published versions ------------------------------------------------------------
def published_version(store: Store, unit_id: int, number: int) -> PublishedInfo:
    """Published version ``number`` of the unit (``NotFound`` if none)."""
    return store.published(unit_id, number)[0]


def published_shown(store: Store, it: PublishedInfo) -> Shown:
    """A published version as its read-only page and downloads show it."""
    roster = it.roster()
    return Shown(store.version_by_id(it.scenario_version_id).scenario(), roster, False, None, {})


@router.get("/units/{unit_id}/published", response_class=HTMLResponse)
def published_list(request: Request, unit_id: int, store: StoreDep) -> HTMLResponse:
    """The unit's published versions, newest first, with their downloads."""
    found = list(reversed(store.published(unit_id)))
    return page(request, "published.html.j2", unit=store.unit(unit_id), versions=found)


@router.get("/units/{unit_id}/published/{number}", response_class=HTMLResponse)
def published_page(request: Request, unit_id: int, number: int, store: StoreDep) -> HTMLResponse:
    """A published version: read-only, as it was published."""
    it = published_version(store, unit_id, number)
    show = published_shown(store, it)
    grid = view(show.scenario, show.roster, show.report())
    return page(
        request, "published_version.html.j2", unit=store.unit(unit_id), version=it, grid=grid,
        base=f"/units/{unit_id}/published/{number}",
    )  # fmt: skip


@router.get("/units/{unit_id}/published/{number}/{name}")
def published_file(
    unit_id: int, number: int, name: str, store: StoreDep, download: bool = False
) -> Response:
    """A published version as roster.csv, roster.xlsx, calendars.zip or
    report.html (shown in the page unless ``download``)."""
    it = published_version(store, unit_id, number)
    return file_response(name, published_shown(store, it), inline=not download)

"""A roster: its page (the report's grid) and its downloads."""

from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from roster.checker import check
from roster.export import write_xlsx
from roster.files import safe_table
from roster.report import render
from roster.scenario import Scenario
from roster.store import RosterInfo, Store
from roster.web.pages import StoreDep, page

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

router = APIRouter()


def roster_parts(store: Store, roster_id: int) -> tuple[RosterInfo, Scenario, bool]:
    """A stored roster, the scenario version it is for, and whether its run
    treated cover as soft."""
    info = store.roster(roster_id)
    version = next(v for v in store.versions(info.unit_id) if v.id == info.scenario_version_id)
    soft = False
    if info.run_id is not None:
        soft = bool(store.run(info.run_id).params.get("soft_cover", False))
    return info, version.scenario(), soft


@router.get("/rosters/{roster_id}", response_class=HTMLResponse)
def roster_page(request: Request, roster_id: int, store: StoreDep) -> HTMLResponse:
    """The roster's page: the report, and the downloads."""
    info, _, _ = roster_parts(store, roster_id)
    found = store.unit(info.unit_id)
    return page(request, "roster.html.j2", roster=info, unit=found)


@router.get("/rosters/{roster_id}/report.html", response_class=HTMLResponse)
def roster_report(roster_id: int, store: StoreDep, download: bool = False) -> HTMLResponse:
    """The roster's report, as ``roster report`` writes it."""
    info, sc, soft = roster_parts(store, roster_id)
    roster = info.roster()
    html = render(sc, roster, check(sc, roster, soft_cover=soft))
    headers = {"Content-Disposition": 'attachment; filename="report.html"'} if download else {}
    return HTMLResponse(html, headers=headers)


@router.get("/rosters/{roster_id}/roster.csv")
def roster_csv(roster_id: int, store: StoreDep) -> Response:
    """The roster as ``roster.csv`` (cells safe from spreadsheet formulas)."""
    info, sc, _ = roster_parts(store, roster_id)
    text = safe_table(info.roster().table(sc)).to_csv(index=False)
    return Response(
        text, media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="roster.csv"'},
    )  # fmt: skip


@router.get("/rosters/{roster_id}/roster.xlsx")
def roster_xlsx(roster_id: int, store: StoreDep) -> Response:
    """The roster as the workbook ``roster export xlsx`` writes."""
    info, sc, soft = roster_parts(store, roster_id)
    roster = info.roster()
    with tempfile.TemporaryDirectory() as folder:
        path = write_xlsx(
            Path(folder) / "roster.xlsx", sc, roster, check(sc, roster, soft_cover=soft)
        )
        data = path.read_bytes()
    return Response(
        data, media_type=XLSX,
        headers={"Content-Disposition": 'attachment; filename="roster.xlsx"'},
    )  # fmt: skip

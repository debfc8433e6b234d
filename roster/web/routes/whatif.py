"""The what-if page: choose keys and values (``roster whatif``'s ``--vary``),
run the variants in the background (a run in the queue, like a solve), and
see the table, the chart (every variant, every key) and the fewest staff
needed with how certain that is."""

from __future__ import annotations

import io
import math
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from roster.errors import InputError
from roster.scenario import Scenario
from roster.store import NotFound, RunInfo, Store
from roster.variants import Axis, VaryError, grid, parse_vary
from roster.web import worker
from roster.web.pages import StoreDep, WorkersDep, page, problems
from roster.whatif import (
    GAP_THRESHOLD,
    HAS_ROSTER,
    chart,
    headcount,
    keys_to_vary,
    needed,
    plan_data,
    summary_columns,
    table_of,
    unproven_note,
)

#: key and values rows on the form
ROWS = 3
#: seconds per variant when the form leaves it blank
DEFAULT_SECONDS = 30.0

router = APIRouter()


@router.get("/units/{unit_id}/whatif", response_class=HTMLResponse)
def whatif_form(request: Request, unit_id: int, store: StoreDep) -> HTMLResponse:
    """The form (keys and values, seconds per variant) and the unit's what-ifs."""
    return form_page(request, store, unit_id, [("", "")] * ROWS, "", [])


def form_page(
    request: Request,
    store: Store,
    unit_id: int,
    rows: list[tuple[str, str]],
    time_limit: str,
    lines: list[str],
    status: int = 200,
) -> HTMLResponse:
    """The what-if form with ``rows`` (key, values) filled in and ``lines``
    (problems) beside it."""
    found = store.unit(unit_id)
    current = store.scenario(unit_id)
    rows = rows + [("", "")] * (ROWS - len(rows))
    return page(
        request, "whatif.html.j2", status, unit=found, version=current, rows=rows,
        time_limit=time_limit, problems=lines, suggestions=keys_to_vary(current.scenario()),
        runs=store.runs(unit_id, kind="whatif"), max_variants=worker.MAX_VARIANTS,
        default_seconds=DEFAULT_SECONDS,
    )  # fmt: skip


def vary_from_form(rows: list[tuple[str, str]]) -> list[str]:
    """The form's rows as ``KEY=VALUES`` specs; blank rows are skipped and
    every problem is located at its row (``vary[2]``)."""
    specs: list[str] = []
    found: list[tuple[str, str]] = []
    for i, (key, values) in enumerate(rows, start=1):
        key, values = key.strip(), values.strip()
        if not key and not values:
            continue
        if not key:
            found.append((f"vary[{i}].key", "choose what to vary, e.g. staff.RN"))
        elif not values:
            found.append((f"vary[{i}].values", f"no values for {key}: give them, e.g. -1,0,+1"))
        else:
            try:
                parse_vary(f"{key}={values}")
                specs.append(f"{key}={values}")
            except VaryError as exc:
                found += [(f"vary[{i}] ({key})", msg) for _, msg in exc.problems]
    if not specs and not found:
        found.append(("vary", "nothing to vary: choose a key and give its values"))
    if found:
        raise InputError(found, what=None)
    return specs


@router.post("/units/{unit_id}/whatif", response_class=HTMLResponse)
async def start_whatif(
    request: Request, unit_id: int, store: StoreDep, workers: WorkersDep
) -> Response:
    """Queue a what-if of the unit's current scenario. Every variant is
    built and checked first: a bad key or value, an unknown role or too
    many variants is shown beside the form, and nothing is stored."""
    current = store.scenario(unit_id)  # 404 before reading the form
    form = await request.form()
    keys = [str(v) for v in form.getlist("key")]
    values = [str(v) for v in form.getlist("values")]
    rows = list(zip(keys, values + [""] * (len(keys) - len(values))))[: 2 * ROWS]
    raw_limit = str(form.get("time_limit", "") or "")
    try:
        limit = worker.seconds(raw_limit, "time_limit", DEFAULT_SECONDS, worker.MAX_VARIANT_SECONDS)
        if isinstance(limit, tuple):
            raise InputError([limit], what=None)
        specs = vary_from_form(rows)
        # every variant built and validated: seconds on a big unit, off the event loop
        await run_in_threadpool(plan_data, current.data, specs, max_variants=worker.MAX_VARIANTS)
    except InputError as exc:
        return form_page(request, store, unit_id, rows, raw_limit, problems(exc), 400)
    run = store.create_run(
        unit_id, {"vary": specs, "time_limit": limit}, current.version, kind="whatif"
    )
    workers.submit(store, run)
    return RedirectResponse(f"/whatif/{run.id}", status_code=303)


def whatif_run(store: Store, run_id: int) -> RunInfo:
    """Run ``run_id``, which must be a what-if (else ``NotFound``)."""
    run = store.run(run_id)
    if run.kind != "whatif":
        raise NotFound("run", f"run {run_id} is a solve, not a what-if: see /runs/{run_id}")
    return run


def results(store: Store, run: RunInfo) -> tuple[list[Axis], Any, Scenario]:
    """A what-if run's axes, its table so far (in the variants' order, as
    the command line shows it, however they finished) and the scenario it
    varied."""
    axes = [parse_vary(spec) for spec in run.params.get("vary", [])]
    order = {v.name: i for i, v in enumerate(grid(axes))}
    rows = sorted(store.variants(run.id), key=lambda r: order.get(r.get("variant", ""), len(order)))
    table = table_of(rows, axes)
    return axes, table, store.scenario(run.unit_id, run.version).scenario()


@router.get("/whatif/{run_id}", response_class=HTMLResponse)
def whatif_page(request: Request, run_id: int, store: StoreDep, workers: WorkersDep) -> Response:
    """A what-if run: its progress while it runs, the table, the chart and
    the fewest staff needed."""
    run = workers.reap(store, whatif_run(store, run_id))
    axes, table, base = results(store, run)
    shown = summary_columns(table, axes)
    if "error" in table.columns and table["error"].notna().any():
        shown.append(("error", "problem"))  # a variant that could not be solved says why
    rows = [[cell(rec.get(c)) for c, _ in shown] for rec in table.to_dict("records")]
    answers = [
        {**rec, "headline": headcount(rec, base)} for rec in needed(table, axes).to_dict("records")
    ]
    return page(
        request, "whatif_run.html.j2", run=run, unit=store.unit(run.unit_id), axes=axes,
        headings=[h for _, h in shown], rows=rows, answers=answers,
        staff_varied=any(a.kind == "staff" for a in axes),
        plotted=bool(table["status"].isin(HAS_ROSTER).any()),
        note=unproven_note(table), threshold=GAP_THRESHOLD, limit=workers.limit,
    )  # fmt: skip


def cell(value: Any) -> str:
    """A table value as the page shows it: numbers short, blanks blank."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 1 else f"{value:.1f}".removesuffix(".0")
    return str(value)


@router.get("/whatif/{run_id}/chart.svg")
def whatif_chart(run_id: int, store: StoreDep) -> Response:
    """The what-if chart (the CLI's whatif.png) as SVG: every variant with
    a roster, every key."""
    run = whatif_run(store, run_id)
    axes, table, base = results(store, run)
    figure, _ = chart(table, axes, base)
    svg = io.BytesIO()
    figure.savefig(svg, format="svg")
    return Response(
        svg.getvalue(),
        media_type="image/svg+xml",
        headers={"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"},
    )

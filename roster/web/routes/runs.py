"""Solve runs: start one (it waits in the queue for its turn), its page,
its progress and state as server-sent events, Stop."""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterator

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse

from roster.errors import InputError
from roster.store import RunInfo, Store, StoreError
from roster.web import worker
from roster.web.pages import StoreDep, WorkersDep, page, problems
from roster.web.solves import Workers

#: seconds between looks at a running solve's progress
POLL = 0.3
#: what a run stopped while it waited says
CANCELLED = "cancelled while it waited in the queue: it did not solve, so it has no roster"

router = APIRouter()


@router.post("/units/{unit_id}/runs", response_class=HTMLResponse)
async def start_run(
    request: Request, unit_id: int, store: StoreDep, workers: WorkersDep
) -> Response:
    """Queue a solve of the unit's current scenario: it starts at once when
    no other solve holds its place. Bad parameters are shown beside the
    form, and no run is stored."""
    store.unit(unit_id)  # 404 before reading the form
    form = await request.form()
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    try:
        params = worker.params_from_form(fields)
    except InputError as exc:
        return unit_page(request, store, workers, unit_id, problems(exc))
    run = store.create_run(unit_id, params)
    workers.submit(store, run)
    return RedirectResponse(f"/runs/{run.id}", status_code=303)


def unit_page(
    request: Request, store: Store, workers: Workers, unit_id: int, lines: list[str]
) -> HTMLResponse:
    """The unit's page with the solve form's problems (HTTP 400)."""
    current = store.scenario(unit_id)
    runs = [workers.reap(store, r) for r in store.runs(unit_id)]
    return page(
        request, "unit.html.j2", 400, unit=store.unit(unit_id), version=current,
        sc=current.scenario(), runs=runs, problems=lines,
    )  # fmt: skip


@router.get("/runs/{run_id}", response_class=HTMLResponse)
def run_page(request: Request, run_id: int, store: StoreDep, workers: WorkersDep) -> Response:
    """A run: its state (its place while queued), its progress (live while
    it runs) and its roster; a what-if run's page is its own."""
    run = workers.reap(store, store.run(run_id))
    if run.kind == "whatif":
        return RedirectResponse(f"/whatif/{run_id}", status_code=303)
    found = store.unit(run.unit_id)
    return page(request, "run.html.j2", run=run, unit=found, limit=workers.limit)


def state_of(run: RunInfo) -> dict[str, object]:
    """What the run's page shows of its state: the state, and its place in
    the queue while it waits."""
    return {"state": run.state, "queue_position": run.queue_position}


@router.get("/runs/{run_id}/events")
def run_events(run_id: int, store: StoreDep, workers: WorkersDep) -> StreamingResponse:
    """The run's state as it changes (``state`` events: queued with its place,
    running), its progress lines as they come (``progress`` events), then
    how it ended (an ``end`` event with JSON)."""
    store.run(run_id)  # 404 before the stream starts

    def stream() -> Iterator[str]:
        sent, shown = 0, None
        while True:
            run = workers.reap(store, store.run(run_id))
            if state_of(run) != shown:
                shown = state_of(run)
                yield f"event: state\ndata: {json.dumps(shown)}\n\n"
            lines = run.log.splitlines()
            for line in lines[sent:]:
                yield f"event: progress\ndata: {line}\n\n"
            sent = len(lines)
            if not run.live:
                end = {"state": run.state, "status": run.status, "error": run.error,
                       "roster_id": run.roster_id}  # fmt: skip
                yield f"event: end\ndata: {json.dumps(end)}\n\n"
                return
            time.sleep(POLL)

    return StreamingResponse(
        stream(), media_type="text/event-stream", headers={"Cache-Control": "no-store"}
    )


@router.post("/runs/{run_id}/stop")
def stop_run(request: Request, run_id: int, store: StoreDep, workers: WorkersDep) -> Response:
    """Stop a live run: a running one keeps its best roster (a what-if, the
    variants solved); a queued one is cancelled, saying so."""
    run = store.run(run_id)
    if not run.live:
        return page(
            request, "error.html.j2", 409, title="Not running",
            problems=[f"run: run {run_id} is {run.state}; only a live run can be stopped"],
        )  # fmt: skip
    if run.state == "queued":
        try:
            store.cancel_run(run_id, CANCELLED)
            return RedirectResponse(f"/runs/{run_id}", status_code=303)
        except StoreError:
            pass  # its turn came meanwhile: stop it as a running one
    if not workers.stop(run_id):
        with contextlib.suppress(StoreError):  # it ended meanwhile
            store.fail_run(run_id, "stopped: its solve was not running in this server")
    return RedirectResponse(f"/runs/{run_id}", status_code=303)

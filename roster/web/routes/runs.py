"""Solve runs: start one, its page, its progress as server-sent events, Stop."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse

from roster.web import worker
from roster.web.pages import StoreDep, WorkersDep, page

#: seconds between looks at a running solve's progress
POLL = 0.3

router = APIRouter()


@router.post("/units/{unit_id}/runs")
async def start_run(
    request: Request, unit_id: int, store: StoreDep, workers: WorkersDep
) -> RedirectResponse:
    """Solve the unit's current scenario in a worker process."""
    form = await request.form()
    params = worker.params_from_form({k: v for k, v in form.items() if isinstance(v, str)})
    run = store.create_run(unit_id, params)
    workers.start(run.id)
    return RedirectResponse(f"/runs/{run.id}", status_code=303)


@router.get("/runs/{run_id}", response_class=HTMLResponse)
def run_page(request: Request, run_id: int, store: StoreDep, workers: WorkersDep) -> HTMLResponse:
    """A run: its state, its progress (live while it runs) and its roster."""
    run = workers.reap(store, store.run(run_id))
    found = store.unit(run.unit_id)
    return page(request, "run.html.j2", run=run, unit=found)


@router.get("/runs/{run_id}/events")
def run_events(run_id: int, store: StoreDep, workers: WorkersDep) -> StreamingResponse:
    """The run's progress lines as they come (``progress`` events), then
    how it ended (an ``end`` event with JSON)."""
    store.run(run_id)  # 404 before the stream starts

    def stream() -> Iterator[str]:
        sent = 0
        while True:
            run = workers.reap(store, store.run(run_id))
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
    """Stop a live run, keeping its best roster."""
    run = store.run(run_id)
    if not run.live:
        return page(
            request, "error.html.j2", 409, title="Not running",
            problems=[f"run: run {run_id} is {run.state}; only a live run can be stopped"],
        )  # fmt: skip
    if not workers.stop(run_id):
        store.fail_run(run_id, "stopped: its solve was not running in this server")
    return RedirectResponse(f"/runs/{run_id}", status_code=303)

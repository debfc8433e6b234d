"""The web app (FastAPI): units, creating one from a scenario file, solving
in a worker process with progress as server-sent events, and the roster
with the report's grid and its downloads. ``create_app(store)`` builds it;
``roster serve`` runs it with uvicorn, tests with ``TestClient``.
"""

from __future__ import annotations

import base64
import binascii
import json
import tempfile
import time
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import FastAPI, File, Form, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint

from roster.checker import check
from roster.errors import InputError
from roster.export import write_xlsx
from roster.files import safe_table
from roster.load import load_text
from roster.report import render
from roster.scenario import Scenario
from roster.store import NotFound, RosterInfo, RunInfo, Store, StoreError
from roster.web import worker
from roster.web.access import matches

#: the largest scenario file accepted (bytes)
MAX_UPLOAD = 5 * 1024 * 1024
#: seconds between looks at a running solve's progress
POLL = 0.3
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_templates = Environment(
    loader=PackageLoader("roster.web", "templates"),
    autoescape=select_autoescape(["html", "j2"]),
)


def page(template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A page from ``roster/web/templates``."""
    return HTMLResponse(_templates.get_template(template).render(**context), status_code=status)


def problems(exc: InputError) -> list[str]:
    """An error's located problems as lines (``location: message``)."""
    return [f"{loc}: {msg}" if loc else msg for loc, msg in exc.problems]


class Workers:
    """The server's solve processes, by run id."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.processes: dict[int, BaseProcess] = {}

    def start(self, run_id: int) -> None:
        """Solve run ``run_id`` in a new process."""
        self.processes[run_id] = worker.start(self.url, run_id)

    def stop(self, run_id: int) -> bool:
        """Ask run ``run_id``'s process to stop keeping its best roster;
        False if this server runs no such process."""
        process = self.processes.get(run_id)
        if process is None or not process.is_alive():
            return False
        worker.stop(process)
        return True

    def reap(self, store: Store, run: RunInfo) -> RunInfo:
        """``run`` as it stands: a live run whose process has died without
        ending it is failed, saying so."""
        process = self.processes.get(run.id)
        if run.live and process is not None and not process.is_alive():
            process.join(0)
            try:
                return store.fail_run(
                    run.id, f"the solve's process ended unexpectedly (exit code {process.exitcode})"
                )
            except StoreError:
                return store.run(run.id)
        return run

    def shutdown(self, wait: float = 10.0) -> None:
        """Stop every live solve (each keeps its best roster) and wait for them."""
        live = [p for p in self.processes.values() if p.is_alive()]
        for process in live:
            worker.stop(process)
        deadline = time.monotonic() + wait
        for process in live:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.terminate()


#: methods that change something: refused when another site's page sends them
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def cross_site(method: str, headers: Mapping[str, str]) -> bool:
    """Whether a request that changes something comes from another site's
    page (a form or script there aimed at this server: even on 127.0.0.1 a
    page in the manager's browser could start solves or publish). Browsers
    say where a request comes from (``Sec-Fetch-Site``, ``Origin``,
    ``Referer``); a request that says nothing (curl, a script) is not a
    browser's cross-site request."""
    if method.upper() not in UNSAFE:
        return False
    fetch = headers.get("sec-fetch-site")
    if fetch is not None:
        return fetch not in ("same-origin", "none")
    host = headers.get("host", "")
    source = headers.get("origin") or headers.get("referer")
    if not source or source == "null":
        return source == "null"  # an opaque origin (a sandboxed page, a data: URL)
    return urlsplit(source).netloc != host


class _SameOrigin(BaseHTTPMiddleware):
    """Refuses ``cross_site`` requests with 403 before any handler runs."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        if cross_site(request.method, request.headers):
            return Response("refused: a request from another site's page", status_code=403)
        return await call_next(request)


class _PasswordGate(BaseHTTPMiddleware):
    """HTTP Basic authentication against the stored password hash (any user
    name): the slice's guard for a server reachable from other machines,
    until sessions with CSRF protection replace it."""

    def __init__(self, app: Any, stored: str) -> None:
        super().__init__(app)
        self.stored = stored
        self.accepted: set[str] = set()

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        header = request.headers.get("authorization", "")
        if header in self.accepted or self._valid(header):
            self.accepted.add(header)
            return await call_next(request)
        return Response(
            "the roster server needs its password",
            status_code=401,
            headers={"WWW-Authenticate": 'Basic realm="roster", charset="UTF-8"'},
        )

    def _valid(self, header: str) -> bool:
        kind, _, token = header.partition(" ")
        if kind.lower() != "basic" or not token:
            return False
        try:
            _user, _, password = base64.b64decode(token).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return False
        return matches(password, self.stored)


def create_app(store: Store, *, password_hash: str | None = None) -> FastAPI:
    """The web app over ``store`` (already opened, migrated and with its
    interrupted runs marked). ``password_hash``: require this password
    (HTTP Basic) on every request."""
    url = store.engine.url.render_as_string(hide_password=False)
    workers = Workers(url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        workers.shutdown()

    app = FastAPI(title="roster", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.store, app.state.workers = store, workers
    if password_hash is not None:
        app.add_middleware(_PasswordGate, stored=password_hash)
    app.add_middleware(_SameOrigin)  # added last: runs first

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> HTMLResponse:
        return page("error.html.j2", 404, title="Not found", problems=problems(exc))

    @app.exception_handler(InputError)
    async def bad_input(request: Request, exc: InputError) -> HTMLResponse:
        return page("error.html.j2", 400, title="Bad request", problems=problems(exc))

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> HTMLResponse:
        lines = [
            ".".join(str(part) for part in e.get("loc", ())) + f": {e.get('msg', 'invalid')}"
            for e in exc.errors()
        ]
        return page("error.html.j2", 422, title="Bad request", problems=lines)

    # -- units ----------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse)
    def units() -> HTMLResponse:
        return page("units.html.j2", units=store.units(), problems=[], name="")

    @app.post("/units", response_class=HTMLResponse)
    async def create_unit(
        request: Request, file: Annotated[UploadFile, File()], name: Annotated[str, Form()] = ""
    ) -> Response:
        def refused(lines: list[str], status: int = 400) -> HTMLResponse:
            return page("units.html.j2", status, units=store.units(), problems=lines, name=name)

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
            return refused(
                [f"{source}: not a scenario file: a scenario is YAML or JSON text (UTF-8)"]
            )
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

    @app.get("/units/{unit_id}", response_class=HTMLResponse)
    def unit(unit_id: int) -> HTMLResponse:
        found = store.unit(unit_id)
        current = store.scenario(unit_id)
        runs = [workers.reap(store, r) for r in store.runs(unit_id)]
        return page(
            "unit.html.j2", unit=found, version=current, sc=current.scenario(), runs=runs,
            problems=[],
        )  # fmt: skip

    # -- runs -----------------------------------------------------------------
    @app.post("/units/{unit_id}/runs")
    async def start_run(request: Request, unit_id: int) -> RedirectResponse:
        form = await request.form()
        params = worker.params_from_form({k: v for k, v in form.items() if isinstance(v, str)})
        run = store.create_run(unit_id, params)
        workers.start(run.id)
        return RedirectResponse(f"/runs/{run.id}", status_code=303)

    @app.get("/runs/{run_id}", response_class=HTMLResponse)
    def run_page(run_id: int) -> HTMLResponse:
        run = workers.reap(store, store.run(run_id))
        found = store.unit(run.unit_id)
        return page("run.html.j2", run=run, unit=found)

    @app.get("/runs/{run_id}/events")
    def run_events(run_id: int) -> StreamingResponse:
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

    @app.post("/runs/{run_id}/stop")
    def stop_run(run_id: int) -> Response:
        run = store.run(run_id)
        if not run.live:
            return page(
                "error.html.j2", 409, title="Not running",
                problems=[f"run: run {run_id} is {run.state}; only a live run can be stopped"],
            )  # fmt: skip
        if not workers.stop(run_id):
            store.fail_run(run_id, "stopped: its solve was not running in this server")
        return RedirectResponse(f"/runs/{run_id}", status_code=303)

    # -- rosters --------------------------------------------------------------
    def roster_parts(roster_id: int) -> tuple[RosterInfo, Scenario, bool]:
        info = store.roster(roster_id)
        version = next(v for v in store.versions(info.unit_id) if v.id == info.scenario_version_id)
        soft = False
        if info.run_id is not None:
            soft = bool(store.run(info.run_id).params.get("soft_cover", False))
        return info, version.scenario(), soft

    @app.get("/rosters/{roster_id}", response_class=HTMLResponse)
    def roster_page(roster_id: int) -> HTMLResponse:
        info, _, _ = roster_parts(roster_id)
        found = store.unit(info.unit_id)
        return page("roster.html.j2", roster=info, unit=found)

    @app.get("/rosters/{roster_id}/report.html", response_class=HTMLResponse)
    def roster_report(roster_id: int, download: bool = False) -> HTMLResponse:
        info, sc, soft = roster_parts(roster_id)
        roster = info.roster()
        html = render(sc, roster, check(sc, roster, soft_cover=soft))
        headers = {"Content-Disposition": 'attachment; filename="report.html"'} if download else {}
        return HTMLResponse(html, headers=headers)

    @app.get("/rosters/{roster_id}/roster.csv")
    def roster_csv(roster_id: int) -> Response:
        info, sc, _ = roster_parts(roster_id)
        text = safe_table(info.roster().table(sc)).to_csv(index=False)
        return Response(
            text, media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="roster.csv"'},
        )  # fmt: skip

    @app.get("/rosters/{roster_id}/roster.xlsx")
    def roster_xlsx(roster_id: int) -> Response:
        info, sc, soft = roster_parts(roster_id)
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

    return app

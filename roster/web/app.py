"""The web app (FastAPI): ``create_app(store)`` puts together the guards
(``roster.web.security``), the error pages, the static files and the route
modules (``roster.web.routes``). ``roster serve`` runs it with uvicorn,
tests with ``TestClient``.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from roster.errors import InputError
from roster.store import NotFound, Store
from roster.web.pages import page, problems
from roster.web.routes import changes, editing, imports, login, people, rosters, runs, units, whatif
from roster.web.security import csrf_guard, install_guards
from roster.web.solves import Workers

#: the route modules, in the order their paths are matched
ROUTERS = tuple(
    m.router for m in (login, units, editing, imports, runs, rosters, changes, whatif, people)
)
#: the largest scenario file accepted (bytes)
MAX_UPLOAD = units.MAX_UPLOAD
#: the largest request read at all, however it is sent (an upload with its
#: form fields; a request saying no length is cut off here, not buffered)
MAX_BODY = MAX_UPLOAD + 2**20
TOO_LARGE = (
    f"request: larger than {MAX_BODY // 2**20} MB; a file may be at most {MAX_UPLOAD // 2**20} MB"
)
TITLES = {403: "Refused", 404: "Not found", 405: "Not allowed", 413: "Too large"}


def create_app(
    store: Store,
    *,
    password_hash: str | None = None,
    secret: bytes | None = None,
    max_solves: int = 1,
    scheduler: str | None = None,
) -> FastAPI:
    """The web app over ``store`` (already opened, migrated and with its
    interrupted runs marked). ``password_hash``: require this password.
    ``secret``: signs sessions, CSRF tokens and staff links (random by
    default, so none outlives the server). ``max_solves``: solves running
    at once (more wait in a queue); ``scheduler``: a Dask scheduler's
    address to solve on instead of local processes."""
    url = store.engine.url.render_as_string(hide_password=False)
    workers = Workers(url, limit=max_solves, scheduler=scheduler)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        workers.shutdown()

    app = FastAPI(
        title="roster", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None,
        dependencies=[Depends(csrf_guard)], max_body_size=MAX_BODY,
    )  # fmt: skip
    app.state.store, app.state.workers = store, workers
    app.state.secret = secret or secrets.token_bytes(32)
    install_guards(app, secret=app.state.secret, password_hash=password_hash)

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> HTMLResponse:
        return page(request, "error.html.j2", 404, title="Not found", problems=problems(exc))

    @app.exception_handler(InputError)
    async def bad_input(request: Request, exc: InputError) -> HTMLResponse:
        return page(request, "error.html.j2", 400, title="Bad request", problems=problems(exc))

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> HTMLResponse:
        lines = [
            ".".join(str(part) for part in e.get("loc", ())) + f": {e.get('msg', 'invalid')}"
            for e in exc.errors()
        ]
        return page(request, "error.html.j2", 422, title="Bad request", problems=lines)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> HTMLResponse:
        title = TITLES.get(exc.status_code, "Error")
        detail = TOO_LARGE if exc.status_code == 413 else exc.detail
        return page(request, "error.html.j2", exc.status_code, title=title, problems=[detail])

    app.mount("/static", StaticFiles(packages=[("roster.web", "static")]), name="static")
    for router in ROUTERS:
        app.include_router(router)
    return app

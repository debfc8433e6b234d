"""What every route module shares: the templates, a page with the request's
CSRF token, located problems as lines, and the store and the solve workers
as FastAPI dependencies."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from roster.errors import InputError
from roster.store import Store
from roster.web.solves import Workers

templates = Environment(
    loader=PackageLoader("roster.web", "templates"),
    autoescape=select_autoescape(["html", "j2"]),
)


def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A page from ``roster/web/templates``; every page gets ``csrf`` (the
    token its forms send back) and ``request``."""
    csrf = getattr(request.state, "csrf", "")
    html = templates.get_template(template).render(request=request, csrf=csrf, **context)
    return HTMLResponse(html, status_code=status)


def problems(exc: InputError) -> list[str]:
    """An error's located problems as lines (``location: message``)."""
    return [f"{loc}: {msg}" if loc else msg for loc, msg in exc.problems]


def get_store(request: Request) -> Store:
    """The app's store."""
    store: Store = request.app.state.store
    return store


def get_workers(request: Request) -> Workers:
    """The app's solve processes."""
    workers: Workers = request.app.state.workers
    return workers


StoreDep = Annotated[Store, Depends(get_store)]
WorkersDep = Annotated[Workers, Depends(get_workers)]

"""Every endpoint of the web app, found from the app itself (so a new one is
covered without a new test), with ids that are not numbers, ids that do not
exist, and without the form's security token: each answers 4xx with a
located message on a page, never 500, and nothing is stored."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

pytest.importorskip("fastapi")

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from roster.load import parse_text
from roster.model.solve import SolveParams, solve
from roster.store import Store
from roster.web.app import ROUTERS, create_app
from web_support import SMALL, browser, store, url  # noqa: F401

#: what a path parameter is given: not a number, a number no record has
BAD_IDS = {"not a number": "abc", "unknown": "987654"}


def endpoints() -> list[tuple[str, str]]:
    """(method, path) of every route the app's route modules declare."""
    return [
        (method, route.path)
        for router in ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in sorted(route.methods)
    ]


def snapshot(store: Store) -> tuple[object, ...]:
    """Everything a request could have stored."""
    units = store.units()
    return (
        units,
        [(store.versions(u.id), store.runs(u.id), store.rosters(u.id)) for u in units],
        [(store.changes(u.id), store.published(u.id)) for u in units],
    )


@pytest.fixture
def seeded(store: Store) -> Iterator[Store]:
    """A store with a unit, a run, a roster and a published version."""
    unit = store.create_unit("Ward 7", parse_text(SMALL.read_text()))
    result = solve(store.scenario(unit.id).scenario(), SolveParams(time_limit=10, workers=1))
    assert result.roster is not None
    roster = store.save_roster(unit.id, result.roster, kind="import")
    store.publish(roster.id)
    yield store


ENDPOINTS = endpoints()
WITH_IDS = [(m, p) for m, p in ENDPOINTS if "{" in p]


def test_the_app_has_endpoints_with_ids() -> None:
    assert len(WITH_IDS) >= 8, ENDPOINTS


@pytest.mark.parametrize(("method", "path"), WITH_IDS, ids=[f"{m} {p}" for m, p in WITH_IDS])
@pytest.mark.parametrize("kind", list(BAD_IDS))
def test_a_bad_id_is_a_located_4xx_and_nothing_stored(
    seeded: Store, method: str, path: str, kind: str
) -> None:
    before = snapshot(seeded)
    target = re.sub(r"\{[^}]+\}", BAD_IDS[kind], path)
    with browser(create_app(seeded)) as client:
        response = client.request(method, target, data={"x": "1"}, follow_redirects=False)
    assert 400 <= response.status_code < 500, (target, response.status_code, response.text[:300])
    if response.headers.get("content-type", "").startswith("text/html"):
        assert 'class="problems"' in response.text or "<form" in response.text
    assert snapshot(seeded) == before


POSTS = [(m, p) for m, p in ENDPOINTS if m in ("POST", "PUT", "PATCH", "DELETE")]


@pytest.mark.parametrize(("method", "path"), POSTS, ids=[f"{m} {p}" for m, p in POSTS])
def test_a_change_without_the_forms_token_is_refused(seeded: Store, method: str, path: str) -> None:
    before = snapshot(seeded)
    target = re.sub(r"\{[^}]+\}", "1", path)
    with TestClient(create_app(seeded)) as client:
        client.get("/")  # a session, but no token sent
        response = client.request(method, target, data={"name": "x"}, follow_redirects=False)
    assert response.status_code in (401, 403), (target, response.status_code)
    assert snapshot(seeded) == before

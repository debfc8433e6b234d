"""What the web app's tests share: a store in a temporary SQLite file, a
client that sends the session's CSRF token as a browser page would, a unit
made from the small ward, and waiting for a run to end."""

from __future__ import annotations

import io
import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from helpers import chromium  # noqa: F401 - the web tests' browser
from roster.store import Store, open_store
from roster.web.app import create_app

DATA = Path(__file__).parent / "data"
SMALL = DATA / "small.yaml"
ARTIFACTS = Path(os.environ.get("ROSTER_ARTIFACTS", Path(__file__).parent / "artifacts"))


def csrf_of(html: str) -> str:
    """The CSRF token a page carries."""
    found = re.search(r'<meta name="csrf-token" content="([0-9a-f]+)">', html)
    assert found, "the page carries no CSRF token"
    return found.group(1)


def browser(app: FastAPI) -> TestClient:
    """A client for ``app`` that, like the app's own pages, sends the
    session's CSRF token with every request (use it as a context manager,
    so that the app's start and end run)."""
    client = TestClient(app)
    client.headers["X-CSRF-Token"] = csrf_of(client.get("/").text)
    return client


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'roster.db'}"


@pytest.fixture
def store(url: str) -> Iterator[Store]:
    with open_store(url) as opened:
        yield opened


@pytest.fixture
def client(store: Store) -> Iterator[TestClient]:
    with browser(create_app(store)) as c:
        yield c


def upload(client: TestClient, content: bytes, filename: str = "ward.yaml", name: str = ""):
    return client.post(
        "/units", files={"file": (filename, io.BytesIO(content))}, data={"name": name},
        follow_redirects=False,
    )  # fmt: skip


def make_unit(client: TestClient, name: str = "Ward 7", path: Path = SMALL) -> int:
    """A unit from scenario file ``path``; its id."""
    response = upload(client, path.read_bytes(), path.name, name)
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


def wait_for_end(store: Store, run_id: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while store.run(run_id).live:
        assert time.monotonic() < deadline, store.run(run_id)
        time.sleep(0.1)


@contextmanager
def live_server(app: FastAPI) -> Iterator[str]:
    """``app`` served by uvicorn on a free loopback port in a thread; its
    base URL. The app's shutdown (stopping its solves) runs at the end."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)


def screenshot(driver, name: str) -> None:  # type: ignore[no-untyped-def]
    """The whole page as ``tests/artifacts/web-<name>.png``."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    height = driver.execute_script("return document.body.scrollHeight")
    driver.set_window_size(1400, max(600, min(height + 40, 4000)))
    path = ARTIFACTS / f"web-{name}.png"
    assert driver.save_screenshot(str(path))
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def no_script_errors(driver) -> None:  # type: ignore[no-untyped-def]
    """No script failed (a refused request, answered 4xx on purpose, is not one)."""
    errors = [
        e for e in driver.get_log("browser") if e["level"] == "SEVERE" and e["source"] != "network"
    ]
    assert errors == [], errors

"""A real ``roster serve`` killed mid-solve (SIGKILL to the server and its
solve, as a crash or a power cut would) and started again: every unit,
roster and published version is still there, unchanged, and the run that
was solving is marked interrupted."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

pytest.importorskip("fastapi")

from roster.generate import unit as generated_unit
from roster.load import parse_text
from roster.model.solve import SolveParams, solve
from roster.store import open_store

DATA = Path(__file__).parent / "data"
#: the ``roster`` command, run by this interpreter
ENTRY = "import sys; from roster.entry import main; sys.argv[0] = 'roster'; main()"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(url: str, port: int) -> subprocess.Popen[bytes]:
    """``roster serve`` in its own process group (so the kill reaches its
    solves too), once it answers."""
    process = subprocess.Popen(
        [sys.executable, "-c", ENTRY, "serve", "--db", url, "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while True:
        assert process.poll() is None, process.stdout.read() if process.stdout else ""
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
            return process
        except httpx.TransportError:
            assert time.monotonic() < deadline, "roster serve did not answer within 60 s"
            time.sleep(0.2)


def kill(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(10)


@pytest.mark.slow
def test_killing_the_server_mid_solve_loses_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'roster.db'}"
    with open_store(url) as store:
        small = store.create_unit("Small ward", parse_text((DATA / "small.yaml").read_text()))
        scenario = store.scenario(small.id).scenario()
        solved = solve(scenario, SolveParams(time_limit=10, workers=1))
        assert solved.roster is not None
        kept = store.save_roster(small.id, solved.roster, kind="import")
        published = store.publish(kept.id, note="week 50")
        big = store.create_unit("Big ward", generated_unit(40, 28))
        before = (store.units(), store.rosters(small.id), store.published(small.id))

    port = free_port()
    server = serve(url, port)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as web:
            page = web.get("/").text
            token = re.search(r'name="csrf-token" content="([0-9a-f]+)"', page)
            assert token
            started = web.post(
                f"/units/{big.id}/runs",
                data={"time_limit": "600", "csrf_token": token.group(1)},
            )
            assert started.status_code == 303, started.text
            run_id = int(started.headers["location"].rsplit("/", 1)[1])
        with open_store(url, migrate=False) as store:
            deadline = time.monotonic() + 120
            while store.run(run_id).state != "running":
                assert time.monotonic() < deadline, store.run(run_id)
                time.sleep(0.2)
    finally:
        kill(server)

    with open_store(url, migrate=False) as store:
        assert store.run(run_id).state == "running"  # as the crash left it
    server = serve(url, port)  # started again: marks what the crash left
    try:
        with open_store(url, migrate=False) as store:
            run = store.run(run_id)
            assert run.state == "interrupted" and not run.live, run
            assert run.roster_id is None
            assert (store.units(), store.rosters(small.id), store.published(small.id)) == before
            [again] = store.published(small.id)
            assert again.rows == published.rows and again.number == 1
        page = httpx.get(f"http://127.0.0.1:{port}/runs/{run_id}").text
        assert "interrupted" in page
    finally:
        kill(server)

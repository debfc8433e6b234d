"""A real ``roster serve`` killed mid-solve (SIGKILL to the server and its
solve, as a crash or a power cut would) and started again: every unit,
roster and published version is still there, unchanged, and the run that
was solving is marked interrupted."""

from __future__ import annotations

import contextlib
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
    """SIGKILL to the server's whole process group (what is left of it)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(10)


def start_solve(url: str, port: int, unit_id: int) -> int:
    """A ten-minute solve of the unit started as a browser would; its run
    id, once it is running."""
    with httpx.Client(base_url=f"http://127.0.0.1:{port}") as web:
        token = re.search(r'name="csrf-token" content="([0-9a-f]+)"', web.get("/").text)
        assert token
        started = web.post(
            f"/units/{unit_id}/runs", data={"time_limit": "600", "csrf_token": token.group(1)}
        )
        assert started.status_code == 303, started.text
        run_id = int(started.headers["location"].rsplit("/", 1)[1])
    with open_store(url, migrate=False) as store:
        deadline = time.monotonic() + 120
        while store.run(run_id).state != "running":
            assert time.monotonic() < deadline, store.run(run_id)
            time.sleep(0.2)
    return run_id


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
        run_id = start_solve(url, port, big.id)
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


@pytest.mark.slow
def test_a_solve_whose_server_was_killed_stops_keeping_its_roster(tmp_path: Path) -> None:
    """Only the server killed (its solve process lives on): the solve sees
    its server gone, stops as Stop would and keeps its best roster, saying
    why, well before its ten minutes."""
    url = f"sqlite:///{tmp_path / 'roster.db'}"
    with open_store(url) as store:
        big = store.create_unit("Big ward", generated_unit(40, 28))
    port = free_port()
    server = serve(url, port)
    try:
        run_id = start_solve(url, port, big.id)
        with open_store(url, migrate=False) as store:
            deadline = time.monotonic() + 120
            while "best roster so far" not in store.run(run_id).log:
                assert time.monotonic() < deadline, store.run(run_id)
                time.sleep(0.2)
        server.send_signal(signal.SIGKILL)  # the server alone, not its group
        server.wait(10)
        with open_store(url, migrate=False) as store:
            deadline = time.monotonic() + 60
            while store.run(run_id).live:
                assert time.monotonic() < deadline, store.run(run_id)
                time.sleep(0.2)
            run = store.run(run_id)
        assert run.state == "finished" and run.roster_id is not None, run
        assert "the server stopped: kept the best roster found" in run.log
    finally:
        kill(server)

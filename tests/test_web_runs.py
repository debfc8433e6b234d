"""The web app's solve queue and solve parameters: at most ``max_solves``
solves at once, the others queued in order and started as places free up
(without a request), their place shown, Stop on a queued run cancelling it,
a restart marking queued runs interrupted; soft cover and the seed from the
form; solving on a Dask cluster."""

from __future__ import annotations

import html
import json
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

pytest.importorskip("fastapi")

import uvicorn
from click.testing import CliRunner
from fastapi.testclient import TestClient

from roster.cli import main
from roster.generate import unit as generated_unit
from roster.model.solve import SolveParams, solve
from roster.store import INTERRUPTED, Store
from roster.web import solves
from roster.web.app import create_app
from roster.web.routes.runs import CANCELLED
from web_support import SMALL, browser, client, make_unit, store, url, wait_for_end  # noqa: F401


class Held:
    """A stand-in for a run's process that runs until the test ends it."""

    pid = None
    exitcode: int | None = None

    def __init__(self) -> None:
        self.alive = True

    def is_alive(self) -> bool:
        return self.alive

    def join(self, timeout: float | None = None) -> None:
        pass

    def terminate(self) -> None:
        self.alive = False


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> dict[int, Held]:
    """Run processes that start and never end by themselves, by run id."""
    started: dict[int, Held] = {}

    def start(url: str, run_id: int, scheduler: str | None = None) -> Held:
        started[run_id] = Held()
        return started[run_id]

    monkeypatch.setattr(solves.worker, "start", start)
    return started


@pytest.fixture
def two(store: Store) -> Iterator[TestClient]:
    """A client of an app with two solves at once."""
    with browser(create_app(store, max_solves=2)) as c:
        yield c


def post_run(client: TestClient, unit_id: int, **form: str) -> int:
    response = client.post(
        f"/units/{unit_id}/runs", data={"time_limit": "20", **form}, follow_redirects=False
    )
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


def until(check: Callable[[], Any], timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "waited in vain"
        time.sleep(0.05)


def finish(store: Store, run_id: int, process: Held) -> None:
    """End a held run as its worker would: its result, then the process."""
    scenario = store.scenario(store.run(run_id).unit_id).scenario()
    store.finish_run(run_id, solve(scenario, SolveParams(time_limit=5, workers=1)), scenario)
    process.alive = False


# -- the queue ----------------------------------------------------------------
def test_runs_beyond_the_limit_wait_their_turn_in_order(
    two: TestClient, store: Store, held: dict[int, Held]
) -> None:
    unit_id = make_unit(two)
    runs = [post_run(two, unit_id) for _ in range(4)]
    assert [store.run(r).state for r in runs] == ["running", "running", "queued", "queued"]
    assert list(held) == runs[:2]
    assert [store.run(r).queue_position for r in runs] == [None, None, 1, 2]

    third = two.get(f"/runs/{runs[2]}").text
    assert 'id="queue-position"' in third and "next in the queue (2 solves run at once)" in third
    assert "number 2 in the queue" in two.get(f"/runs/{runs[3]}").text
    unit_page = two.get(f"/units/{unit_id}").text
    assert f'id="queue-position-{runs[3]}"' in unit_page and "number 2 in the queue" in unit_page

    finish(store, runs[1], held[runs[1]])  # no request: the queue moves on by itself
    until(lambda: store.run(runs[2]).state == "running")
    assert store.run(runs[3]).queue_position == 1 and list(held) == runs[:3]
    assert store.run(runs[1]).state == "finished"
    held[runs[0]].alive = False  # died without ending its run
    until(lambda: store.run(runs[3]).state == "running")
    assert "ended unexpectedly" in (store.run(runs[0]).error or "")


def test_a_queued_runs_events_say_its_place_then_its_turn(
    client: TestClient, store: Store, held: dict[int, Held]
) -> None:
    unit_id = make_unit(client)
    first, second = post_run(client, unit_id), post_run(client, unit_id)

    def later() -> None:  # the first ends, the second gets its turn and ends
        time.sleep(1)
        finish(store, first, held[first])
        until(lambda: second in held)
        time.sleep(1)  # running for a few of the stream's looks
        finish(store, second, held[second])

    ending = threading.Thread(target=later)
    ending.start()
    events = client.get(f"/runs/{second}/events").text  # streams until the run ends
    ending.join()
    states = [
        json.loads(block.split("data: ", 1)[1])
        for block in events.split("\n\n")
        if block.startswith("event: state")
    ]
    assert states[0] == {"state": "queued", "queue_position": 1}
    assert states[1:] == [
        {"state": "running", "queue_position": None},
        {"state": "finished", "queue_position": None},
    ]
    assert events.rstrip().splitlines()[-2] == "event: end"


def test_stop_on_a_queued_run_cancels_it(
    client: TestClient, store: Store, held: dict[int, Held]
) -> None:
    unit_id = make_unit(client)
    first, second, third = (post_run(client, unit_id) for _ in range(3))
    assert store.run(second).state == "queued"
    page = client.get(f"/runs/{second}").text
    assert "Stop (cancel: it has not started)" in page
    stopped = client.post(f"/runs/{second}/stop", follow_redirects=False)
    assert stopped.status_code == 303
    run = store.run(second)
    assert (run.state, run.error, run.roster_id) == ("failed", CANCELLED, None)
    assert "it did not solve, so it has no roster" in client.get(f"/runs/{second}").text
    assert store.run(third).queue_position == 1
    finish(store, first, held[first])
    until(lambda: store.run(third).state == "running")
    assert second not in held
    again = client.post(f"/runs/{second}/stop")
    assert again.status_code == 409


def test_a_restart_marks_queued_runs_interrupted(
    url: str, store: Store, held: dict[int, Held], monkeypatch: pytest.MonkeyPatch
) -> None:
    with browser(create_app(store)) as c:
        unit_id = make_unit(c)
        running, queued = post_run(c, unit_id), post_run(c, unit_id)
    assert store.run(queued).state == "queued"  # shutting down starts nothing more
    # the server marks the run whose process it stopped before that run ended
    stopped = store.run(running)
    assert (stopped.state, stopped.error) == (
        "interrupted", "the server stopped before this solve ended"
    )  # fmt: skip
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: None)
    result = CliRunner().invoke(main, ["serve", "--db", url])
    assert result.exit_code == 0, result.output
    assert "marked 1 run(s)" in result.output
    run = store.run(queued)
    assert (run.state, run.error, run.queue_position) == ("interrupted", INTERRUPTED, None)


def test_serve_takes_the_number_of_solves_and_a_scheduler(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    served: list[Any] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: served.append(app))
    args = ["serve", "--db", url, "--solves", "3", "--scheduler", "tcp://10.0.0.5:8786"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    workers = served[0].state.workers
    assert (workers.limit, workers.scheduler) == (3, "tcp://10.0.0.5:8786")
    default = CliRunner().invoke(main, ["serve", "--db", url])
    assert default.exit_code == 0 and served[1].state.workers.limit == 1
    refused = CliRunner().invoke(main, ["serve", "--db", url, "--solves", "0"])
    assert refused.exit_code == 2 and "--solves" in refused.output


def test_a_second_real_solve_waits_for_the_first(client: TestClient, store: Store) -> None:
    unit_id = make_unit(client)
    first, second = post_run(client, unit_id), post_run(client, unit_id)
    assert store.run(second).state == "queued"
    wait_for_end(store, second)
    a, b = store.run(first), store.run(second)
    assert (a.status, b.status) == ("OPTIMAL", "OPTIMAL"), (a, b)
    assert a.finished is not None and b.started is not None and a.finished <= b.started
    assert b.roster_id is not None and "done: OPTIMAL" in b.log


# -- the form's solve parameters ---------------------------------------------------
def test_soft_cover_and_the_seed_reach_the_solve(
    client: TestClient, store: Store, held: dict[int, Held]
) -> None:
    unit_id = make_unit(client)
    page = client.get(f"/units/{unit_id}").text
    assert 'name="soft_cover"' in page and 'name="seed"' in page
    run_id = post_run(client, unit_id, soft_cover="on", seed="7", time_limit="15")
    params = store.run(run_id).params
    assert params == {"time_limit": 15.0, "soft_cover": True, "seed": 7}
    SolveParams(**params)  # what the worker solves with
    shown = client.get(f"/runs/{run_id}").text
    assert "cover treated as a wish, not a rule" in shown and "random seed 7" in shown
    assert store.run(post_run(client, unit_id)).params == {"time_limit": 20.0}


@pytest.mark.parametrize(
    ("form", "messages"),
    [
        ({"seed": "-1"}, ["seed: '-1': give a whole number from 0 to 2147483647"]),
        ({"seed": "1.5", "time_limit": "x"}, ["seed: '1.5'", "time_limit: not a number"]),
        ({"seed": "99999999999"}, ["seed: "]),
        ({"soft_cover": "maybe"}, ["soft_cover: 'maybe': tick the box, or leave it empty"]),
    ],
)
def test_bad_solve_parameters_are_located_beside_the_form(
    client: TestClient, store: Store, form: dict[str, str], messages: list[str]
) -> None:
    unit_id = make_unit(client)
    response = client.post(f"/units/{unit_id}/runs", data=form)
    assert response.status_code == 400
    assert 'id="solve"' in response.text and 'role="alert"' in response.text
    for message in messages:
        assert message in html.unescape(response.text)
    assert store.runs(unit_id) == []


# -- Dask -------------------------------------------------------------------------------
@pytest.fixture
def cluster() -> Iterator[Any]:
    """An in-process Dask cluster the server's worker processes reach by TCP."""
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, protocol="tcp", host="127.0.0.1",
        dashboard_address=None,
    ) as running:  # fmt: skip
        yield running


def test_a_solve_on_a_dask_cluster_is_written_back(store: Store, cluster: Any) -> None:
    with browser(create_app(store, scheduler=cluster.scheduler_address)) as c:
        run_id = post_run(c, make_unit(c), time_limit="20")
        wait_for_end(store, run_id)
    run = store.run(run_id)
    assert (run.state, run.status) == ("finished", "OPTIMAL"), run
    assert run.roster_id is not None and "done: OPTIMAL" in run.log
    assert run.started is not None and run.finished is not None
    prefixes = list(cluster.scheduler.task_prefixes)
    assert any(p.startswith("roster-run") for p in prefixes), prefixes


def test_stop_on_a_dask_cluster_keeps_the_best_roster(store: Store, cluster: Any) -> None:
    # a unit too big to prove optimal in a moment, so that Stop comes mid-search
    unit = store.create_unit("Big ward", generated_unit(30, 28))
    with browser(create_app(store, scheduler=cluster.scheduler_address)) as c:
        run_id = post_run(c, unit.id, time_limit="600")
        until(lambda: "best roster so far" in store.run(run_id).log, timeout=120)
        assert c.post(f"/runs/{run_id}/stop", follow_redirects=False).status_code == 303
        wait_for_end(store, run_id)
    run = store.run(run_id)
    assert run.state == "finished" and run.roster_id is not None, run
    assert run.log.splitlines()[-1].startswith("stopped: kept the best roster found")
    assert run.started is not None and run.finished is not None
    assert (run.finished - run.started).total_seconds() < 120


@pytest.mark.slow  # the client tries for its whole connect timeout
def test_an_unreachable_scheduler_fails_the_run_saying_so(store: Store) -> None:
    pytest.importorskip("dask.distributed")
    with browser(create_app(store, scheduler="tcp://127.0.0.1:9")) as c:
        run_id = post_run(c, make_unit(c))
        wait_for_end(store, run_id, timeout=90)
    run = store.run(run_id)
    assert run.state == "failed" and "cannot reach the Dask scheduler tcp://127.0.0.1:9" in (
        run.error or ""
    )


def test_a_process_that_cannot_start_fails_its_run_saying_so(
    client: TestClient, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    def start(url: str, run_id: int, scheduler: str | None = None) -> Held:
        raise OSError("Resource temporarily unavailable")

    monkeypatch.setattr(solves.worker, "start", start)
    run_id = post_run(client, make_unit(client))
    run = store.run(run_id)
    assert run.state == "failed"
    assert run.error == "the solve's process could not start: Resource temporarily unavailable"

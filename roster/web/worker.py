"""A run in its own process, so that a solve never blocks the server. The
server has marked the run running (it left the queue, see
``roster.web.solves``); the process opens the store and

- a solve: solves with the library's ``solve``, recording each progress line
  (``progress_line``'s words), and finishes the run with its result;
- a what-if: solves every variant in turn (``roster.whatif.run``), keeping
  each variant's row as it finishes ("variant 3 of 8"), and finishes the run;

or fails it with what went wrong. With a Dask scheduler the solve runs on
the cluster (``remote_solve``) and this process is its client: it records
the progress the task posts (a distributed ``Variable``), passes Stop on
(a distributed ``Event``) and writes the result, so the database never
leaves the server's machine. A what-if hands its variants to the cluster.

Stop is SIGINT to the process: ``solve`` turns it into a clean stop that
keeps the best roster, as Ctrl-C does in the command line; a what-if keeps
the variants solved so far.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import signal
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Mapping
from multiprocessing.process import BaseProcess
from typing import Any

from roster.errors import InputError
from roster.jobs import CONNECT_TIMEOUT
from roster.load import load_text
from roster.model.solve import Progress, SolveParams, solve
from roster.result import Result, progress_line
from roster.store import RunInfo, Store, StoreError, open_store
from roster.whatif import plan_data
from roster.whatif import progress_line as variant_line
from roster.whatif import run as run_variants

#: a fresh interpreter per solve: no database connection or lock of the
#: server's is inherited (fork would copy them)
_CONTEXT = multiprocessing.get_context("spawn")
#: seconds between looks at a solve on the cluster
POLL = 0.3
#: what-if limits in the web app: variants in one run, seconds per variant
MAX_VARIANTS = 50
MAX_VARIANT_SECONDS = 3600.0
#: the largest random seed CP-SAT takes
MAX_SEED = 2**31 - 1


def start(url: str, run_id: int, scheduler: str | None = None) -> BaseProcess:
    """A worker process doing run ``run_id`` of the store at ``url`` (on
    the Dask cluster at ``scheduler`` if given)."""
    process = _CONTEXT.Process(
        target=work, args=(url, run_id, os.getpid(), scheduler), name=f"roster-run-{run_id}"
    )
    # not a daemon: a solve starts processes of its own (the search, the
    # decomposition's pricing), which a daemon may not; it stops itself when
    # the server is gone instead (see ``_watch``)
    process.start()
    return process


def stop(process: BaseProcess) -> None:
    """Ask the worker to stop, keeping the best roster found (SIGINT)."""
    if process.pid is not None and process.is_alive():
        os.kill(process.pid, signal.SIGINT)


def work(url: str, run_id: int, server: int, scheduler: str | None = None) -> None:
    """The worker's body: do run ``run_id`` and record how it went;
    ``server``: the server's process id, whose end stops the run."""
    # Stop is a SIGINT; a server started with SIGINT ignored (in the
    # background of a script, under a test runner) would pass that on
    signal.signal(signal.SIGINT, signal.default_int_handler)
    _watch(server)
    store = open_store(url, migrate=False)
    try:
        run = store.run(run_id)
        if run.state != "running":
            return  # ended elsewhere before it began (cancelled, interrupted)
        body = _whatif if run.kind == "whatif" else _solve
        body(store, run, scheduler)
    finally:
        store.close()


#: set once the server that started this run is gone (see ``_watch``)
_server_gone = threading.Event()


def _watch(server: int) -> None:
    """Stop the run, as Stop would (keeping what it found), once the server
    that started it is gone; looks every second from a thread of its own,
    so a search between two rosters stops too."""

    def look() -> None:
        while os.getppid() == server:
            time.sleep(1.0)
        _server_gone.set()
        os.kill(os.getpid(), signal.SIGINT)

    threading.Thread(target=look, name="roster-server-watch", daemon=True).start()


def _stopped(what: str) -> str:
    """How a stopped run ended, saying whether the server went away."""
    who = "the server stopped" if _server_gone.is_set() else "stopped"
    return f"{who}: kept {what}"


def _solve(store: Store, run: RunInfo, scheduler: str | None) -> None:
    def progress(p: Progress) -> None:
        store.record_progress(
            run.id, progress_line(p, hint=False), objective=p.objective, best_bound=p.bound,
            gap=p.gap,
        )  # fmt: skip

    try:
        stored = store.scenario(run.unit_id, run.version)
        scenario = stored.scenario()
        params = SolveParams(**run.params)
        # a Stop from here on ends the search keeping its best roster
        if scheduler:
            result = on_cluster(scheduler, run.id, stored.data, params, progress)
        else:
            result = solve(scenario, params, progress=progress)
    except StoreError:
        return  # the run was ended elsewhere (e.g. marked interrupted)
    except KeyboardInterrupt:
        _fail(store, run.id, "stopped before the solve began")
        return
    except InputError as exc:
        _fail(store, run.id, str(exc))
        return
    except Exception as exc:
        _fail(store, run.id, f"the solve failed: {exc}\n{traceback.format_exc()}")
        return
    # a Stop arriving now is too late to change anything: finish regardless
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    end = _stopped("the best roster found") if result.stopped_by_user else "done"
    with contextlib.suppress(StoreError):  # ended elsewhere meanwhile
        store.record_progress(run.id, f"{end}: {result.status.value}")
        store.finish_run(run.id, result, scenario)


def on_cluster(
    address: str,
    run_id: int,
    data: Mapping[str, Any],
    params: SolveParams,
    progress: Callable[[Progress], None],
) -> Result:
    """Solve scenario ``data`` on the Dask cluster at ``address``: the
    task's progress goes to ``progress`` as it comes; a Stop (SIGINT here)
    asks the task to stop, keeping its best roster."""
    try:  # the optional extra
        from dask.distributed import Client, Event, Variable
    except ImportError:
        problem = ("scheduler", "Dask is not installed here: pip install 'roster[distributed]'")
        raise InputError([problem], what=None) from None
    name = f"roster-run-{run_id}-{uuid.uuid4().hex}"
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError) as exc:
        problem = ("scheduler", f"cannot reach the Dask scheduler {address}: {exc}")
        raise InputError([problem], what=None) from None
    with client:
        halt = Event(f"{name}-stop", client=client)
        latest = Variable(f"{name}-progress", client=client)
        future = client.submit(remote_solve, json.dumps(data), params, name, key=name, pure=False)
        seen: Progress | None = None
        while not future.done():
            try:
                time.sleep(POLL)
                with contextlib.suppress(TimeoutError):
                    now = latest.get(timeout=0)
                    if now != seen:
                        seen = now
                        progress(now)
            except KeyboardInterrupt:
                halt.set()
        latest.delete()  # the scheduler keeps a variable until it is deleted
        result: Result = future.result()
        return result


def remote_solve(text: str, params: SolveParams, name: str) -> Result:
    """A solve as a Dask task (``on_cluster``'s): it posts its progress to
    the distributed ``Variable`` ``{name}-progress`` and stops, keeping its
    best roster, once the ``Event`` ``{name}-stop`` is set."""
    from dask.distributed import Event, Variable

    halt, latest = Event(f"{name}-stop"), Variable(f"{name}-progress")

    def progress(p: Progress) -> None:
        latest.set(p)
        if halt.is_set():
            raise KeyboardInterrupt  # ``solve`` stops cleanly on it

    return solve(load_text(text, "scenario.json"), params, progress=progress)


def _whatif(store: Store, run: RunInfo, scheduler: str | None) -> None:
    try:
        stored = store.scenario(run.unit_id, run.version)
        planned = plan_data(stored.data, run.params["vary"], max_variants=MAX_VARIANTS)
        params = SolveParams(time_limit=run.params["time_limit"], seed=run.params.get("seed", 0))
    except InputError as exc:
        _fail(store, run.id, str(exc))
        return
    total, done = len(planned.variants), 0

    def on_row(row: dict[str, Any]) -> None:
        nonlocal done
        done += 1
        store.record_variant(run.id, row, f"variant {done} of {total}: {variant_line(row)}")

    stopped = False
    try:
        run_variants(planned, params=params, jobs=1, scheduler=scheduler, on_row=on_row)
    except StoreError:
        return
    except KeyboardInterrupt:
        stopped = True
    except InputError as exc:
        _fail(store, run.id, str(exc))
        return
    except Exception as exc:
        _fail(store, run.id, f"the what-if failed: {exc}\n{traceback.format_exc()}")
        return
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    solved = len(store.variants(run.id))
    end = _stopped("the variants solved") if stopped else "done"
    with contextlib.suppress(StoreError):
        store.finish_whatif(
            run.id,
            {"variants": total, "solved": solved, "stopped": stopped},
            f"{end}: {solved} of {total} variants solved",
        )


def _fail(store: Store, run_id: int, error: str) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(StoreError):  # ended elsewhere already
        store.fail_run(run_id, error)


# -- the forms -----------------------------------------------------------------
def seconds(raw: str, field: str, default: float, most: float) -> float | tuple[str, str]:
    """A form's number of seconds, or its located problem."""
    raw = raw.strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        return (field, f"not a number of seconds: {raw!r}")
    if not 0 < value <= most:
        return (field, f"{raw} seconds: give more than 0, at most {most:g}")
    return value


def params_from_form(form: Mapping[str, str]) -> dict[str, Any]:
    """Solve parameters from the run form: the time limit, cover as a wish
    rather than a rule (``soft_cover``) and the random seed, every bad value
    a located problem of one ``InputError``."""
    problems: list[tuple[str, str]] = []
    limit = seconds(form.get("time_limit", ""), "time_limit", 60.0, 24 * 3600)
    if isinstance(limit, tuple):
        problems.append(limit)
        limit = 0.0
    soft = form.get("soft_cover", "").strip().lower()
    if soft not in ("", "on", "true", "yes", "1"):
        problems.append(("soft_cover", f"{soft!r}: tick the box, or leave it empty"))
    seed = whole(form.get("seed", ""), "seed", MAX_SEED)
    if isinstance(seed, tuple):
        problems.append(seed)
    if problems:
        raise InputError(problems, what=None)
    params: dict[str, Any] = {"time_limit": limit}
    if soft:
        params["soft_cover"] = True
    if seed:
        params["seed"] = seed
    return params


def whole(raw: str, field: str, most: int) -> int | tuple[str, str]:
    """A form's whole number from 0 to ``most`` (blank: 0), or its problem."""
    raw = raw.strip()
    if not raw:
        return 0
    if not raw.isdigit() or int(raw) > most:
        return (field, f"{raw!r}: give a whole number from 0 to {most}")
    return int(raw)

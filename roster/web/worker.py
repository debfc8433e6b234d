"""A solve run in its own process, so that a solve never blocks the server:
it opens the store, marks the run running, solves with the library's
``solve`` recording each progress line (``progress_line``'s words) and
finishes the run with its result, or fails it with what went wrong.

Stop is SIGINT to the process: ``solve`` turns it into a clean stop that
keeps the best roster, as Ctrl-C does in the command line.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import traceback
from multiprocessing.process import BaseProcess
from typing import Any

from roster.errors import InputError
from roster.model.solve import Progress, SolveParams, solve
from roster.result import progress_line
from roster.store import Store, StoreError, open_store

#: a fresh interpreter per solve: no database connection or lock of the
#: server's is inherited (fork would copy them)
_CONTEXT = multiprocessing.get_context("spawn")


def start(url: str, run_id: int) -> BaseProcess:
    """A worker process solving run ``run_id`` of the store at ``url``."""
    process = _CONTEXT.Process(
        target=work, args=(url, run_id, os.getpid()), name=f"roster-run-{run_id}"
    )
    # not a daemon: a solve starts processes of its own (the search, the
    # decomposition's pricing), which a daemon may not; it stops itself when
    # the server is gone instead (see ``_solve``)
    process.start()
    return process


def stop(process: BaseProcess) -> None:
    """Ask the worker to stop, keeping the best roster found (SIGINT)."""
    if process.pid is not None and process.is_alive():
        os.kill(process.pid, signal.SIGINT)


def work(url: str, run_id: int, server: int) -> None:
    """The worker's body: solve run ``run_id`` and record how it went;
    ``server``: the server's process id, whose end stops the solve."""
    # Stop is a SIGINT; a server started with SIGINT ignored (in the
    # background of a script, under a test runner) would pass that on
    signal.signal(signal.SIGINT, signal.default_int_handler)
    store = open_store(url, migrate=False)
    try:
        _solve(store, run_id, server)
    finally:
        store.close()


def _solve(store: Store, run_id: int, server: int) -> None:
    def progress(p: Progress) -> None:
        if os.getppid() != server:  # the server was killed: stop, as Stop would
            os.kill(os.getpid(), signal.SIGINT)
        store.record_progress(
            run_id, progress_line(p, hint=False), objective=p.objective, best_bound=p.bound,
            gap=p.gap,
        )  # fmt: skip

    try:
        run = store.start_run(run_id)
        scenario = store.scenario(run.unit_id, run.version).scenario()
        params = SolveParams(**run.params)
        # a Stop from here on ends the search keeping its best roster
        result = solve(scenario, params, progress=progress)
    except StoreError:
        return  # the run was ended elsewhere (e.g. marked interrupted)
    except KeyboardInterrupt:
        _fail(store, run_id, "stopped before the solve began")
        return
    except InputError as exc:
        _fail(store, run_id, str(exc))
        return
    except Exception as exc:
        _fail(store, run_id, f"the solve failed: {exc}\n{traceback.format_exc()}")
        return
    # a Stop arriving now is too late to change anything: finish regardless
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    end = "stopped: kept the best roster found" if result.stopped_by_user else "done"
    store.record_progress(run_id, f"{end}: {result.status.value}")
    store.finish_run(run_id, result, scenario)


def _fail(store: Store, run_id: int, error: str) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(StoreError):  # ended elsewhere already
        store.fail_run(run_id, error)


def params_from_form(form: dict[str, Any]) -> dict[str, Any]:
    """Solve parameters from the run form (only the time limit in this slice),
    validated by ``SolveParams``; bad values raise ``InputError``."""
    raw = str(form.get("time_limit", "") or "").strip()
    if not raw:
        return {"time_limit": 60.0}
    try:
        seconds = float(raw)
    except ValueError:
        raise StoreError("time_limit", f"not a number of seconds: {raw!r}") from None
    if not 0 < seconds <= 24 * 3600:
        raise StoreError("time_limit", f"{raw} seconds: give more than 0, at most 86400 (a day)")
    return {"time_limit": seconds}

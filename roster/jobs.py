"""Running many solves: in local worker processes, or on an existing Dask
cluster. A job carries the scenario as text, so it can cross the wire;
results come back to the caller, which writes the outputs. A job may ask for
more time when its roster is not proven close enough to the best possible.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import traceback
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, replace
from typing import Any

from roster.load import load_text
from roster.model.solve import SolveParams, solve
from roster.result import Result, SolveStatus
from roster.scenario import Scenario
from roster.validation import ScenarioError


@dataclass(frozen=True)
class Job:
    """One solve to run in a worker process or on a cluster: the scenario as
    text (so that it pickles and crosses the wire), and how to solve it."""

    key: str  #: unique within a run: the output folder's name
    text: str  #: the scenario file's text (YAML or JSON)
    source: str  #: where the text came from, for messages
    params: SolveParams
    #: solve again, longer, while the gap is above this (a fraction; None: once)
    max_gap: float | None = None
    #: seconds for all the job's solves together
    max_time: float | None = None


@dataclass
class Outcome:
    """What came back for a job: its result, or (``result`` None) ``error``,
    already worded for people: bad input, an internal error, a failed worker."""

    key: str
    result: Result | None
    error: str | None = None
    solves: int = 1  #: 2 when the job was solved again for its gap


def run_job(job: Job) -> Outcome:
    """Load and solve one job; any failure becomes the outcome's error."""
    try:
        result, solves = solve_to_gap(
            load_text(job.text, job.source), job.params, job.max_gap, job.max_time
        )
        return Outcome(job.key, result, solves=solves)
    except ScenarioError as exc:
        return Outcome(job.key, None, exc.render())
    except Exception as exc:
        where = traceback.format_exception_only(exc)[-1].strip()
        return Outcome(job.key, None, f"internal error: {where}")


#: seconds left under the cap below which solving again is not worth it
MIN_MORE = 1.0


def solve_to_gap(
    scenario: Scenario,
    params: SolveParams,
    max_gap: float | None = None,
    max_time: float | None = None,
) -> tuple[Result, int]:
    """Solve; when the gap is above ``max_gap``, solve once more for the rest
    of ``max_time``, starting from the best roster and stopping as soon as
    the gap is at most ``max_gap``. Returns the result and the solves used.

    One longer second solve rather than several short ones: each restart
    has to prove its bound again from scratch."""
    first = solve(scenario, params)
    if max_gap is None or max_time is None or not _worth_more(first, max_gap):
        return first, 1
    left = max_time - first.wall_time_s
    if left < MIN_MORE:
        return first, 1
    more = params.model_copy(
        update={"time_limit": left, "extra": {**params.extra, "relative_gap_limit": max_gap}}
    )
    return combined(first, solve(scenario, more, hint=first.roster)), 2


def _worth_more(result: Result, max_gap: float) -> bool:
    """Whether more time could bring the gap down to ``max_gap``."""
    if result.stopped_by_user or result.status == SolveStatus.INFEASIBLE:
        return False
    return result.gap is None or result.gap > max_gap


def combined(first: Result, then: Result) -> Result:
    """Two solves of the same model as one: the better roster, the higher
    bound (both bound the same optimum), the time of both. OPTIMAL only when
    that roster meets that bound: CP-SAT says OPTIMAL when it stops at its
    relative gap limit."""
    if first.objective is not None and (
        then.objective is None or first.objective <= then.objective
    ):
        kept = first
    else:  # its times from the start of the first solve
        kept = replace(
            then,
            best_solution_s=_later(then.best_solution_s, first.wall_time_s),
            first_solution_s=first.first_solution_s
            if first.roster is not None
            else _later(then.first_solution_s, first.wall_time_s),
        )
    if kept.objective is not None:
        bound = max((b for b in (first.best_bound, then.best_bound) if b is not None), default=None)
        kept = replace(
            kept,
            best_bound=bound,
            status=SolveStatus.OPTIMAL
            if bound is not None and kept.objective <= bound
            else SolveStatus.FEASIBLE,
        )
    return replace(
        kept, wall_time_s=first.wall_time_s + then.wall_time_s, stopped_by_user=then.stopped_by_user
    )


def _later(seconds: float | None, shift: float) -> float | None:
    return None if seconds is None else seconds + shift


#: CP-SAT workers per solve at the least, even when that puts more threads
#: than cores: one worker interleaves CP-SAT's portfolio of LP,
#: first-solution and neighbourhood workers in one thread and is far weaker
#: (the ward with cover soft: two solves side by side with 2 workers each on
#: 2 cores are optimal (2) in 2-5 s; one worker alone ends at 60-98 after 10 s)
MIN_SHARE = 2
#: seconds to wait for a Dask scheduler
CONNECT_TIMEOUT = 10.0


class Executor:
    """Runs jobs and yields their outcomes as they finish."""

    #: CP-SAT workers to give each solve, so solves share the cores evenly
    share: int = 1

    def run(self, jobs: list[Job]) -> Iterator[Outcome]:
        raise NotImplementedError

    def close(self) -> None:
        pass

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Local(Executor):
    """``processes`` worker processes on this machine (one: in this process)."""

    def __init__(self, processes: int | None = None):
        cores = os.cpu_count() or 1
        self.processes = max(1, processes or cores)
        self.share = max(MIN_SHARE, cores // self.processes)

    def run(self, jobs: list[Job]) -> Iterator[Outcome]:
        if self.processes == 1 or len(jobs) <= 1:
            for job in jobs:
                outcome = run_job(job)
                yield outcome
                if outcome.result is not None and outcome.result.stopped_by_user:
                    raise KeyboardInterrupt  # solve() took the Ctrl-C: stop the rest too
            return
        # spawn: a clean interpreter per worker (forking a process that runs
        # solver threads is unsafe); workers leave Ctrl-C to this process
        pool = ProcessPoolExecutor(
            min(self.processes, len(jobs)),
            mp.get_context("spawn"),
            initializer=signal.signal,
            initargs=(signal.SIGINT, signal.SIG_IGN),
        )
        pending: dict[Future[Outcome], Job] = {pool.submit(run_job, j): j for j in jobs}
        try:
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    job = pending.pop(future)
                    yield _outcome(job, future)
        finally:
            # interrupted: finished results are kept, unfinished solves stopped
            for future in pending:
                future.cancel()
            for process in list(getattr(pool, "_processes", {}).values()):
                process.terminate()
            pool.shutdown(wait=True, cancel_futures=True)


def _outcome(job: Job, future: Any) -> Outcome:
    try:
        return future.result()
    except Exception as exc:
        return Outcome(job.key, None, f"the worker failed: {exc!r}")


class Dask(Executor):
    """The jobs as tasks on an existing Dask distributed cluster."""

    def __init__(self, address: str, timeout: float | None = None):
        try:
            from dask.distributed import Client
        except ImportError:
            raise ScenarioError(
                [("scheduler", "Dask is not installed; pip install 'roster[distributed]'")],
                what="arguments",
            ) from None
        try:
            self.client = Client(address, timeout=timeout or CONNECT_TIMEOUT)
        except (OSError, TimeoutError) as exc:
            raise ScenarioError(
                [("scheduler", f"cannot reach {address}: {exc}")], what="arguments"
            ) from None
        # each solve gets the cores of its worker divided among its threads
        cores = self.client.run(os.cpu_count)
        threads = self.client.nthreads()
        self.share = max(
            MIN_SHARE,
            min((cores[w] or 1) // max(1, n) for w, n in threads.items()) if threads else 1,
        )

    def run(self, jobs: list[Job]) -> Iterator[Outcome]:
        from dask.distributed import as_completed

        futures = {self.client.submit(run_job, job, pure=False): job for job in jobs}
        try:
            for future in as_completed(list(futures)):
                yield _outcome(futures[future], future)
        finally:
            self.client.cancel([f for f in futures if not f.done()])

    def close(self) -> None:
        self.client.close()


def executor(jobs: int | None = None, scheduler: str | None = None) -> Executor:
    """Dask when ``scheduler`` is given, else ``jobs`` local processes
    (default: one per core)."""
    return Dask(scheduler) if scheduler else Local(jobs)

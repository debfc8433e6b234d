"""The server's solve processes: started, stopped, and a run whose process
died without ending it failed, saying so."""

from __future__ import annotations

import time
from multiprocessing.process import BaseProcess

from roster.store import RunInfo, Store, StoreError
from roster.web import worker


class Workers:
    """The server's solve processes, by run id."""

    def __init__(self, url: str, *, limit: int = 1, scheduler: str | None = None) -> None:
        self.url = url
        self.limit, self.scheduler = limit, scheduler
        self.processes: dict[int, BaseProcess] = {}

    def start(self, run_id: int) -> None:
        """Solve run ``run_id`` in a new process."""
        self.processes[run_id] = worker.start(self.url, run_id)

    def stop(self, run_id: int) -> bool:
        """Ask run ``run_id``'s process to stop keeping its best roster;
        False if this server runs no such process."""
        process = self.processes.get(run_id)
        if process is None or not process.is_alive():
            return False
        worker.stop(process)
        return True

    def reap(self, store: Store, run: RunInfo) -> RunInfo:
        """``run`` as it stands: a live run whose process has died without
        ending it is failed, saying so."""
        process = self.processes.get(run.id)
        if run.live and process is not None and not process.is_alive():
            process.join(0)
            try:
                return store.fail_run(
                    run.id, f"the solve's process ended unexpectedly (exit code {process.exitcode})"
                )
            except StoreError:
                return store.run(run.id)
        return run

    def shutdown(self, wait: float = 10.0) -> None:
        """Stop every live solve (each keeps its best roster) and wait for them."""
        live = [p for p in self.processes.values() if p.is_alive()]
        for process in live:
            worker.stop(process)
        deadline = time.monotonic() + wait
        for process in live:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.terminate()

"""The server's runs and their queue. A run is stored queued; at most
``limit`` run at once, each in its own process (``roster.web.worker``),
and the others wait in the store's queue, oldest first. A background thread
moves the queue on as runs end, whether or not a request arrives; a run
whose process died without ending it is failed, saying so.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from multiprocessing.process import BaseProcess

from roster.store import RunInfo, Store, StoreError
from roster.web import worker

#: seconds between looks at the queue and the running processes
POLL = 0.3

log = logging.getLogger(__name__)


class Workers:
    """The server's run processes, by run id, and the thread that starts
    queued runs as places free up (from the first run submitted)."""

    def __init__(self, url: str, *, limit: int = 1, scheduler: str | None = None) -> None:
        self.url = url
        self.limit, self.scheduler = max(1, limit), scheduler
        self.processes: dict[int, BaseProcess] = {}
        self._store: Store | None = None
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._closing = threading.Event()

    def submit(self, store: Store, run: RunInfo) -> None:
        """Run ``run`` (stored queued) when its turn comes: at once if fewer
        than ``limit`` runs are running."""
        with self._lock:
            self._store = store
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="roster-queue", daemon=True)
                self._thread.start()
        self.advance()

    def advance(self) -> None:
        """End what has ended, then start queued runs, oldest first, while
        fewer than ``limit`` run."""
        store = self._store
        if store is None:
            return
        with self._lock:
            for run_id, process in list(self.processes.items()):
                if not process.is_alive():
                    del self.processes[run_id]
                    _ended(store, run_id, process)
            if self._closing.is_set():
                return
            for run_id in store.queued():
                if len(self.processes) >= self.limit:
                    break
                try:
                    store.start_run(run_id)
                except StoreError:
                    continue  # cancelled meanwhile
                try:
                    self.processes[run_id] = worker.start(self.url, run_id, self.scheduler)
                except OSError as exc:  # no process to be had: say so rather than hang
                    store.fail_run(run_id, f"the solve's process could not start: {exc}")

    def _loop(self) -> None:
        while not self._closing.wait(POLL):
            try:
                self.advance()
            except Exception:  # a busy database: try again at the next look
                log.exception("the solve queue could not move on")

    def stop(self, run_id: int) -> bool:
        """Ask run ``run_id``'s process to stop, keeping its best roster;
        False if this server runs no such process."""
        with self._lock:
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
            self.advance()
            return store.run(run.id)
        return run

    def shutdown(self, wait: float = 10.0) -> None:
        """Start nothing more, stop every running solve (each keeps its best
        roster) and wait for them; queued runs stay queued (a restart marks
        them interrupted). A run whose process ended without recording its
        end (stopped before its solve began) is marked interrupted now."""
        self._closing.set()
        if self._thread is not None:
            self._thread.join()
        with self._lock:
            live = [p for p in self.processes.values() if p.is_alive()]
        for process in live:
            worker.stop(process)
        deadline = time.monotonic() + wait
        for process in live:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.terminate()
        if self._store is not None:  # set by the first run submitted
            with self._lock:
                ours = list(self.processes)
            self._store.mark_interrupted("the server stopped before this solve ended", run_ids=ours)


def _ended(store: Store, run_id: int, process: BaseProcess) -> None:
    """A run whose process has ended: failed if the process did not end it."""
    process.join(0)
    run = store.run(run_id)
    if run.live:
        with contextlib.suppress(StoreError):  # it ended itself after all
            store.fail_run(
                run_id, f"the solve's process ended unexpectedly (exit code {process.exitcode})"
            )

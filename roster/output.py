"""Writing a result to disk: CSV rosters, coverage, penalties, the report,
the scenario and the summary, and reading such a folder back.

Every file is written atomically (``roster.files``). A run's files are one set
(``output_set``): written into a fresh folder beside the output folder and
swapped in whole, so a reader sees the previous run's files or this run's,
never a mix.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import errno
import functools
import os
import shutil
import signal
import tempfile
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd

from roster.export import write_xlsx
from roster.files import current_umask, write_json, write_table
from roster.load import load_scenario
from roster.report import write_report
from roster.result import Result
from roster.roster import Roster
from roster.scenario import Scenario
from roster.tables import coverage_table, penalty_table, summary
from roster.validation import ScenarioError

ROSTER_FILES = (
    "roster.csv",
    "grid.csv",
    "coverage.csv",
    "penalties.csv",
    "report.html",
    "roster.xlsx",
)
#: every file a run may leave in its output folder: a folder holding only
#: these is the product's, and is replaced as a whole by the next run
#: in a batch's output folder: what was solved there (content hash and settings)
BATCH_SOURCE = ".batch-source.json"
RUN_FILES = (*ROSTER_FILES, "scenario.json", "summary.json", "changes.csv", BATCH_SOURCE)
#: present while a run's files are moved in one by one (where the folder
#: cannot be swapped whole): the folder is unfinished
UNFINISHED = ".roster-writing"
_STAGING = ".roster-new-"


def foreign_entries(folder: str | Path) -> list[str]:
    """What ``folder`` holds that no run wrote (a run replaces the folder
    whole, so it must not hold anything else)."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    ours = set(RUN_FILES) | {UNFINISHED}
    # atomic_write's temporary files and staging folders, left by a kill
    temp = (_STAGING, *(f".{name}." for name in RUN_FILES))
    return sorted(
        e.name for e in folder.iterdir() if e.name not in ours and not e.name.startswith(temp)
    )


def output_problem(folder: str | Path) -> str | None:
    """Why a run's files cannot go to ``folder`` (None: they can); asked
    before solving, so the answer does not wait for the whole time limit."""
    target = Path(folder).resolve()
    if Path.cwd().resolve().is_relative_to(target):
        return (
            f"the output folder {folder} is the current folder or holds it: a run "
            "replaces its output folder whole, so give a folder for the results, e.g. "
            "-o out/"
        )
    if target.exists() and not target.is_dir():
        return f"the output folder {folder} is a file, not a folder"
    other = foreign_entries(target)
    if other:
        shown = ", ".join(other[:3]) + (f" and {len(other) - 3} more" if len(other) > 3 else "")
        return (
            f"the output folder {folder} holds {shown}, which roster did not write: a run "
            "replaces its output folder whole (so nobody reads a mix of two runs); give a "
            "new or empty folder, or move those away"
        )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        Path(tempfile.mkdtemp(prefix=_STAGING, dir=_beside(target))).rmdir()
    except OSError as exc:
        return f"cannot write to the output folder {folder}: {exc}"
    return None


@contextmanager
def output_set(folder: str | Path) -> Iterator[Path]:
    """Write one run's files as a set: yields a fresh folder beside
    ``folder`` to write them into; leaving the block without an error puts
    that folder in ``folder``'s place in one step (an error leaves ``folder``
    as it was). Ctrl-C meanwhile is held until the set is in place: the
    writing is short and the run's result is what a stop keeps. Raises
    OSError if ``folder`` holds anything a run does not write."""
    target = Path(folder).resolve()
    problem = output_problem(target)
    if problem:
        raise OSError(errno.EEXIST, problem)
    _clear_stale(_beside(target))
    with _ctrl_c_held():
        staging = Path(tempfile.mkdtemp(prefix=f"{_STAGING}{os.getpid()}-", dir=_beside(target)))
        try:
            yield staging
            os.chmod(
                staging,
                target.stat().st_mode & 0o7777 if target.is_dir() else 0o777 & ~current_umask(),
            )
            _swap_in(staging, target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)  # this run's, or the old set after a swap


def _beside(target: Path) -> Path:
    """Where a run's files are staged: beside ``target``, or inside it when
    it is a mount point (a rename cannot cross file systems)."""
    return target if os.path.ismount(target) else target.parent


def _swap_in(staging: Path, target: Path) -> None:
    """``staging`` becomes ``target``; what ``target`` held ends in ``staging``."""
    if not target.exists():
        os.rename(staging, target)
        return
    if staging.parent != target and _exchange(staging, target):
        return
    # the folder cannot be swapped (a mount point, a file system without an
    # atomic exchange): files one by one, marked unfinished until the last
    (target / UNFINISHED).touch()
    for name in RUN_FILES:
        if not (staging / name).exists():
            (target / name).unlink(missing_ok=True)
    for entry in sorted(staging.iterdir(), key=lambda e: e.name == "summary.json"):
        os.replace(entry, target / entry.name)
    (target / UNFINISHED).unlink()


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one step (Linux ``renameat2`` with
    ``RENAME_EXCHANGE``); False where the system or file system cannot."""
    rename = getattr(_libc(), "renameat2", None)
    if rename is None:
        return False
    at_fdcwd, exchange = -100, 2
    if rename(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EXDEV, errno.EBUSY, errno.EPERM):
        return False
    raise OSError(code, os.strerror(code), str(b))


@functools.cache
def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


def _clear_stale(parent: Path) -> None:
    """Remove staging folders left by runs that were killed (their process
    is gone); a running one's is left alone."""
    for entry in parent.glob(f"{_STAGING}*"):
        pid = entry.name[len(_STAGING) :].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(entry, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


@contextmanager
def _ctrl_c_held() -> Iterator[None]:
    """Ctrl-C noted, not acted on, inside the block; delivered as usual at
    its end. (A Python handler, not a signal mask: the kernel may hand the
    signal to any thread, and Python always runs its handler in the main one.)"""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.SIG_DFL if previous is None else previous)
        if caught:
            signal.raise_signal(signal.SIGINT)


def write_result(
    result: Result,
    scenario: Scenario,
    outdir: str | Path,
    xlsx: bool = False,
    extra: Mapping[str, pd.DataFrame | dict[str, Any]] | None = None,
    changed: Mapping[tuple[str, dt.date], str] | None = None,
) -> list[Path]:
    """Write the roster files and report.html (when there is a roster; with
    ``xlsx`` also roster.xlsx), scenario.json (the scenario they belong to,
    for exports), ``extra`` (a table as CSV, a dict as JSON; e.g. repair's
    changes.csv) and summary.json, as one set (``output_set``). ``changed``
    marks a repair's changed cells in the report."""
    names = []
    with output_set(outdir) as folder:
        if result.roster is not None and result.report is not None:
            write_table(folder / "roster.csv", result.roster.table(scenario))
            write_table(folder / "grid.csv", result.roster.grid(scenario), index=True)
            write_table(folder / "coverage.csv", coverage_table(scenario, result.roster))
            write_table(folder / "penalties.csv", penalty_table(result.report))
            write_report(
                folder / "report.html", scenario, result.roster, result.report, result, changed
            )
            if xlsx:
                write_xlsx(folder / "roster.xlsx", scenario, result.roster, result.report)
        for name, content in (extra or {}).items():
            if isinstance(content, dict):
                write_json(folder / name, content)
            else:
                write_table(folder / name, content)
        write_json(
            folder / "scenario.json",
            scenario.model_dump(mode="json", by_alias=True, exclude_none=True),
        )
        write_json(folder / "summary.json", summary(result, scenario))  # the set's last file
        names = [
            *(n for n in ROSTER_FILES if (folder / n).exists()),
            *(extra or {}),
            "scenario.json",
            "summary.json",
        ]
    return [Path(outdir) / name for name in names]


def load_folder(folder: str | Path, where: str = "folder") -> tuple[Scenario, Roster]:
    """The scenario and roster of a folder ``write_result`` wrote (what
    exports and ``--history`` read); anything else, or a run stopped while
    its files moved in, is an input error at ``where``."""
    folder = Path(folder)

    def bad(why: str) -> ScenarioError:
        return ScenarioError([(where, f"{folder}: {why}")], str(folder), "roster folder")

    if not (folder / "scenario.json").is_file():
        raise bad("no scenario.json here: give a folder written by roster solve")
    if (folder / UNFINISHED).exists():
        raise bad(
            "a run was stopped while writing here, so its files may be from two runs: solve again"
        )
    if not (folder / "roster.csv").is_file():
        raise bad("no roster.csv here (the solve found no roster?)")
    scenario = load_scenario(folder / "scenario.json")
    return scenario, Roster.from_csv(folder / "roster.csv", scenario)

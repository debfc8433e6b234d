"""Solving many scenario files: each into its own folder, with a summary.

A bad file or an infeasible scenario is a row of the summary, never a reason
to stop the others. A folder holding the result of the same file content
solved with the same settings (its ``.batch-source.json``) is not solved
again (unless forced), and an interrupted batch keeps every result that
finished.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from roster.files import write_json, write_table
from roster.jobs import Job, Outcome, executor
from roster.load import load_text
from roster.model.solve import SolveParams
from roster.output import BATCH_SOURCE, UNFINISHED, output_set, write_result
from roster.result import Result, SolveStatus
from roster.scenario import Scenario
from roster.validation import ScenarioError
from roster.variants import folder_name

COLUMNS = [
    "file",
    "name",
    "status",
    "objective",
    "best_bound",
    "gap_pct",
    "wall_time_s",
    "error",
    "reused",
]
ERROR, NOT_RUN = "ERROR", "NOT_RUN"


def output_names(paths: Sequence[str | Path]) -> list[str]:
    """One folder name per file: its stem, numbered when stems repeat."""
    names: list[str] = []
    for path in paths:
        stem = folder_name(Path(path).stem) or "scenario"
        name, k = stem, 1
        while name in names:
            k += 1
            name = f"{stem}-{k}"
        names.append(name)
    return names


def row_of(result: Result | None, error: str | None = None) -> dict[str, Any]:
    """The summary columns for one solve (or for a file that failed)."""
    if result is None:
        return {"status": ERROR, "error": error}
    why = None
    if result.status == SolveStatus.INFEASIBLE:
        why = "the hard rules cannot all hold: " + "; ".join(result.explanation)
    elif result.status == SolveStatus.UNKNOWN:
        why = "no roster within the time limit"
    return {
        "status": result.status.value,
        "objective": result.objective,
        "best_bound": result.best_bound,
        "gap_pct": None if result.gap is None else round(100 * result.gap, 2),
        "wall_time_s": round(result.wall_time_s, 3),  # as summary.json has it
        "error": why,
    }


def _stored(folder: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    gap = data.get("gap")
    row = {
        "status": data.get("status"),
        "objective": data.get("objective"),
        "best_bound": data.get("best_bound"),
        "gap_pct": None if gap is None else round(100 * gap, 2),
        "wall_time_s": data.get("wall_time_s"),
        "error": data.get("error"),
    }
    if data.get("status") == SolveStatus.INFEASIBLE.value:
        row["error"] = "the hard rules cannot all hold: " + "; ".join(data.get("explanation", []))
    return row


def _write_error(folder: Path, source: str, error: str, key: dict[str, Any] | None = None) -> str:
    """An ERROR summary, alone in the folder (with, when the file could be
    read, its marker: the same content fails the same way); returns the
    error, with why the folder could not be written if it could not."""
    try:
        with output_set(folder) as staging:
            if key is not None:
                write_json(staging / BATCH_SOURCE, key)
            write_json(staging / "summary.json", {"file": source, "status": ERROR, "error": error})
    except OSError as exc:
        return f"{error}; and cannot write to {folder}: {exc.strerror or exc}"
    return error


def batch(
    paths: Sequence[str | Path],
    outdir: str | Path,
    params: SolveParams | None = None,
    *,
    jobs: int | None = None,
    scheduler: str | None = None,
    force: bool = False,
    on_row: Callable[[dict[str, Any]], None] | None = None,
) -> pd.DataFrame:
    """Solve every scenario file into ``outdir/<name>/`` and write
    ``outdir/batch.csv``; returns that table.

    ``jobs`` local processes (default: one per core) or the Dask cluster at
    ``scheduler`` run the solves; each gets an equal share of CP-SAT workers
    unless ``params.workers`` says otherwise. ``on_row`` is called with each
    row as it is known.
    """
    params = params or SolveParams()
    outdir = Path(outdir)
    names = output_names(paths)
    rows: dict[str, dict[str, Any]] = {
        name: {"file": str(path), "name": name, "status": NOT_RUN, "reused": False}
        for path, name in zip(paths, names)
    }

    def settle(name: str, values: dict[str, Any]) -> None:
        rows[name].update(values)
        if on_row is not None:
            on_row(rows[name])

    todo: list[tuple[Path, str, str]] = []
    scenarios: dict[str, Scenario] = {}
    keys: dict[str, dict[str, Any]] = {}
    for path, name in zip(map(Path, paths), names):
        folder = outdir / name
        try:  # a bad file is reported at once, not sent to a worker
            raw = path.read_bytes()
            keys[name] = _key(raw, params)
            stored = None if force else _fresh(folder, keys[name])
            if stored is not None:
                settle(name, {**stored, "reused": True})
                continue
            text = raw.decode("utf-8")
            scenarios[name] = load_text(text, str(path))
        except (OSError, UnicodeDecodeError) as exc:
            error = f"{path}: cannot read it: {exc}"
        except ScenarioError as exc:
            error = exc.render()
        except Exception as exc:  # one bad file never stops the batch
            error = f"{path}: cannot use it: {type(exc).__name__}: {exc}"
        else:
            todo.append((path, name, text))
            continue
        settle(name, row_of(None, _write_error(folder, str(path), error, keys.get(name))))

    try:
        with executor(jobs, scheduler) as ex:
            share = params if params.workers else params.model_copy(update={"workers": ex.share})
            work = [Job(name, text, str(path), share) for path, name, text in todo]
            for outcome in ex.run(work):
                _finish(outcome, rows[outcome.key]["file"], scenarios, keys, outdir, settle)
    finally:
        table = pd.DataFrame(list(rows.values())).reindex(columns=COLUMNS)
        write_table(outdir / "batch.csv", table)
    return table


def _key(raw: bytes, params: SolveParams) -> dict[str, Any]:
    """What a result depends on: the file's content and the solve settings."""
    return {
        "sha256": hashlib.sha256(raw).hexdigest(),
        "settings": params.model_dump(mode="json", exclude={"log"}),
    }


def _fresh(folder: Path, key: dict[str, Any]) -> dict[str, Any] | None:
    """The stored row when the folder holds this content solved with these
    settings (not judged by times or names: two files called ward.yaml in
    different folders are different scenarios)."""
    if (folder / UNFINISHED).exists():
        return None
    try:
        stored = json.loads((folder / BATCH_SOURCE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return _stored(folder) if stored == key else None


def _finish(
    outcome: Outcome,
    source: str,
    scenarios: dict[str, Scenario],
    keys: dict[str, dict[str, Any]],
    outdir: Path,
    settle: Callable[[str, dict[str, Any]], None],
) -> None:
    name, folder = outcome.key, outdir / outcome.key
    if outcome.result is None:
        settle(name, row_of(None, _write_error(folder, source, outcome.error or "failed")))
        return
    try:  # the worker loaded the same text; the marker is part of the set
        write_result(outcome.result, scenarios[name], folder, extra={BATCH_SOURCE: keys[name]})
    except OSError as exc:
        settle(name, row_of(None, f"{source}: cannot write to {folder}: {exc.strerror or exc}"))
        return
    settle(name, row_of(outcome.result))

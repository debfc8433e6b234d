"""Benchmark runs: the Curtois & Qu instances through the ordinary solve.

Each instance runs in a fresh child process, one after another, so that its
peak memory is its own and a crash cannot take the others with it.
"""

from __future__ import annotations

import csv
import datetime as dt
import platform
import resource
import subprocess
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

COLUMNS = [
    "instance", "staff", "days", "status", "objective", "best_bound", "best_known",
    "gap_to_best_known_pct", "gap_to_bound_pct", "first_roster_s", "best_roster_s",
    "wall_s", "peak_mb",
]


def parse_range(spec: str) -> list[int]:
    """'1-12' or '1,3,5-7' -> [1, 2, ...]."""
    out: list[int] = []
    for part in spec.split(","):
        a, _, b = part.strip().partition("-")
        out.extend(range(int(a), int(b or a) + 1))
    return out


def best_known(data_dir: Path) -> dict[str, dict[str, str]]:
    path = data_dir / "best_known.csv"
    if not path.exists():
        return {}
    with path.open() as fh:
        return {row["instance"]: row for row in csv.DictReader(fh)}


def _pct(a: float | None, b: float | None) -> float | None:
    if a is None or b is None:
        return None
    return round(100 * (a - b) / max(1.0, abs(b)), 3)


def _bound_gap_pct(objective: float | None, bound: float | None) -> float | None:
    """As ``Result.gap`` and CP-SAT: relative to the objective, so a trivial
    bound of 0 reads 100 %, not millions."""
    if objective is None or bound is None:
        return None
    return round(100 * (objective - bound) / max(1.0, abs(objective)), 3)


def run_one(path: str, time_limit: float, workers: int, seed: int, roster_out: str,
            strategy: str = "auto") -> dict[str, Any]:
    """Import, solve and export one instance (runs in a child process)."""
    from roster import SolveParams, check, load_scenario, solve
    from roster.importers.curtois import read, roster_rows

    sc = load_scenario(read(path))
    res = solve(sc, SolveParams(time_limit=time_limit, workers=workers, seed=seed,
                                explain=False, strategy=strategy))
    row: dict[str, Any] = {
        "instance": Path(path).stem, "staff": len(sc.staff), "days": sc.horizon.days,
        "status": res.status.value, "objective": res.objective, "best_bound": res.best_bound,
        "first_roster_s": _round(res.first_solution_s), "best_roster_s": _round(res.best_solution_s),
        "wall_s": _round(res.wall_time_s),
    }
    if res.roster is not None:
        assert check(sc, res.roster).total_penalty == res.objective, "check disagrees"
        Path(roster_out).parent.mkdir(parents=True, exist_ok=True)
        with open(roster_out, "w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["employee", "day", "shift"])
            w.writerows(roster_rows(res.roster.df, sc))
    row["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return row


def _round(v: float | None) -> float | None:
    return None if v is None else round(v, 2)


def bench_curtois(
    data_dir: Path,
    instances: list[int],
    time_limit: float,
    workers: int,
    seed: int,
    outdir: Path,
    on_row: Callable[[dict[str, Any]], None] | None = None,
    strategy: str = "auto",
) -> list[dict[str, Any]]:
    known = best_known(data_dir)
    rows = []
    for i in instances:
        name = f"Instance{i}"
        with ProcessPoolExecutor(max_workers=1) as pool:
            row = pool.submit(run_one, str(data_dir / f"{name}.txt"), time_limit, workers, seed,
                              str(outdir / f"{name}.csv"), strategy).result()
        ref = known.get(name, {})
        bk = float(ref["best_known_upper_bound"]) if ref.get("best_known_upper_bound") else None
        row["best_known"] = bk
        row["gap_to_best_known_pct"] = _pct(row["objective"], bk)
        row["gap_to_bound_pct"] = _bound_gap_pct(row["objective"], row["best_bound"])
        rows.append(row)
        if on_row is not None:
            on_row(row)
    return rows


def write_csv(rows: list[dict[str, Any]], path: Path) -> None:
    from roster.output import atomic_write

    def write(fh: Any) -> None:
        w = csv.DictWriter(fh, fieldnames=COLUMNS)
        w.writeheader()
        w.writerows(rows)

    atomic_write(path, write)


def markdown(rows: list[dict[str, Any]], time_limit: float, workers: int, command: str) -> str:
    import ortools

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip() or "?"
    head = (f"## Curtois & Qu — {dt.date.today()} — commit {commit} — OR-Tools "
            f"{ortools.__version__} — {platform.machine()}, {workers or 'all'} workers, "
            f"{time_limit:g} s per instance")
    lines = [head, "", f"Command: `{command}`", "",
             "| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for r in rows:
        lines.append("| " + " | ".join("" if r.get(c) is None else str(r[c]) for c in COLUMNS) + " |")
    return "\n".join(lines) + "\n"

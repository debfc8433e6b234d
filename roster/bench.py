"""Benchmark runs: the Curtois & Qu instances, and generated hospital units
(``roster.generate``), through the ordinary solve.

Each instance runs in a fresh child process, one after another, so that its
peak memory is its own and a crash cannot take the others with it. Both
suites share that machinery, the columns that describe a solve, the CSV and
the markdown; each adds only where its instances come from and how its
rosters are written for an independent checker.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import platform
import resource
import subprocess
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

from roster.checker import check
from roster.errors import InputError
from roster.files import atomic_write, safe_cell, write_scenario, write_table
from roster.generate import MIN_STAFF, name, parse_sizes, unit
from roster.importers.curtois import read, roster_rows
from roster.load import load_scenario
from roster.model.solve import SolveParams, solve
from roster.roster import Roster
from roster.scenario import Scenario

#: what every suite reports about an instance and its solve
SIZE = ["instance", "staff", "days", "status", "objective", "best_bound"]
EFFORT = ["first_roster_s", "best_roster_s", "wall_s", "peak_mb"]
COLUMNS = [*SIZE, "best_known", "gap_to_best_known_pct", "gap_to_bound_pct", *EFFORT]
UNIT_COLUMNS = [*SIZE, "gap_pct", *EFFORT]
#: short headings of the columns in a table on a terminal
LABELS = {
    "instance": "instance",
    "staff": "staff",
    "days": "days",
    "status": "status",
    "objective": "objective",
    "best_bound": "bound",
    "best_known": "best known",
    "gap_to_best_known_pct": "gap bk %",
    "gap_to_bound_pct": "gap bound %",
    "gap_pct": "gap %",
    "first_roster_s": "first s",
    "best_roster_s": "best s",
    "wall_s": "wall s",
    "peak_mb": "peak MB",
}

Row = dict[str, Any]


@dataclass(frozen=True)
class Run:
    """One instance to solve; picklable (module-level callables), so that it
    runs in a child process."""

    name: str
    load: Callable[[], Scenario]  #: builds the scenario in the child
    write: Callable[[Scenario, Roster, Path], None]  #: writes the roster for a checker
    roster_out: Path


def parse_range(spec: str) -> list[int]:
    """'1-12' or '1,3,5-7' -> [1, 2, ...]."""
    out: list[int] = []
    for part in spec.split(","):
        a, _, b = part.strip().partition("-")
        out.extend(range(int(a), int(b or a) + 1))
    return out


def instance_numbers(spec: str, data_dir: str | Path) -> list[int]:
    """The Curtois instances ``spec`` names ('1-12', '1,3,5-7'), each checked
    to be in ``data_dir``, so a typo fails before hours of solving."""
    try:
        which = parse_range(spec)
    except ValueError:
        raise InputError(
            [("instances", f"cannot read {spec!r}; write e.g. 1-12 or 1,3,5-7")], what=None
        ) from None
    missing = [i for i in which if not (Path(data_dir) / f"Instance{i}.txt").exists()]
    if missing:
        raise InputError([(f"data {data_dir}", f"no Instance{missing[0]}.txt there")], what=None)
    return which


def unit_sizes(spec: str) -> list[tuple[int, int]]:
    """The (staff, days) of the units ``spec`` asks for ('30x28,120x56' or
    'standard'), each checked to be a unit the generator can make."""
    try:
        which = parse_sizes(spec)
    except ValueError:
        raise InputError(
            [("sizes", f"cannot read {spec!r}; write e.g. 30x28,120x56 or standard")], what=None
        ) from None
    bad = [(s, d) for s, d in which if s < MIN_STAFF or not 7 <= d <= 366]
    if bad:
        staff, days = bad[0]
        raise InputError(
            [("sizes", f"{staff}x{days}: a unit has at least {MIN_STAFF} staff and 7 to 366 days")],
            what=None,
        )
    return which


def scenario_files(folder: str | Path) -> list[Path]:
    """The .yaml and .json scenarios in ``folder``, in name order (at least one)."""
    files = sorted(p for p in Path(folder).iterdir() if p.suffix in (".yaml", ".json"))
    if not files:
        raise InputError([(f"scenarios {folder}", "no .yaml or .json files there")], what=None)
    return files


def rosters_dir(output: str | Path) -> Path:
    """Where a suite's rosters go: beside its results CSV, as <name>-rosters/."""
    out_path = Path(output)
    return out_path.parent / f"{out_path.stem}-rosters"


def row_line(row: Row) -> str:
    """One finished instance as a line of progress."""
    known = f"best known {row['best_known']}, " if "best_known" in row else ""
    return (
        f"{row['instance']}: {row['status']} objective {row['objective']} "
        f"({known}bound {row['best_bound']}) in {row['wall_s']} s"
    )


def best_known(data_dir: Path) -> dict[str, dict[str, str]]:
    """The published results per instance from ``data_dir/best_known.csv``
    (its rows, as text); empty when there is no such file."""
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


def run_one(run: Run, params: SolveParams) -> Row:
    """Load, solve and write one instance (runs in a child process)."""
    sc = run.load()
    res = solve(sc, params)
    row: Row = {
        "instance": run.name,
        "staff": len(sc.staff),
        "days": sc.horizon.days,
        "status": res.status.value,
        "objective": res.objective,
        "best_bound": res.best_bound,
        "gap_pct": _bound_gap_pct(res.objective, res.best_bound),
        "first_roster_s": _round(res.first_solution_s),
        "best_roster_s": _round(res.best_solution_s),
        "wall_s": _round(res.wall_time_s),
    }
    if res.roster is not None:
        assert check(sc, res.roster).total_penalty == res.objective, "check disagrees"
        run.roster_out.parent.mkdir(parents=True, exist_ok=True)
        run.write(sc, res.roster, run.roster_out)
    row["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return row


def solve_each(
    runs: Iterable[Run],
    params: SolveParams,
    on_row: Callable[[Row], None] | None = None,
    extend: Callable[[Row], None] | None = None,
) -> list[Row]:
    """Solve the runs one after another, each in a fresh child process;
    ``extend`` adds a suite's own columns to a row before ``on_row`` sees it."""
    rows = []
    for run in runs:
        with ProcessPoolExecutor(max_workers=1) as pool:
            row = pool.submit(run_one, run, params).result()
        if extend is not None:
            extend(row)
        rows.append(row)
        if on_row is not None:
            on_row(row)
    return rows


def _round(v: float | None) -> float | None:
    return None if v is None else round(v, 2)


def _curtois_scenario(path: str) -> Scenario:
    return load_scenario(read(path))


def _curtois_roster(sc: Scenario, roster: Roster, path: Path) -> None:
    """The benchmark's own layout, employee,day,shift (0-based day)."""
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["employee", "day", "shift"])
        w.writerows(roster_rows(roster.df, sc))


def bench_curtois(
    data_dir: Path,
    instances: list[int],
    params: SolveParams,
    outdir: Path,
    on_row: Callable[[Row], None] | None = None,
) -> list[Row]:
    """Solve ``Instance<i>.txt`` from ``data_dir`` and write each roster in the
    benchmark's own layout to ``outdir``; rows add the best known objective and
    the gap to it (``gap_pct`` is renamed ``gap_to_bound_pct``)."""
    known = best_known(data_dir)

    def extend(row: Row) -> None:
        ref = known.get(row["instance"], {})
        bk = float(ref["best_known_upper_bound"]) if ref.get("best_known_upper_bound") else None
        row["best_known"] = bk
        row["gap_to_best_known_pct"] = _pct(row["objective"], bk)
        # two gaps here: the name says which
        row["gap_to_bound_pct"] = row.pop("gap_pct")

    runs = [
        Run(
            f"Instance{i}",
            functools.partial(_curtois_scenario, str(data_dir / f"Instance{i}.txt")),
            _curtois_roster,
            outdir / f"Instance{i}.csv",
        )
        for i in instances
    ]
    return solve_each(runs, params, on_row, extend)


def _scenario_file(path: str) -> Scenario:
    return load_scenario(path)


def _roster_csv(sc: Scenario, roster: Roster, path: Path) -> None:
    """As ``roster solve`` writes roster.csv, which ``roster check`` reads."""
    write_table(path, roster.table(sc))


def unit_files(
    sizes: list[tuple[int, int]], seed: int, outdir: Path, short: bool = False
) -> list[Path]:
    """Generate the units (``short``-staffed or not) and write them as
    scenario files into ``outdir`` (beside their rosters, so that ``roster
    check`` can score each)."""
    paths = []
    for staff, days in sizes:
        path = outdir / f"{name(staff, days, seed, short)}.yaml"
        write_scenario(unit(staff, days, seed, short=short), path)
        paths.append(path)
    return paths


def bench_units(
    scenarios: list[Path],
    params: SolveParams,
    outdir: Path,
    on_row: Callable[[Row], None] | None = None,
) -> list[Row]:
    """Solve scenario files (generated units, or any others) and write each
    roster as ``outdir/<stem>.csv``."""
    runs = [
        Run(
            p.stem, functools.partial(_scenario_file, str(p)), _roster_csv, outdir / f"{p.stem}.csv"
        )
        for p in scenarios
    ]
    return solve_each(runs, params, on_row)


def write_csv(rows: list[Row], path: Path, columns: list[str] = COLUMNS) -> None:
    """The rows as CSV, these columns only, written atomically and with text a
    spreadsheet would run as a formula made safe."""

    def write(fh: Any) -> None:
        w = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
        w.writeheader()
        w.writerows({k: safe_cell(v) for k, v in row.items()} for row in rows)

    atomic_write(path, write)


def markdown(
    rows: list[Row], title: str, columns: list[str], time_limit: float, workers: int, command: str
) -> str:
    """The rows as a markdown table, headed with what a result depends on
    (date, git commit, OR-Tools version, machine, workers, time limit) and the
    command that reproduces it."""
    commit = (
        subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True
        ).stdout.strip()
        or "?"
    )
    head = (
        f"## {title} — {dt.date.today()} — commit {commit} — OR-Tools "
        f"{version('ortools')} — {platform.machine()}, {workers or 'all'} workers, "
        f"{time_limit:g} s per instance"
    )
    lines = [
        head,
        "",
        f"Command: `{command}`",
        "",
        "| " + " | ".join(columns) + " |",
        "|" + "---|" * len(columns),
    ]
    for r in rows:
        lines.append(
            "| " + " | ".join("" if r.get(c) is None else str(r[c]) for c in columns) + " |"
        )
    return "\n".join(lines) + "\n"

"""Issue 4's figures: what-if in parallel against one after another, and a
200-scenario batch with a bad file and an infeasible scenario among them.

    python benchmarks/whatif_batch.py [--time-limit 10] [--scenarios 200] [--no-append]

1. The 8 variants of the one-week ward (`staff.RN=-1,0`, `staff.NA=-1,0`,
   `demand.RN.15:00-07:00=1,1.3`) solved by `roster whatif --jobs 1` (one
   after another) and `--jobs 2`, side by side in one run, with the same
   solve parameters (time limit, seed, CP-SAT workers per solve): with 1
   worker per solve both do the same CP-SAT work; with 2 (the default for 2
   jobs on 2 cores) two solves at a time share the cores.
2. `roster batch --jobs 2` over variants of the small test ward plus a broken file and
   an infeasible scenario; the summary must list both and every other file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import ortools
import pandas as pd

from roster import load_scenario
from roster.load import read_data
from roster.variants import apply

HERE = Path(__file__).parent
ROOT = HERE.parent
SMALL = ROOT / "tests" / "data" / "small.yaml"

VARY = ["staff.RN=-1,0", "staff.NA=-1,0", "demand.RN.15:00-07:00=1,1.3"]


def roster(*args: str) -> float:
    """Run the CLI; returns its wall time."""
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "roster.cli", *args],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - t0


def whatif_rows(tmp: Path, time_limit: float) -> list[str]:
    """Each CP-SAT set-up one after another (--jobs 1) and two at a time."""
    ward = str(ROOT / "scenarios" / "medical-ward.yaml")
    vary = [a for spec in VARY for a in ("--vary", spec)]
    lines = [
        "| CP-SAT workers per solve | jobs | wall s | ratio to jobs 1 | variants optimal "
        "| objectives |",
        "|---|---|---|---|---|---|",
    ]
    for workers in (1, 2):
        walls = {}
        for jobs in (1, 2):
            out = tmp / f"whatif-{workers}-{jobs}"
            walls[jobs] = roster(
                "whatif",
                ward,
                *vary,
                "-o",
                str(out),
                "--time-limit",
                str(time_limit),
                "--jobs",
                str(jobs),
                "--workers",
                str(workers),
            )
            table = pd.read_csv(out / "whatif.csv")
            optimal = int((table["status"] == "OPTIMAL").sum())
            objectives = " ".join("-" if pd.isna(x) else str(int(x)) for x in table["objective"])
            lines.append(
                f"| {workers} | {jobs} | {walls[jobs]:.1f} | "
                f"{walls[jobs] / walls[1]:.2f} | {optimal} of {len(table)} | "
                f"{objectives} |"
            )
    return lines


def batch_rows(tmp: Path, n: int, time_limit: float) -> list[str]:
    folder = tmp / "wards"
    folder.mkdir()
    files = []
    data = read_data(SMALL)
    base = load_scenario(data)
    for i in range(n):  # the small test ward, with random staff, cover and leave
        rng = random.Random(i)
        values = {
            "staff.RN": rng.choice(["0", "+1", "+2", "+3"]),
            "demand.RN.E": rng.choice(["1", "+1"]),
            "leave.C": rng.choice(["-", "2026-12-12", "2026-12-11..2026-12-12"]),
        }
        path = folder / f"ward-{i:03d}.json"
        path.write_text(json.dumps(apply(data, base, values)))
        files.append(path)
    broken = folder / "broken.yaml"
    broken.write_text("horizon: {start: 2026-12-07, days: 7}\nshifts: [{id: E}]\n")
    infeasible = ROOT / "scenarios" / "infeasible-ward.yaml"
    files[n // 3 : n // 3] = [broken]
    files[2 * n // 3 : 2 * n // 3] = [infeasible]
    out = tmp / "batch"
    wall = roster(
        "batch", *map(str, files), "-o", str(out), "--jobs", "2", "--time-limit", str(time_limit)
    )
    table = pd.read_csv(out / "batch.csv")
    listed = set(table["file"]) == {str(f) for f in files}
    counts = ", ".join(f"{k} {v}" for k, v in table["status"].value_counts().items())
    again = roster(
        "batch", *map(str, files), "-o", str(out), "--jobs", "2", "--time-limit", str(time_limit)
    )
    reused = int(pd.read_csv(out / "batch.csv")["reused"].sum())
    return [
        "| files | wall s | statuses | every file listed | broken file | infeasible "
        "| rerun s (reused) |",
        "|---|---|---|---|---|---|---|",
        f"| {len(files)} | {wall:.1f} | {counts} | {listed} | "
        f"{table.loc[table['file'] == str(broken), 'status'].item()} | "
        f"{table.loc[table['file'] == str(infeasible), 'status'].item()} | "
        f"{again:.1f} ({reused}) |",
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--time-limit", type=float, default=10.0, help="seconds per what-if variant")
    ap.add_argument("--scenarios", type=int, default=200)
    ap.add_argument("--batch-time-limit", type=float, default=5.0)
    ap.add_argument("--no-append", action="store_true")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="roster-bench-"))
    try:
        whatif_lines = whatif_rows(tmp, args.time_limit)
        batch_lines = batch_rows(tmp, args.scenarios, args.batch_time_limit)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    head = (
        f"## What-if and batch (issue 4) — {dt.date.today()} — commit {commit} — OR-Tools "
        f"{ortools.__version__} — {platform.machine()}, 2 cores"
    )
    text = "\n".join(
        [
            head,
            "",
            f"`roster whatif scenarios/medical-ward.yaml {' '.join('--vary ' + v for v in VARY)} "
            f"--time-limit {args.time_limit:g}` (8 variants):",
            "",
            *whatif_lines,
            "",
            f"`roster batch` over {args.scenarios} variants of the 4-day test ward, a broken file "
            "and "
            f"an infeasible scenario, `--jobs 2 --time-limit {args.batch_time_limit:g}`:",
            "",
            *batch_lines,
            "",
        ]
    )
    print(text)
    if not args.no_append:
        with (HERE / "RESULTS.md").open("a") as fh:
            fh.write(
                f"\n{text}\nCommand: `python benchmarks/whatif_batch.py "
                f"--time-limit {args.time_limit:g} --scenarios {args.scenarios}`\n"
            )


if __name__ == "__main__":
    main()

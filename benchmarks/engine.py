"""Figures for the roster engine (issue 2), printed as a table and appended
to benchmarks/RESULTS.md.

    python benchmarks/engine.py [--workers 2] [--no-append]

- the one-week medical ward: time to proven optimality;
- the four-week ICU: gap after 60 s;
- model building for the generated 100-staff, 28-day unit (roster.generate; before
  it, figures were for a simpler synthetic ward): time and peak memory
  (measured in a fresh process, so the figure is the builder's own).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import subprocess
import sys
import textwrap
from pathlib import Path

import ortools

from roster import SolveParams, check, load_scenario, solve

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

BUILD_PROBE = textwrap.dedent(
    """
    import json, resource, sys, time
    from roster.generate import unit
    from roster import load_scenario
    from roster.model.build import build
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    sc = load_scenario(unit({staff}, {days}))
    ctx = build(sc)
    t1 = time.perf_counter()
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({{"seconds": t1 - t0, "peak_mb": after / 1024,
                      "growth_mb": (after - before) / 1024,
                      "variables": len(ctx.model.proto.variables),
                      "constraints": len(ctx.model.proto.constraints)}}))
    """
)


def solve_row(name: str, path: Path, time_limit: float, workers: int) -> dict:
    sc = load_scenario(path)
    res = solve(sc, SolveParams(time_limit=time_limit, workers=workers, seed=0))
    agree = None
    if res.roster is not None:
        agree = check(sc, res.roster).total_penalty == res.objective
    return {
        "case": name,
        "staff": len(sc.staff),
        "days": sc.horizon.days,
        "status": res.status.value,
        "objective": res.objective,
        "bound": res.best_bound,
        "gap_%": None if res.gap is None else round(100 * res.gap, 3),
        "first_s": None if res.first_solution_s is None else round(res.first_solution_s, 2),
        "wall_s": round(res.wall_time_s, 2),
        "check_agrees": agree,
    }


def build_row(staff: int, days: int) -> dict:
    code = BUILD_PROBE.format(staff=staff, days=days)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    data = json.loads(out.stdout)
    return {
        "case": f"build unit-{staff}x{days}",
        "seconds": round(data["seconds"], 2),
        "peak_mb": round(data["peak_mb"]),
        "variables": data["variables"],
        "constraints": data["constraints"],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--no-append", action="store_true")
    args = ap.parse_args()
    rows = [
        solve_row("medical-ward (1 week)", ROOT / "scenarios/medical-ward.yaml", 60, args.workers),
        solve_row("icu-4-weeks (60 s)", ROOT / "scenarios/icu-4-weeks.yaml", 60, args.workers),
    ]
    builds = [build_row(100, 28)]
    lines = [
        "| case | staff | days | status | objective | bound | gap % | first roster s | wall s "
        "| check = objective |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            "| "
            + " | ".join(
                str(r[k])
                for k in (
                    "case",
                    "staff",
                    "days",
                    "status",
                    "objective",
                    "bound",
                    "gap_%",
                    "first_s",
                    "wall_s",
                    "check_agrees",
                )
            )
            + " |"
        )
    lines += [
        "",
        "| case | seconds | peak memory MB | variables | constraints |",
        "|---|---|---|---|---|",
    ]
    for b in builds:
        lines.append(
            f"| {b['case']} | {b['seconds']} | {b['peak_mb']} | {b['variables']} | "
            f"{b['constraints']} |"
        )
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    head = (
        f"## Engine figures — {dt.date.today()} — commit {commit} — OR-Tools "
        f"{ortools.__version__} — {platform.machine()}, {args.workers} workers, "
        f"Python {platform.python_version()}"
    )
    text = "\n".join([head, "", *lines, ""])
    print(text)
    if not args.no_append:
        results = HERE / "RESULTS.md"
        if not results.exists():
            results.write_text(
                "# Benchmark results\n\nNewest last. Produced by the scripts in "
                "this folder; see each section's heading for the command.\n\n"
            )
        with results.open("a") as fh:
            fh.write(f"\n{text}\nCommand: `python benchmarks/engine.py --workers {args.workers}`\n")


if __name__ == "__main__":
    main()

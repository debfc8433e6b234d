"""What the issue-3 techniques move, measured side by side in one run.

1. ``model``: size, build time and peak memory of the whole CP-SAT model for
   Curtois instances (the figures before grouped successions and variable
   elimination are in RESULTS.md: Instance24 took 4.5 min and 10.4 GB).
2. ``subsolvers``: CP-SAT's default pair of workers against ``max_lp`` +
   ``core`` on the same neighbourhood sub-models (3 staff x 28 days of
   Instance13 around a roster built by the search), time to optimality.
3. ``strategy``: CP-SAT alone against the default (CP-SAT, neighbourhood
   search, CP-SAT for the bound) on whole instances, same time and seed.
4. ``construct``: the first roster, built one person at a time in 2
   processes: wall time, the soft-cover score, and how the steps went.

Usage: python benchmarks/techniques.py model|subsolvers|strategy|construct [--instances 5,8]
       [--time-limit 60]     (instance 0 = the generated unit-100x28)
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "curtois"


def _scenario(i: int):  # type: ignore[no-untyped-def]
    """Curtois InstanceN; 0 = the generated 100-staff, 4-week unit."""
    from roster import load_scenario
    from roster.importers.curtois import read

    if i == 0:
        from roster.generate import unit

        return load_scenario(unit(100, 28))
    return load_scenario(read(DATA / f"Instance{i}.txt"))


def _model(i: int) -> str:
    from roster.model.build import build

    sc = _scenario(i)
    t = time.perf_counter()
    ctx = build(sc)
    seconds = time.perf_counter() - t
    proto = ctx.model.proto
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return (
        f"| Instance{i} | {len(sc.staff)} | {sc.horizon.days} | {len(proto.variables)} | "
        f"{len(proto.constraints)} | {seconds:.1f} | {peak:.0f} |"
    )


def model(instances: list[int]) -> None:
    print("| instance | staff | days | variables | constraints | build s | peak MB |")
    print("|---|---|---|---|---|---|---|")
    for i in instances:  # one process each: its own peak memory
        with ProcessPoolExecutor(1) as pool:
            print(pool.submit(_model, i).result(), flush=True)


def subsolvers(instances: list[int], seeds: int = 5, limit: float = 8.0) -> None:
    from ortools.sat.python import cp_model

    from roster.model.build import build
    from roster.model.lns import Search, tune

    for i in instances:
        sc = _scenario(i)
        search = Search(sc, workers=2, seed=0)
        roster = search.construct(time.perf_counter() + 120)
        assert roster is not None
        print(f"\nInstance{i}: sub-models of 3 staff x 28 days, 2 workers, {limit:g} s limit")
        print("| seed | workers | status | objective | bound | seconds |")
        print("|---|---|---|---|---|---|")
        for seed in range(1, seeds + 1):
            rng = random.Random(seed)
            staff = rng.sample(range(len(sc.staff)), 3)
            cells = [(s, d) for s in staff for d in range(min(28, sc.horizon.days))]
            ctx = build(sc, soft_cover=True, free=cells, pinned=roster)
            for name in ("default", "max_lp + core"):
                solver = cp_model.CpSolver()
                if name == "default":
                    solver.parameters.num_workers = 2
                else:
                    tune(solver.parameters, 2)
                solver.parameters.max_time_in_seconds = limit
                t = time.perf_counter()
                code = solver.solve(ctx.model)
                print(
                    f"| {seed} | {name} | {solver.status_name(code)} | "
                    f"{solver.objective_value:g} | {solver.best_objective_bound:g} | "
                    f"{time.perf_counter() - t:.2f} |",
                    flush=True,
                )


def _solve(i: int, strategy: str, limit: float) -> str:
    from roster import SolveParams, solve

    sc = _scenario(i)
    r = solve(
        sc, SolveParams(time_limit=limit, workers=2, seed=0, explain=False, strategy=strategy)
    )
    name = f"Instance{i}" if i else "ward 100 x 28"
    return (
        f"| {name} | {strategy} | {r.status.value} | {r.objective} | {r.best_bound} | "
        f"{r.best_solution_s and round(r.best_solution_s, 1)} | {r.wall_time_s:.1f} |"
    )


def strategy(instances: list[int], limit: float) -> None:
    print(f"| instance | strategy | status | objective | bound | best s | wall s |  ({limit:g} s)")
    print("|---|---|---|---|---|---|---|")
    for i in instances:
        for name in ("cpsat", "lns", "auto"):
            with ProcessPoolExecutor(1) as pool:
                print(pool.submit(_solve, i, name, limit).result(), flush=True)


def _construct(i: int, limit: float) -> str:
    from collections import Counter

    from roster.checker import check
    from roster.model.lns import Search

    sc = _scenario(i)
    search = Search(sc, workers=2, seed=0)
    t = time.perf_counter()
    cells = search.construct(t + limit, processes=2)
    seconds = time.perf_counter() - t
    score = (
        "none" if cells is None else check(sc, search.roster(cells), soft_cover=True).total_penalty
    )
    steps = Counter(step.status for step in search.steps)
    return (
        f"| Instance{i} | {len(sc.staff)} | {sc.horizon.days} | {seconds:.1f} | {score} | "
        f"{len(search.steps)} | {', '.join(f'{k} {v}' for k, v in sorted(steps.items()))} |"
    )


def construct(instances: list[int], limit: float) -> None:
    print(
        f"| instance | staff | days | seconds | soft score | steps | step status |  "
        f"(limit {limit:g} s)"
    )
    print("|---|---|---|---|---|---|---|")
    for i in instances:
        with ProcessPoolExecutor(1) as pool:
            print(pool.submit(_construct, i, limit).result(), flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("what", choices=["model", "subsolvers", "strategy", "construct"])
    ap.add_argument("--instances", default=None)
    ap.add_argument("--time-limit", type=float, default=60.0)
    args = ap.parse_args()
    default = {
        "model": "13,20,21,24",
        "subsolvers": "13",
        "strategy": "5,8,13",
        "construct": "21,22,23,24",
    }[args.what]
    instances = [int(x) for x in (args.instances or default).split(",")]
    if args.what == "model":
        model(instances)
    elif args.what == "subsolvers":
        subsolvers(instances)
    elif args.what == "construct":
        construct(instances, args.time_limit)
    else:
        strategy(instances, args.time_limit)


if __name__ == "__main__":
    sys.exit(main())

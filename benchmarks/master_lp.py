"""The master LP's solver: GLOP (OR-Tools math_opt, what roster uses) against
HiGHS (highspy, installed separately), side by side on the same column
generation.

    python benchmarks/master_lp.py SCENARIO.yaml [--seconds 60] [--workers 2]

Column generation runs once (as ``roster`` runs it) and records the
columns each round added. Both solvers then replay it: the same rows, the
same columns added round by round, a re-solve after each round, warm where
the solver allows (HiGHS keeps its basis; GLOP through math_opt's
incremental solver). Printed: rounds, total and largest re-solve time, and
the final LP value of each (they must agree).
"""

from __future__ import annotations

import argparse
import math
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from roster import load_scenario  # noqa: E402
from roster.model.colgen import ColumnGeneration  # noqa: E402
from roster.model.colgen.master import Master  # noqa: E402
from roster.model.colgen.pricing import Column  # noqa: E402
from roster.model.colgen.rows import Rows  # noqa: E402


def record(
    scenario_path: str, seconds: float, workers: int
) -> tuple[Rows, int, list[list[Column]]]:
    """Column generation as ``roster`` runs it; the columns of each round."""
    sc = load_scenario(scenario_path)
    rounds: list[list[Column]] = []
    with ColumnGeneration(sc, processes=workers) as cg:
        add = cg.master.add

        def keep(columns: list[Column]) -> None:
            rounds.append(list(columns))
            add(columns)

        cg.master.add = keep  # type: ignore[method-assign]
        cg.run(time.perf_counter() + seconds, threading.Event())
    return cg.rows, len(sc.staff), rounds


def replay_highs(rows: Rows, people: int, rounds: list[list[Column]]) -> tuple[float, list[float]]:
    """The same master in HiGHS (``pip install highspy``), warm re-solves."""
    import highspy
    import numpy as np

    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    inf, none = highspy.kHighsInf, (np.array([], dtype=np.int32), np.array([]))
    for _ in range(people):
        h.addRow(1.0, 1.0, 0, *none)
    for row in rows.rows:
        h.addRow(*((float(row.rhs), inf) if row.sense > 0 else (-inf, float(row.rhs))), 0, *none)
    for i, row in enumerate(rows.rows):
        h.addCol(
            row.cost,
            0.0,
            inf,
            1,
            np.array([people + i], dtype=np.int32),
            np.array([float(row.sense)]),
        )
    times, seen, value = [], set(), math.nan
    for cols in rounds:
        for col in cols:
            counts = rows.counts(col.staff, col.cells)
            idx = np.array([col.staff, *(people + i for i in counts)], dtype=np.int32)
            h.addCol(
                float(col.cost),
                0.0,
                inf,
                len(idx),
                idx,
                np.array([1.0, *map(float, counts.values())]),
            )
            seen.add(col.staff)
        if len(seen) < people:
            continue
        start = time.perf_counter()
        h.run()
        times.append(time.perf_counter() - start)
        value = h.getInfo().objective_function_value
    return value, times


def replay_glop(rows: Rows, people: int, rounds: list[list[Column]]) -> tuple[float, list[float]]:
    """roster's own master: GLOP through math_opt's incremental solver."""
    master = Master(rows, people)
    times, seen, value = [], set(), math.nan
    for cols in rounds:
        master.add(cols)
        seen.update(c.staff for c in cols)
        if len(seen) < people:
            continue
        start = time.perf_counter()
        value, *_ = master.solve()
        times.append(time.perf_counter() - start)
    return value, times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario")
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    rows, people, rounds = record(args.scenario, args.seconds, args.workers)
    columns = sum(len(r) for r in rounds)
    print(
        f"{Path(args.scenario).name}: {len(rows.rows)} rows, {people} people, "
        f"{len(rounds)} rounds, {columns} columns"
    )
    print("| solver | re-solves | total s | largest s | final LP |")
    print("|---|---|---|---|---|")
    for name, replay in (
        ("GLOP (math_opt, incremental)", replay_glop),
        ("HiGHS (highspy, warm)", replay_highs),
    ):
        value, times = replay(rows, people, rounds)
        print(f"| {name} | {len(times)} | {sum(times):.2f} | {max(times):.3f} | {value:.3f} |")


if __name__ == "__main__":
    main()

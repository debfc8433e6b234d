"""kill -9 and Ctrl-C at random moments during solves: every output folder
must hold one run's files, old or new, never a mix.

Each trial runs ``roster solve --xlsx`` on a generated unit into the same
folder (a new seed each time, so runs differ) and stops it with SIGKILL or
SIGINT after a random delay: half the delays spread over the whole run, half
over its last half second, where the files are written. Then it checks the
folder: nothing but a run's files, no unfinished marker, ``check`` of its
roster.csv equal to summary.json's objective and to penalties.csv's total,
and no traceback. A run killed with -9 may leave its staging folder beside
the output (never in it); the next run must clear it, and none may be left at
the end.

    python benchmarks/kill.py --trials 50
"""

from __future__ import annotations

import argparse
import json
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from roster import check, load_scenario
from roster.files import write_scenario
from roster.generate import unit
from roster.output import UNFINISHED, foreign_entries
from roster.roster import Roster


def consistent(out: Path, killed: bool) -> str | None:
    """Why the folder is not one run's complete set (None: it is)."""
    if foreign_entries(out) or (out / UNFINISHED).exists():
        return f"stray entries: {sorted(p.name for p in out.iterdir())}"
    if len(list(out.parent.glob(".roster-*"))) > killed:
        return "staging folders left beside the output"
    summary = json.loads((out / "summary.json").read_text())
    if summary["objective"] is None:
        return None if not (out / "roster.csv").exists() else "a roster without an objective"
    sc = load_scenario(out / "scenario.json")
    total = check(sc, Roster.from_csv(out / "roster.csv", sc)).total_penalty
    listed = int(pd.read_csv(out / "penalties.csv")["penalty"].sum())
    if not total == listed == summary["objective"]:
        return f"check {total}, penalties.csv {listed}, summary {summary['objective']}"
    if not (out / "roster.xlsx").exists() or not (out / "report.html").exists():
        return "a file of the set is missing"
    return None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--trials", type=int, default=50)
    ap.add_argument("--staff", type=int, default=30)
    ap.add_argument("--days", type=int, default=28)
    ap.add_argument("--time-limit", type=float, default=6.0)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "unit.yaml"
        write_scenario(unit(args.staff, args.days, 1), path)
        out = Path(tmp) / "runs" / "out"
        command = Path(sys.executable).with_name("roster")  # as installed: its start-up too
        base = [
            str(command),
            "solve",
            str(path),
            "-o",
            str(out),
            "--xlsx",
            "--time-limit",
            str(args.time_limit),
            "--workers",
            "1",
            "--quiet",
        ]
        began = time.perf_counter()
        subprocess.run([*base, "--seed", "9999"], capture_output=True, check=True)
        whole = time.perf_counter() - began
        print(
            f"one run: {whole:.2f} s ({args.staff} staff x {args.days} days, "
            f"--time-limit {args.time_limit:g}, --workers 1, --xlsx)"
        )
        counts: dict[str, int] = {}
        bad = []
        for trial in range(args.trials):
            sig = rng.choice([signal.SIGKILL, signal.SIGINT])
            delay = (
                rng.uniform(0, whole)
                if trial % 2 == 0
                else rng.uniform(max(0.0, whole - 0.5), whole + 0.1)
            )
            inode = out.stat().st_ino
            proc = subprocess.Popen(  # Ctrl-C as a terminal sends it
                [*base, "--seed", str(trial)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
            )
            try:
                proc.wait(timeout=delay)
            except subprocess.TimeoutExpired:
                proc.send_signal(sig)
            stderr = proc.communicate(timeout=120)[1].decode()
            fresh = out.stat().st_ino != inode
            outcome = (
                f"{'finished' if proc.returncode == 0 else signal.Signals(sig).name}, "
                f"{'new' if fresh else 'old'} set"
            )
            counts[outcome] = counts.get(outcome, 0) + 1
            problem = consistent(out, proc.returncode == -signal.SIGKILL)
            if "Traceback" in stderr:
                problem = "traceback: " + stderr[-300:]
            if proc.returncode not in (0, 3, 4, -9, -2, 130):  # -2: SIGINT before Python starts
                problem = f"exit code {proc.returncode}"
            if problem:
                bad.append(f"trial {trial} ({outcome}, {delay:.2f} s): {problem}")
        subprocess.run([*base, "--seed", "9998"], capture_output=True, check=True)
        if list(out.parent.glob(".roster-*")):
            bad.append("a killed run's staging folder outlived the next run")
        for outcome, n in sorted(counts.items()):
            print(f"{n:3d}  {outcome}")
        print(f"{args.trials - len(bad)} of {args.trials} folders were one run's complete set")
        for line in bad:
            print("  " + line)
        sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()

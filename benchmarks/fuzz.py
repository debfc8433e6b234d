"""The fuzz suite run long: byte-level mutations of the shipped examples
through ``roster validate`` and ``roster solve`` (tests/test_fuzz.py, which
CI runs for a few dozen examples), repeated with fresh seeds until the time
is up. Prints one line per round and the peak memory of the runs.

    python benchmarks/fuzz.py [--minutes 30] [--examples 300]

Exit 1 at the first round that finds a traceback, a hang (a round's
examples over their deadline) or an exit code other than 0, 2, 3, 4.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=30.0)
    ap.add_argument("--examples", type=int, default=300, help="per round and test")
    args = ap.parse_args()
    end = time.monotonic() + 60 * args.minutes
    rounds = 0
    while time.monotonic() < end:
        rounds += 1
        began = time.monotonic()
        env = {**os.environ, "ROSTER_FUZZ_EXAMPLES": str(args.examples)}
        # not derandomized above 40 examples: each round draws new cases
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-x",
                "-p",
                "no:cacheprovider",
                str(ROOT / "tests" / "test_fuzz.py"),
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=max(60.0, end - time.monotonic() + 600),
        )
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(
            f"round {rounds}: exit {proc.returncode} in {time.monotonic() - began:.0f} s, "
            f"peak {peak:.0f} MB",
            flush=True,
        )
        if proc.returncode != 0:
            print(proc.stdout[-4000:])
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

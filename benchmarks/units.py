"""Write generated hospital units as scenario files (see roster/generate.py).

    python benchmarks/units.py -o units/ [--sizes standard | 30x28,120x56] [--seed 0]
                                         [--long-days yes|no] [--short-staffed]

Each unit goes to <OUT>/<name>.yaml (unit-30x28.yaml, unit-30x28-s3.yaml for
seed 3, unit-30x28-short.yaml short-staffed); ``roster solve`` or ``roster bench units
--scenarios OUT`` reads them.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from roster.files import write_scenario
from roster.generate import name, parse_sizes, unit


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("-o", "--output", required=True, type=Path, help="folder for the YAML files")
    ap.add_argument("--sizes", default="standard", help="'standard' or STAFFxDAYS,...")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--long-days", choices=["yes", "no"], help="default: the seed decides")
    ap.add_argument(
        "--short-staffed",
        action="store_true",
        help="preferred cover above what the staff can work (as in INRC-II)",
    )
    args = ap.parse_args()
    long_days = None if args.long_days is None else args.long_days == "yes"
    for staff, days in parse_sizes(args.sizes):
        path = args.output / f"{name(staff, days, args.seed, args.short_staffed)}.yaml"
        write_scenario(unit(staff, days, args.seed, long_days, args.short_staffed), path)
        print(path)


if __name__ == "__main__":
    main()

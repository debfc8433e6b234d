"""The bench commands: benchmark suites solved one instance after another."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from roster.bench import (
    COLUMNS,
    LABELS,
    UNIT_COLUMNS,
    Row,
    bench_curtois,
    bench_units,
    instance_numbers,
    markdown,
    rosters_dir,
    row_line,
    scenario_files,
    unit_files,
    unit_sizes,
    write_csv,
)
from roster.cli.common import (
    SEED,
    STRATEGIES,
    WORKERS,
    err,
    load,
    main,
    options,
    out,
    output_file,
    time_limit,
)
from roster.model.solve import SolveParams


@main.group()
def bench() -> None:
    """Run benchmark suites."""


#: the options every benchmark suite takes: how to solve, where to write
bench_options = options(
    time_limit(60.0, "Seconds per instance."),
    WORKERS,
    SEED,
    click.option("--strategy", type=click.Choice(STRATEGIES), default="auto", show_default=True),
    output_file("Results CSV; rosters go to a folder beside it (<name>-rosters/)."),
    click.option(
        "--markdown",
        "md_path",
        type=click.Path(dir_okay=False),
        help="Append a markdown summary to this file (e.g. benchmarks/RESULTS.md).",
    ),
)
#: a suite: solves its instances with these parameters, telling each row as it ends
Suite = Callable[[SolveParams, Callable[[Row], None]], list[Row]]


def run_suite(
    suite: str,
    title: str,
    columns: list[str],
    run: Suite,
    *,
    time_limit: float,
    workers: int,
    seed: int,
    strategy: str,
    output: str,
    md_path: str | None,
) -> None:
    """Solve a suite, showing each instance as it ends; write the CSV (and
    the markdown summary)."""
    params = SolveParams(
        time_limit=time_limit, workers=workers, seed=seed, explain=False, strategy=strategy
    )
    table = Table(*(LABELS[c] for c in columns), title=title)

    def on_row(row: Row) -> None:
        table.add_row(*("" if row.get(c) is None else str(row[c]) for c in columns))
        err.print(row_line(row))

    rows = run(params, on_row)
    write_csv(rows, Path(output), columns)
    out.print(table)
    if md_path:
        command = f"roster bench {suite} " + " ".join(sys.argv[3:])
        with open(md_path, "a") as fh:
            fh.write("\n" + markdown(rows, title, columns, time_limit, workers, command))
    out.print(f"wrote {Path(output)} and {rosters_dir(output)}/")


@bench.command(name="curtois")
@click.option(
    "--data",
    "data_dir",
    default="../shared/benchmarks/curtois",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Folder with InstanceN.txt and best_known.csv.",
)
@click.option("--instances", default="1-24", show_default=True, help="e.g. 1-12 or 1,3,5-7")
@bench_options
def bench_curtois_cmd(data_dir: str, instances: str, **how: Any) -> None:
    """Solve Curtois & Qu instances one after another and tabulate the results."""
    which = instance_numbers(instances, data_dir)
    rosters = rosters_dir(how["output"])

    def suite(params: SolveParams, on_row: Callable[[Row], None]) -> list[Row]:
        return bench_curtois(Path(data_dir), which, params, rosters, on_row)

    run_suite("curtois", "Curtois & Qu", COLUMNS, suite, **how)


@bench.command(name="units")
@click.option(
    "--sizes",
    default="standard",
    show_default=True,
    help="STAFFxDAYS,... (e.g. 30x28,120x56), or 'standard': 30, 60 and 120 staff "
    "over 28 and 56 days.",
)
@click.option(
    "--unit-seed",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="The generator's seed (0 = the standard units).",
)
@click.option(
    "--short-staffed",
    is_flag=True,
    help="Units whose preferred cover is above what their staff can work (as in "
    "INRC-II): most of the penalty is then cover the roster cannot give.",
)
@click.option(
    "--scenarios",
    "scenarios_dir",
    type=click.Path(file_okay=False, exists=True),
    help="Solve the .yaml/.json scenarios in this folder instead of generating units "
    "(e.g. written by benchmarks/units.py, or edited).",
)
@bench_options
def bench_units_cmd(
    sizes: str, unit_seed: int, short_staffed: bool, scenarios_dir: str | None, **how: Any
) -> None:
    """Solve generated hospital units one after another and tabulate the results.

    Generated units are written as <name>.yaml beside their rosters, so that
    `roster check` can score each.
    """
    rosters = rosters_dir(how["output"])
    if scenarios_dir is not None:
        files = scenario_files(scenarios_dir)
        for path in files:  # bad input before anything is solved
            load(str(path))
    else:
        files = unit_files(unit_sizes(sizes), unit_seed, rosters, short_staffed)

    def suite(params: SolveParams, on_row: Callable[[Row], None]) -> list[Row]:
        return bench_units(files, params, rosters, on_row)

    run_suite("units", "Hospital units", UNIT_COLUMNS, suite, **how)

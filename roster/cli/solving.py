"""Commands that solve: solve, repair, whatif, batch."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from roster.batch import ERROR
from roster.batch import batch as run_batch
from roster.cli.common import (
    EXIT_STOPPED,
    IN_FILE,
    PROGRESS_EVERY,
    SEED,
    STRATEGIES,
    WORKERS,
    cannot_write,
    cell,
    check_output_folder,
    err,
    load,
    main,
    options,
    out,
    outcome,
    output_folder,
    print_by_rule,
    progress,
    say,
    search_progress,
    stopped,
    time_limit,
)
from roster.history import next_scenario
from roster.metrics import shortfalls
from roster.model.solve import SolveParams
from roster.model.solve import solve as solve_scenario
from roster.output import write_result
from roster.repair import Absence
from roster.repair import repair as run_repair
from roster.whatif import effects, needed, plan, run, summary_columns, time_cap, unproven_note
from roster.whatif import progress_line as variant_line

DATE = click.DateTime(["%Y-%m-%d"])


@main.command()
@click.argument("scenario", type=IN_FILE)
@output_folder("Folder for roster.csv, grid.csv, coverage.csv, penalties.csv, summary.json.")
@time_limit(60.0, "Seconds; the best roster found by then is written.")
@WORKERS
@SEED
@click.option(
    "--strategy",
    type=click.Choice(STRATEGIES),
    default="auto",
    show_default=True,
    help="cpsat: one CP-SAT model; lns: neighbourhood search, then CP-SAT for the "
    "bound; auto: CP-SAT first for small rosters, then both.",
)
@click.option(
    "--soft-cover",
    is_flag=True,
    help="Hard cover minima become heavily weighted soft ones; shortfall is reported.",
)
@click.option("--xlsx", is_flag=True, help="Also write roster.xlsx (as roster export xlsx).")
@click.option(
    "--start", type=DATE, help="Move the horizon to begin on this date (same number of days)."
)
@click.option(
    "--history",
    "history",
    type=click.Path(),
    help="The previous roster's folder (written by solve): its last days become "
    "history and its totals carry over into fairness.",
)
@click.option("--log", is_flag=True, help="Print CP-SAT's search log.")
@PROGRESS_EVERY
@click.option("--quiet", is_flag=True, help="No progress lines.")
def solve(
    scenario: str,
    outdir: str,
    time_limit: float,
    xlsx: bool,
    start: dt.datetime | None,
    history: str | None,
    quiet: bool,
    progress_every: float,
    **settings: Any,  # workers, seed, strategy, soft_cover, log: as SolveParams names them
) -> None:
    """Solve SCENARIO and write the roster files to OUTPUT."""
    sc = load(scenario)
    if start is not None or history is not None:
        sc = next_scenario(scenario, start.date() if start else None, history)
    check_output_folder(outdir)
    params = SolveParams(time_limit=time_limit, **settings)
    # CP-SAT's own log says how the search goes instead
    with search_progress(quiet or params.log, progress_every) as show:
        result = solve_scenario(sc, params, progress=show)
    try:
        write_result(result, sc, outdir, xlsx=xlsx)
    except OSError as exc:
        cannot_write(outdir, exc)
    outcome(
        result,
        time_limit,
        "The hard rules cannot all hold.",
        "Relax one of them, or run with --soft-cover to get a roster "
        "with its shortfall listed in coverage.csv.",
    )
    assert result.report is not None and result.roster is not None
    print_by_rule(result.report)
    short = sorted(shortfalls(sc, result.roster), key=lambda gap: gap.present > 0)
    if short:  # only with --soft-cover: the hard minima hold otherwise
        empty = sum(1 for gap in short if gap.present == 0)
        say(err, f"warning: cover below its minimum in {len(short)} place(s), {empty} with nobody:")
        for gap in short:
            say(err, f"  {gap.describe()}")
    out.print(
        f"wrote {Path(outdir) / 'roster.csv'}, grid.csv, coverage.csv, penalties.csv, "
        f"report.html, {'roster.xlsx, ' if xlsx else ''}scenario.json, summary.json"
    )
    if result.stopped_by_user:
        sys.exit(EXIT_STOPPED)


@main.command()
@click.argument("scenario", type=IN_FILE)
@click.argument("published_csv", type=IN_FILE)
@output_folder("Folder for the repaired roster's files and changes.csv.")
@click.option(
    "--absent",
    "absent",
    multiple=True,
    metavar="STAFF:DATE[..DATE]",
    help="Someone who cannot work these dates (repeatable).",
)
@click.option(
    "--from",
    "start",
    type=DATE,
    help="First day that may change; earlier days stay as published "
    "[default: today, or the roster's first day if later].",
)
@click.option(
    "--notice-days",
    type=click.IntRange(min=0),
    default=2,
    show_default=True,
    help="Changes within this many days of --from cost more.",
)
@time_limit(30.0, "Seconds.")
@WORKERS
@SEED
def repair(
    scenario: str,
    published_csv: str,
    outdir: str,
    absent: tuple[str, ...],
    start: dt.datetime | None,
    notice_days: int,
    time_limit: float,
    workers: int,
    seed: int,
) -> None:
    """Mend PUBLISHED_CSV for SCENARIO (as edited) and the absences, changing
    as few shifts as the rules allow."""
    load(scenario)
    check_output_folder(outdir)
    params = SolveParams(time_limit=time_limit, workers=workers, seed=seed)
    absences = [Absence.parse(a) for a in absent]
    try:
        done = run_repair(
            scenario,
            published_csv,
            absences=absences,
            start=start.date() if start else None,
            notice_days=notice_days,
            params=params,
            outdir=outdir,
        )
    except OSError as exc:
        cannot_write(outdir, exc)
    outcome(done.result, time_limit, "The roster cannot be repaired under the hard rules.")
    columns = ("staff", "date", "before", "after", "reason")
    table = Table(*columns, title="changes")
    for rec in done.changes.to_dict("records"):
        table.add_row(*(str(rec[c]) for c in columns))
    out.print(table)
    out.print(f"{done.people_changed} people and {len(done.changes)} shifts changed")
    short = done.uncovered()
    out.print("cover that could not be restored:" if short else "every cover minimum is met")
    for gap in short:
        say(out, f"  {gap.describe()}")
    out.print(f"wrote {Path(outdir) / 'roster.csv'}, changes.csv and the usual files")
    if done.result.stopped_by_user:
        sys.exit(EXIT_STOPPED)


many_solves = options(
    SEED,
    click.option(
        "--jobs",
        type=click.IntRange(min=1),
        default=None,
        help="Local worker processes (default: one per core).",
    ),
    click.option(
        "--workers",
        type=click.IntRange(min=0),
        default=0,
        show_default=True,
        help="CP-SAT workers per solve (0 = an equal share of the cores, at least 2).",
    ),
    click.option(
        "--scheduler",
        metavar="ADDRESS",
        help="Run the solves on this Dask "
        "cluster (tcp://host:port) instead; needs roster[distributed].",
    ),
)
PCT = click.FloatRange(min=0, max=100)


@main.command()
@click.argument("scenario", type=IN_FILE)
@click.option(
    "--vary",
    "vary",
    multiple=True,
    metavar="KEY=VALUES",
    help="staff.<role>[@template]=-2..2, demand.<role|skill>[.<shift|weekday|date|"
    "HH:MM-HH:MM>]=1.0,1.2 or =+1, contract.<id>.<field or rule.param>=V, "
    "rule.<rule>.<param>=V, leave.<staff>=DATE[..DATE]; several form a grid.",
)
@click.option(
    "--variants",
    "variants_file",
    type=IN_FILE,
    help="A CSV (one column per KEY) or YAML list of variants, instead of --vary.",
)
@output_folder(
    "Folder for whatif.csv, effects.csv, needed.csv, whatif.png and one "
    "folder of roster files per variant."
)
@time_limit(30.0, "Seconds per variant.")
@click.option(
    "--gap-threshold",
    type=PCT,
    default=5.0,
    show_default=True,
    metavar="PCT",
    help="A variant whose roster may be more than "
    "this percentage worse than the best possible (its gap) is marked unproven, and so "
    "is every conclusion drawn from it.",
)
@click.option(
    "--max-gap",
    type=PCT,
    metavar="PCT",
    help="Solve a variant above this gap again, longer, from its best roster, until "
    "its gap is at most this or --max-time is spent.",
)
@click.option(
    "--max-time",
    type=click.FloatRange(min=0, min_open=True),
    metavar="S",
    help="Seconds per variant in all with --max-gap [default: 4 x --time-limit].",
)
@many_solves
def whatif(
    scenario: str,
    vary: tuple[str, ...],
    variants_file: str | None,
    outdir: str,
    time_limit: float,
    gap_threshold: float,
    max_gap: float | None,
    max_time: float | None,
    seed: int,
    jobs: int | None,
    workers: int,
    scheduler: str | None,
) -> None:
    """Solve variants of SCENARIO (cover soft) and compare them."""
    load(scenario)
    planned = plan(scenario, vary, variants_file)
    params = SolveParams(time_limit=time_limit, seed=seed, workers=workers)
    time_cap(params, gap_threshold, max_gap, max_time)
    for v in planned.variants:  # each variant's roster files go to their own folder
        check_output_folder(str(Path(outdir) / v.name))
    with progress(len(planned.variants), "variants") as advance:
        try:
            table = run(
                planned,
                outdir=outdir,
                params=params,
                jobs=jobs,
                scheduler=scheduler,
                on_row=lambda row: advance(variant_line(row)),
                gap_threshold=gap_threshold,
                max_gap=max_gap,
                max_time=max_time,
            )
        except OSError as exc:
            cannot_write(outdir, exc)
        except KeyboardInterrupt:
            stopped(Path(outdir) / "whatif.csv")
    shown = summary_columns(table, planned.axes)
    t = Table(*(heading for _, heading in shown), title="what if")
    for rec in table.to_dict("records"):
        t.add_row(*(cell(rec.get(c)) for c, _ in shown))
    out.print(t)
    for line in effects(table, planned.axes).get("effect", []):
        say(out, line)
    for line in needed(table, planned.axes).get("answer", []):
        say(out, line)
    note = unproven_note(table, gap_threshold)
    if note:
        say(out, note)
    out.print(
        f"wrote {Path(outdir) / 'whatif.csv'}, effects.csv, needed.csv, whatif.png "
        f"and {len(planned.variants)} roster folders"
    )


@main.command()
@click.argument("scenarios", nargs=-1, required=True, type=IN_FILE)
@output_folder("Folder for batch.csv and one folder of roster files per scenario.")
@time_limit(60.0, "Seconds per scenario.")
@many_solves
@click.option(
    "--force",
    is_flag=True,
    help="Solve again even when a folder holds the "
    "result of the same file content with the same settings.",
)
def batch(
    scenarios: tuple[str, ...],
    outdir: str,
    time_limit: float,
    seed: int,
    jobs: int | None,
    workers: int,
    scheduler: str | None,
    force: bool,
) -> None:
    """Solve many SCENARIOS, each into OUTPUT/<name>/, with a summary in batch.csv."""
    params = SolveParams(
        time_limit=time_limit, seed=seed, workers=workers, explain_time_limit=min(30.0, time_limit)
    )

    def line(row: dict[str, object]) -> str:
        return f"{row['name']}: {row['status']}" + (" (reused)" if row.get("reused") else "")

    with progress(len(scenarios), "scenarios") as advance:
        try:
            table = run_batch(
                scenarios,
                outdir,
                params,
                jobs=jobs,
                scheduler=scheduler,
                force=force,
                on_row=lambda row: advance(line(row)),
            )
        except KeyboardInterrupt:
            stopped(Path(outdir) / "batch.csv")
    counts = table["status"].value_counts()
    out.print(", ".join(f"{n} {status}" for status, n in counts.items()))
    for rec in table[table["status"] == ERROR].to_dict("records"):
        say(out, str(rec["error"]))
    out.print(f"wrote {Path(outdir) / 'batch.csv'}")

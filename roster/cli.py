"""The ``roster`` command: thin front ends over the Python API.

Exit codes: 0 done, 1 check found hard violations, 2 bad input,
3 hard rules cannot all hold, 4 no roster within the time limit, 130 batch or
whatif stopped by Ctrl-C (finished results kept).
"""

from __future__ import annotations

import contextlib
import json
import math
import sys
import types
import typing
from pathlib import Path

import click
from rich.console import Console
from rich.live import Live
from rich.markup import escape
from rich.table import Table

from roster.checker import check as check_roster
from roster.constraints import SECTIONS, registry
from roster.history import next_scenario
from roster.load import load_scenario
from roster.model.solve import Progress, SolveParams, unsupported
from roster.model.solve import solve as solve_scenario
from roster.output import load_folder, output_problem, write_result
from roster.result import CheckReport, Result, SolveStatus
from roster.roster import Roster
from roster.scenario import Scenario
from roster.validation import ScenarioError

EXIT_BAD_INPUT, EXIT_INFEASIBLE, EXIT_NO_ROSTER = 2, 3, 4
#: stopped by Ctrl-C (what a shell expects of SIGINT); what was found is written
EXIT_STOPPED = 130

# when piped, rich would squeeze tables into 80 columns
err = Console(stderr=True, soft_wrap=True, width=None if sys.stderr.isatty() else 200)
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 200)


def _fail(exc: ScenarioError) -> typing.NoReturn:
    """Bad input: the problems, and exit code 2."""
    err.print(exc.render(), markup=False, highlight=False, soft_wrap=True)
    sys.exit(EXIT_BAD_INPUT)


def _output_folder(outdir: str) -> None:
    """Exit 2 before solving if a run's files cannot go to ``outdir``."""
    problem = output_problem(outdir)
    if problem:
        err.print(problem, markup=False, highlight=False, soft_wrap=True)
        sys.exit(EXIT_BAD_INPUT)


def _cannot_write(outdir: str, exc: OSError) -> typing.NoReturn:
    err.print(
        f"cannot write the results to {outdir}: {exc.strerror or exc}",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
    sys.exit(EXIT_BAD_INPUT)


def _load(path: str) -> Scenario:
    try:
        sc = load_scenario(path)
    except ScenarioError as exc:
        _fail(exc)
    ctx = click.get_current_context(silent=True)
    said = ctx.find_root().meta if ctx is not None else {}
    if sc.timezone is None and not said.get("utc noted"):  # once per command
        said["utc noted"] = True
        err.print(
            f"note: {path} gives no timezone: clock times are taken as UTC, with no "
            "clock changes (write e.g. 'timezone: Europe/London')",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    return sc


def _roster(path: str, scenario: Scenario) -> Roster:
    try:
        return Roster.from_csv(path, scenario)
    except ScenarioError as exc:
        _fail(exc)


def _fmt(v: float | None) -> str:
    return "-" if v is None else f"{v:g}"


def _progress_line(p: Progress) -> str:
    gap = "-" if p.gap is None else f"{100 * p.gap:.2f}%"
    return (
        f"solving  {p.elapsed:6.1f}s  objective {_fmt(p.objective)}  "
        f"bound {_fmt(p.bound)}  gap {gap}  rosters found {p.solutions}"
    )


class _Main(click.Group):
    """The command group, with Ctrl-C at any moment (start-up and writing
    included) ending in exit code 130, as a shell expects, not click's
    "Aborted!" and 1."""

    def main(
        self, *args: typing.Any, standalone_mode: bool = True, **kwargs: typing.Any
    ) -> typing.Any:
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        try:
            super().main(*args, standalone_mode=False, **kwargs)
        except (click.exceptions.Abort, KeyboardInterrupt):
            click.echo("\nstopped (Ctrl-C)", err=True)
            sys.exit(130)
        except click.ClickException as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)
        sys.exit(0)


@click.group(cls=_Main)
@click.version_option(package_name="roster")
def main() -> None:
    """Build and check staff shift rosters for hospital care teams."""


STRATEGIES = ["auto", "cpsat", "lns", "cg"]


def time_limit(default: float, help_text: str) -> typing.Callable[..., typing.Any]:
    """--time-limit, in seconds, with the command's own default."""
    return click.option(
        "--time-limit",
        type=click.FloatRange(min=0, min_open=True),
        default=default,
        show_default=True,
        help=help_text,
    )


def output_folder(help_text: str) -> typing.Callable[..., typing.Any]:
    """-o/--output: the folder a command writes its files to."""
    return click.option(
        "-o", "--output", "outdir", required=True, type=click.Path(file_okay=False), help=help_text
    )


WORKERS = click.option(
    "--workers",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="CP-SAT search workers (0 = all cores).",
)
SEED = click.option(
    "--seed", type=click.IntRange(min=0), default=0, show_default=True, help="The solver's seed."
)


@main.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
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
    "--start",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Move the horizon to begin on this date (same number of days).",
)
@click.option(
    "--history",
    "history",
    type=click.Path(),
    help="The previous roster's folder (written by solve): its last days become "
    "history and its totals carry over into fairness.",
)
@click.option("--log", is_flag=True, help="Print CP-SAT's search log.")
@click.option("--quiet", is_flag=True, help="No live progress.")
def solve(
    scenario: str,
    outdir: str,
    time_limit: float,
    workers: int,
    seed: int,
    strategy: str,
    soft_cover: bool,
    xlsx: bool,
    start: typing.Any,
    history: str | None,
    log: bool,
    quiet: bool,
) -> None:
    """Solve SCENARIO and write the roster files to OUTPUT."""
    sc = _load(scenario)
    if start is not None or history is not None:
        try:
            sc = next_scenario(scenario, start.date() if start else None, history)
        except ScenarioError as exc:
            _fail(exc)
    _output_folder(outdir)
    params = SolveParams(
        time_limit=time_limit,
        workers=workers,
        seed=seed,
        log=log,
        soft_cover=soft_cover,
        strategy=strategy,
    )
    problem = unsupported(sc, params)
    if problem:
        err.print(problem, markup=False, highlight=False, soft_wrap=True)
        sys.exit(EXIT_BAD_INPUT)
    live = err.is_terminal and not quiet and not log
    if live:
        with Live(console=err, refresh_per_second=5, transient=True) as view:
            result = solve_scenario(sc, params, progress=lambda p: view.update(_progress_line(p)))
    else:
        result = solve_scenario(sc, params)
    try:
        write_result(result, sc, outdir, xlsx=xlsx)
    except OSError as exc:
        _cannot_write(outdir, exc)
    _outcome(
        result,
        time_limit,
        "The hard rules cannot all hold.",
        "Relax one of them, or run with --soft-cover to get a roster "
        "with its shortfall listed in coverage.csv.",
    )
    assert result.report is not None
    _print_by_rule(result.report)
    out.print(
        f"wrote {Path(outdir) / 'roster.csv'}, grid.csv, coverage.csv, penalties.csv, "
        f"report.html, {'roster.xlsx, ' if xlsx else ''}scenario.json, summary.json"
    )
    if result.stopped_by_user:
        sys.exit(EXIT_STOPPED)


def _outcome(result: Result, time_limit: float, conflict: str, advice: str = "") -> None:
    """Status, objective, bound, gap and time; then exit 3 when the hard
    rules conflict (with why), 4 when no roster was found in time (130
    after Ctrl-C). Returns when there is a roster."""
    if result.stopped_by_user:
        kept = (
            "keeping the best roster found so far" if result.roster is not None else "no roster yet"
        )
        err.print(f"stopped by Ctrl-C: {kept}")
    table = Table(show_header=False, box=None)
    table.add_row("status", result.status.value)
    table.add_row("objective", _fmt(result.objective))
    table.add_row("best bound", _fmt(result.best_bound))
    table.add_row("gap", "-" if result.gap is None else f"{100 * result.gap:.2f}%")
    table.add_row("wall time", f"{result.wall_time_s:.2f}s")
    out.print(table)
    if result.status == SolveStatus.INFEASIBLE:
        err.print(f"[bold red]{conflict}[/] These conflict:")
        for line in result.explanation:
            err.print(f"  - {line}", markup=False, highlight=False)
        if advice:
            err.print(advice)
        sys.exit(EXIT_INFEASIBLE)
    if result.roster is None:
        if not result.stopped_by_user:
            err.print(f"No roster found within {time_limit:g}s; try a longer --time-limit.")
        sys.exit(EXIT_STOPPED if result.stopped_by_user else EXIT_NO_ROSTER)


def _print_by_rule(report: CheckReport) -> None:
    if report.by_rule:
        t = Table("rule", "penalty", title="penalties by rule")
        for rule, total in report.by_rule.items():
            t.add_row(rule, str(total))
        out.print(t)


@main.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.argument("roster_csv", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--soft-cover", is_flag=True, help="Score cover minima as solve --soft-cover does.")
def check(scenario: str, roster_csv: str, as_json: bool, soft_cover: bool) -> None:
    """Score ROSTER_CSV against SCENARIO's rules; exit 1 on hard violations."""
    sc = _load(scenario)
    roster = _roster(roster_csv, sc)
    report = check_roster(sc, roster, soft_cover=soft_cover)
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2))
    else:
        for title, items in (
            ("hard violations", report.hard_violations),
            ("penalties", report.penalties),
        ):
            if items:
                t = Table("rule", "staff", "dates", "amount", "penalty", "what", title=title)
                for v in items:
                    t.add_row(
                        v.rule,
                        v.staff or "",
                        " ".join(d.isoformat() for d in v.dates),
                        str(v.amount),
                        "hard" if v.hard else str(v.penalty),
                        v.message,
                    )
                out.print(t)
        _print_by_rule(report)
        verdict = (
            "feasible" if report.feasible else f"{len(report.hard_violations)} hard violation(s)"
        )
        out.print(f"{verdict}; total penalty {report.total_penalty}")
    sys.exit(0 if report.feasible else 1)


@main.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
def validate(scenario: str) -> None:
    """Check SCENARIO for errors without solving it."""
    sc = _load(scenario)
    out.print(
        f"{scenario}: ok — {len(sc.staff)} staff, {sc.horizon.days} days from "
        f"{sc.horizon.start}, {len(sc.shifts)} shifts, {len(sc.demand)} demand entries, "
        f"{len(sc.rule_instances)} rule instances"
    )


@main.group(name="import")
def import_() -> None:
    """Convert other formats into scenario files."""


@import_.command(name="curtois")
@click.argument("instance", type=click.Path(dir_okay=False))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False),
    help="Scenario file to write (.yaml or .json).",
)
def import_curtois(instance: str, output: str) -> None:
    """Convert a Curtois & Qu benchmark INSTANCE (.txt) into a scenario."""
    from roster.importers.curtois import read
    from roster.output import write_scenario

    try:
        data = read(instance)
        sc = load_scenario(data)
    except ScenarioError as exc:
        _fail(exc)
    write_scenario(data, Path(output))
    out.print(
        f"wrote {output}: {len(sc.staff)} staff, {sc.horizon.days} days, "
        f"{len(sc.shifts)} shifts, {len(sc.rule_instances)} rule instances"
    )


@main.group()
def bench() -> None:
    """Run benchmark suites."""


#: short headings of the benchmark tables on the terminal
BENCH_LABELS = {
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


def bench_options(command: typing.Callable[..., None]) -> typing.Callable[..., None]:
    """The options every benchmark suite takes: how to solve, where to write."""
    for option in reversed(
        [
            time_limit(60.0, "Seconds per instance."),
            WORKERS,
            SEED,
            click.option(
                "--strategy", type=click.Choice(STRATEGIES), default="auto", show_default=True
            ),
            click.option(
                "-o",
                "--output",
                required=True,
                type=click.Path(dir_okay=False),
                help="Results CSV; rosters go to a folder beside it (<name>-rosters/).",
            ),
            click.option(
                "--markdown",
                "md_path",
                type=click.Path(dir_okay=False),
                help="Append a markdown summary to this file (e.g. benchmarks/RESULTS.md).",
            ),
        ]
    ):
        command = option(command)
    return command


def _run_bench(
    suite: str,
    title: str,
    columns: list[str],
    run: typing.Callable[[SolveParams, typing.Callable[[dict], None]], list[dict]],
    time_limit: float,
    workers: int,
    seed: int,
    strategy: str,
    output: str,
    md_path: str | None,
) -> None:
    """Solve a suite, showing each instance as it ends; write the CSV (and
    the markdown summary)."""
    from roster.bench import markdown, write_csv

    params = SolveParams(
        time_limit=time_limit, workers=workers, seed=seed, explain=False, strategy=strategy
    )
    table = Table(*(BENCH_LABELS[c] for c in columns), title=title)

    def on_row(row: dict) -> None:
        table.add_row(*("" if row.get(c) is None else str(row[c]) for c in columns))
        known = f"best known {row['best_known']}, " if "best_known" in row else ""
        err.print(
            f"{row['instance']}: {row['status']} objective {row['objective']} "
            f"({known}bound {row['best_bound']}) in {row['wall_s']} s"
        )

    rows = run(params, on_row)
    out_path = Path(output)
    write_csv(rows, out_path, columns)
    out.print(table)
    if md_path:
        command = f"roster bench {suite} " + " ".join(sys.argv[3:])
        with open(md_path, "a") as fh:
            fh.write("\n" + markdown(rows, title, columns, time_limit, workers, command))
    out.print(f"wrote {out_path} and {_rosters_dir(output)}/")


def _rosters_dir(output: str) -> Path:
    out_path = Path(output)
    return out_path.parent / f"{out_path.stem}-rosters"


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
def bench_curtois_cmd(
    data_dir: str,
    instances: str,
    time_limit: float,
    workers: int,
    seed: int,
    strategy: str,
    output: str,
    md_path: str | None,
) -> None:
    """Solve Curtois & Qu instances one after another and tabulate the results."""
    from roster.bench import COLUMNS, bench_curtois, parse_range

    try:
        which = parse_range(instances)
    except ValueError:
        err.print(f"--instances: cannot read {instances!r}; write e.g. 1-12 or 1,3,5-7")
        sys.exit(EXIT_BAD_INPUT)
    data = Path(data_dir)
    missing = [i for i in which if not (data / f"Instance{i}.txt").exists()]
    if missing:
        err.print(f"--data {data_dir}: no Instance{missing[0]}.txt there")
        sys.exit(EXIT_BAD_INPUT)
    rosters = _rosters_dir(output)
    _run_bench(
        "curtois",
        "Curtois & Qu",
        COLUMNS,
        lambda params, on_row: bench_curtois(data, which, params, rosters, on_row),
        time_limit,
        workers,
        seed,
        strategy,
        output,
        md_path,
    )


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
    sizes: str,
    unit_seed: int,
    short_staffed: bool,
    scenarios_dir: str | None,
    time_limit: float,
    workers: int,
    seed: int,
    strategy: str,
    output: str,
    md_path: str | None,
) -> None:
    """Solve generated hospital units one after another and tabulate the results.

    Generated units are written as <name>.yaml beside their rosters, so that
    `roster check` can score each.
    """
    from roster.bench import UNIT_COLUMNS, bench_units, unit_files
    from roster.generate import MIN_STAFF, parse_sizes

    rosters = _rosters_dir(output)
    if scenarios_dir is not None:
        files = sorted(p for p in Path(scenarios_dir).iterdir() if p.suffix in (".yaml", ".json"))
        if not files:
            err.print(f"--scenarios {scenarios_dir}: no .yaml or .json files there")
            sys.exit(EXIT_BAD_INPUT)
        for path in files:  # bad input before anything is solved
            _load(str(path))
    else:
        try:
            which = parse_sizes(sizes)
        except ValueError:
            err.print(f"--sizes: cannot read {sizes!r}; write e.g. 30x28,120x56 or standard")
            sys.exit(EXIT_BAD_INPUT)
        bad = [(s, d) for s, d in which if s < MIN_STAFF or not 7 <= d <= 366]
        if bad:
            err.print(
                f"--sizes: {bad[0][0]}x{bad[0][1]}: a unit has at least {MIN_STAFF} "
                "staff and 7 to 366 days"
            )
            sys.exit(EXIT_BAD_INPUT)
        files = unit_files(which, unit_seed, rosters, short_staffed)
    _run_bench(
        "units",
        "Hospital units",
        UNIT_COLUMNS,
        lambda params, on_row: bench_units(files, params, rosters, on_row),
        time_limit,
        workers,
        seed,
        strategy,
        output,
        md_path,
    )


def many_solves(command: typing.Callable[..., None]) -> typing.Callable[..., None]:
    """The options of commands that run many solves: seed and where they run."""
    for option in reversed(
        [
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
        ]
    ):
        command = option(command)
    return command


@main.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
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
    type=click.Path(dir_okay=False),
    help="A CSV (one column per KEY) or YAML list of variants, instead of --vary.",
)
@output_folder(
    "Folder for whatif.csv, effects.csv, needed.csv, whatif.png and one "
    "folder of roster files per variant."
)
@time_limit(30.0, "Seconds per variant.")
@click.option(
    "--gap-threshold",
    type=click.FloatRange(min=0, max=100),
    default=5.0,
    show_default=True,
    metavar="PCT",
    help="A variant whose roster may be more than "
    "this percentage worse than the best possible (its gap) is marked unproven, and so "
    "is every conclusion drawn from it.",
)
@click.option(
    "--max-gap",
    type=click.FloatRange(min=0, max=100),
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
    from roster.variants import VaryError
    from roster.whatif import effects, needed, plan, progress_line, run, time_cap, unproven_note

    _load(scenario)
    try:
        planned = plan(scenario, vary, variants_file)
    except (VaryError, ScenarioError) as exc:
        text = exc.render() if isinstance(exc, ScenarioError) else str(exc)
        err.print(f"{scenario}: {text}", markup=False, highlight=False, soft_wrap=True)
        sys.exit(EXIT_BAD_INPUT)
    params = SolveParams(time_limit=time_limit, seed=seed, workers=workers)
    try:
        time_cap(params, gap_threshold, max_gap, max_time)
    except VaryError as exc:
        err.print(str(exc), markup=False, highlight=False, soft_wrap=True)
        sys.exit(EXIT_BAD_INPUT)
    axes, variants = planned.axes, planned.variants
    for v in variants:  # each variant's roster files go to their own folder
        _output_folder(str(Path(outdir) / v.name))
    with _progress(len(variants), "variants") as advance:
        try:
            table = run(
                planned,
                outdir=outdir,
                params=params,
                jobs=jobs,
                scheduler=scheduler,
                on_row=lambda row: advance(progress_line(row)),
                gap_threshold=gap_threshold,
                max_gap=max_gap,
                max_time=max_time,
            )
        except ScenarioError as exc:
            _fail(exc)
        except OSError as exc:
            _cannot_write(outdir, exc)
        except KeyboardInterrupt:
            _stopped(Path(outdir) / "whatif.csv")
    keys = [a.key for a in axes]
    shown = [
        *keys,
        "status",
        "objective",
        "gap_pct",
        "proven",
        "uncovered_hours",
        "unmet_requests",
        "overtime_hours",
        "nights_spread",
        "weekends_spread",
    ]
    t = Table(*shown, title="what if")
    for rec in table.to_dict("records"):
        t.add_row(*(_cell(rec.get(c)) for c in shown))
    out.print(t)
    for line in effects(table, axes).get("effect", []):
        out.print(line, markup=False, highlight=False)
    for line in needed(table, axes).get("answer", []):
        out.print(line, markup=False, highlight=False)
    note = unproven_note(table, gap_threshold)
    if note:
        out.print(note, markup=False, highlight=False)
    out.print(
        f"wrote {Path(outdir) / 'whatif.csv'}, effects.csv, needed.csv, whatif.png "
        f"and {len(variants)} roster folders"
    )


@main.command()
@click.argument("scenarios", nargs=-1, required=True, type=click.Path(dir_okay=False))
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
    from roster.batch import ERROR
    from roster.batch import batch as run_batch

    params = SolveParams(
        time_limit=time_limit, seed=seed, workers=workers, explain_time_limit=min(30.0, time_limit)
    )
    with _progress(len(scenarios), "scenarios") as advance:
        try:
            table = run_batch(
                scenarios,
                outdir,
                params,
                jobs=jobs,
                scheduler=scheduler,
                force=force,
                on_row=lambda row: advance(
                    f"{row['name']}: {row['status']}" + (" (reused)" if row.get("reused") else "")
                ),
            )
        except ScenarioError as exc:
            _fail(exc)
        except KeyboardInterrupt:
            _stopped(Path(outdir) / "batch.csv")
    counts = table["status"].value_counts()
    out.print(", ".join(f"{n} {status}" for status, n in counts.items()))
    for rec in table[table["status"] == ERROR].to_dict("records"):
        out.print(str(rec["error"]), markup=False, highlight=False)
    out.print(f"wrote {Path(outdir) / 'batch.csv'}")


def _stopped(summary: Path) -> typing.NoReturn:
    err.print(
        f"stopped by Ctrl-C: the finished results are kept; {summary} lists them "
        "(NOT_RUN for the rest)",
        markup=False,
        highlight=False,
    )
    sys.exit(130)


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:g}" if isinstance(value, float) else str(value)


@contextlib.contextmanager
def _progress(total: int, what: str) -> typing.Iterator[typing.Callable[[str], None]]:
    """A progress bar on a terminal; one line per finished item otherwise."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    if not err.is_terminal:
        yield lambda line: err.print(line, markup=False, highlight=False)
        return
    with Progress(
        "{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task(f"solving {total} {what}", total=total)

        def advance(line: str) -> None:
            bar.console.print(line, markup=False, highlight=False)
            bar.advance(task)

        yield advance


def _type_name(annotation: object) -> str:
    """'work | off | shift' for literals, 'int | None', 'list[str]'..."""
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) is typing.Literal:
        return " | ".join(str(a) for a in args)
    if args and typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return " | ".join(_type_name(a) for a in args)
    if args:
        origin = getattr(typing.get_origin(annotation), "__name__", "?")
        return f"{origin}[{', '.join(_type_name(a) for a in args)}]"
    return "None" if annotation is type(None) else getattr(annotation, "__name__", str(annotation))


COMMON = ("name", "weight", "scope")


@main.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.argument("published_csv", type=click.Path(dir_okay=False))
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
    type=click.DateTime(["%Y-%m-%d"]),
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
    start: typing.Any,
    notice_days: int,
    time_limit: float,
    workers: int,
    seed: int,
) -> None:
    """Mend PUBLISHED_CSV for SCENARIO (as edited) and the absences, changing
    as few shifts as the rules allow."""
    from roster.repair import Absence
    from roster.repair import repair as run_repair
    from roster.variants import VaryError

    _load(scenario)
    _output_folder(outdir)
    params = SolveParams(time_limit=time_limit, workers=workers, seed=seed)
    try:
        absences = [Absence.parse(a) for a in absent]
        done = run_repair(
            scenario,
            published_csv,
            absences=absences,
            start=start.date() if start else None,
            notice_days=notice_days,
            params=params,
            outdir=outdir,
        )
    except (ScenarioError, VaryError) as exc:
        text = exc.render() if isinstance(exc, ScenarioError) else str(exc)
        err.print(text, markup=False, highlight=False, soft_wrap=True)
        sys.exit(EXIT_BAD_INPUT)
    except OSError as exc:
        _cannot_write(outdir, exc)
    result = done.result
    _outcome(result, time_limit, "The roster cannot be repaired under the hard rules.")
    table = Table("staff", "date", "before", "after", "reason", title="changes")
    for rec in done.changes.to_dict("records"):
        table.add_row(*(str(rec[c]) for c in ("staff", "date", "before", "after", "reason")))
    out.print(table)
    out.print(f"{done.people_changed} people and {len(done.changes)} shifts changed")
    short = done.uncovered()
    if short:
        out.print("cover that could not be restored:")
        for gap in short:
            out.print(f"  {gap.describe()}", markup=False, highlight=False)
    else:
        out.print("every cover minimum is met")
    out.print(f"wrote {Path(outdir) / 'roster.csv'}, changes.csv and the usual files")
    if result.stopped_by_user:
        sys.exit(EXIT_STOPPED)


@main.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.argument("roster_csv", type=click.Path(dir_okay=False))
@click.option(
    "--date",
    "date",
    required=True,
    type=click.DateTime(["%Y-%m-%d"]),
    help="The day of the shift to fill.",
)
@click.option(
    "--shift", "shift", required=True, help="The shift (or on-call duty) to fill (its id)."
)
@click.option("--role", help="The role needed (default: any role that may work the shift).")
@click.option("--all", "show_all", is_flag=True, help="Also list who cannot, and why.")
def suggest(
    scenario: str, roster_csv: str, date: typing.Any, shift: str, role: str | None, show_all: bool
) -> None:
    """Who can take SHIFT on DATE without breaking a hard rule, cheapest first."""
    from roster.suggest import suggest as rank

    sc = _load(scenario)
    problems = []
    if shift not in sc.shift_by_id and not sc.is_duty(shift):
        problems.append(
            (
                "--shift",
                f"unknown shift '{shift}'; allowed: {', '.join([*sc.shift_by_id, *sc.duty_by_id])}",
            )
        )
    if role is not None and role not in {r.id for r in sc.roles}:
        problems.append(
            ("--role", f"unknown role '{role}'; allowed: {', '.join(r.id for r in sc.roles)}")
        )
    if sc.day_index(date.date()) is None:
        problems.append(
            ("--date", f"{date.date()} is outside the horizon {sc.dates[0]}..{sc.dates[-1]}")
        )
    if problems:
        _fail(ScenarioError(problems, what="command line"))
    roster = _roster(roster_csv, sc)
    found = rank(sc, roster, date.date(), shift, role)
    able = [c for c in found if c.eligible]
    t = Table(
        "",
        "staff",
        "name",
        "as",
        "now",
        "cost",
        "what changes",
        title=f"who can take {shift} on {date.date():%a %Y-%m-%d}",
    )
    for i, c in enumerate(able, 1):
        what = ", ".join(f"{k} {v:+d}" for k, v in c.by_rule.items()) or "nothing"
        t.add_row(str(i), c.staff, c.name, c.role, c.now or "off", f"{c.cost:+d}", what)
    out.print(t)
    if not able:
        out.print("Nobody can take it without breaking a hard rule.")
    others = [c for c in found if not c.eligible]
    if show_all:
        for c in others:
            out.print(
                f"{c.staff} cannot: {c.broken[0]}"
                + (f" (and {len(c.broken) - 1} more)" if len(c.broken) > 1 else ""),
                markup=False,
                highlight=False,
            )
    elif others:
        out.print(f"{len(others)} more would break a hard rule (--all lists them).")


@main.command()
@click.argument("scenario", type=click.Path(dir_okay=False))
@click.argument("roster_csv", type=click.Path(dir_okay=False))
@click.option(
    "-o", "--output", required=True, type=click.Path(dir_okay=False), help="The HTML file to write."
)
@click.option("--soft-cover", is_flag=True, help="Score cover minima as solve --soft-cover does.")
def report(scenario: str, roster_csv: str, output: str, soft_cover: bool) -> None:
    """Write an HTML report of ROSTER_CSV (solved or hand-made) under SCENARIO's rules."""
    from roster.report import write_report

    sc = _load(scenario)
    roster = _roster(roster_csv, sc)
    checked = check_roster(sc, roster, soft_cover=soft_cover)
    _write_or_exit(output, lambda: write_report(output, sc, roster, checked))
    verdict = (
        "feasible" if checked.feasible else f"{len(checked.hard_violations)} hard violation(s)"
    )
    out.print(f"wrote {output}: {verdict}, total penalty {checked.total_penalty}")


@main.group()
def export() -> None:
    """Export a roster folder (written by solve) to other formats."""


def _folder(path: str) -> tuple[Scenario, Roster]:
    try:
        return load_folder(path)
    except ScenarioError as exc:
        _fail(exc)


def _write_or_exit(target: str, write: typing.Callable[[], object]) -> None:
    try:
        write()
    except OSError as exc:
        err.print(f"cannot write {target}: {exc}", markup=False, highlight=False)
        sys.exit(EXIT_BAD_INPUT)


@export.command(name="xlsx")
@click.argument("roster_dir", type=click.Path(file_okay=False))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False),
    help="The workbook to write, e.g. roster.xlsx.",
)
def export_xlsx(roster_dir: str, output: str) -> None:
    """The roster grid with shift colours, cover and per-person sheets."""
    from roster.export import write_xlsx

    sc, roster = _folder(roster_dir)
    _write_or_exit(output, lambda: write_xlsx(output, sc, roster, check_roster(sc, roster)))
    out.print(f"wrote {output}")


@export.command(name="ical")
@click.argument("roster_dir", type=click.Path(file_okay=False))
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(file_okay=False),
    help="Folder for one <staff>.ics per person.",
)
def export_ical(roster_dir: str, output: str) -> None:
    """One calendar (.ics) per staff member, in the scenario's time zone."""
    from roster.export import write_ical

    sc, roster = _folder(roster_dir)
    _write_or_exit(output, lambda: write_ical(output, sc, roster))
    out.print(f"wrote {len(sc.staff)} calendars to {output} (times in {sc.zone_name})")


@main.command()
def rules() -> None:
    """List the rule kinds with their parameters."""
    from roster.constraints.base import Rule, Scope

    out.print("[bold]Every rule[/] takes these, besides its own parameters:")
    t = Table("parameter", "meaning", box=None)
    for name in COMMON:
        t.add_row(name, Rule.model_fields[name].description or "")
    for name, field in Scope.model_fields.items():
        t.add_row(f"scope.{field.alias or name}", field.description or "")
    out.print(t)
    for kind, cls in sorted(registry.items()):
        out.rule(f"[bold]{kind}[/]")
        mod_doc = (sys.modules[cls.__module__].__doc__ or "").strip()
        out.print(mod_doc, markup=False, highlight=False)
        if cls.day_scoped:
            out.print("Accepts scope.from / scope.to / scope.weekdays.", highlight=False)
        t = Table("parameter", "type", "default", "meaning", box=None)
        for name, field in cls.model_fields.items():
            if name == "kind" or name in COMMON:
                continue
            default = "required" if field.is_required() else repr(field.get_default())
            t.add_row(
                field.alias or name,
                escape(_type_name(field.annotation)),
                escape(default),
                escape(field.description or ""),
            )
        if t.row_count:
            out.print(t)
    out.rule("[bold]always on[/] (from scenario sections)")
    for section in SECTIONS:
        doc = sys.modules[type(section).__module__].__doc__ or ""
        first = doc.strip().split("\n\n")[0].replace("\n", " ")
        out.print(f"[bold]{section.name}[/]: {first}", highlight=False)


if __name__ == "__main__":  # pragma: no cover
    main()

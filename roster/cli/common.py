"""What every command shares: the consoles, the command group, the options,
reading input, how a solve's outcome is stated, and bad input as exit code 2."""

from __future__ import annotations

import contextlib
import functools
import math
import sys
import typing
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import click
from rich.console import Console
from rich.live import Live
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from roster.errors import InputError
from roster.load import load_scenario
from roster.output import output_problem
from roster.result import CheckReport, Result, SearchState, SolveStatus, progress_line
from roster.scenario import Scenario

EXIT_BAD_INPUT, EXIT_INFEASIBLE, EXIT_NO_ROSTER = 2, 3, 4
#: stopped by Ctrl-C (what a shell expects of SIGINT); what was found is written
EXIT_STOPPED = 130
STRATEGIES = ["auto", "cpsat", "lns", "cg"]
#: the library's neutral names of inputs, as the command line spells them:
#: each is its flag (``max_gap`` is ``--max-gap``)
NEUTRAL = (
    "absent vary variants history scheduler shift role date instances data sizes scenarios strategy"
)
FLAGS = {"arguments": "command line"} | {
    name: "--" + name.replace("_", "-")
    for name in (*NEUTRAL.split(), "gap_threshold", "max_gap", "max_time", "time_limit")
}

# when piped, rich would squeeze tables into 80 columns
err = Console(stderr=True, soft_wrap=True, width=None if sys.stderr.isatty() else 200)
out = Console(soft_wrap=True, width=None if sys.stdout.isatty() else 200)


def say(console: Console, text: str) -> None:
    """Text as it is (no rich markup), e.g. a message quoting the user's input."""
    console.print(text, markup=False, highlight=False, soft_wrap=True)


def fail(text: str) -> typing.NoReturn:
    """Bad input: why, and exit code 2."""
    say(err, text)
    sys.exit(EXIT_BAD_INPUT)


class _Main(click.Group):
    """The command group: bad input from any library call is stated with the
    command line's flags, exit code 2; Ctrl-C at any moment (start-up and
    writing included) ends in exit code 130, as a shell expects, not click's
    "Aborted!" and 1."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: typing.Any,
    ) -> typing.Any:
        run = functools.partial(super().main, args, prog_name, complete_var, False, **extra)
        if not standalone_mode:
            return run()
        try:
            run()
        except InputError as exc:
            fail(exc.render(FLAGS))
        except (click.exceptions.Abort, KeyboardInterrupt):
            click.echo("\nstopped (Ctrl-C)", err=True)
            sys.exit(EXIT_STOPPED)
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


Decorator = Callable[[Callable[..., None]], Callable[..., None]]


def time_limit(default: float, help_text: str) -> Decorator:
    """--time-limit, in seconds, with the command's own default."""
    return click.option(
        "--time-limit",
        type=click.FloatRange(min=0, min_open=True),
        default=default,
        show_default=True,
        help=help_text,
    )


def output_folder(help_text: str) -> Decorator:
    """-o/--output: the folder a command writes its files to."""
    return click.option(
        "-o", "--output", "outdir", required=True, type=click.Path(file_okay=False), help=help_text
    )


def output_file(help_text: str, kind: click.Path | None = None) -> Decorator:
    """-o/--output: the one file (or folder of calendars) a command writes."""
    kind = kind or click.Path(dir_okay=False)
    return click.option("-o", "--output", required=True, type=kind, help=help_text)


def options(*decorators: Decorator) -> Decorator:
    """Several options as one decorator, in the order listed."""

    def apply(command: Callable[..., None]) -> Callable[..., None]:
        for option in reversed(decorators):
            command = option(command)
        return command

    return apply


IN_FILE = click.Path(dir_okay=False)
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
PROGRESS_EVERY = click.option(
    "--progress-every",
    type=click.FloatRange(min=0),
    default=10.0,
    show_default=True,
    metavar="SECONDS",
    help="When not on a terminal (a log file, a scheduled job): a line on how the "
    "search is going every SECONDS (0 = never). On a terminal the line is live.",
)
SOFT_COVER = click.option(
    "--soft-cover", is_flag=True, help="Score cover minima as solve --soft-cover does."
)


def load(path: str) -> Scenario:
    """A scenario file, noting once per command when it gives no time zone."""
    sc = load_scenario(path)
    ctx = click.get_current_context(silent=True)
    said = ctx.find_root().meta if ctx is not None else {}
    if sc.timezone is None and not said.get("utc noted"):
        said["utc noted"] = True
        say(
            err,
            f"note: {path} gives no timezone: clock times are taken as UTC, with no "
            "clock changes (write e.g. 'timezone: Europe/London')",
        )
    return sc


def check_output_folder(outdir: str) -> None:
    """Exit 2 before solving if a run's files cannot go to ``outdir``."""
    problem = output_problem(outdir)
    if problem:
        fail(problem)


def cannot_write(outdir: str, exc: OSError) -> typing.NoReturn:
    """Exit 2: a run's results could not be written to ``outdir`` (the OS's
    reason, e.g. a full disk)."""
    fail(f"cannot write the results to {outdir}: {exc.strerror or exc}")


def write_or_exit(target: str, write: Callable[[], object]) -> None:
    """Run ``write``; an OSError exits 2 naming ``target``, not a traceback."""
    try:
        write()
    except OSError as exc:
        fail(f"cannot write {target}: {exc}")


def outcome(result: Result, time_limit: float, conflict: str, advice: str = "") -> None:
    """Status, objective, bound, gap and time; then exit 3 when the hard
    rules conflict (with why), 4 when no roster was found in time (130
    after Ctrl-C). Returns when there is a roster."""
    if result.stopped_by_user:
        kept = (
            "keeping the best roster found so far" if result.roster is not None else "no roster yet"
        )
        err.print(f"stopped by Ctrl-C: {kept}")
    table = Table(show_header=False, box=None)
    for label, value in result.summary():
        table.add_row(label, value)
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


def print_by_rule(report: CheckReport) -> None:
    """The total penalty per rule as a table; nothing when there is none."""
    if report.by_rule:
        t = Table("rule", "penalty", title="penalties by rule")
        for rule, total in report.by_rule.items():
            t.add_row(rule, str(total))
        out.print(t)


def stopped(summary: Path) -> typing.NoReturn:
    """Ctrl-C during many solves: the finished ones are kept."""
    say(
        err,
        f"stopped by Ctrl-C: the finished results are kept; {summary} lists them "
        "(NOT_RUN for the rest)",
    )
    sys.exit(EXIT_STOPPED)


def cell(value: object) -> str:
    """A value in a terminal table: '-' for missing (None or NaN), a float in
    ``:g`` form (6 significant digits)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:g}" if isinstance(value, float) else str(value)


@contextlib.contextmanager
def search_progress(quiet: bool, every: float) -> Iterator[Callable[[SearchState], None] | None]:
    """What to give a solve as its ``progress`` callback: a live line on a
    terminal; elsewhere a plain line every ``every`` seconds (none when 0);
    None with ``quiet``. The words are the library's ``progress_line``."""
    if quiet:
        yield None
    elif err.is_terminal:
        with Live(console=err, refresh_per_second=5, transient=True) as view:
            yield lambda p: view.update(Text(progress_line(p), no_wrap=False, overflow="fold"))
    elif every <= 0:
        yield None
    else:
        due = every

        def log(p: SearchState) -> None:
            nonlocal due
            if p.elapsed >= due:  # one line per period, even when a call comes late
                say(err, progress_line(p, hint=False))
                due = (p.elapsed // every + 1) * every

        yield log


@contextlib.contextmanager
def progress(total: int, what: str) -> Iterator[Callable[[str], None]]:
    """A progress bar on a terminal; one line per finished item otherwise."""
    if not err.is_terminal:
        yield lambda line: err.print(line, markup=False, highlight=False)
        return
    columns = ("{task.description}", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task(f"solving {total} {what}", total=total)

        def advance(line: str) -> None:
            bar.console.print(line, markup=False, highlight=False)
            bar.advance(task)

        yield advance

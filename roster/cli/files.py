"""Commands that convert files: import from other formats, export a roster."""

from __future__ import annotations

from pathlib import Path

import click

from roster.checker import check
from roster.cli.common import IN_FILE, main, out, output_file, say, write_or_exit
from roster.export import write_ical, write_xlsx
from roster.files import write_scenario
from roster.importers.curtois import read
from roster.importers.sheets import KINDS, import_sheet, read_sheet
from roster.load import load_scenario, read_data
from roster.output import load_folder


@main.group(name="import")
def import_() -> None:
    """Convert other formats into scenario files."""


@import_.command(name="curtois")
@click.argument("instance", type=click.Path(dir_okay=False))
@output_file("Scenario file to write (.yaml or .json).")
def import_curtois(instance: str, output: str) -> None:
    """Convert a Curtois & Qu benchmark INSTANCE (.txt) into a scenario."""
    data = read(instance)
    sc = load_scenario(data)
    write_scenario(data, Path(output))
    out.print(
        f"wrote {output}: {len(sc.staff)} staff, {sc.horizon.days} days, "
        f"{len(sc.shifts)} shifts, {len(sc.rule_instances)} rule instances"
    )


def _mapping(pairs: tuple[str, ...]) -> dict[str, str]:
    """--map FIELD=COLUMN options as a mapping; a pair without '=' is bad input."""
    out: dict[str, str] = {}
    for pair in pairs:
        f, sep, column = pair.partition("=")
        if not sep or not f.strip() or not column.strip():
            raise click.BadParameter(
                f"{pair!r}: write FIELD=COLUMN, e.g. id='Staff number'", param_hint="--map"
            )
        out[f.strip()] = column.strip()
    return out


_SHEET_HELP = {
    "staff": "One row a person, merged by id: id (required), name, roles, skills, "
    "contract, hours_per_week. People not in the file stay in the scenario.",
    "leave": "One row a spell of leave: staff (id or name), from and to (or date), "
    "type (default annual).",
    "requests": "One row a request: staff (id or name), dates (or from and to), "
    "shift (default: the whole day), want (on/off, yes/no), weight (default 1).",
}


def _sheet_command(kind: str) -> None:
    @import_.command(
        name=kind,
        help=f"Merge a spreadsheet (CSV or XLSX) of {kind} into a scenario. "
        f"{_SHEET_HELP[kind]} Columns are matched in any case and spacing; every "
        "bad row is listed with its row and column, and nothing is written then.",
    )
    @click.argument("table", type=IN_FILE)
    @click.option("--into", required=True, type=IN_FILE, help="The scenario to merge into.")
    @output_file("The scenario file to write (.yaml or .json); may be the --into file.")
    @click.option("--sheet", help="The workbook's sheet to read (default: the first).")
    @click.option(
        "--map",
        "pairs",
        multiple=True,
        metavar="FIELD=COLUMN",
        help="Read FIELD from the column named COLUMN (repeatable), beside the usual names.",
    )
    def command(
        table: str, into: str, output: str, sheet: str | None, pairs: tuple[str, ...]
    ) -> None:
        mapping = _mapping(pairs)
        load_scenario(into)  # the scenario's own problems, named as its file
        done = import_sheet(read_data(into), kind, read_sheet(table, sheet), mapping)
        write_or_exit(output, lambda: write_scenario(done.data, Path(output)))
        say(out, f"wrote {output}: {done.summary}")


for _kind in KINDS:
    _sheet_command(_kind)


@main.group()
def export() -> None:
    """Export a roster folder (written by solve) to other formats."""


@export.command(name="xlsx")
@click.argument("roster_dir", type=click.Path(file_okay=False))
@output_file("The workbook to write, e.g. roster.xlsx.")
def export_xlsx(roster_dir: str, output: str) -> None:
    """The roster grid with shift colours, cover and per-person sheets."""
    sc, roster = load_folder(roster_dir)
    write_or_exit(output, lambda: write_xlsx(output, sc, roster, check(sc, roster)))
    out.print(f"wrote {output}")


@export.command(name="ical")
@click.argument("roster_dir", type=click.Path(file_okay=False))
@output_file("Folder for one <staff>.ics per person.", click.Path(file_okay=False))
def export_ical(roster_dir: str, output: str) -> None:
    """One calendar (.ics) per staff member, in the scenario's time zone."""
    sc, roster = load_folder(roster_dir)
    write_or_exit(output, lambda: write_ical(output, sc, roster))
    out.print(f"wrote {len(sc.staff)} calendars to {output} (times in {sc.zone_name})")

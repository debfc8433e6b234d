"""Commands that convert files: import from other formats, export a roster."""

from __future__ import annotations

from pathlib import Path

import click

from roster.checker import check
from roster.cli.common import main, out, output_file, write_or_exit
from roster.export import write_ical, write_xlsx
from roster.files import write_scenario
from roster.importers.curtois import read
from roster.load import load_scenario
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

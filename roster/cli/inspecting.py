"""Commands that read without solving: check, validate, report, suggest, rules."""

from __future__ import annotations

import datetime as dt
import json
import sys

import click
from rich.markup import escape
from rich.table import Table

from roster.catalogue import catalogue
from roster.checker import check as check_roster
from roster.cli.common import (
    IN_FILE,
    SOFT_COVER,
    load,
    main,
    out,
    output_file,
    print_by_rule,
    say,
    write_or_exit,
)
from roster.report import write_report
from roster.roster import Roster
from roster.suggest import check_request
from roster.suggest import suggest as rank


def verdict(feasible: bool, hard: int) -> str:
    """'feasible', or how many hard violations: the same words for ``check``
    and ``report``."""
    return "feasible" if feasible else f"{hard} hard violation(s)"


@main.command()
@click.argument("scenario", type=IN_FILE)
@click.argument("roster_csv", type=IN_FILE)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@SOFT_COVER
def check(scenario: str, roster_csv: str, as_json: bool, soft_cover: bool) -> None:
    """Score ROSTER_CSV (or a workbook .xlsx from export xlsx, edited or not)
    against SCENARIO's rules; exit 1 on hard violations."""
    sc = load(scenario)
    report = check_roster(sc, Roster.read(roster_csv, sc), soft_cover=soft_cover)
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2))
        sys.exit(0 if report.feasible else 1)
    for title, items in (
        ("hard violations", report.hard_violations),
        ("penalties", report.penalties),
    ):
        if items:
            t = Table("rule", "staff", "dates", "amount", "penalty", "what", title=title)
            for v in items:
                dates = " ".join(d.isoformat() for d in v.dates)
                penalty = "hard" if v.hard else str(v.penalty)
                t.add_row(v.rule, v.staff or "", dates, str(v.amount), penalty, v.message)
            out.print(t)
    print_by_rule(report)
    hard = len(report.hard_violations)
    out.print(f"{verdict(report.feasible, hard)}; total penalty {report.total_penalty}")
    sys.exit(0 if report.feasible else 1)


@main.command()
@click.argument("scenario", type=IN_FILE)
def validate(scenario: str) -> None:
    """Check SCENARIO for errors without solving it."""
    sc = load(scenario)
    out.print(
        f"{scenario}: ok — {len(sc.staff)} staff, {sc.horizon.days} days from "
        f"{sc.horizon.start}, {len(sc.shifts)} shifts, {len(sc.demand)} demand entries, "
        f"{len(sc.rule_instances)} rule instances"
    )


@main.command()
@click.argument("scenario", type=IN_FILE)
@click.argument("roster_csv", type=IN_FILE)
@output_file("The HTML file to write.")
@SOFT_COVER
def report(scenario: str, roster_csv: str, output: str, soft_cover: bool) -> None:
    """Write an HTML report of ROSTER_CSV (solved or hand-made) under SCENARIO's rules."""
    sc = load(scenario)
    roster = Roster.read(roster_csv, sc)
    checked = check_roster(sc, roster, soft_cover=soft_cover)
    write_or_exit(output, lambda: write_report(output, sc, roster, checked))
    hard = len(checked.hard_violations)
    out.print(
        f"wrote {output}: {verdict(checked.feasible, hard)}, total penalty {checked.total_penalty}"
    )


@main.command()
@click.argument("scenario", type=IN_FILE)
@click.argument("roster_csv", type=IN_FILE)
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
    scenario: str, roster_csv: str, date: dt.datetime, shift: str, role: str | None, show_all: bool
) -> None:
    """Who can take SHIFT on DATE without breaking a hard rule, cheapest first.

    Moving someone off another shift that day counts as breaking its cover
    minimum when that shift would be left short, even if the roster was
    solved with --soft-cover.
    """
    sc = load(scenario)
    check_request(sc, date.date(), shift, role)
    found = rank(sc, Roster.read(roster_csv, sc), date.date(), shift, role)
    able = [c for c in found if c.eligible]
    out.print(f"[bold]who can take {shift} on {date.date():%a %Y-%m-%d}[/]", highlight=False)
    if able:
        t = Table(
            "",
            "staff",
            "name",
            "as",
            "now",
            "cost",
            "what changes",
            title="can take it, within every hard rule (cheapest first)",
        )
        for i, c in enumerate(able, 1):
            what = ", ".join(f"{k} {v:+d}" for k, v in c.by_rule.items()) or "nothing"
            t.add_row(str(i), c.staff, c.name, c.role, c.now or "off", f"{c.cost:+d}", what)
        out.print(t)
    else:
        out.print("Nobody can take it within every hard rule.")
    others = [c for c in found if not c.eligible]
    if show_all and others:
        out.print("[bold]would break a hard rule[/]")
        for c in others:
            now = f"now on {c.now}" if c.now else "now off"
            say(out, f"{c.staff} cannot: {c.name}, {now}, would break:")
            for broken in c.broken:
                say(out, f"  - {broken}")
    elif others:
        out.print(
            f"{len(others)} more would break a hard rule (--all lists them with the rules).",
            highlight=False,
        )


@main.command()
def rules() -> None:
    """List the rule kinds with their parameters."""
    found = catalogue()
    out.print("[bold]Every rule[/] takes these, besides its own parameters:")
    t = Table("parameter", "meaning", box=None)
    for p in found.common:
        t.add_row(p.name, p.meaning)
    out.print(t)
    for kind in found.kinds:
        out.rule(f"[bold]{kind.kind}[/]")
        out.print(kind.doc, markup=False, highlight=False)
        if kind.day_scoped:
            out.print("Accepts scope.from / scope.to / scope.weekdays.", highlight=False)
        t = Table("parameter", "type", "default", "meaning", box=None)
        for p in kind.parameters:
            t.add_row(p.name, escape(p.type), escape(p.default), escape(p.meaning))
        if t.row_count:
            out.print(t)
    out.rule("[bold]always on[/] (from scenario sections)")
    for name, first in found.sections:
        out.print(f"[bold]{name}[/]: {first}", highlight=False)

"""What a manager reads from a what-if: whatif.png plots every variant (one
line per value of the second key, one panel per combination of the keys
after it), read here from the chart's data, not its pixels; the terminal
table shows the gap and the uncovered hours of each varied role next to the
total, and whatif.csv has them too."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner
from matplotlib.lines import Line2D

from roster import load_scenario
from roster.cli import main
from roster.metrics import Shortfall
from roster.variants import Axis, parse_vary
from roster.whatif import chart, plot, summary_columns, varied_roles

SMALL = Path(__file__).parent / "data" / "small.yaml"  # 5 people in role RN, 2 in PH


def made_up(axes: list[Axis], uncovered: list[float], **extra: list[Any]) -> pd.DataFrame:
    """A what-if table over the grid of ``axes`` (first key slowest)."""
    rows: list[dict[str, Any]] = [{}]
    for a in axes:
        rows = [{**r, a.key: v} for r in rows for v in a.values]
    table = pd.DataFrame(rows)
    table.insert(0, "variant", [f"v{i}" for i in range(len(table))])
    table["status"] = "OPTIMAL"
    table["gap_pct"] = 0.0
    table["uncovered_hours"] = uncovered
    table["objective"] = [10_000 * u + i for i, u in enumerate(uncovered)]
    for column, values in extra.items():
        table[column] = values
    return table


def drawn(fig: Any) -> list[tuple[str, str, list[Any], list[float]]]:
    """Every plotted line but the red rings: (panel's y label, line label, x, y)."""
    return [
        (ax.get_ylabel(), line.get_label(), list(line.get_xdata()), list(line.get_ydata()))
        for ax in fig.axes
        for line in ax.get_lines()
        if isinstance(line, Line2D) and line.get_label() != "unproven"
    ]


def test_a_3_by_2_grid_plots_all_six_variants() -> None:
    """The issue's case: staff.RN=-1..1 x demand.N*1,1.3 lost the x1.3 line."""
    axes = [parse_vary("staff.RN=-1..1"), parse_vary("demand.RN.N=1,1.3")]
    table = made_up(axes, [20, 49, 0, 21, 0, 8])  # the x1.3 variants: 49, 21 and 8
    base = load_scenario(SMALL)
    fig, series = chart(table, axes, base)
    lines = drawn(fig)
    uncovered = {label: (x, y) for ylabel, label, x, y in lines if ylabel.startswith("uncovered")}
    assert uncovered == {
        "demand.RN.N=1": ([4, 5, 6], [20.0, 0.0, 0.0]),
        "demand.RN.N=1.3": ([4, 5, 6], [49.0, 21.0, 8.0]),
    }
    penalty = [y for ylabel, _, _, y in lines if ylabel.startswith("penalty")]
    assert sorted(v for y in penalty for v in y) == sorted(table["objective"].astype(float))
    assert {v for s in series for v in s.variants} == set(table["variant"])
    assert len(series) == 2 * 2  # two lines, on the uncovered hours and on the penalty
    assert "RN headcount (now 5)" in {ax.get_xlabel() for ax in fig.axes}


def test_a_third_key_gets_a_panel_per_value_and_unproven_points_are_ringed() -> None:
    axes = [
        parse_vary("demand.RN.N=1,2"),
        parse_vary("staff.RN=-1,0"),
        parse_vary("rule.fairness.weight=1,5,9"),
    ]
    table = made_up(axes, [float(i) for i in range(12)])
    table.loc[3, "gap_pct"] = 40.0  # unproven
    fig, series = chart(table, axes, load_scenario(SMALL))
    # the headcount goes along x whatever the order given; demand is the line
    assert {s.label for s in series} == {"demand.RN.N=1", "demand.RN.N=2"}
    assert [s.panel for s in series][::4] == [f"rule.fairness.weight={w}" for w in (1, 5, 9)]
    assert {v for s in series for v in s.variants} == set(table["variant"])
    visible = [ax for ax in fig.axes if ax.get_visible()]
    assert len(visible) == 3 * 2
    titles = {ax.get_title() for ax in visible} - {""}
    assert titles == {"rule.fairness.weight=1", "rule.fairness.weight=5", "rule.fairness.weight=9"}
    points = sum(len(x) for _, _, x, _ in drawn(fig))
    assert points == 2 * len(table)  # each variant once per measure
    rings = [line for ax in fig.axes for line in ax.get_lines() if line.get_label() == "unproven"]
    assert len(rings) == 2 and all(len(r.get_xdata()) == 1 for r in rings)


def test_without_a_headcount_the_first_key_goes_along_x_and_blank_is_as_is(
    tmp_path: Path,
) -> None:
    """A variants file may leave a key blank (no change): that variant is
    plotted too, at 'as is'; a variant without a roster is not plotted."""
    axes = [Axis("demand.RN", ("1.2", "1.5")), Axis("rule.fairness.weight", ("5",))]
    table = pd.DataFrame(
        {
            "variant": ["base", "a", "b", "c"],
            "demand.RN": ["", "1.2", "1.5", "1.5"],
            "rule.fairness.weight": ["", "", "", "5"],
            "status": ["OPTIMAL", "OPTIMAL", "FEASIBLE", "UNKNOWN"],
            "gap_pct": [0.0, 0.0, 1.0, None],
            "uncovered_hours": [0.0, 4.0, 9.0, None],
            "objective": [3.0, 40_004.0, 90_010.0, None],
        }
    )
    series = plot(table, axes, tmp_path / "w.png", load_scenario(SMALL))
    assert (tmp_path / "w.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    top = [s for s in series if s.measure == "uncovered_hours"]
    assert [(s.label, s.x, s.y) for s in top] == [
        ("rule.fairness.weight=as is", ("as is", "1.2", "1.5"), (0.0, 4.0, 9.0))
    ]
    assert {v for s in series for v in s.variants} == {"base", "a", "b"}


def test_the_roles_a_whatif_varies() -> None:
    axes = [
        parse_vary(k)
        for k in (
            "staff.RN@A=0,1",
            "demand.charge.N=1,2",
            "demand.RN.15:00-07:00=1,1.3",
            "rule.fairness.weight=1,2",
        )
    ]
    assert varied_roles(axes) == ["RN", "charge"]
    table = made_up(axes[:1], [0.0, 1.0], uncovered_hours_RN=[0.0, 1.0])
    headings = [h for _, h in summary_columns(table, axes[:1])]
    assert headings == [  # no 'proven' column in this table: none shown
        "staff.RN@A",
        "status",
        "penalty",
        "gap %",
        "uncovered hours",
        "RN uncovered hours",
    ]


def test_a_shortfall_of_a_role_with_a_skill_counts_for_both() -> None:
    gap = Shortfall(dt.date(2026, 12, 8), "shift.N", "RN/charge", 1, 0, 10.0, "RN", "charge")
    assert gap.concerns("RN") and gap.concerns("charge") and not gap.concerns("PH")


def cells(output: str) -> dict[str, list[str]]:
    """The terminal table's columns by heading (rich draws it with box lines)."""
    rows = [
        [c.strip() for c in re.split(r"[┃│]", line)[1:-1]]
        for line in output.splitlines()
        if line.startswith(("┃", "│"))
    ]
    return {h: [r[i] for r in rows[1:]] for i, h in enumerate(rows[0])}


@pytest.mark.slow
def test_whatif_cli_shows_the_gap_and_each_varied_roles_uncovered_hours(tmp_path: Path) -> None:
    result = CliRunner(env={"COLUMNS": "250"}).invoke(
        main,
        [
            "whatif",
            str(SMALL),
            "--vary",
            "staff.RN=-2,0",
            "--vary",
            "demand.PH=1,3",
            "-o",
            str(tmp_path),
            "--jobs",
            "2",
            "--time-limit",
            "10",
        ],
    )
    assert result.exit_code == 0, result.output
    table = pd.read_csv(tmp_path / "whatif.csv", dtype={"staff.RN": str, "demand.PH": str})
    columns = list(table.columns)
    at = columns.index("uncovered_hours")
    assert columns[at : at + 3] == ["uncovered_hours", "uncovered_hours_RN", "uncovered_hours_PH"]
    # small.yaml's cover names a role and no skill: the two make the total
    assert (table["uncovered_hours_RN"] + table["uncovered_hours_PH"]).tolist() == pytest.approx(
        table["uncovered_hours"].tolist()
    )
    for role in ("RN", "PH"):
        breakdown = table.get(f"uncovered_hours.role.{role}", pd.Series(0.0, index=table.index))
        assert table[f"uncovered_hours_{role}"].tolist() == pytest.approx(breakdown.tolist())
    assert table["uncovered_hours_RN"].max() > 0  # two nurses fewer leave hours uncovered
    assert table["uncovered_hours_PH"].max() > 0  # three pharmacists on the early: there are two

    shown = cells(result.stdout)
    assert list(shown)[:9] == [
        "staff.RN",
        "demand.PH",
        "status",
        "penalty",
        "gap %",
        "proven",
        "uncovered hours",
        "RN uncovered hours",
        "PH uncovered hours",
    ]
    assert shown["gap %"] == [f"{g:g}" for g in table["gap_pct"]]
    assert shown["RN uncovered hours"] == [f"{h:g}" for h in table["uncovered_hours_RN"]]
    assert shown["PH uncovered hours"] == [f"{h:g}" for h in table["uncovered_hours_PH"]]

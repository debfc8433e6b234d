"""Writing a result to disk: CSV rosters, coverage, penalties, the report,
the scenario and the summary.

Every file is first written beside its target and then renamed over it, so a
crash or Ctrl-C never leaves half a file; the summary goes last.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from roster.constraints import cover, time_cover
from roster.constraints.base import weekend_blocks
from roster.result import Result
from roster.roster import Roster
from roster.scenario import Scenario

ROSTER_FILES = ("roster.csv", "grid.csv", "coverage.csv", "penalties.csv", "report.html",
                "roster.xlsx")


def atomic_write(path: Path, write: Callable[[Any], None], mode: str = "w") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        text = {} if "b" in mode else {"encoding": "utf-8", "newline": ""}
        with os.fdopen(fd, mode, **text) as fh:
            os.fchmod(fh.fileno(), 0o666 & ~_umask())  # mkstemp makes 0600: use the usual mode
            write(fh)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


#: what a spreadsheet reads as the start of a formula (OWASP "CSV injection")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def safe_cell(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula (a name such as
    ``=HYPERLINK(...)``), prefixed with ``'`` so it shows as text; numbers,
    negative ones included, are left alone."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def safe_table(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with every text cell (and the index and header) passed
    through ``safe_cell``."""
    out = df.copy()
    for col in out.columns:
        if not pd.api.types.is_numeric_dtype(out[col]):
            out[col] = out[col].map(safe_cell)
    if not pd.api.types.is_numeric_dtype(out.index):
        out.index = out.index.map(safe_cell)
    out.columns = [safe_cell(c) for c in out.columns]
    return out


def write_table(path: Path, df: pd.DataFrame, index: bool = False) -> None:
    """A CSV the product writes, atomically and safe to open in a
    spreadsheet (every CSV goes through here)."""
    safe = safe_table(df)
    atomic_write(path, lambda fh: safe.to_csv(fh, index=index))


def dump_yaml(data: object, fh: object) -> None:
    """Block style for sections, flow style for each small record."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    def flow(node: object, depth: int) -> object:
        if isinstance(node, dict):
            m = CommentedMap((k, flow(v, depth + 1)) for k, v in node.items())
            if depth >= 2 and not any(isinstance(v, (dict, list)) and len(v) > 8
                                      for v in node.values()):
                m.fa.set_flow_style()
            return m
        if isinstance(node, list):
            seq = CommentedSeq(flow(v, depth + 1) for v in node)
            if all(not isinstance(v, (dict, list)) for v in node):
                seq.fa.set_flow_style()
            return seq
        return node

    yaml = YAML()
    yaml.version = (1, 2)
    yaml.width = 4096
    yaml.dump(flow(data, 0), fh)


def write_scenario(data: dict[str, Any], path: Path) -> None:
    """Scenario data as a file ``load_scenario`` reads back: JSON for a
    ``.json`` path, YAML otherwise (written by ``import`` and the unit generator)."""
    if path.suffix == ".json":
        atomic_write(path, lambda fh: json.dump(data, fh, indent=1))
    else:
        atomic_write(path, lambda fh: dump_yaml(data, fh))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def coverage_table(scenario: Scenario, roster: Roster) -> pd.DataFrame:
    parts = [cover.coverage(scenario, roster), time_cover.coverage(scenario, roster)]
    parts = [p for p in parts if not p.empty]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["date", "shift", "window", "role", "skill", "min", "preferred", "max",
                 "assigned", "shortfall", "below_preferred", "surplus"]
    )


def staff_totals(scenario: Scenario, roster: Roster) -> dict[str, dict[str, Any]]:
    """Per person: paid hours (real time; on-call duties their paid share),
    hours credited for leave, shifts, nights, on-call duties held and their
    paid hours, and worked weekends (a shift or a resident duty)."""
    cells, held = roster.layers(scenario)
    blocks = weekend_blocks(scenario)
    resident = scenario.resident_duties
    out = {}
    for p in scenario.staff:
        days = range(scenario.horizon.days)
        worked = [(d, t) for d in days for t, _ in cells.get((p.id, d), [])]
        duties = [(d, k) for d in days for k, _ in held.get((p.id, d), [])]
        on_site = {d for d, k in duties if k in resident}
        duty_minutes = sum(scenario.paid(d, k) for d, k in duties)
        out[p.id] = {
            "hours": round((sum(scenario.paid(d, t) for d, t in worked) + duty_minutes) / 60, 2),
            "leave_hours": round(sum(scenario.credit[p.id].values()) / 60, 2),
            "shifts": len(worked),
            "nights": sum(1 for _, t in worked if scenario.shift_by_id[t].is_night),
            "duties": len(duties),
            "duty_hours": round(duty_minutes / 60, 2),
            "weekends": sum(1 for b in blocks
                            if any((p.id, d) in cells or d in on_site for d in b)),
        }
    return out


def hours_due(scenario: Scenario, staff: str) -> float | None:
    """Contracted hours for the horizon, pro rata to the days not on leave
    that credits nothing: a leave day that credits hours still owes them,
    and its credit counts as hours paid (``leave_hours`` in ``staff_totals``)."""
    weekly = scenario.hours_per_week(staff)
    if weekly is None:
        return None
    uncredited = len(scenario.leave_days[staff]) - len(scenario.credit[staff])
    return weekly * (scenario.horizon.days - uncredited) / 7


def summary(result: Result, scenario: Scenario) -> dict[str, Any]:
    out: dict[str, Any] = {
        "scenario": scenario.name,
        "status": result.status.value,
        "objective": result.objective,
        "best_bound": result.best_bound,
        "gap": result.gap,
        "wall_time_s": round(result.wall_time_s, 3),
        "first_solution_s": (
            round(result.first_solution_s, 3) if result.first_solution_s is not None else None
        ),
        "stopped_by_user": result.stopped_by_user,
    }
    if result.cpsat_objective is not None and result.cpsat_objective != result.objective:
        out["cpsat_objective"] = result.cpsat_objective
    if result.report is not None and result.roster is not None:
        out["check_total_penalty"] = result.report.total_penalty
        out["hard_violations"] = len(result.report.hard_violations)
        out["penalty_by_rule"] = result.report.by_rule
        out["staff"] = staff_totals(scenario, result.roster)
    if result.explanation:
        out["explanation"] = result.explanation
    return out


def write_result(result: Result, scenario: Scenario, outdir: str | Path,
                 xlsx: bool = False) -> list[Path]:
    """Write the roster files and report.html (when there is a roster; with
    ``xlsx`` also roster.xlsx), scenario.json (the scenario they belong to,
    for exports) and summary.json."""
    from roster.export import write_xlsx
    from roster.report import write_report

    outdir = Path(outdir)
    written = []

    def csv(name: str, df: pd.DataFrame, index: bool = False) -> None:
        write_table(outdir / name, df, index=index)
        written.append(outdir / name)

    if result.roster is not None and result.report is not None:
        csv("roster.csv", result.roster.table(scenario))
        csv("grid.csv", result.roster.grid(scenario), index=True)
        csv("coverage.csv", coverage_table(scenario, result.roster))
        pens = pd.DataFrame(
            [
                {**v.as_dict(), "dates": " ".join(v.as_dict()["dates"])}
                for v in result.report.penalties
            ],
            columns=["rule", "staff", "dates", "amount", "weight", "penalty", "message"],
        )
        csv("penalties.csv", pens)
        written.append(write_report(outdir / "report.html", scenario, result.roster,
                                    result.report, result))
        if xlsx:
            written.append(write_xlsx(outdir / "roster.xlsx", scenario, result.roster,
                                      result.report))
        else:
            (outdir / "roster.xlsx").unlink(missing_ok=True)  # not an earlier run's
    else:
        # no roster this time: an earlier run's files must not pass for this one's
        for name in ROSTER_FILES:
            (outdir / name).unlink(missing_ok=True)
    data = scenario.model_dump(mode="json", by_alias=True, exclude_none=True)
    atomic_write(outdir / "scenario.json", lambda fh: json.dump(data, fh, indent=1))
    written.append(outdir / "scenario.json")
    info = summary(result, scenario)
    atomic_write(outdir / "summary.json", lambda fh: json.dump(info, fh, indent=2, default=str))
    written.append(outdir / "summary.json")
    return written

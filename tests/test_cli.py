"""The `roster` command: exit codes, messages and files.

0 done, 1 check found hard violations, 2 bad input, 3 hard rules cannot all
hold, 4 no roster within the time limit. Bad input never shows a traceback.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from click.testing import CliRunner
from click.testing import Result as CliResult

from roster import Result, SolveParams, SolveStatus, load_scenario, solve
from roster.cli import main
from roster.constraints import registry

DATA = Path(__file__).parent / "data"
SMALL = DATA / "small.yaml"
INFEASIBLE = DATA / "infeasible.yaml"
FAST = ["--time-limit", "10", "--workers", "1", "--seed", "0", "--quiet"]


def run(*args: Any, columns: int | None = None) -> CliResult:
    """Invoke in-process; ``columns`` widens rich's tables (default 80)."""
    env = {"COLUMNS": str(columns)} if columns else {}
    result = CliRunner(env=env).invoke(main, [str(a) for a in args], catch_exceptions=True)
    # an exception escaping the command is a crash, whatever the exit code
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"roster {args} crashed: {result.exception!r}") from result.exception
    return result


def flat(text: str) -> str:
    """Rich wraps long lines at the console width: compare with spaces squeezed."""
    return re.sub(r"\s+", " ", text)


def no_traceback(result: CliResult) -> None:
    assert "Traceback" not in result.output and "Traceback" not in result.stderr


@pytest.fixture(scope="module")
def small_out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("small") / "out"
    result = run("solve", SMALL, "-o", out, *FAST)
    assert result.exit_code == 0, result.output + result.stderr
    return out


# -- solve ------------------------------------------------------------------------------
def test_solve_writes_files_and_reports(small_out: Path) -> None:
    for name in ("roster.csv", "grid.csv", "coverage.csv", "penalties.csv", "summary.json"):
        assert (small_out / name).is_file(), name
    summary = json.loads((small_out / "summary.json").read_text())
    assert summary["status"] == "OPTIMAL"
    assert summary["objective"] == summary["best_bound"] == 7
    assert summary["gap"] == 0
    roster = pd.read_csv(small_out / "roster.csv", dtype=str)
    assert {"staff", "name", "role", "date", "day", "shift", "start", "end", "hours"} <= set(
        roster.columns
    )
    nights = roster[roster["shift"] == "N"]
    assert len(nights) == 4
    for rec in nights.to_dict("records"):
        assert rec["start"] == f"{rec['date']}T21:30+00:00"  # no time zone: UTC
        assert rec["end"][:10] > rec["date"] and rec["end"].endswith("T07:30+00:00")


def test_solve_prints_status_and_penalties(tmp_path: Path) -> None:
    result = run("solve", SMALL, "-o", tmp_path, *FAST)
    assert result.exit_code == 0
    text = flat(result.stdout)
    assert "status OPTIMAL" in text and "objective 7" in text and "gap 0.00%" in text
    assert "fairness" in text and "requests" in text
    assert f"wrote {tmp_path}/roster.csv" in text


def test_check_agrees_with_solve(small_out: Path) -> None:
    summary = json.loads((small_out / "summary.json").read_text())
    result = run("check", SMALL, small_out / "roster.csv", "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert set(report) == {"feasible", "total_penalty", "hard_violations", "penalties", "by_rule"}
    assert report["feasible"] is True and report["hard_violations"] == []
    assert report["total_penalty"] == summary["objective"] == summary["check_total_penalty"]
    assert report["by_rule"] == summary["penalty_by_rule"]
    assert sum(p["penalty"] for p in report["penalties"]) == report["total_penalty"]


def test_check_plain_output(small_out: Path) -> None:
    result = run("check", SMALL, small_out / "roster.csv", columns=200)
    assert result.exit_code == 0
    text = flat(result.stdout)
    assert "feasible; total penalty 7" in text
    assert "A asked for Sat 12 Dec off; rostered" in text


def test_solve_a_bigger_ward_with_time_limit(tmp_path: Path) -> None:
    """A roster that is not proven optimal in time is still written, and the
    checker still agrees with the objective."""
    result = run(
        "solve",
        DATA / "mini.yaml",
        "-o",
        tmp_path,
        "--time-limit",
        "1",
        "--workers",
        "2",
        "--seed",
        "3",
        "--quiet",
    )
    assert result.exit_code == 0, result.stderr
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["status"] in ("OPTIMAL", "FEASIBLE")
    assert summary["hard_violations"] == 0
    checked = json.loads(run("check", DATA / "mini.yaml", tmp_path / "roster.csv", "--json").stdout)
    assert checked["total_penalty"] == summary["objective"]
    assert summary["gap"] is not None and summary["wall_time_s"] < 30


def test_solve_yaml_1_2_codes(tmp_path: Path) -> None:
    result = run("solve", DATA / "yaml12.yaml", "-o", tmp_path, *FAST)
    assert result.exit_code == 0, result.stderr
    roster = pd.read_csv(tmp_path / "roster.csv", dtype=str, keep_default_na=False)
    assert set(roster["shift"]) <= {"ON", "OFF", "NO", "Y"}
    pinned = roster[(roster["staff"] == "A") & (roster["date"] == "2026-12-07")]
    assert list(pinned["shift"]) == ["OFF"]
    assert run("check", DATA / "yaml12.yaml", tmp_path / "roster.csv").exit_code == 0


def test_solve_json_scenario(tmp_path: Path) -> None:
    result = run("solve", DATA / "small.json", "-o", tmp_path, *FAST)
    assert result.exit_code == 0
    assert json.loads((tmp_path / "summary.json").read_text())["objective"] == 7


def test_infeasible_exit_3_names_the_conflict(tmp_path: Path) -> None:
    result = run("solve", INFEASIBLE, "-o", tmp_path, *FAST)
    assert result.exit_code == 3
    text = flat(result.stderr)
    assert "The hard rules cannot all hold" in text
    assert "P1 is on leave or unavailable on Tue 2026-12-08" in text
    assert "PH cover needs at least 1 (demand[1])" in text
    assert "--soft-cover" in text
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["status"] == "INFEASIBLE"
    assert len(summary["explanation"]) == 2
    assert not (tmp_path / "roster.csv").exists()


def test_soft_cover_gives_a_roster_with_shortfall(tmp_path: Path) -> None:
    result = run("solve", INFEASIBLE, "-o", tmp_path, "--soft-cover", *FAST)
    assert result.exit_code == 0, result.stderr
    cov = pd.read_csv(tmp_path / "coverage.csv", keep_default_na=False, dtype=str)
    short = cov[cov["shortfall"].astype(int) > 0]
    assert short[["date", "shift", "role", "min", "assigned", "shortfall"]].values.tolist() == [
        ["2026-12-08", "E", "PH", "1", "0", "1"]
    ]
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["status"] == "OPTIMAL"
    # scored as solve scored it, the roster holds; scored strictly, cover is broken
    soft = run("check", INFEASIBLE, tmp_path / "roster.csv", "--soft-cover", "--json")
    assert soft.exit_code == 0
    assert json.loads(soft.stdout)["total_penalty"] == summary["objective"]
    strict = run("check", INFEASIBLE, tmp_path / "roster.csv", "--json")
    assert strict.exit_code == 1
    [hard] = json.loads(strict.stdout)["hard_violations"]
    assert hard["rule"] == "cover" and hard["dates"] == ["2026-12-08"]


def _big_ward(n: int = 60, days: int = 28) -> dict[str, Any]:
    return {
        "name": "Big generated ward",
        "horizon": {"start": "2026-12-07", "days": days},
        "shifts": [
            {"id": "E", "start": "07:00", "end": "15:00"},
            {"id": "L", "start": "14:00", "end": "22:00"},
            {"id": "N", "start": "21:30", "end": "07:30"},
        ],
        "roles": [{"id": "RN"}],
        "staff": [{"id": f"S{i}", "roles": ["RN"]} for i in range(n)],
        "demand": [
            {"shift": s, "role": "RN", "min": n // 6, "preferred": n // 4, "under_weight": 3}
            for s in "ELN"
        ],
        "rules": [
            {"kind": "min_rest", "hours": 11},
            {"kind": "consecutive", "max": 5},
            {"kind": "fairness", "measure": "nights", "weight": 2},
            {"kind": "complete_weekends", "weight": 3},
        ],
    }


def test_no_roster_in_time_exit_4(tmp_path: Path) -> None:
    """A millisecond is not enough for CP-SAT to even finish presolve on
    5,000 variables, so no roster is found."""
    file = tmp_path / "big.json"
    file.write_text(json.dumps(_big_ward()))
    result = run(
        "solve", file, "-o", tmp_path / "out", "--time-limit", "0.001", "--workers", "1", "--quiet"
    )
    assert result.exit_code == 4, result.stdout + result.stderr
    assert "No roster found within 0.001s" in flat(result.stderr)
    assert "--time-limit" in result.stderr
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["status"] == "UNKNOWN" and summary["objective"] is None
    assert not (tmp_path / "out" / "roster.csv").exists()


def test_exit_4_when_solver_reports_unknown(tmp_path: Path, monkeypatch) -> None:
    """The same, independent of solver speed."""
    from roster.cli import solving as cli

    def unknown(scenario, params, progress=None):
        assert params.time_limit == 2.5
        return Result(SolveStatus.UNKNOWN, None, None, 2.5, None, None)

    monkeypatch.setattr(cli, "solve_scenario", unknown)
    result = run("solve", SMALL, "-o", tmp_path, "--time-limit", "2.5", "--quiet")
    assert result.exit_code == 4
    assert "No roster found within 2.5s" in flat(result.stderr)


def test_api_solve_unknown_with_tiny_time_limit() -> None:
    sc = load_scenario(_big_ward())
    result = solve(sc, SolveParams(time_limit=0.001, workers=1, seed=0))
    assert result.status == SolveStatus.UNKNOWN
    assert result.roster is None and result.objective is None and result.gap is None
    assert result.violations == []


def test_solve_options_are_passed(tmp_path: Path, monkeypatch) -> None:
    from roster.cli import solving as cli

    seen = {}

    def fake(scenario, params, progress=None):
        seen["params"] = params
        return Result(SolveStatus.UNKNOWN, None, None, 0.1, None, None)

    monkeypatch.setattr(cli, "solve_scenario", fake)
    run(
        "solve",
        SMALL,
        "-o",
        tmp_path,
        "--time-limit",
        "7",
        "--workers",
        "3",
        "--seed",
        "42",
        "--soft-cover",
        "--quiet",
        "--strategy",
        "lns",
    )
    p = seen["params"]
    assert (p.time_limit, p.workers, p.seed, p.soft_cover, p.strategy) == (7.0, 3, 42, True, "lns")


@pytest.mark.parametrize(
    "args",
    [
        ["--time-limit", "0"],
        ["--time-limit", "-1"],
        ["--time-limit", "soon"],
        ["--workers", "-1"],
        ["--seed", "-5"],
        ["--strategy", "fastest"],
    ],
)
def test_solve_bad_options_exit_2(tmp_path: Path, args: list[str]) -> None:
    result = run("solve", SMALL, "-o", tmp_path, *args)
    assert result.exit_code == 2
    assert "Invalid value" in result.stderr
    no_traceback(result)


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"timezone": "Mars/Olympus"}, "timezone: unknown time zone 'Mars/Olympus'"),
        (
            {"holidays": [{"date": "2030-01-01", "name": "New Year"}]},
            "holidays[0].date: 2030-01-01 is outside the horizon",
        ),
        (
            {"leave_types": ["career-break"], "staff_leave": {"date": "2026-12-08", "type": "gap"}},
            "leave[0].type: unknown leave type 'gap'; allowed: annual, career-break",
        ),
    ],
)
def test_time_and_leave_input_errors_exit_2(
    tmp_path: Path, change: dict[str, Any], where: str
) -> None:
    from roster.files import write_scenario
    from roster.load import read_data

    data = read_data(SMALL)
    if "staff_leave" in change:
        data["staff"][0]["leave"] = [change.pop("staff_leave")]
    data.update(change)
    path = tmp_path / "bad.yaml"
    write_scenario(data, path)
    for command in (["validate", path], ["solve", path, "-o", tmp_path / "out", *FAST]):
        result = run(*command)
        assert result.exit_code == 2, result.output
        assert where in flat(result.stderr) and str(path) in flat(result.stderr)
        no_traceback(result)


def test_utc_is_assumed_once_without_a_time_zone(tmp_path: Path) -> None:
    from roster.files import write_scenario
    from roster.load import read_data

    data = read_data(SMALL)
    data.pop("timezone", None)
    path = tmp_path / "nozone.yaml"
    write_scenario(data, path)
    result = run("solve", path, "-o", tmp_path / "a", *FAST)
    assert result.exit_code == 0
    assert flat(result.stderr).count("gives no timezone: clock times are taken as UTC") == 1
    data["timezone"] = "Europe/London"
    write_scenario(data, path)
    result = run("solve", path, "-o", tmp_path / "b", *FAST)
    assert "timezone" not in result.stderr


def test_solve_needs_output(tmp_path: Path) -> None:
    result = run("solve", SMALL)
    assert result.exit_code == 2 and "-o" in result.stderr


def test_solve_output_folder_cannot_be_made(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run("solve", SMALL, "-o", blocker / "out", *FAST)
    assert result.exit_code == 2
    assert "cannot write to the output folder" in flat(result.stderr)
    no_traceback(result)


def test_solve_bad_scenario_exit_2_before_solving(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(SMALL.read_text().replace("roles: [RN], contract", "roles: [HCA], contract", 1))
    result = run("solve", bad, "-o", tmp_path / "out", *FAST)
    assert result.exit_code == 2
    text = flat(result.stderr)
    assert str(bad) in text
    assert "staff[1] (B).roles[0]: unknown role 'HCA'; allowed: PH, RN" in text
    assert not (tmp_path / "out").exists()


# -- check --------------------------------------------------------------------------
def write_csv(tmp_path: Path, text: str, name: str = "r.csv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_check_minimal_columns(tmp_path: Path) -> None:
    rows = (
        ["staff,date,shift"]
        + [f"A,2026-12-0{d},E" for d in (7, 8, 9)]
        + [f"P1,2026-12-0{d},E" for d in (7, 9)]
    )
    csv = write_csv(tmp_path, "\n".join(rows) + "\n")
    result = run("check", INFEASIBLE, csv, "--json")
    assert result.exit_code == 1  # P1 is on leave on the 8th: no pharmacist
    report = json.loads(result.stdout)
    assert report["feasible"] is False
    [v] = report["hard_violations"]
    assert v["rule"] == "cover" and v["dates"] == ["2026-12-08"] and v["amount"] == 1
    assert v["weight"] is None and "PH" in v["message"]
    soft = run("check", INFEASIBLE, csv, "--soft-cover", "--json")
    assert soft.exit_code == 0
    assert json.loads(soft.stdout)["total_penalty"] == 10_000


def test_check_plain_lists_hard_violations(tmp_path: Path) -> None:
    csv = write_csv(tmp_path, "staff,date,shift\nA,2026-12-07,E\n")
    result = run("check", INFEASIBLE, csv)
    assert result.exit_code == 1
    text = flat(result.stdout)
    assert "hard violations" in text and "hard violation(s)" in text


CSV_ERRORS = [
    # a blank or missing value is not a day off: a day off is a row left out
    (
        "blank shift",
        "staff,date,shift\nA,2026-12-07,\nA,2026-12-08,E\n",
        "row 2.shift",
        "blank shift: every row is one shift or duty worked",
    ),
    (
        "cut short",
        "staff,date,shift\nA,2026-12-08,E\nA,2026-12-0",
        "row 3",
        "2 of the header's 3 values; the file may be cut short",
    ),
    (
        "duplicate",
        "staff,date,shift\nA,2026-12-08,E\nA,2026-12-08,E\n",
        "row 3",
        "the same as row 2 (A, 2026-12-08, E)",
    ),
    (
        "unknown staff",
        "staff,date,shift\nZZ,2026-12-07,E\n",
        "row 2.staff",
        "unknown staff 'ZZ'; allowed: A, B, P1",
    ),
    (
        "unknown shift",
        "staff,date,shift\nA,2026-12-07,X\n",
        "row 2.shift",
        "unknown shift 'X'; allowed: E, L",
    ),
    (
        "impossible date",
        "staff,date,shift\nA,2026-12-07,E\nA,2026-02-30,E\n",
        "row 3.date",
        "'2026-02-30' is not a date YYYY-MM-DD",
    ),
    (
        "not a date",
        "staff,date,shift\nA,07/12/2026,E\n",
        "row 2.date",
        "'07/12/2026' is not a date YYYY-MM-DD",
    ),
    (
        "date outside horizon",
        "staff,date,shift\nA,2026-12-10,E\n",
        "row 2.date",
        "2026-12-10 is outside the horizon 2026-12-07..2026-12-09",
    ),
    (
        "role not theirs",
        "staff,date,shift,role\nA,2026-12-07,E,PH\n",
        "row 2.role",
        "'PH' is not one of A's roles (RN)",
    ),
    (
        "missing column",
        "staff,day,shift\nA,0,E\n",
        "columns",
        "missing column(s) date; need staff,date,shift",
    ),
    ("empty file", "", "file", "cannot read the roster CSV"),
    (
        "stray commas",
        "staff,date,shift\nA,2026-12-07,E,,x\n",
        "file",
        "rows have more values than the header has columns (staff,date,shift)",
    ),
]


@pytest.mark.parametrize(
    "text,path,message", [c[1:] for c in CSV_ERRORS], ids=[c[0] for c in CSV_ERRORS]
)
def test_check_bad_roster_csv_exit_2(tmp_path: Path, text: str, path: str, message: str) -> None:
    csv = write_csv(tmp_path, text)
    result = run("check", INFEASIBLE, csv)
    assert result.exit_code == 2
    err = flat(result.stderr)
    assert f"{csv}: " in err and "problem(s) in the roster CSV" in err
    assert f"{path}: {message}" in err
    assert result.stdout == ""
    no_traceback(result)


def test_check_missing_role_for_multi_role_person(tmp_path: Path) -> None:
    csv = write_csv(tmp_path, "staff,date,shift\nF,2026-12-11,E\nA,2026-12-11,N\n")
    result = run("check", SMALL, csv)
    assert result.exit_code == 2
    assert "row 2.role: F has several roles (RN, PH); say which" in flat(result.stderr)
    with_role = write_csv(
        tmp_path, "staff,date,shift,role\nF,2026-12-11,E,PH\nA,2026-12-11,N,\n", "r2.csv"
    )
    assert run("check", SMALL, with_role).exit_code == 1  # reads fine; cover is short


def test_check_reports_every_bad_row(tmp_path: Path) -> None:
    csv = write_csv(tmp_path, "staff,date,shift\nZZ,2026-12-07,E\nA,2026-12-07,X\nB,2027-01-01,E\n")
    err = flat(run("check", INFEASIBLE, csv).stderr)
    assert "3 problem(s)" in err
    assert "row 2.staff" in err and "row 3.shift" in err and "row 4.date" in err


def test_check_missing_roster_file(tmp_path: Path) -> None:
    result = run("check", INFEASIBLE, tmp_path / "nope.csv")
    assert result.exit_code == 2
    assert "cannot read the roster CSV" in flat(result.stderr)
    assert "No such file" in result.stderr


def test_check_bad_scenario_exit_2(tmp_path: Path) -> None:
    csv = write_csv(tmp_path, "staff,date,shift\n")
    result = run("check", tmp_path / "nope.yaml", csv)
    assert result.exit_code == 2
    assert "problem(s) in the scenario" in flat(result.stderr)


# -- validate and rules -------------------------------------------------------------
@pytest.mark.parametrize(
    "name", ["small.yaml", "small.json", "yaml12.yaml", "mini.yaml", "infeasible.yaml"]
)
def test_validate_ok(name: str) -> None:
    result = run("validate", DATA / name)
    assert result.exit_code == 0, result.stderr
    assert ": ok" in result.stdout


def test_validate_summary_line() -> None:
    text = flat(run("validate", SMALL).stdout)
    assert "ok — 6 staff, 4 days from 2026-12-11, 3 shifts, 4 demand entries" in text


BAD_SCENARIOS = [
    (
        "impossible date",
        lambda t: t.replace("start: 2026-12-11", "start: 2026-02-30"),
        "horizon.start: not a valid date",
    ),
    (
        "unknown field",
        lambda t: t.replace("{id: C, name: Cai,", "{id: C, nmae: Cai,"),
        "staff[2] (C).nmae: unknown field 'nmae'; allowed: id, name, roles",
    ),
    (
        "unknown rule kind",
        lambda t: t.replace("kind: min_rest", "kind: minimum_rest"),
        "rules[0]: unknown rule kind 'minimum_rest'; allowed: " + ", ".join(sorted(registry)),
    ),
    (
        "unknown staff in history",
        lambda t: t.replace('C: [E, "-"]', "Q: [E]"),
        "history.Q: unknown staff 'Q'; allowed: A, B, C, D, F, P1",
    ),
    (
        "duplicate id",
        lambda t: t.replace("{id: D, name: Dev", "{id: C, name: Dev"),
        "staff: id 'C' is used 2 times",
    ),
    (
        "negative break",
        lambda t: t.replace("break_minutes: 30}", "break_minutes: -30}", 1),
        "shifts[0] (E).break_minutes: must be at least 0 (got -30)",
    ),
    ("syntax error", lambda t: t + "rules: [\n", "file: not valid YAML at line"),
]


@pytest.mark.parametrize(
    "edit,message", [c[1:] for c in BAD_SCENARIOS], ids=[c[0] for c in BAD_SCENARIOS]
)
def test_validate_bad_exit_2(tmp_path: Path, edit, message: str) -> None:
    bad = tmp_path / "ward.yaml"
    bad.write_text(edit(SMALL.read_text()))
    result = run("validate", bad)
    assert result.exit_code == 2
    err = flat(result.stderr)
    assert err.startswith(f"{bad}: ")
    assert message in err
    no_traceback(result)


def test_validate_missing_file(tmp_path: Path) -> None:
    result = run("validate", tmp_path / "ward.yaml")
    assert result.exit_code == 2
    assert "file: cannot read it" in flat(result.stderr)


def test_validate_errors_are_not_wrapped(tmp_path: Path) -> None:
    """One problem, one line, however long: easy to read and to grep."""
    bad = tmp_path / "ward.yaml"
    bad.write_text(SMALL.read_text().replace("{id: C, name: Cai,", "{id: C, nmae: Cai,"))
    lines = run("validate", bad).stderr.splitlines()
    assert len(lines) == 2
    assert lines[1].startswith("  staff[2] (C).nmae: unknown field") and lines[1].endswith(
        "requests"
    )


def test_rules_lists_every_kind() -> None:
    result = run("rules")
    assert result.exit_code == 0
    for kind in registry:
        assert re.search(rf"\b{kind}\b", result.stdout), kind
    text = flat(result.stdout)
    assert "always on" in text and "cover" in text and "weight" in text


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0 and "0.1.0" in result.stdout


# -- end to end through the console script ------------------------------------------------
@pytest.fixture(scope="module")
def processes(tmp_path_factory) -> dict[str, subprocess.CompletedProcess]:
    """Run a few `roster` commands in parallel (each pays the import cost)."""
    exe = shutil.which("roster") or str(Path(sys.executable).parent / "roster")
    tmp = tmp_path_factory.mktemp("e2e")
    bad = tmp / "bad ward.yaml"
    bad.write_text(SMALL.read_text().replace("start: 2026-12-11", "start: 2026-02-30"))
    bad_csv = tmp / "roster.csv"
    bad_csv.write_text("staff,date,shift\nA,2026-12-31,E\n")
    commands = {
        "validate": [exe, "validate", str(bad)],
        "check": [exe, "check", str(INFEASIBLE), str(bad_csv)],
        "solve": [exe, "solve", str(INFEASIBLE), "-o", str(tmp / "out"), *FAST],
    }
    env = {**os.environ, "COLUMNS": "200"}
    procs = {
        k: subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        for k, c in commands.items()
    }
    out = {}
    for k, p in procs.items():
        stdout, stderr = p.communicate(timeout=120)
        out[k] = subprocess.CompletedProcess(commands[k], p.returncode, stdout, stderr)
    out["dir"] = tmp  # type: ignore[assignment]
    return out


def test_e2e_bad_scenario(processes) -> None:
    p = processes["validate"]
    assert p.returncode == 2
    assert "Traceback" not in p.stderr and "Traceback" not in p.stdout
    err = flat(p.stderr)
    assert "bad ward.yaml: " in err
    assert "horizon.start: not a valid date" in err


def test_e2e_bad_roster_csv(processes) -> None:
    p = processes["check"]
    assert p.returncode == 2
    assert "Traceback" not in p.stderr
    assert "row 2.date: 2026-12-31 is outside the horizon" in flat(p.stderr)


def test_e2e_infeasible(processes) -> None:
    p = processes["solve"]
    assert p.returncode == 3
    assert "Traceback" not in p.stderr
    assert "cannot all hold" in p.stderr and "P1 is on leave" in p.stderr
    assert "status INFEASIBLE" in flat(p.stdout)
    assert (processes["dir"] / "out" / "summary.json").is_file()


def test_soft_cover_names_every_shift_left_short_nobody_first(tmp_path: Path) -> None:
    """With cover soft, a roster may leave a shift with nobody: the command
    says so, not just the penalty (the only pharmacists are on leave)."""
    ward = Path(__file__).parents[1] / "scenarios" / "infeasible-ward.yaml"
    result = run("solve", ward, "--soft-cover", "-o", tmp_path / "o", "--quiet", columns=200)
    assert result.exit_code == 0
    text = flat(result.stderr)
    assert "warning: cover below its minimum in 1 place(s), 1 with nobody:" in text
    assert "Tue 2026-12-08 PN PH: 0 of 1" in text
    # without a shortfall there is no warning
    clean = run("solve", ward.parent / "medical-ward.yaml", "-o", tmp_path / "w", "--quiet")
    assert "below its minimum" not in clean.stderr

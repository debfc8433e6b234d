"""The Curtois & Qu benchmark through the ordinary scenario path: import,
solve, export, and an independent re-score written from the benchmark's own
definition (not from roster's rules)."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from click.testing import CliRunner

from roster import SolveParams, check, load_scenario, solve
from roster.cli import main
from roster.importers.curtois import parse, read, roster_rows

SHARED = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "curtois"
#: Instances 1-3 (and their best-known rows) are vendored, so that these tests
#: never skip in a bare clone; the others come from ../shared when it is there
DATA = SHARED if SHARED.exists() else Path(__file__).resolve().parent / "data" / "curtois"


def instance(i: int) -> Path:
    path = DATA / f"Instance{i}.txt"
    if not path.exists():
        pytest.skip(f"Instance{i} is not vendored and {SHARED} is absent")
    return path


def benchmark_score(text: str, rows: list[tuple[str, int, str]]) -> tuple[int, list[str]]:
    """The benchmark's objective and its hard violations, from its definition."""
    sec = parse(text)
    h = int(sec["SECTION_HORIZON"][0][0])
    length = {r[0]: int(r[1]) for r in sec["SECTION_SHIFTS"]}
    cannot = {r[0]: set(filter(None, r[2].split("|"))) for r in sec["SECTION_SHIFTS"]}
    work: dict[str, dict[int, str]] = defaultdict(dict)
    bad = []
    for e, d, s in rows:
        if d in work[e]:
            bad.append(f"{e} two shifts on {d}")
        work[e][d] = s
    for row in sec["SECTION_STAFF"]:
        e, maxs, maxm, minm, maxc, minc, minoff, maxwe = row
        w = work[e]
        limits = dict(p.split("=") for p in maxs.split("|") if p)
        for s, n in Counter(w.values()).items():
            if n > int(limits.get(s, h)):
                bad.append(f"{e} too many {s}")
        minutes = sum(length[s] for s in w.values())
        if not int(minm) <= minutes <= int(maxm):
            bad.append(f"{e} minutes {minutes}")
        for d, s in w.items():
            if d + 1 in w and w[d + 1] in cannot[s]:
                bad.append(f"{e} {s} then {w[d + 1]}")
        flags = [d in w for d in range(h)]
        for value, lo, hi in ((True, int(minc), int(maxc)), (False, int(minoff), None)):
            d = 0
            while d < h:
                if flags[d] != value:
                    d += 1
                    continue
                j = d
                while j < h and flags[j] == value:
                    j += 1
                n = j - d
                if hi is not None and n > hi:
                    bad.append(f"{e} run of {n}")
                if n < lo and d > 0 and j < h:
                    bad.append(f"{e} short run {n} at {d}")
                d = j
        weekends = sum(1 for k in range(h // 7) if 7 * k + 5 in w or 7 * k + 6 in w)
        if weekends > int(maxwe):
            bad.append(f"{e} weekends {weekends}")
    for row in sec.get("SECTION_DAYS_OFF", []):
        for d in row[1:]:
            if d and int(d) in work[row[0]]:
                bad.append(f"{row[0]} works day off {d}")
    penalty = 0
    for e, d, s, wt in sec.get("SECTION_SHIFT_ON_REQUESTS", []):
        penalty += int(wt) * (work[e].get(int(d)) != s)
    for e, d, s, wt in sec.get("SECTION_SHIFT_OFF_REQUESTS", []):
        penalty += int(wt) * (work[e].get(int(d)) == s)
    n = Counter((d, s) for w in work.values() for d, s in w.items())
    for d, s, r, under, over in sec.get("SECTION_COVER", []):
        have, need = n[int(d), s], int(r)
        penalty += int(under) * max(0, need - have) + int(over) * max(0, have - need)
    return penalty, bad


@pytest.mark.parametrize("i", range(1, 25))
def test_every_instance_imports_into_a_valid_scenario(i):
    path = instance(i)
    sc = load_scenario(read(path))
    sec = parse(path.read_text())
    assert sc.horizon.days == int(sec["SECTION_HORIZON"][0][0])
    assert len(sc.staff) == len(sec["SECTION_STAFF"])
    assert len(sc.shifts) == len(sec["SECTION_SHIFTS"])
    assert sc.horizon.start.weekday() == 0


@pytest.mark.parametrize(
    "i, strategy, seconds",
    [
        (3, "auto", 5),
        (4, "auto", 5),
        (5, "auto", 5),
        (8, "auto", 5),
        (4, "lns", 6),
        (8, "lns", 6),
        (15, "auto", 15),
    ],
)
@pytest.mark.slow
def test_round_trip_matches_the_benchmarks_own_objective(i, strategy, seconds):
    path = instance(i)
    sc = load_scenario(read(path))
    result = solve(
        sc, SolveParams(time_limit=seconds, workers=2, seed=0, explain=False, strategy=strategy)
    )
    assert result.roster is not None
    rows = roster_rows(result.roster.df, sc)
    score, bad = benchmark_score(path.read_text(), rows)
    assert bad == []
    assert score == result.objective == check(sc, result.roster).total_penalty


@pytest.mark.parametrize("i, optimum", [(1, 607), (2, 828)])
def test_small_instances_reach_their_proven_optima(i, optimum):
    sc = load_scenario(read(instance(i)))
    # generous limit; stop once the published optimum is reached
    result = solve(
        sc, SolveParams(time_limit=300, workers=2, seed=0, explain=False, target=optimum)
    )
    assert result.objective == optimum
    assert result.best_bound <= optimum


def test_import_command_writes_a_scenario_that_loads_back(tmp_path):
    out = tmp_path / "i1.yaml"
    res = CliRunner().invoke(
        main, ["import", "curtois", str(DATA / "Instance1.txt"), "-o", str(out)]
    )
    assert res.exit_code == 0, res.output
    assert load_scenario(out) == load_scenario(read(DATA / "Instance1.txt"))


def test_import_of_a_non_instance_is_a_clear_error(tmp_path):
    bad = tmp_path / "x.txt"
    bad.write_text("hello\n")
    res = CliRunner().invoke(main, ["import", "curtois", str(bad), "-o", str(tmp_path / "o.yaml")])
    assert res.exit_code == 2
    assert "SECTION_" in res.output


def test_bench_writes_results_and_verifiable_rosters(tmp_path):
    out = tmp_path / "results.csv"
    res = CliRunner().invoke(
        main,
        [
            "bench",
            "curtois",
            "--data",
            str(DATA),
            "--instances",
            "1",
            "--time-limit",
            "20",
            "--workers",
            "1",
            "-o",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    row = next(csv.DictReader(out.open()))
    assert row["instance"] == "Instance1" and row["status"] == "OPTIMAL"
    assert float(row["objective"]) == 607 and float(row["best_known"]) == 607
    rows = [
        (r["employee"], int(r["day"]), r["shift"])
        for r in csv.DictReader((tmp_path / "results-rosters" / "Instance1.csv").open())
    ]
    assert benchmark_score((DATA / "Instance1.txt").read_text(), rows) == (607, [])
    assert float(row["gap_to_bound_pct"]) == 0.0


def test_gap_to_the_own_bound_is_relative_to_the_objective():
    from roster.bench import _bound_gap_pct

    assert _bound_gap_pct(4973, 0) == 100.0  # a trivial bound: 100 %, not 497 300 %
    assert _bound_gap_pct(1487, 1273) == round(100 * 214 / 1487, 3)
    assert _bound_gap_pct(None, 0) is None

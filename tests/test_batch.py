"""Batch solving and what-if analysis, on local processes and on Dask."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from roster import SolveParams, check, load_scenario
from roster.batch import batch
from roster.cli import main
from roster.roster import Roster
from roster.variants import VaryError
from roster.whatif import effects, needed, whatif

DATA = Path(__file__).parent / "data"
PARAMS = SolveParams(time_limit=20, seed=0)


@pytest.fixture()
def files(tmp_path: Path) -> list[Path]:
    """A good YAML, the same as JSON, an infeasible one and a broken one."""
    for name in ("small.yaml", "small.json", "infeasible.yaml"):
        shutil.copy(DATA / name, tmp_path / name)
    (tmp_path / "broken.yaml").write_text("horizon: {start: 2026-12-07, days: 7}\nshift: []\n")
    paths = [tmp_path / n for n in ("small.yaml", "broken.yaml", "infeasible.yaml", "small.json")]
    earlier = time.time() - 60  # outputs written next are newer, whatever the clock's grain
    for path in paths:
        os.utime(path, (earlier, earlier))
    return paths


def test_batch_reports_every_file_and_keeps_going(files: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "out"
    table = batch(files, out, PARAMS, jobs=2)
    assert list(table["name"]) == ["small", "broken", "infeasible", "small-2"]
    assert list(table["status"]) == ["OPTIMAL", "ERROR", "INFEASIBLE", "OPTIMAL"]
    assert (
        "broken.yaml" in table.loc[1, "error"] and "unknown field 'shift'" in table.loc[1, "error"]
    )
    assert table.loc[2, "error"].startswith("the hard rules cannot all hold: ")
    assert table.loc[0, "objective"] == table.loc[3, "objective"]
    assert pd.read_csv(out / "batch.csv")["status"].tolist() == list(table["status"])
    # the written roster scores as reported
    sc = load_scenario(files[0])
    roster = Roster.from_csv(out / "small" / "roster.csv", sc)
    assert check(sc, roster).total_penalty == table.loc[0, "objective"]
    assert not (out / "infeasible" / "roster.csv").exists()
    assert (out / "broken" / "summary.json").exists()


def test_batch_reuses_the_same_content_solved_the_same_way(
    files: list[Path], tmp_path: Path
) -> None:
    out = tmp_path / "out"
    first = batch(files[:3], out, PARAMS, jobs=1)
    second = batch(files[:3], out, PARAMS, jobs=1)
    assert second["reused"].all()
    pd.testing.assert_frame_equal(first.drop(columns="reused"), second.drop(columns="reused"))
    later = time.time() + 5
    os.utime(files[0], (later, later))  # touched, not changed: still the same scenario
    assert batch(files[:3], out, PARAMS, jobs=1)["reused"].all()
    files[0].write_text(files[0].read_text() + "\n# edited\n")  # edited after it was solved
    third = batch(files[:3], out, PARAMS, jobs=1)
    assert list(third["reused"]) == [False, True, True]
    other = PARAMS.model_copy(update={"seed": PARAMS.seed + 1})  # other settings: solved again
    assert not batch(files[:3], out, other, jobs=1)["reused"].any()
    assert not batch(files[:3], out, PARAMS, jobs=1, force=True)["reused"].any()


def test_batch_never_mixes_files_that_share_a_name(files: list[Path], tmp_path: Path) -> None:
    """Two ward.yaml in different folders, and names that are not safe folder
    names, each get their own row and folder inside the output."""
    a, b = tmp_path / "a" / "ward.yaml", tmp_path / "b" / "ward.yaml"
    for path, src in ((a, files[0]), (b, files[2])):
        path.parent.mkdir()
        path.write_text(src.read_text())
    out = tmp_path / "out"
    first = batch([a], out, PARAMS, jobs=1)
    assert first.loc[0, "status"] == "OPTIMAL"
    second = batch([b], out, PARAMS, jobs=1)  # the same folder name, another scenario
    assert not second.loc[0, "reused"] and second.loc[0, "status"] == "INFEASIBLE"
    odd = [
        tmp_path / "...yaml",
        tmp_path / "empty.yaml",
        tmp_path / "list.yaml",
        tmp_path / "deep.yaml",
    ]
    odd[0].write_text(files[0].read_text())
    odd[1].write_text("")
    odd[2].write_text("- 1\n- 2\n")
    odd[3].write_text("[" * 3000 + "]" * 3000)
    table = batch(odd, out, PARAMS, jobs=1)
    assert list(table["status"]) == ["OPTIMAL", "ERROR", "ERROR", "ERROR"], table
    assert all(n and not n.startswith(".") for n in table["name"])
    assert all((out / n / "summary.json").is_file() for n in table["name"])
    assert not (tmp_path / "roster.csv").exists()  # nothing written beside the output folder


def test_interrupted_batch_keeps_what_finished(files: list[Path], tmp_path: Path) -> None:
    out = tmp_path / "out"

    def stop_after_first_solve(row: dict) -> None:
        if row["status"] not in ("ERROR", "NOT_RUN"):
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        batch(files, out, PARAMS, jobs=1, on_row=stop_after_first_solve)
    table = pd.read_csv(out / "batch.csv")
    assert list(table["status"]) == ["OPTIMAL", "ERROR", "NOT_RUN", "NOT_RUN"]
    assert (out / "small" / "roster.csv").exists()
    assert not (out / "small-2").exists()


def test_batch_cli(files: list[Path], tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        ["batch", *map(str, files), "-o", str(tmp_path / "o"), "--time-limit", "20", "--jobs", "1"],
    )
    assert result.exit_code == 0, result.output
    assert "2 OPTIMAL" in result.output and "1 INFEASIBLE" in result.output
    assert "broken.yaml" in result.output and "unknown field 'shift'" in result.output


VARY = ["staff.RN=-2..0", "demand.RN.N=1,2"]


@pytest.fixture(scope="module")
def ward_whatif(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame]:
    out = tmp_path_factory.mktemp("whatif")
    return out, whatif(DATA / "small.yaml", VARY, outdir=out, params=PARAMS, jobs=2)


def test_whatif_rows_and_measures_agree_with_the_written_rosters(ward_whatif) -> None:
    out, table = ward_whatif
    assert len(table) == 6
    assert list(table.columns[:3]) == ["variant", "staff.RN", "demand.RN.N"]
    assert set(table["status"]) <= {"OPTIMAL", "FEASIBLE"}
    base = load_scenario(DATA / "small.yaml")
    for row in table.to_dict("records"):
        folder = out / row["variant"]
        cover = pd.read_csv(folder / "coverage.csv")
        hours = {s.id: s.duration / 60 for s in base.shifts}
        recomputed = sum(r.shortfall * hours[r.shift] for r in cover.itertuples())
        assert row["uncovered_hours"] == pytest.approx(recomputed)
        night = sum(r.shortfall * hours[r.shift] for r in cover.itertuples() if r.shift == "N")
        assert row.get("uncovered_hours.shift.N", 0) == pytest.approx(night)
        # every variant's objective is its roster's penalty with cover soft
        from roster.load import read_data
        from roster.variants import apply

        values = {"staff.RN": str(row["staff.RN"]), "demand.RN.N": str(row["demand.RN.N"])}
        sc = load_scenario(apply(read_data(DATA / "small.yaml"), base, values))
        roster = Roster.from_csv(folder / "roster.csv", sc)
        assert check(sc, roster, soft_cover=True).total_penalty == row["objective"]
        assert row["hard_violations"] == 0


def test_whatif_fewer_nurses_leave_more_uncovered(ward_whatif) -> None:
    _, table = ward_whatif
    for _demand, part in table.groupby("demand.RN.N"):
        part = part.sort_values("staff.RN", key=lambda s: s.astype(int))
        if set(part["status"]) == {"OPTIMAL"}:  # proven: more staff never leave more uncovered
            assert part["uncovered_hours"].is_monotonic_decreasing, part
    assert table["uncovered_hours"].max() > 0  # two nurses fewer cannot cover everything


def test_whatif_writes_effects_needed_and_plot(ward_whatif) -> None:
    out, table = ward_whatif
    assert (out / "whatif.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    fx = pd.read_csv(
        out / "effects.csv", dtype={"staff.RN": str, "demand.RN.N": str, "from": str, "to": str}
    )
    # 2 steps of staff at each of 2 demand levels, 1 step of demand at 3 staff levels
    assert list(fx["key"]) == ["staff.RN"] * 4 + ["demand.RN.N"] * 3
    one = fx.iloc[3]  # -1 -> 0 nurses, with twice the night demand
    assert (one["from"], one["to"], one["demand.RN.N"]) == ("-1", "0", "2")
    rows = table.set_index(["staff.RN", "demand.RN.N"])
    assert one["change_uncovered_hours"] == pytest.approx(
        rows.loc[("0", "2"), "uncovered_hours"] - rows.loc[("-1", "2"), "uncovered_hours"]
    )
    assert one["effect"].startswith("staff.RN -1 -> 0 (demand.RN.N=2): ")
    need = pd.read_csv(out / "needed.csv", dtype=str)
    assert list(need["demand.RN.N"]) == ["1", "2"]


def test_effects_and_needed_on_a_made_up_table() -> None:
    from roster.variants import parse_vary

    axes = [parse_vary("staff.RN=-1..1"), parse_vary("demand.RN=1,1.5")]
    table = pd.DataFrame(
        {
            "variant": list("abcdef"),
            "staff.RN": ["-1", "0", "+1", "-1", "0", "+1"],
            "demand.RN": ["1", "1", "1", "1.5", "1.5", "1.5"],
            "status": ["OPTIMAL"] * 6,
            "objective": [300, 100, 90, 900, 400, 200],
            "gap_pct": [0.0] * 6,  # all proven: the sentences say nothing of doubt
            "uncovered_hours": [14.0, 0.0, 0.0, 40.0, 20.0, 8.0],
            "uncovered_hours.shift.N": [14.0, 0.0, 0.0, 30.0, 20.0, 8.0],
            "unmet_requests": [6, 0, 0, 7, 3, 1],
            "overtime_hours": [2.0, 2.0, 2.0, 5.0, 4.0, 3.0],
        }
    )
    fx = effects(table, axes)
    assert fx.loc[0, "effect"] == (
        "staff.RN -1 -> 0 (demand.RN=1): 14 fewer uncovered hours "
        "(N -14), 6 fewer unmet requests, penalty -200"
    )
    assert fx.loc[1, "effect"] == (
        "staff.RN 0 -> +1 (demand.RN=1): no change in uncovered "
        "hours, unmet requests or overtime; penalty -10"
    )
    assert fx.loc[5, "effect"].startswith(
        "demand.RN 1 -> 1.5 (staff.RN=0): 20 more uncovered hours (N +20)"
    )
    assert len(fx) == 2 * 2 + 3
    need = needed(table, axes)
    assert need["answer"].tolist() == [
        "staff.RN, demand.RN=1: 0 is the fewest with no uncovered hours",
        "staff.RN, demand.RN=1.5: uncovered hours at every level tried, up to +1: try more",
    ]


def test_whatif_bad_key_exit_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["whatif", str(DATA / "small.yaml"), "--vary", "staff.XX=1", "-o", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert "staff.XX: unknown role 'XX'; allowed: RN, PH" in result.output
    with pytest.raises(VaryError, match="nothing to vary"):
        whatif(DATA / "small.yaml", [])


def test_whatif_cli(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main,
        [
            "whatif",
            str(DATA / "small.yaml"),
            "--vary",
            "staff.RN=-1,0",
            "-o",
            str(tmp_path),
            "--jobs",
            "1",
            "--time-limit",
            "20",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "staff.RN -1 -> 0: " in result.output
    assert {"whatif.csv", "effects.csv", "needed.csv", "whatif.png", "staff.RN=0"} <= {
        p.name for p in tmp_path.iterdir()
    }


def test_dask_cluster_gives_the_local_results(
    files: list[Path], tmp_path: Path, ward_whatif
) -> None:
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        address = cluster.scheduler_address
        remote = batch(files, tmp_path / "dask", PARAMS, scheduler=address)
        remote_whatif = whatif(
            DATA / "small.yaml", VARY, outdir=tmp_path / "dw", params=PARAMS, scheduler=address
        )
    local = batch(files, tmp_path / "local", PARAMS, jobs=1)
    same = ["name", "status", "objective", "best_bound"]
    pd.testing.assert_frame_equal(remote[same], local[same])
    assert (tmp_path / "dask" / "small" / "roster.csv").exists()  # written on the client
    _, local_whatif = ward_whatif
    cols = ["variant", "status", "objective"]  # optimal rosters may differ, not their penalty
    optimal = local_whatif["status"] == "OPTIMAL"
    assert optimal.sum() >= 3
    pd.testing.assert_frame_equal(remote_whatif.loc[optimal, cols], local_whatif.loc[optimal, cols])


def test_unreachable_scheduler_is_bad_input(tmp_path: Path, monkeypatch) -> None:
    pytest.importorskip("dask.distributed")
    monkeypatch.setattr("roster.jobs.CONNECT_TIMEOUT", 1.0)
    result = CliRunner().invoke(
        main,
        [
            "batch",
            str(DATA / "small.yaml"),
            "-o",
            str(tmp_path),
            "--scheduler",
            "tcp://127.0.0.1:9",
        ],
    )
    assert result.exit_code == 2
    assert "--scheduler" in result.output and "cannot reach tcp://127.0.0.1:9" in result.output


def test_batch_cli_passes_the_solve_options(tmp_path: Path, monkeypatch) -> None:
    seen = {}

    def fake(paths, outdir, params, **kw):  # type: ignore[no-untyped-def]
        seen.update(params=params, **kw)
        return pd.DataFrame({"status": ["OPTIMAL"]})

    monkeypatch.setattr("roster.cli.solving.run_batch", fake)
    result = CliRunner().invoke(
        main,
        [
            "batch",
            str(DATA / "small.yaml"),
            "-o",
            str(tmp_path),
            "--time-limit",
            "7",
            "--seed",
            "3",
            "--jobs",
            "4",
            "--workers",
            "1",
            "--force",
        ],
    )
    assert result.exit_code == 0, result.output
    p = seen["params"]
    assert (p.time_limit, p.seed, p.workers) == (7, 3, 1)
    assert (seen["jobs"], seen["force"], seen["scheduler"]) == (4, True, None)

"""A run's files are one set: a reader (a person, ``batch``, ``export``) sees
the previous run's files or this run's, never a mix, whatever stops the run
(an error, Ctrl-C, kill -9), and a folder holding anything else is not
touched."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from roster import Result, SolveParams, SolveStatus, load_scenario, output, solve, write_result
from roster.batch import batch
from roster.cli import main
from roster.output import load_folder
from roster.validation import ScenarioError

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def small():
    return load_scenario(DATA / "small.yaml")


@pytest.fixture(scope="module")
def solved(small):
    return solve(small, SolveParams(time_limit=10, workers=1, seed=0))


def _no_roster() -> Result:
    return Result(SolveStatus.INFEASIBLE, None, None, 1.0, None, None, ["why"])


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_the_new_set_replaces_the_old_whole(tmp_path, small, solved) -> None:
    out = tmp_path / "out"
    write_result(solved, small, out, xlsx=True)
    assert "roster.xlsx" in _names(out)
    write_result(_no_roster(), small, out)
    assert _names(out) == ["scenario.json", "summary.json"]  # nothing of the first run
    assert _names(tmp_path) == ["out"]  # no staging folder left beside it


def test_a_failed_write_keeps_the_old_set_and_its_folder(
    tmp_path, small, solved, monkeypatch
) -> None:
    out = tmp_path / "out"
    write_result(_no_roster(), small, out)
    before = {name: (out / name).read_bytes() for name in _names(out)}
    inode = out.stat().st_ino

    def fail(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(output, "write_report", fail)
    with pytest.raises(KeyboardInterrupt):
        write_result(solved, small, out)
    assert {name: (out / name).read_bytes() for name in _names(out)} == before
    assert out.stat().st_ino == inode
    assert _names(tmp_path) == ["out"]


def test_a_folder_holding_other_files_is_refused_and_untouched(tmp_path, small, solved) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    (out / "calendars").mkdir()
    with pytest.raises(OSError, match=r"calendars, notes\.txt, which roster did not write"):
        write_result(solved, small, out)
    assert _names(out) == ["calendars", "notes.txt"]
    assert _names(tmp_path) == ["out"]


def test_solve_refuses_a_folder_of_other_files_before_solving(tmp_path) -> None:
    (tmp_path / "ward.yaml").write_bytes((DATA / "small.yaml").read_bytes())
    res = CliRunner().invoke(main, ["solve", str(DATA / "small.yaml"), "-o", str(tmp_path)])
    assert res.exit_code == 2
    assert "holds ward.yaml, which roster did not write" in " ".join(res.output.split())
    assert _names(tmp_path) == ["ward.yaml"]


def test_the_current_folder_is_refused(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert "is the current folder" in output.output_problem(".")
    assert "is the current folder or holds it" in output.output_problem(tmp_path.parent)
    assert output.output_problem("out") is None


def test_a_symlinked_output_folder_stays_a_link(tmp_path, small, solved) -> None:
    real = tmp_path / "real"
    write_result(_no_roster(), small, real)
    link = tmp_path / "out"
    link.symlink_to(real)
    write_result(solved, small, link)
    assert link.is_symlink()
    assert (real / "roster.csv").exists()


def test_staging_left_by_a_killed_run_is_cleared(tmp_path, small, solved) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    left = tmp_path / f".roster-new-{dead}-abc"
    left.mkdir()
    (left / "roster.csv").write_text("half")
    mine = tmp_path / f".roster-new-{os.getpid()}-xyz"  # a running process's: kept
    mine.mkdir()
    write_result(solved, small, tmp_path / "out")
    assert sorted(p.name for p in tmp_path.iterdir()) == [mine.name, "out"]


def test_without_an_atomic_swap_the_folder_is_marked_until_the_last_file(
    tmp_path, small, solved, monkeypatch
) -> None:
    """Where the folder cannot be swapped whole (a mount point, another
    system), files move in one by one under a marker; a run stopped then is
    recognised as unfinished by export and batch."""
    out = tmp_path / "out"
    write_result(_no_roster(), small, out)
    monkeypatch.setattr(output, "_exchange", lambda a, b: False)
    write_result(solved, small, out)
    assert output.UNFINISHED not in _names(out) and "roster.csv" in _names(out)
    load_folder(out)

    real = os.replace

    def stop_at_summary(src, dst):
        if Path(src).name == "summary.json":  # the set moving in, not atomic_write
            raise KeyboardInterrupt
        real(src, dst)

    monkeypatch.setattr(output.os, "replace", stop_at_summary)
    with pytest.raises(KeyboardInterrupt):
        write_result(_no_roster(), small, out)
    monkeypatch.setattr(output.os, "replace", real)
    assert output.UNFINISHED in _names(out)
    with pytest.raises(ScenarioError, match="stopped while writing"):
        load_folder(out)
    write_result(solved, small, out)  # the next run finishes the folder
    assert output.UNFINISHED not in _names(out)


def test_batch_redoes_an_unfinished_folder(tmp_path) -> None:
    params = SolveParams(time_limit=5, workers=1, seed=0)
    src = tmp_path / "ward.yaml"
    src.write_bytes((DATA / "small.yaml").read_bytes())
    first = batch([src], tmp_path / "out", params, jobs=1)
    assert first["reused"].tolist() == [False]
    assert batch([src], tmp_path / "out", params, jobs=1)["reused"].tolist() == [True]
    (tmp_path / "out" / "ward" / output.UNFINISHED).touch()
    assert batch([src], tmp_path / "out", params, jobs=1)["reused"].tolist() == [False]


def test_batch_reports_a_folder_it_cannot_use(tmp_path) -> None:
    src = tmp_path / "ward.yaml"
    src.write_bytes((DATA / "small.yaml").read_bytes())
    (tmp_path / "out" / "ward").mkdir(parents=True)
    (tmp_path / "out" / "ward" / "mine.txt").write_text("keep")
    table = batch([src], tmp_path / "out", SolveParams(time_limit=5, workers=1), jobs=1)
    assert table["status"].tolist() == ["ERROR"]
    assert "mine.txt, which roster did not write" in table["error"][0]
    assert _names(tmp_path / "out" / "ward") == ["mine.txt"]


def test_kill_during_a_solve_leaves_the_old_set_or_the_new(tmp_path) -> None:
    """kill -9 and Ctrl-C at moments spread over a solve and its writing:
    the folder always holds one run's files, and ``roster check`` of its
    roster scores what its summary says (the benchmark script repeats this
    50 times at random moments)."""
    path = Path(__file__).parent.parent / "scenarios" / "medical-ward.yaml"  # a roster at once
    out = tmp_path / "out"
    launch = "import sys; from roster.entry import main; sys.exit(main())"
    cmd = [
        sys.executable,
        "-c",
        launch,
        "solve",
        str(path),
        "-o",
        str(out),
        "--time-limit",
        "1",
        "--workers",
        "1",
        "--quiet",
    ]
    # the old set: given time enough to find a roster even on a loaded machine
    first = [*cmd[:-5], "--time-limit", "20", *cmd[-3:]]
    assert subprocess.run(first, capture_output=True).returncode == 0
    for delay, sig in ((1.3, signal.SIGKILL), (1.45, signal.SIGINT), (1.6, signal.SIGKILL)):
        proc = subprocess.Popen(
            cmd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        try:
            proc.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            proc.send_signal(sig)
        proc.wait(timeout=30)
        assert b"Traceback" not in proc.stderr.read()
        assert proc.returncode in (0, 4, -9, 130)  # 4: no roster within 1 s (a loaded machine)
        summary = json.loads((out / "summary.json").read_text())
        assert output.foreign_entries(out) == []
        if summary["objective"] is None:  # stopped before a first roster
            assert not (out / "roster.csv").exists()
            continue
        res = CliRunner().invoke(main, ["check", str(path), str(out / "roster.csv"), "--json"])
        assert json.loads(res.stdout)["total_penalty"] == summary["objective"], res.output


def test_whatif_refuses_a_variant_folder_of_other_files_before_solving(tmp_path) -> None:
    out = tmp_path / "out"
    (out / "staff.RN=0").mkdir(parents=True)
    (out / "staff.RN=0" / "plan.docx").write_text("mine")
    res = CliRunner().invoke(
        main, ["whatif", str(DATA / "small.yaml"), "--vary", "staff.RN=0,1", "-o", str(out)]
    )
    assert res.exit_code == 2, res.output
    assert "plan.docx, which roster did not write" in " ".join(res.output.split())
    assert _names(out) == ["staff.RN=0"]


def test_ctrl_c_while_writing_is_held_until_the_new_set_is_in_place(
    tmp_path, small, solved, monkeypatch
) -> None:
    import roster.report

    out = tmp_path / "out"
    write_result(_no_roster(), small, out)
    real = roster.report.write_report

    def pressed(*args, **kwargs):  # Ctrl-C arrives half-way through the files
        signal.raise_signal(signal.SIGINT)  # to this thread: handled at once
        return real(*args, **kwargs)

    monkeypatch.setattr(output, "write_report", pressed)
    # Ctrl-C as a command sees it (a test worker process may ignore SIGINT)
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            write_result(solved, small, out, xlsx=True)
    finally:
        signal.signal(signal.SIGINT, before)
    assert "roster.xlsx" in _names(out) and "roster.csv" in _names(out)
    assert json.loads((out / "summary.json").read_text())["objective"] == solved.objective
    assert _names(tmp_path) == ["out"]

"""How a running solve says how it is going: in plain words (time used of
the limit, time left, the best penalty, the proven bound, the gap as words
and what Ctrl-C does), live on a terminal and as a plain line every
--progress-every seconds elsewhere (a log file, a scheduled job)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from roster.cli import main
from roster.cli.common import search_progress
from roster.model.solve import Progress
from roster.result import STOP_HINT, gap_words, progress_line, seconds

ICU = Path(__file__).parents[1] / "scenarios" / "icu-4-weeks.yaml"


def test_the_line_in_plain_words() -> None:
    line = progress_line(Progress(7.4, 43, 3, 5, 60.0))
    assert line == (
        "solving: 7s of 1m 00s, 53s left | best roster so far: penalty 43 | "
        "no roster can score below 3: the best possible is at most 94% lower | "
        "Ctrl-C stops and keeps the best roster"
    )
    for jargon in ("objective", "bound", "gap"):
        assert jargon not in line


@pytest.mark.parametrize(
    ("progress", "says", "not_said"),
    [
        (Progress(0.4, None, None, 0, 30), "0s of 30s, 30s left | no roster yet", "penalty"),
        (Progress(0.4, None, 0, 0, 30.0), "| no roster yet |", "below 0"),  # a bound alone is noise
        (Progress(12.0, 43, None, 1, None), "solving: 12s (no time limit)", "left"),
        (Progress(5, 43, None, 1, 10), "penalty 43 | how close it is to the best", "below"),
        (Progress(5, 43, 43, 9, 10), "no roster can score below 43: proven the best possible", "%"),
        (Progress(5, 1000, 997, 2, 10), "the best possible is at most 0.3% lower", "at most 0%"),
        (Progress(125.2, 10, 9, 2, 3600), "solving: 2m 05s of 1h 00m, 57m 55s left", "objective"),
    ],
)
def test_the_line_in_every_state(progress: Progress, says: str, not_said: str) -> None:
    line = progress_line(progress)
    assert says in line and not_said not in line
    assert line.endswith(STOP_HINT)
    assert STOP_HINT not in progress_line(progress, hint=False)


def test_the_gap_is_never_understated() -> None:
    assert gap_words(0.9302) == "the best possible is at most 94% lower"
    assert gap_words(0.12) == "the best possible is at most 12% lower"
    assert gap_words(0.0) == "proven the best possible"
    assert seconds(0.2, up=True) == "1s" and seconds(0.9) == "0s" and seconds(60) == "1m 00s"


def test_not_on_a_terminal_a_line_every_n_seconds(capsys: pytest.CaptureFixture[str]) -> None:
    states = [Progress(t / 5, 10, 5, 1, 10.0) for t in range(1, 36)]  # 0.2s .. 7s
    with search_progress(quiet=False, every=2) as show:
        assert show is not None
        for p in states:
            show(p)
    lines = capsys.readouterr().err.splitlines()
    assert [line.split(",")[0] for line in lines] == [
        "solving: 2s of 10s",
        "solving: 4s of 10s",
        "solving: 6s of 10s",
    ]
    assert STOP_HINT not in lines[0]  # no one to press it in a log
    for quiet, every in ((True, 2.0), (False, 0.0)):
        with search_progress(quiet=quiet, every=every) as show:
            assert show is None


def _solve(tmp_path: Path, *extra: str) -> list[str]:
    result = CliRunner().invoke(
        main,
        ["solve", str(ICU), "-o", str(tmp_path), "--time-limit", "3", *extra],
    )
    # a busy machine may find no roster in 3s (exit 4): the lines are the same
    assert result.exit_code in (0, 4), result.output
    return [line for line in result.stderr.splitlines() if line.startswith("solving: ")]


@pytest.mark.slow
def test_solve_prints_progress_lines_when_not_a_terminal(tmp_path: Path) -> None:
    lines = _solve(tmp_path / "a", "--progress-every", "1")
    assert len(lines) >= 2, lines
    assert lines[0].startswith("solving: 1s of 3s, 2s left | ")
    assert all(" of 3s, " in line and STOP_HINT not in line for line in lines)
    said = (" | no roster yet", " | best roster so far: penalty ")
    assert all(any(s in line for s in said) for line in lines), lines


@pytest.mark.slow
def test_quiet_silences_progress(tmp_path: Path) -> None:
    assert _solve(tmp_path / "q", "--progress-every", "1", "--quiet") == []
    assert _solve(tmp_path / "z", "--progress-every", "0") == []


def test_progress_names_only_rosters_the_checker_accepts() -> None:
    """The neighbourhood search scores its rosters with cover soft: a score
    whose roster leaves a hard cover minimum short is no roster at all, so
    progress shows it only where that score is a roster's penalty (cover
    soft, or no hard cover), and otherwise waits for a checked roster,
    which a Ctrl-C then keeps."""
    from roster import SolveParams, load_scenario
    from roster.model.solve import _Run

    ward = load_scenario(Path(__file__).parents[1] / "scenarios" / "medical-ward.yaml")
    assert not _Run(ward, SolveParams(), None).search_score_is_penalty
    assert _Run(ward, SolveParams(soft_cover=True), None).search_score_is_penalty
    no_cover = ward.model_copy(update={"demand": [], "time_cover": []})
    assert _Run(no_cover, SolveParams(), None).search_score_is_penalty

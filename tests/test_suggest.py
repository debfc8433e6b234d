"""roster suggest: who can take a shift within every hard rule, and for the
others each hard rule they would break, named as the scenario states it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from click.testing import CliRunner

from roster.cli import main
from roster.suggest import suggest
from tests.helpers import START, roster, scenario

WED = START + dt.timedelta(days=2)


def _ward():  # type: ignore[no-untyped-def]
    sc = scenario(
        demand=[{"shift": "L", "role": "RN", "min": 1, "dates": [WED.isoformat()]}],
        rules=[{"kind": "consecutive", "max": 2}],
    )
    # S1 off all week; S2 on the only late Wednesday; S3 on earlies Mon and Tue
    return sc, roster(sc, {"S1": "...", "S2": "..L", "S3": "EE."})


def test_moving_someone_off_a_shift_left_short_is_not_able() -> None:
    sc, ros = _ward()
    found = {c.staff: c for c in suggest(sc, ros, WED, "E")}
    assert found["S1"].eligible
    s2 = found["S2"]
    assert not s2.eligible  # the late would have nobody: a hard cover minimum
    assert any(b.startswith("the cover minimum (demand)") and "L" in b for b in s2.broken)


def test_each_broken_rule_is_named_with_where_it_is_written() -> None:
    sc, ros = _ward()
    s3 = next(c for c in suggest(sc, ros, WED, "E") if c.staff == "S3")
    assert not s3.eligible
    assert s3.broken == [
        "at most 2 consecutive working days (rules[0]): 3 consecutive working days "
        "(Mon 2026-12-07..Wed 2026-12-09), at most 2"
    ]


def test_cli_separates_able_from_would_break(tmp_path: Path) -> None:
    sc, ros = _ward()
    data = tmp_path / "ward.json"
    data.write_text(sc.model_dump_json(by_alias=True, exclude_none=True))
    csv = tmp_path / "roster.csv"
    ros.df.to_csv(csv, index=False)
    args = ["suggest", str(data), str(csv), "--date", WED.isoformat(), "--shift", "E"]
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 0, res.output
    assert "can take it, within every hard rule" in res.output
    assert "2 more would break a hard rule" in res.output
    res = CliRunner().invoke(main, [*args, "--all"])
    text = " ".join(res.output.split())
    assert "S2 cannot:" in text and "the cover minimum (demand): Wed 2026-12-09 L" in text
    assert "S3 cannot:" in text and "at most 2 consecutive working days (rules[0])" in text

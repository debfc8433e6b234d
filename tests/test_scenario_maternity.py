"""scenarios/maternity-4-weeks.yaml solved, then its roster re-checked against
the rules as the rota coordinator states them, from first principles: the
published table's real start and end instants, dates and weekdays alone
(not the library's checker)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from pathlib import Path

import pytest

from helpers import solved_table

SCENARIO = Path(__file__).parent.parent / "scenarios" / "maternity-4-weeks.yaml"
HOUR = dt.timedelta(hours=1)


@pytest.fixture(scope="module")
def table():  # type: ignore[no-untyped-def]
    return solved_table(SCENARIO)


def shifts_of(table):  # type: ignore[no-untyped-def]
    out = defaultdict(list)
    for rec in table.sort_values("start").to_dict("records"):
        out[rec["staff"]].append(rec)
    return out


@pytest.mark.slow
def test_48_hours_off_after_nights_and_11_hours_between_shifts(table) -> None:
    for sid, mine in shifts_of(table).items():
        for a, b in itertools.pairwise(mine):
            rest = b["start"] - a["end"]
            assert rest >= 11 * HOUR, (sid, a["date"], b["date"])
            if a["shift"] == "LN" and b["shift"] != "LN":
                assert rest >= 48 * HOUR, (sid, a["date"], b["date"], rest)


def test_one_weekend_in_two(table) -> None:
    for sid, mine in shifts_of(table).items():
        weeks = sorted({r["date"].isocalendar()[1] for r in mine if r["date"].weekday() >= 5})
        assert all(b - a >= 2 for a, b in itertools.pairwise(weeks)), (sid, weeks)


def test_the_new_midwife_works_only_with_a_preceptor(table) -> None:
    on = {(r["date"], r["shift"]) for r in table.to_dict("records") if r["staff"] in ("C01", "M01")}
    mine = table[table["staff"] == "N01"]
    assert len(mine) > 0
    assert all((r["date"], r["shift"]) in on for r in mine.to_dict("records"))


def test_never_nights_and_fixed_weekdays(table) -> None:
    assert not ((table["staff"] == "M06") & (table["shift"] == "LN")).any()
    m12 = table[table["staff"] == "M12"]
    assert all(d.weekday() >= 2 for d in m12["date"])


def test_runs_and_a_48_hour_week_in_real_time(table) -> None:
    for sid, mine in shifts_of(table).items():
        days = [r["date"] for r in mine]
        run = nights = 1
        for i in range(1, len(mine)):
            consecutive = (days[i] - days[i - 1]).days == 1
            run = run + 1 if consecutive else 1
            both_nights = mine[i]["shift"] == mine[i - 1]["shift"] == "LN"
            nights = nights + 1 if consecutive and both_nights else 1
            assert run <= 4 and nights <= 3, (sid, days[i])
        weekly: dict[int, float] = defaultdict(float)
        for r in mine:
            paid = (r["end"] - r["start"]) / HOUR - 1  # less the hour's break
            assert r["hours"] == pytest.approx(paid)
            weekly[r["date"].isocalendar()[1]] += paid
        assert max(weekly.values()) <= 48, (sid, dict(weekly))


def test_cover_and_the_short_night(table) -> None:
    by = defaultdict(list)
    for r in table.to_dict("records"):
        by[(r["date"], r["shift"])].append(r["staff"])
    coords = {"C01", "C02", "C03", "C04", "C05", "C06", "C07"}
    for day in range(28):
        date = dt.date(2027, 3, 1) + dt.timedelta(days=day)
        light = date.weekday() >= 5 or date == dt.date(2027, 3, 26)  # Good Friday
        assert len(by[(date, "LD")]) >= (4 if light else 5), date
        assert len(by[(date, "LN")]) >= 4, date
        assert coords & set(by[(date, "LD")]) and coords & set(by[(date, "LN")]), date
    # the night of Sat 27 March loses an hour when the clocks go forward
    night = table[(table["shift"] == "LN") & (table["date"] == dt.date(2027, 3, 27))]
    assert len(night) >= 4 and set(night["hours"]) == {10.5}

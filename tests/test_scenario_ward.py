"""scenarios/medical-ward.yaml solved, then its roster re-checked against the
ward's written rules from first principles: the published table's real
instants, dates and roles alone (not the library's checker)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from pathlib import Path

import pytest

from helpers import solved_table

SCENARIO = Path(__file__).parent.parent / "scenarios" / "medical-ward.yaml"
HOUR = dt.timedelta(hours=1)
DAYS = [dt.date(2026, 12, 7) + dt.timedelta(days=d) for d in range(7)]
NURSING = ("RN", "NA")
NIGHTS = ("N", "LN")


@pytest.fixture(scope="module")
def table():  # type: ignore[no-untyped-def]
    return solved_table(SCENARIO)


def test_one_pharmacist_on_call_each_night_beside_or_without_a_ward_day(table) -> None:
    on_call = table[table["shift"] == "PN"]
    assert sorted(on_call["date"]) == DAYS
    assert set(on_call["role"]) == {"PH"}
    # paid a quarter of 15.5 h, and never overlapping the holder's ward day
    assert all(abs(h - 3.87) < 0.01 for h in on_call["hours"])
    days = table[(table["role"] == "PH") & (table["shift"] == "D")]
    for rec in on_call.to_dict("records"):
        mine = days[(days["staff"] == rec["staff"])].to_dict("records")
        for d in mine:
            assert d["end"] <= rec["start"] or rec["end"] <= d["start"]
            # no ward day the morning after a night on call
            assert d["date"] != rec["date"] + dt.timedelta(days=1), rec


def test_at_most_four_on_call_nights_in_a_row_history_included(table) -> None:
    history = {"PH1": [dt.date(2026, 12, 4), dt.date(2026, 12, 5), dt.date(2026, 12, 6)]}
    nights: dict[str, set[dt.date]] = defaultdict(set)
    for rec in table[table["shift"] == "PN"].to_dict("records"):
        nights[rec["staff"]].add(rec["date"])
    for sid, mine in nights.items():
        mine |= set(history.get(sid, []))
        for x in sorted(mine):
            assert not all(x + dt.timedelta(days=k) in mine for k in range(5)), (sid, x)
    # PH1 was on call Friday to Sunday: Monday is no ward day for her
    assert not (
        (table["staff"] == "PH1") & (table["date"] == DAYS[0]) & (table["shift"] == "D")
    ).any()


def test_nursing_rest_and_night_cover(table) -> None:
    work = table[table["role"].isin(NURSING)].sort_values("start")
    for sid, mine in work.groupby("staff"):
        recs = mine.to_dict("records")
        for a, b in itertools.pairwise(recs):
            assert b["start"] - a["end"] >= 11 * HOUR, (sid, a["date"], b["date"])
    # cover: at least 3 RNs at every hour from 15:00 to 07:00 the next morning
    rn = table[table["role"] == "RN"].to_dict("records")
    for x in DAYS[:-1]:
        zone = rn[0]["start"].tzinfo
        for h in range(16):
            at = dt.datetime.combine(x, dt.time(15), zone) + h * HOUR
            assert sum(r["start"] <= at < r["end"] for r in rn) >= 3, at

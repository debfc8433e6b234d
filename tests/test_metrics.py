"""The what-if measures, on a hand-made roster with known answers."""

from __future__ import annotations

from roster import Result, SolveStatus, check
from roster.metrics import outcome, overtime_hours, uncovered
from tests.helpers import BASE, roster, scenario


def test_uncovered_hours_count_hard_minima_only_and_overtime_is_pro_rata() -> None:
    staff = [dict(p) for p in BASE["staff"]]
    staff[1].update(hours_per_week=8, leave=["2026-12-13"])
    sc = scenario(
        staff=staff,
        demand=[
            {"shift": "E", "role": "RN", "min": 2},
            {"shift": "L", "role": "RN", "min": 1, "min_weight": 5},
        ],  # a wish: not counted
        time_cover=[{"role": "RN", "from": "22:00", "to": "06:00", "min": 1}],
    )
    r = roster(sc, [("S1", 0, "E"), ("S2", 0, "E"), ("S2", 1, "E")])
    result = Result(SolveStatus.FEASIBLE, 0, 0, 0.0, r, check(sc, r, soft_cover=True))
    gaps = uncovered(sc, result)
    # E: day 1 one short, days 2-6 two short, 8 h each; nights: 6 whole windows
    # of 8 h and the last one cut at the horizon's end (2 h)
    assert gaps == {"total": 138.0, "role.RN": 138.0, "shift.E": 88.0, "window.22:00-06:00": 50.0}
    # S2: 16 h worked against 8 h a week for the 6 days not on leave
    assert overtime_hours(sc, result) == round(16 - 8 * 6 / 7, 2)
    row = outcome(sc, result)
    assert row["uncovered_hours"] == 138.0 and row["uncovered_hours.shift.E"] == 88.0
    assert row["hard_violations"] == 0 and row["unmet_requests"] == 0

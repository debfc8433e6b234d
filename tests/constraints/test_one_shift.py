"""one_shift (always hard): one shift a day, and no shift overlapping the
previous day's in clock time (N 21:30-07:30 then E 07:00)."""

from __future__ import annotations

from ruletools import found, infeasible, optimum, person, pin, pinned, scenario

from roster.constraints.one_shift import overlapping_pairs

RULE = "one_shift"


def test_overlapping_pairs():
    assert overlapping_pairs(scenario(), 0) == [("N", "E")]
    shifts = [
        {"id": "D", "start": "07:00", "end": "19:30"},
        {"id": "T", "start": "19:00", "end": "07:30"},
        {"id": "X", "start": "07:30", "end": "12:00"},
    ]
    # T ends 07:30: overlaps D (07:00) but not X (07:30); D never reaches the next day
    assert overlapping_pairs(scenario(shifts=shifts), 0) == [("T", "D")]


def test_check_two_shifts_a_day():
    sc = scenario()
    assert found(sc, [("S1", 0, "E"), ("S1", 0, "L")], RULE) == [("S1", 1, None, [0])]
    assert found(sc, [("S1", 2, "E"), ("S1", 2, "L"), ("S1", 2, "N")], RULE) == [
        ("S1", 2, None, [2])
    ]


def test_check_overlap_with_the_next_day_and_history():
    sc = scenario(history={"S2": ["N"], "S3": ["N", "-"]})
    rows = {"S1": "NE.NL..", "S2": "E......", "S3": "E......"}
    assert found(sc, rows, RULE) == [("S1", 1, None, [0, 1]), ("S2", 1, None, [-1, 0])]
    assert pinned(sc, {"S1": "NE....."}) is None
    assert pinned(sc, {"S2": "E......"}) is None
    assert pinned(sc, {"S1": "N.E....", "S2": "L......"}) == 0


def test_encode():
    assert infeasible(scenario(staff=[person("S1", fixed=pin("NE"))]))
    assert infeasible(scenario(staff=[person("S1", fixed=pin("E"))], history={"S1": ["N"]}))
    # a night then a late is fine; cover can need one person on both
    sc = scenario(
        staff=[person("S1", fixed=pin("N"))],
        demand=[{"shift": "L", "role": "RN", "min": 1, "dates": ["2026-12-08"]}],
    )
    assert optimum(sc).objective == 0
    sc = scenario(
        staff=[person("S1", fixed=pin("N"))],
        demand=[{"shift": "E", "role": "RN", "min": 1, "dates": ["2026-12-08"]}],
    )
    assert infeasible(sc)
    # cover for E and L on one day needs two people
    demand = [{"shift": t, "role": "RN", "min": 1, "dates": ["2026-12-07"]} for t in "EL"]
    assert infeasible(scenario(staff=[person("S1")], demand=demand))
    assert optimum(scenario(staff=[person("S1"), person("S2")], demand=demand)).objective == 0

"""consecutive: min/max run lengths of work, days off, or some shifts.

Days are Mon 2026-12-07 .. Sun 2026-12-13 unless said otherwise; shifts
E 07-15, L 14-22, N 21:30-07:30 (see tests/helpers.py).
"""

from __future__ import annotations

import pytest
from ruletools import found, infeasible, optimum, person, pin, pinned, report, scenario

RULE = "consecutive"


def sc_with(rule: dict, history: dict | None = None, **extra):  # type: ignore[no-untyped-def]
    return scenario(rules=[{"kind": RULE, **rule}], history=history or {}, **extra)


# -- check: max ---------------------------------------------------------------
def test_max_counts_each_day_beyond_it():
    sc = sc_with({"max": 3, "weight": 2})
    # run of 5 from the start (no history): 2 days too many, run days 0-4
    assert found(sc, {"S1": "EEEEE.."}, RULE) == [("S1", 2, 2, [0, 1, 2, 3, 4])]
    rep = report(sc, {"S1": "EEEEE.."})
    assert rep.feasible and rep.total_penalty == 4 and rep.by_rule == {RULE: 4}
    # two runs of 4 (the second touches the horizon end): 1 each
    assert found(sc, {"S2": "LLLL.EE", "S3": "E.NNNN."}, RULE) == [
        ("S2", 1, 2, [0, 1, 2, 3]),
        ("S3", 1, 2, [2, 3, 4, 5]),
    ]
    assert found(sc, {"S1": "EEE.EEE"}, RULE) == []


def test_max_hard_is_a_hard_violation():
    sc = sc_with({"max": 6})
    rep_rows = {"S1": "EELLNNN"}
    assert found(sc, rep_rows, RULE) == [("S1", 1, None, list(range(7)))]
    assert pinned(sc, rep_rows) is None


def test_max_with_history_counts_only_the_days_in_the_horizon():
    # history E E E (Thu..Sat before), then 3 worked days: a run of 6, max 4:
    # 2 days beyond the max, both in the horizon
    sc = sc_with({"max": 4, "weight": 1}, {"S1": ["E", "E", "E"]})
    assert found(sc, {"S1": "EEE...."}, RULE) == [("S1", 2, 1, [0, 1, 2])]
    # a run of 7 that is 6 days old already: only its 1 horizon day is too many
    sc = sc_with({"max": 4, "weight": 1}, {"S1": ["E"] * 6})
    assert found(sc, {"S1": "E......"}, RULE) == [("S1", 1, 1, [0])]
    # a long history run that ended before the horizon costs nothing
    sc = sc_with({"max": 2, "weight": 1}, {"S1": ["E"] * 6 + ["-"]})
    assert found(sc, {"S1": "EE....."}, RULE) == []


def test_max_run_crossing_the_end_counts_known_days_only():
    sc = sc_with({"max": 2, "weight": 3})
    # a run of 3 at the end (it may go on after): 1 day too many, not more
    assert found(sc, {"S1": "....EEE"}, RULE) == [("S1", 1, 3, [4, 5, 6])]


# -- check: min ---------------------------------------------------------------
def test_min_costs_each_missing_day():
    sc = sc_with({"min": 3, "weight": 2})
    # run of 2 (days 1-2) misses 1, run of 1 (day 4) misses 2
    assert found(sc, {"S1": ".EE.E.."}, RULE) == [
        ("S1", 1, 2, [1, 2]),
        ("S1", 2, 2, [4]),
    ]


def test_min_runs_touching_the_start_or_end_are_never_too_short():
    sc = sc_with({"min": 3, "weight": 1})
    # touches the start (no history) and the end: both may continue there
    assert found(sc, {"S1": "E.....N", "S2": "EE...LL"}, RULE) == []
    # the same run at the start with a day off in the history is closed
    sc = sc_with({"min": 3, "weight": 1}, {"S1": ["-"]})
    assert found(sc, {"S1": "EE.....", "S2": "EE....."}, RULE) == [("S1", 1, 1, [0, 1])]


def test_min_with_history_run_continuing_into_the_horizon():
    # history: off, then E (day -1); the horizon adds day 0: a closed run of 2
    sc = sc_with({"min": 3, "weight": 4}, {"S1": ["-", "E"]})
    assert found(sc, {"S1": "E......"}, RULE) == [("S1", 1, 4, [0])]
    # touching the oldest history day: open, never too short
    sc = sc_with({"min": 3, "weight": 4}, {"S1": ["E"]})
    assert found(sc, {"S1": "E......"}, RULE) == []
    # a short run wholly in the history is not this roster's problem
    sc = sc_with({"min": 3, "weight": 4}, {"S1": ["-", "E", "-"]})
    assert found(sc, {"S1": "......."}, RULE) == []


# -- what: off / shift --------------------------------------------------------
def test_days_off_runs():
    sc = sc_with({"what": "off", "min": 2, "max": 2, "weight": 1, "scope": {"staff": ["S1", "S2"]}})
    # S1 off runs: day 1 (1, short by 1), days 3-5 (3, long by 1);
    # S2: days 0-2 (open at the start but 1 too long), days 5-6 fine
    assert found(sc, {"S1": "E.E...E", "S2": "...EE.."}, RULE) == [
        ("S1", 1, 1, [1]),
        ("S1", 1, 1, [3, 4, 5]),
        ("S2", 1, 1, [0, 1, 2]),
    ]
    # S3 (in no scope) and a whole week off for S2: only the known days count
    sc = sc_with({"what": "off", "max": 5, "weight": 1, "scope": {"staff": ["S2"]}})
    assert found(sc, {"S1": "E......"}, RULE) == [("S2", 2, 1, list(range(7)))]


def test_shift_runs_are_broken_by_other_shifts():
    sc = sc_with({"what": "shift", "shifts": ["N"], "min": 2, "max": 3, "weight": 5})
    # N on day 1 alone (an L before it, a day off after): short by 1;
    # N days 3-6: 4 in a row touching the end: 1 too many
    assert found(sc, {"S1": "LN.NNNN"}, RULE) == [
        ("S1", 1, 5, [1]),
        ("S1", 1, 5, [3, 4, 5, 6]),
    ]


def test_shift_runs_of_several_types_and_history():
    sc = sc_with({"what": "shift", "shifts": ["E", "L"], "max": 2, "weight": 1}, {"S1": ["L"]})
    # history L, then E L: a run of 3 E/L days, 1 too many; N breaks the run
    assert found(sc, {"S1": "ELNEL.."}, RULE) == [("S1", 1, 1, [0, 1])]


# -- encode -------------------------------------------------------------------
def test_encode_hard_max_with_pins():
    staff = [person("S1", fixed=pin("EEEE"))]
    assert infeasible(sc_with({"max": 3}, staff=staff))
    staff = [person("S1", fixed=pin("EEE.E"))]
    result = optimum(sc_with({"max": 3}, staff=staff))
    assert result.objective == 0


def test_encode_hard_max_counts_history():
    staff = [person("S1", fixed=pin("EE"))]
    assert infeasible(sc_with({"max": 4}, {"S1": ["E", "L", "L"]}, staff=staff))
    staff = [person("S1", fixed=pin("E"))]
    assert not infeasible(sc_with({"max": 4}, {"S1": ["E", "L", "L"]}, staff=staff))


def test_encode_soft_max_forced_by_cover():
    # one person, cover needs them all 7 days: a run of 7 with max 3 costs 4
    sc = sc_with(
        {"max": 3, "weight": 2},
        staff=[person("S1")],
        demand=[{"shift": "E", "role": "RN", "min": 1}],
    )
    assert optimum(sc).objective == 8


def test_encode_soft_max_with_history():
    # history 3 days + 3 pinned days = a run of 6; max 4: 2 units of 7
    sc = sc_with(
        {"max": 4, "weight": 7}, {"S1": ["E", "E", "E"]}, staff=[person("S1", fixed=pin("EEE"))]
    )
    assert optimum(sc).objective == 14


@pytest.mark.parametrize(
    ("history", "expected"),
    [
        # run of 1 at the start without history: open, free
        ({}, 0),
        # with a day off before it, it is closed: 2 days short (10) or work
        # days 1-2 against two off requests (2)
        ({"S1": ["-"]}, 2),
    ],
)
def test_encode_soft_min_at_the_start(history, expected):
    requests = [{"dates": [{"from": "2026-12-08", "to": "2026-12-13"}], "want": "off"}]
    sc = sc_with(
        {"min": 3, "weight": 5}, history, staff=[person("S1", fixed=pin("E"), requests=requests)]
    )
    assert optimum(sc).objective == expected


def test_encode_soft_min_in_the_middle():
    # pinned on Thu; off requested (weight 3) Tue, Wed, Fri, Sat.
    # alone: 2 short = 10; Wed-Thu: 5 + 3 = 8; any run of 3 with Thu: 6;
    # Mon..Thu: 6 as well
    requests = [
        {"dates": [date], "want": "off", "weight": 3}
        for date in ("2026-12-08", "2026-12-09", "2026-12-11", "2026-12-12")
    ]
    sc = sc_with(
        {"min": 3, "weight": 5}, staff=[person("S1", fixed=pin("...E"), requests=requests)]
    )
    assert optimum(sc).objective == 6


def test_encode_soft_min_at_the_end_is_open():
    requests = [{"dates": [{"from": "2026-12-07", "to": "2026-12-12"}], "want": "off"}]
    sc = sc_with(
        {"min": 3, "weight": 5}, staff=[person("S1", fixed=pin("......E"), requests=requests)]
    )
    assert optimum(sc).objective == 0


def test_encode_hard_min_days_off():
    # a day nobody may work (every shift unavailable) between two pinned shifts
    # is a closed 1-day off run
    rule = {"what": "off", "min": 2}
    blocked = [{"dates": ["2026-12-08"], "shifts": ["E", "L", "N"]}]
    staff = [person("S1", fixed=pin("E.E"), unavailable=blocked)]
    assert infeasible(sc_with(rule, staff=staff))
    staff = [person("S1", fixed=pin("E..E"), unavailable=blocked)]
    roster = optimum(sc_with(rule, staff=staff)).roster
    assert sorted(roster.df["date"].astype(str))[:2] == ["2026-12-07", "2026-12-10"]


def test_leave_is_neither_work_nor_off_for_runs():
    # leave between two pinned shifts: no 1-day off run, so min 2 holds
    staff = [person("S1", fixed=pin("E.E"), leave=["2026-12-08"])]
    assert not infeasible(sc_with({"what": "off", "min": 2}, staff=staff))
    # a week of leave is not too many days off, and it ends a working run
    staff = [person("S1", leave=[{"from": "2026-12-08", "to": "2026-12-13"}])]
    assert not infeasible(sc_with({"what": "off", "max": 2}, staff=staff))
    sc = sc_with({"max": 2, "weight": 1}, staff=[person("S1", leave=["2026-12-09"])])
    assert found(sc, {"S1": "EE.EE.."}, RULE) == []
    assert found(sc, {"S1": "...EEE."}, RULE) == [("S1", 1, 1, [3, 4, 5])]


def test_encode_hard_shift_max_with_history():
    rule = {"what": "shift", "shifts": ["N"], "max": 2}
    assert infeasible(sc_with(rule, {"S1": ["N", "N"]}, staff=[person("S1", fixed=pin("N"))]))
    # an L breaks the night run
    sc = sc_with(rule, {"S1": ["N", "N"]}, staff=[person("S1", fixed=pin("LN"))])
    assert optimum(sc).objective == 0


def test_encode_soft_days_off_max_after_history():
    # 2 days off in the history, max 2 off: working day 0 costs nothing, off 5.
    # The penalty is 5 * (1 - works): a negated literal, whose constant part
    # the objective's domain in build.py once forgot (working was cut off)
    sc = sc_with(
        {"what": "off", "max": 2, "weight": 5},
        {"S1": ["-", "-"]},
        staff=[person("S1")],
        horizon={"start": "2026-12-07", "days": 1},
    )
    assert found(sc, {"S1": "E"}, RULE) == []
    assert found(sc, {"S1": "."}, RULE) == [("S1", 1, 5, [0])]
    assert pinned(sc, {"S1": "E"}) == 0
    assert pinned(sc, {"S1": "."}) == 5
    assert optimum(sc).objective == 0


def test_repeated_shift_ids_count_once():
    # a repeated id used to make the pattern literal unsatisfiable (N forbidden)
    sc = sc_with({"what": "shift", "shifts": ["N", "N"], "max": 3, "weight": 1})
    assert found(sc, {"S1": "NN....."}, RULE) == []
    assert pinned(sc, {"S1": "NN....."}) == 0
    assert pinned(sc, {"S1": "NNNN..."}) == 1


def test_an_unavailable_day_is_an_ordinary_day_off_for_runs():
    # unlike leave, a whole day of unavailability is a day off: E.E with the
    # middle day unavailable is a closed 1-day off run
    staff = [person("S1", fixed=pin("E.E"), unavailable=[{"dates": ["2026-12-08"]}])]
    assert infeasible(sc_with({"what": "off", "min": 2}, staff=staff))


def _patterns(days: int):  # type: ignore[no-untyped-def]
    """Every work/off pattern of S1 over ``days`` days ('E' or '.')."""
    import itertools

    for bits in itertools.product(".E", repeat=days):
        yield {"S1": "".join(bits)}


def test_implied_windows_remove_no_roster_the_rules_allow():
    # hard max 3 working days and min 2 days off imply at most 3 worked in any
    # 5 days; the model adds that: every pattern the checker accepts must stay
    # feasible, every one it rejects infeasible (day 2 unavailable, a fixed day
    # off in the middle of windows)
    rules = [{"kind": RULE, "max": 3}, {"kind": RULE, "what": "off", "min": 2}]
    staff = [person("S1", unavailable=[{"dates": ["2026-12-09"]}])]
    sc = scenario(rules=rules, staff=staff, horizon={"start": "2026-12-07", "days": 8})
    from roster.model.build import build

    windows = [
        c
        for c in build(sc).model.proto.constraints
        if c.has_linear() and list(c.linear.domain)[-1] == 3
    ]
    assert len(windows) == 8 - 5 + 1
    for rows in _patterns(8):
        if rows["S1"][2] == "E":
            continue
        allowed = report(sc, rows).feasible
        assert (pinned(sc, rows) is not None) == allowed, rows


def test_implied_windows_need_both_rules_hard():
    soft_off = [{"kind": RULE, "max": 3}, {"kind": RULE, "what": "off", "min": 2, "weight": 1}]
    sc = scenario(rules=soft_off, staff=[person("S1")], horizon={"start": "2026-12-07", "days": 8})
    # 4 worked in 5 days with a 1-day break: allowed at a cost, not cut off
    assert pinned(sc, {"S1": "EE.EE..."}) == 1
    soft_max = [{"kind": RULE, "max": 3, "weight": 1}, {"kind": RULE, "what": "off", "min": 2}]
    sc = scenario(rules=soft_max, staff=[person("S1")], horizon={"start": "2026-12-07", "days": 8})
    assert pinned(sc, {"S1": "EEEE...."}) == 1

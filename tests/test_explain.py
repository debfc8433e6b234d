"""Why a roster cannot be made, as a ward manager reads it: the cover that
cannot be given first, day by day, with what is needed and who could give
it; then the people and rules involved by date, role and person; missing
history named as the cause when it is."""

from __future__ import annotations

from pathlib import Path

from roster import SolveParams, SolveStatus, load_scenario, solve
from roster.model.explain import tell
from tests.helpers import scenario

SCENARIOS = Path(__file__).parent.parent / "scenarios"
FAST = SolveParams(time_limit=10, workers=1, seed=0)


def _ward():  # type: ignore[no-untyped-def]
    return scenario(
        roles=[{"id": "RN", "name": "registered nurse"}, {"id": "HCA", "name": "assistant"}],
        staff=[
            {"id": "RN10", "roles": ["RN"]},
            {"id": "HCA1", "roles": ["HCA"], "leave": ["2026-12-11"]},
            {"id": "RN2", "roles": ["RN"], "unavailable": [{"dates": ["2026-12-12"]}]},
            {"id": "RN1", "roles": ["RN"], "leave": ["2026-12-12"]},
        ],
        demand=[
            {"shift": "E", "role": "RN", "min": 2},
            {"shift": "E", "role": "HCA", "min": 1},
        ],
        rules=[{"kind": "consecutive", "max": 5}],
    )


def test_message_ordering_by_date_then_role_not_alphabetical() -> None:
    sc = _ward()
    conflict = [
        (("rules[0]", 0), "RN10: at most 5 consecutive working days (rules[0])"),
        (("cover", 5, "E", "RN", None, "below min"), "Sat ..."),
        (("leave", 3), "RN1 is on leave or unavailable on Sat 2026-12-12"),
        (("rules[0]", 2), "RN2: at most 5 consecutive working days (rules[0])"),
        (("cover", 4, "E", "HCA", None, "below min"), "Fri ..."),
        (("cover", 4, "E", "RN", None, "below min"), "Fri ..."),
        (("leave", 1), "HCA1 is on leave or unavailable on Fri 2026-12-11"),
        (("leave", 2), "RN2 is on leave or unavailable on Sat 2026-12-12"),
    ]
    assert tell(sc, conflict) == [
        # needed vs available, by date, then role as the scenario lists them
        "Fri 2026-12-11 E: RN cover needs at least 2 (demand[0]); 3 registered nurses can "
        "work it (RN10, RN2, RN1), none of them away",
        "Fri 2026-12-11 E: HCA cover needs at least 1 (demand[1]); 1 assistant can work it "
        "(HCA1), on leave",
        "Sat 2026-12-12 E: RN cover needs at least 2 (demand[0]); 3 registered nurses can "
        "work it (RN10, RN2, RN1): 1 on leave (RN1), 1 unavailable (RN2), 1 free that day",
        # then leave by date and role; then rules, RN2 before RN10, one sentence
        "HCA1 is on leave or unavailable on Fri 2026-12-11",
        "RN1 is on leave or unavailable on Sat 2026-12-12",
        "RN2 is on leave or unavailable on Sat 2026-12-12",
        "RN2, RN10: at most 5 consecutive working days (rules[0])",
    ]


def test_the_same_need_on_consecutive_days_is_one_sentence() -> None:
    sc = _ward()
    conflict = [(("cover", d, "E", "RN", None, "below min"), "") for d in (3, 0, 1, 2, 6)]
    assert tell(sc, conflict) == [
        "Mon 2026-12-07..Thu 2026-12-10 E: RN cover needs at least 2 (demand[0]) each day "
        "(4 days); 3 registered nurses can work it (RN10, RN2, RN1), none of them away",
        "Sun 2026-12-13 E: RN cover needs at least 2 (demand[0]); 3 registered nurses can "
        "work it (RN10, RN2, RN1), none of them away",
    ]


def test_the_shipped_infeasible_ward_opens_with_what_is_needed() -> None:
    result = solve(load_scenario(SCENARIOS / "infeasible-ward.yaml"), FAST)
    assert result.status == SolveStatus.INFEASIBLE
    assert result.explanation == [
        "Tue 2026-12-08 PN: PH cover needs at least 1 (demand[3]); 2 pharmacists can work it "
        "(P1, P2), both on leave",
        "P1 is on leave or unavailable on Mon 2026-12-07, Tue 2026-12-08",
        "P2 is on leave or unavailable on Tue 2026-12-08",
    ]


def test_missing_history_is_named_as_the_cause_not_people() -> None:
    cover = [{"role": "RN", "from": "00:00", "to": "24:00", "min": 1}]
    result = solve(scenario(time_cover=cover), FAST)
    assert result.status == SolveStatus.INFEASIBLE
    (line,) = result.explanation
    assert line.startswith(
        "Mon 2026-12-07 00:00-07:00: RN cover needs at least 1 at every minute (time_cover[0])"
    ), line
    assert "the day before the roster starts (Sun 2026-12-06)" in line
    assert "not in the history: give history:" in line
    assert "S1" not in line.split("history:")[0]  # nobody is blamed

    result = solve(scenario(time_cover=cover, history={"S1": ["E"]}), FAST)
    (line,) = result.explanation
    assert "the history has too few RN on it" in line

"""On-call duties: a second layer beside shifts. At most one a person a day,
never overlapping a shift; resident duties are work (days worked, rest),
non-resident ones are not; duties count in cover (``duty:``), in
shift_count/window (``duties:``), in hours (their paid share), in fairness
(``measure: duties``) and in succession. Rows of their own in a roster."""

from __future__ import annotations

import pytest
from ruletools import found, optimum, pinned, roster, scenario

from roster import Roster, ScenarioError, check
from roster.tables import staff_totals

OC = {"id": "OC", "start": "17:00", "end": "08:30", "paid_fraction": 0.25}
ROC = {"id": "ROC", "start": "22:00", "end": "07:00", "resident": True}  # paid in full


def sc_duty(**extra):  # type: ignore[no-untyped-def]
    return scenario(
        **{
            "shifts": [
                {"id": "D", "start": "08:30", "end": "17:00"},
                {"id": "E", "start": "07:00", "end": "15:00"},
            ],
            "duties": [OC, ROC],
        }
        | extra
    )


# -- the scenario ---------------------------------------------------------------
@pytest.mark.parametrize(
    "change, where, words",
    [
        (
            {"duties": [{"id": "E", "start": "17:00", "end": "08:30"}]},
            "duties[0].id",
            "also a shift id",
        ),
        (
            {"demand": [{"shift": "D", "duty": "OC", "role": "RN", "min": 1}]},
            "demand[0]",
            "give shift or duty",
        ),
        ({"demand": [{"duty": "XX", "role": "RN", "min": 1}]}, "demand[0].duty", "unknown duty"),
        (
            {"rules": [{"kind": "window", "what": "duties", "duties": ["X"], "days": 3, "max": 1}]},
            "rules[0] (window).duties",
            "unknown duty 'X'",
        ),
        (
            {"rules": [{"kind": "window", "what": "duties", "days": 3, "max": 1}]},
            "rules[0] (window)",
            "needs the duties",
        ),
        (
            {"rules": [{"kind": "fairness", "measure": "nights", "duties": ["OC"]}]},
            "rules[0] (fairness)",
            "'duties' is for measure: duties",
        ),
        (
            {"duties": [{"id": "K", "start": "17:00", "end": "08:30", "paid_fraction": 1.5}]},
            "duties[0] (K).paid_fraction",
            "at most 1",
        ),
    ],
)
def test_bad_duty_input_is_located(change, where, words) -> None:  # type: ignore[no-untyped-def]
    data = {"duties": [OC]} | change
    with pytest.raises(ScenarioError) as err:
        scenario(**data)
    text = err.value.render()
    assert where in text and words in text, text


def test_a_duty_for_some_roles_only() -> None:
    data = {
        "roles": [{"id": "RN"}, {"id": "HCA"}],
        "staff": [{"id": "S1", "roles": ["RN"]}, {"id": "S2", "roles": ["HCA"]}],
        "duties": [OC | {"roles": ["RN"]}],
    }
    sc = scenario(**data)
    assert sc.duty_roles == {("S1", "OC"): "RN"}
    with pytest.raises(ScenarioError, match="OC is held only by RN; 'HCA' never counts"):
        scenario(**data | {"demand": [{"duty": "OC", "role": "HCA", "min": 1}]})
    with pytest.raises(ScenarioError, match="none of the roles that may hold OC"):
        scenario(
            **data
            | {
                "staff": [
                    {"id": "S1", "roles": ["RN"]},
                    {
                        "id": "S2",
                        "roles": ["HCA"],
                        "fixed": [{"date": "2026-12-07", "shift": "OC"}],
                    },
                ]
            }
        )
    # nobody without the role ever holds it
    result = optimum(scenario(**data | {"demand": [{"duty": "OC", "role": "RN", "min": 1}]}))
    held = result.roster.df[result.roster.df["shift"] == "OC"]
    assert set(held["staff"]) == {"S1"} and len(held) == 7


def test_roster_csv_rows_of_their_own(tmp_path) -> None:  # type: ignore[no-untyped-def]
    sc = sc_duty()
    path = tmp_path / "r.csv"
    path.write_text("staff,date,shift\nS1,2026-12-07,D\nS1,2026-12-07,OC\nS2,2026-12-08,ROC\n")
    ros = Roster.from_csv(path, sc)
    assert ros.cells(sc) == {("S1", 0): [("D", "RN")]}
    assert ros.duties(sc) == {("S1", 0): [("OC", "RN")], ("S2", 1): [("ROC", "RN")]}
    assert check(sc, ros).feasible
    table = ros.table(sc)
    oc = table[table["shift"] == "OC"].iloc[0]
    # 17:00 to 08:30 next day = 15.5 h, a quarter paid
    assert (oc["start"], oc["end"], oc["hours"]) == (
        "2026-12-07T17:00+00:00",
        "2026-12-08T08:30+00:00",
        3.87,
    )  # 232 min
    path.write_text("staff,date,shift\nS1,2026-12-07,XX\n")
    with pytest.raises(ScenarioError, match="unknown shift 'XX'; allowed: D, E, OC, ROC"):
        Roster.from_csv(path, sc)


# -- structure: one duty a day, no overlap ------------------------------------------
def test_one_duty_a_day_and_no_overlap() -> None:
    sc = sc_duty()
    assert found(sc, [("S1", 0, "D"), ("S1", 0, "OC")], "one_shift") == []
    assert found(sc, [("S1", 0, "OC"), ("S1", 0, "ROC")], "one_shift") == [("S1", 1, None, [0])]
    # the on-call runs to 08:30: a 07:00 early the next morning overlaps it
    assert found(sc, [("S1", 0, "OC"), ("S1", 1, "E")], "one_shift") == [("S1", 1, None, [0, 1])]
    # a 22:00 resident duty overlaps nothing that day, but not D at 16:00-..
    late = sc_duty(shifts=[{"id": "D", "start": "14:00", "end": "23:00"}])
    assert found(late, [("S1", 0, "D"), ("S1", 0, "ROC")], "one_shift") == [("S1", 1, None, [0])]
    for rows in ([("S1", 0, "OC"), ("S1", 1, "E")], [("S1", 0, "OC"), ("S1", 0, "ROC")]):
        assert pinned(sc, rows) is None
    assert pinned(sc, [("S1", 0, "D"), ("S1", 0, "OC")]) == 0.0


def test_leave_and_unavailability_block_duties() -> None:
    sc = sc_duty(
        staff=[
            {
                "id": "S1",
                "roles": ["RN"],
                "leave": ["2026-12-07"],
                "unavailable": [{"shifts": ["OC"], "weekdays": ["tue"]}],
            },
            {"id": "S2", "roles": ["RN"]},
        ]
    )
    assert found(sc, [("S1", 0, "OC")], "leave") == [("S1", 1, None, [0])]
    assert found(sc, [("S1", 1, "OC")], "leave") == [("S1", 1, None, [1])]
    assert found(sc, [("S1", 1, "D")], "leave") == []


# -- resident duties are work -----------------------------------------------------
def test_resident_duties_are_work_days_non_resident_are_not() -> None:
    rule = {"kind": "window", "what": "work", "days": 2, "max": 1, "weight": 5}
    sc = sc_duty(rules=[rule])
    assert found(sc, [("S1", 0, "ROC"), ("S1", 1, "ROC")], "window") == [("S1", 1, 5, [0, 1])]
    assert found(sc, [("S1", 0, "OC"), ("S1", 1, "OC")], "window") == []
    assert pinned(sc, [("S1", 0, "ROC"), ("S1", 1, "ROC")]) == 5.0
    assert pinned(sc, [("S1", 0, "OC"), ("S1", 1, "OC")]) == 0.0


def test_rest_is_due_around_a_resident_duty() -> None:
    sc = sc_duty(rules=[{"kind": "min_rest", "hours": 11, "weight": 2}])
    # D ends 17:00, the resident duty starts 22:00: 5 h rest, 6 h short
    assert found(sc, [("S1", 0, "D"), ("S1", 0, "ROC")], "min_rest") == [("S1", 6, 2, [0])]
    # ROC ends 07:00, the next day's D starts 08:30: 1.5 h, 10 h short (rounded up)
    assert found(sc, [("S1", 0, "ROC"), ("S1", 1, "D")], "min_rest") == [("S1", 10, 2, [0, 1])]
    # a non-resident on-call is not work: no rest is due around it
    assert found(sc, [("S1", 0, "D"), ("S1", 0, "OC")], "min_rest") == []
    for rows, want in (
        ([("S1", 0, "D"), ("S1", 0, "ROC")], 12.0),
        ([("S1", 0, "ROC"), ("S1", 1, "D")], 20.0),
        ([("S1", 0, "D"), ("S1", 0, "OC")], 0.0),
    ):
        assert pinned(sc, rows) == want


# -- duties in the counting rules -------------------------------------------------------
def test_hours_count_a_duty_paid_share() -> None:
    sc = sc_duty(rules=[{"kind": "hours", "max_hours": 10, "weight": 1}])
    rows = [("S1", 0, "D"), ("S1", 0, "OC")]  # 8.5 h + 232 min (15.5 h x 0.25) = 742 min
    assert found(sc, rows, "hours") == [("S1", 3, 1, [0, 1, 2, 3, 4, 5, 6])]
    assert pinned(sc, rows) == 3.0
    totals = staff_totals(sc, roster(sc, rows))
    assert (totals["S1"]["hours"], totals["S1"]["duties"], totals["S1"]["duty_hours"]) == (
        12.37,
        1,
        3.87,
    )
    # a rule naming shifts counts no duty unless it names it too
    only = sc_duty(rules=[{"kind": "hours", "shifts": ["D"], "max_hours": 8, "weight": 1}])
    assert found(only, rows, "hours")[0][1] == 1


def test_duties_in_shift_count_and_windows() -> None:
    sc = sc_duty(
        rules=[
            {
                "kind": "window",
                "what": "duties",
                "duties": ["OC"],
                "days": 3,
                "max": 1,
                "weight": 4,
            },
            {"kind": "shift_count", "duties": ["OC", "ROC"], "shifts": [], "max": 2, "weight": 1},
        ]
    )
    rows = [("S1", 0, "OC"), ("S1", 2, "OC"), ("S1", 3, "ROC")]
    assert found(sc, rows, "window") == [("S1", 1, 4, [0, 1, 2])]
    assert found(sc, rows, "shift_count") == [("S1", 1, 1, [0, 1, 2, 3, 4, 5, 6])]
    assert pinned(sc, rows) == 5.0


def test_duty_cover_and_exactly_one_on_call_a_night() -> None:
    sc = sc_duty(
        demand=[
            {"duty": "OC", "role": "RN", "min": 1, "max": 1},
            {"shift": "D", "role": "RN", "min": 1},
        ],
        rules=[{"kind": "fairness", "measure": "duties", "weight": 3}],
    )
    result = optimum(sc)
    assert result.objective == 0  # 7 on-calls: 2, 2, 3 FTE-spread under 1
    df = result.roster.df
    per_day = df[df["shift"] == "OC"].groupby("date").size()
    assert len(per_day) == 7 and set(per_day) == {1}
    assert found(sc, [("S1", 0, "D")], "cover")[0][1] == 1  # nobody on call that night


def test_succession_after_a_duty() -> None:
    # Saturday on-call, Monday off (a shift or a duty)
    rule = {
        "kind": "succession",
        "first": "OC",
        "gap": 2,
        "weight": 7,
        "scope": {"weekdays": ["sat"]},
    }
    sc = sc_duty(horizon={"start": "2026-12-12", "days": 3}, rules=[rule])
    assert found(sc, [("S1", 0, "OC"), ("S1", 2, "ROC")], "succession") == [("S1", 1, 7, [0, 2])]
    assert found(sc, [("S1", 0, "OC"), ("S1", 2, "D"), ("S1", 2, "OC")], "succession") == [
        ("S1", 1, 7, [0, 2])
    ]
    assert pinned(sc, [("S1", 0, "OC"), ("S1", 2, "D"), ("S1", 2, "OC")]) == 7.0
    assert found(sc, [("S1", 1, "OC"), ("S1", 2, "D")], "succession") == []


# -- outputs and services ---------------------------------------------------------------
def _pharmacy():  # type: ignore[no-untyped-def]
    return sc_duty(
        demand=[
            {"duty": "OC", "role": "RN", "min": 1, "max": 1},
            {"shift": "D", "role": "RN", "min": 1},
        ]
    )


def test_report_xlsx_and_calendars_show_duties(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from icalendar import Calendar
    from openpyxl import load_workbook

    from roster.export import write_ical, write_xlsx
    from roster.report import write_report

    sc = _pharmacy()
    ros = roster(sc, [("S1", 0, "D"), ("S1", 0, "OC"), ("S2", 1, "OC")])
    write_report(tmp_path / "r.html", sc, ros, check(sc, ros))
    html = (tmp_path / "r.html").read_text()
    assert '<span class="duty">OC</span>' in html and "on call OC" in html
    write_xlsx(tmp_path / "r.xlsx", sc, ros)
    wb = load_workbook(tmp_path / "r.xlsx")
    assert wb["Roster"]["D2"].value == "D+OC"  # S1 on Monday: the shift, then the duty
    people = list(wb["People"].values)
    assert people[0][-2:] == ("on-call duties", "on-call paid hours")
    assert people[1][-2:] == (1, 3.87)
    write_ical(tmp_path, sc, ros)
    events = [
        str(e["summary"])
        for e in Calendar.from_ical((tmp_path / "S1.ics").read_bytes()).walk("VEVENT")
    ]
    assert sorted(events) == ["D (D)", "On call: OC (OC)"]
    assert ros.grid(sc).loc["S1", "2026-12-07"] == "D+OC"


def test_explanation_names_the_duty_nobody_can_hold() -> None:
    from roster import SolveParams, SolveStatus, solve

    sc = sc_duty(
        demand=[{"duty": "OC", "role": "RN", "min": 1}],
        staff=[{"id": f"S{i}", "roles": ["RN"], "leave": ["2026-12-08"]} for i in range(1, 3)],
    )
    result = solve(sc, SolveParams(time_limit=10, workers=1))
    assert result.status == SolveStatus.INFEASIBLE
    text = " | ".join(result.explanation)
    assert "Tue 2026-12-08 OC" in text and "on leave" in text, text


def test_neighbourhood_search_keeps_duties() -> None:
    from roster import SolveParams, solve

    sc = _pharmacy()
    result = solve(sc, SolveParams(time_limit=3, workers=1, seed=0, strategy="lns"))
    assert result.roster is not None and result.report is not None
    assert result.report.feasible and result.report.total_penalty == result.objective
    assert len(result.roster.duties(sc)) == 7


def test_decomposition_refuses_duties() -> None:
    from roster import SolveParams, solve
    from roster.errors import InputError

    with pytest.raises(InputError, match="does not handle on-call duties"):
        solve(_pharmacy(), SolveParams(time_limit=3, strategy="cg"))


def test_history_holds_duties_and_the_roll_over_writes_them() -> None:
    from roster.history import carried_data

    # on call the last two nights: a window of 3 days sees them
    rule = {"kind": "window", "what": "duties", "duties": ["OC"], "days": 3, "max": 1, "weight": 4}
    sc = sc_duty(history={"S1": ["D+OC", "OC"]}, rules=[rule])
    assert found(sc, [("S1", 0, "OC")], "window") == [("S1", 2, 4, [0]), ("S1", 1, 4, [0, 1])]
    assert pinned(sc, [("S1", 0, "OC")]) == 12.0
    with pytest.raises(ScenarioError, match=r"history.S1\[0\]: unknown shift 'D\+E'"):
        sc_duty(history={"S1": ["D+E"]})
    before = sc_duty()
    monday = before.dates[-1] + (before.dates[1] - before.dates[0])
    data = carried_data(
        {"staff": [{"id": "S1"}]},
        monday,
        before,
        roster(before, [("S1", 5, "D"), ("S1", 5, "OC"), ("S1", 6, "OC")]),
    )
    assert data["history"]["S1"] == ["D+OC", "OC"]

"""Editing a unit through forms generated from the scenario's models: staff,
leave, requests, the cover grid, contracts and rules; a save is a new
version, a bad value is shown next to its field with the command line's
located message and nothing is stored."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient

from roster.constraints import registry
from roster.records import Demand, Request
from roster.scenario import Staff
from roster.store import Store
from roster.web.forms import ABSENT, Input, inputs, put, read, shown
from roster.web.routes.editing import SECTIONS
from web_support import browser, client, make_unit, store, url  # noqa: F401


def fields_of(page: str, form_id: str) -> dict[str, str]:
    """What a browser would send for a form as the page fills it: every
    input's value, each select's chosen option, each checked box."""
    found = re.search(rf'<form id="{form_id}".*?</form>', page, re.S)
    assert found, form_id
    form = found.group(0)
    out: dict[str, str] = {}
    for tag in re.findall(r"<input [^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        if name is None or name.group(1) == "csrf_token":
            continue
        value = re.search(r'value="([^"]*)"', tag)
        if 'type="checkbox"' in tag:
            if "checked" in tag:
                out[html.unescape(name.group(1))] = "on"
            continue
        out[html.unescape(name.group(1))] = html.unescape(value.group(1) if value else "")
    for name, body in re.findall(r'<select [^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        out[html.unescape(name)] = html.unescape(chosen.group(1)) if chosen else ""
    return out


def edit_page(client: TestClient, unit_id: int) -> str:
    page = client.get(f"/units/{unit_id}/edit")
    assert page.status_code == 200
    return page.text


def save(client: TestClient, unit_id: int, section: str, changes: dict[str, str]):
    form = fields_of(edit_page(client, unit_id), f"edit-{section}")
    for key in changes:
        assert key in form or key.endswith("._remove") or key in ("add_kind", "add_to", "action")
    return client.post(
        f"/units/{unit_id}/edit/{section}", data={**form, **changes}, follow_redirects=False
    )


def person(data: dict[str, Any], sid: str) -> dict[str, Any]:
    return next(p for p in data["staff"] if p["id"] == sid)


def problem_at(page: str, name: str) -> str:
    """The problem shown next to the input ``name``."""
    found = re.search(rf'id="{re.escape(name)}-problems?">([^<]*)<', page)
    assert found, f"no problem next to {name}"
    return html.unescape(found.group(1)).strip()


# -- the page ---------------------------------------------------------------------------------
def test_every_section_has_its_form(client: TestClient) -> None:
    unit_id = make_unit(client)
    page = edit_page(client, unit_id)
    for section in SECTIONS:
        assert f'<form id="edit-{section}"' in page
    assert 'name="staff[0].hours_per_week"' in page and 'min="0" max="168"' in page
    assert "contracted hours; overrides the contract" in page  # the description as help
    assert 'name="contracts[0].rules[0].max_hours"' in page  # the contract's hours rule
    assert 'id="leave-calendar"' in page and 'title="B: annual leave on 2026-12-13"' in page
    assert client.get("/units/999/edit").status_code == 404
    assert client.get("/units/x/edit").status_code == 422


# -- saves --------------------------------------------------------------------------------------
def test_a_contract_value_saved_is_a_new_version(client: TestClient, store: Store) -> None:
    unit_id = make_unit(client)
    response = save(client, unit_id, "contracts", {"contracts[0].hours_per_week": "36"})
    assert response.status_code == 303
    assert response.headers["location"].endswith("saved=contracts#section-contracts")
    versions = store.versions(unit_id)
    assert [v.version for v in versions] == [1, 2] and versions[-1].note == "edited contracts"
    assert versions[-1].data["contracts"][0]["hours_per_week"] == 36
    assert versions[-1].data["contracts"][0]["rules"] == versions[0].data["contracts"][0]["rules"]
    assert "Saved contracts: this is now version 2" in client.get(response.headers["location"]).text


def test_a_contract_rule_parameter_is_saved(client: TestClient, store: Store) -> None:
    unit_id = make_unit(client)
    response = save(client, unit_id, "rules", {"contracts[0].rules[0].max_hours": "44"})
    assert response.status_code == 303
    assert store.scenario(unit_id).data["contracts"][0]["rules"][0]["max_hours"] == 44


def test_a_cover_number_saved_keeps_the_other_days(client: TestClient, store: Store) -> None:
    unit_id = make_unit(client)
    response = save(client, unit_id, "cover", {"cover[RN][L].sat.min": "2"})
    assert response.status_code == 303, response.text
    demand = store.scenario(unit_id).data["demand"]
    late = [d for d in demand if d["shift"] == "L" and d["role"] == "RN"]
    assert {tuple(d.get("weekdays", ())): d["min"] for d in late} == {
        ("mon", "tue", "wed", "thu", "fri", "sun"): 1,
        ("sat",): 2,
    }
    early = next(d for d in demand if d["shift"] == "E" and d["role"] == "RN")
    assert early == {**early, "min": 1, "preferred": 2, "under_weight": 10}
    assert "weekdays" not in early  # every day alike: one entry, as before
    sc = store.scenario(unit_id).scenario()
    assert {n.demand.min for n in sc.needs if n.shift == "L" and n.role == "RN"} == {1, 2}


def test_nothing_changed_makes_no_version(client: TestClient, store: Store) -> None:
    unit_id = make_unit(client)
    for section in SECTIONS:
        response = save(client, unit_id, section, {})
        assert response.status_code == 303, (section, response.text)
        assert response.headers["location"].endswith(f"saved=none#section-{section}")
    assert len(store.versions(unit_id)) == 1


def test_cover_the_grid_cannot_show_is_kept_in_its_order(client: TestClient, store: Store) -> None:
    unit_id = make_unit(client)
    data = dict(store.scenario(unit_id).data)
    data["demand"] = [{"shift": "N", "skill": "charge", "min": 1}, *data["demand"]]
    store.add_version(unit_id, data, note="a charge nurse on nights")
    page = edit_page(client, unit_id)
    assert "Other cover entries" in page and "charge" in page
    assert (
        save(client, unit_id, "cover", {}).headers["location"].endswith("saved=none#section-cover")
    )
    response = save(client, unit_id, "cover", {"cover[PH][E].sun.min": ""})
    assert response.status_code == 303, response.text
    demand = store.scenario(unit_id).data["demand"]
    assert demand[0] == {**demand[0], "shift": "N", "skill": "charge", "min": 1}
    pharmacy = [d for d in demand if d.get("role") == "PH"]
    assert [d.get("weekdays") for d in pharmacy] == [["mon", "tue", "wed", "thu", "fri", "sat"]]


def test_a_persons_own_rules_are_edited(client: TestClient, store: Store) -> None:
    unit_id = make_unit(client)
    data = dict(store.scenario(unit_id).data)
    data["staff"][4]["rules"] = [{"kind": "consecutive", "max": 3}]
    store.add_version(unit_id, data, note="F: no more than 3 in a row")
    assert "Rules of F alone" in edit_page(client, unit_id)
    response = save(client, unit_id, "rules", {"staff[4].rules[0].max": "2"})
    assert response.status_code == 303, response.text
    assert person(store.scenario(unit_id).data, "F")["rules"][0]["max"] == 2


def test_staff_added_changed_and_removed(client: TestClient, store: Store) -> None:
    unit_id = make_unit(client)
    page = edit_page(client, unit_id)
    new = "staff[6]"  # the first blank row after the six people
    assert f'name="{new}.id"' in page
    response = save(
        client, unit_id, "staff",
        {f"{new}.id": "G", f"{new}.name": "Gus", f"{new}.roles": "RN, PH",
         f"{new}.contract": "full-time", "staff[1].name": "Beatrice", "staff[2]._remove": "on"},
    )  # fmt: skip
    assert response.status_code == 303, response.text
    data = store.scenario(unit_id).data
    assert [p["id"] for p in data["staff"]] == ["A", "B", "D", "F", "P1", "G"]
    assert person(data, "G")["roles"] == ["RN", "PH"]
    assert person(data, "B")["name"] == "Beatrice" and person(data, "B")["leave"]
    assert "C" not in data["history"]  # nothing left naming the person removed


def test_a_corrected_id_is_corrected_everywhere(client: TestClient, store: Store) -> None:
    unit_id = make_unit(client)
    response = save(client, unit_id, "staff", {"staff[0].id": "A1"})
    assert response.status_code == 303, response.text
    data = store.scenario(unit_id).data
    assert data["history"]["A1"] == ["N", "N"] and "A" not in data["history"]
    assert person(data, "A1")["requests"]


def test_defaults_are_shown_for_blank_fields(client: TestClient) -> None:
    unit_id = make_unit(client)
    page = save(client, unit_id, "rules", {"add_kind": "hours", "add_to": "rules",
                                           "action": "add"}).text  # fmt: skip
    new = re.search(r'<fieldset id="rules\[3\]">.*?</fieldset>', page, re.S)
    assert new, page
    assert '<option value="" selected>(default: horizon)</option>' in new.group(0)  # per
    assert 'placeholder="true"' not in new.group(0)  # a yes/no is a select
    assert '<option value="" selected>(default: yes)</option>' in new.group(0)
    staff = re.search(r'<select id="staff\[6\]\.contract".*?</select>', page, re.S)
    assert staff and '<option value="" selected>(not set)</option>' in staff.group(0)


def test_leave_and_requests_are_edited(client: TestClient, store: Store) -> None:
    unit_id = make_unit(client)
    page = edit_page(client, unit_id)
    assert fields_of(page, "edit-leave")["leave[0].staff"] == "B"
    response = save(
        client, unit_id, "leave",
        {"leave[1].staff": "D", "leave[1].from": "2026-12-11", "leave[1].to": "2026-12-12",
         "leave[1].type": "study"},
    )  # fmt: skip
    assert response.status_code == 303, response.text
    assert person(store.scenario(unit_id).data, "D")["leave"] == [
        {"from": "2026-12-11", "to": "2026-12-12", "type": "study"}
    ]
    response = save(
        client, unit_id, "requests",
        {"requests[0]._remove": "on", "requests[1].staff": "C",
         "requests[1].dates": "2026-12-13..2026-12-14", "requests[1].shift": "N",
         "requests[1].want": "off", "requests[1].weight": "4"},
    )  # fmt: skip
    assert response.status_code == 303, response.text
    data = store.scenario(unit_id).data
    assert "requests" not in person(data, "A") or not person(data, "A")["requests"]
    assert person(data, "C")["requests"] == [
        {"dates": [{"from": "2026-12-13", "to": "2026-12-14"}], "shift": "N", "want": "off",
         "weight": 4}
    ]  # fmt: skip


def test_a_form_from_an_older_version_is_refused(client: TestClient, store: Store) -> None:
    unit_id = make_unit(client)
    stale = fields_of(edit_page(client, unit_id), "edit-staff")
    assert stale["version"] == "1"
    assert save(client, unit_id, "staff", {"staff[0].name": "Anne"}).status_code == 303
    stale["staff[1].name"] = "Beatrice"
    response = client.post(f"/units/{unit_id}/edit/staff", data=stale, follow_redirects=False)
    assert response.status_code == 409
    assert "version: this form shows version 1, but the unit has changed since" in response.text
    assert [v.version for v in store.versions(unit_id)] == [1, 2]
    assert person(store.scenario(unit_id).data, "B")["name"] == "Bea"


def test_the_period_and_a_shift_time_are_saved(client: TestClient, store: Store) -> None:
    unit_id = make_unit(client)
    page = edit_page(client, unit_id)
    assert fields_of(page, "edit-shifts")["shifts[0].start"] == "07:00"
    response = save(client, unit_id, "settings", {"unit.horizon.days": "7"})
    assert response.status_code == 303, response.text
    response = save(client, unit_id, "shifts", {"shifts[0].start": "07:30"})
    assert response.status_code == 303, response.text
    sc = store.scenario(unit_id).scenario()
    assert sc.horizon.days == 7 and sc.shifts[0].start == 7 * 60 + 30
    response = save(client, unit_id, "shifts", {"shifts[1].end": "25:00"})
    assert response.status_code == 400
    assert "shifts[1] (L).end: clock time must be &#39;HH:MM&#39;" in response.text
    response = save(client, unit_id, "settings", {"unit.horizon.days": "400"})
    assert response.status_code == 400
    assert problem_at(response.text, "unit.horizon.days") == (
        "horizon.days: must be at most 366 (got 400)"
    )
    response = save(client, unit_id, "roles", {"roles[1].shifts": "E, X"})
    assert response.status_code == 400
    assert "roles[1].shifts[1]: unknown shift &#39;X&#39;" in response.text
    assert len(store.versions(unit_id)) == 3


def test_holidays_days_off_and_fixed_shifts(client: TestClient, store: Store) -> None:
    unit_id = make_unit(client)
    changes = {
        "holidays": {"holidays[0].date": "2026-12-14", "holidays[0].name": "Founders' Day"},
        "unavailable": {"unavailable[0].staff": "C", "unavailable[0].shifts": "N"},
        "fixed": {"fixed[0].staff": "F", "fixed[0].date": "2026-12-12",
                  "fixed[0].shift": "E", "fixed[0].role": "PH"},
    }  # fmt: skip
    for section, change in changes.items():
        response = save(client, unit_id, section, change)
        assert response.status_code == 303, (section, response.text)
    data = store.scenario(unit_id).data
    assert data["holidays"] == [{"date": "2026-12-14", "name": "Founders' Day"}]
    assert person(data, "C")["unavailable"] == [{"shifts": ["N"]}]
    assert person(data, "F")["fixed"] == [{"date": "2026-12-12", "shift": "E", "role": "PH"}]
    response = save(client, unit_id, "fixed", {"fixed[0].shift": "X"})
    assert response.status_code == 400
    assert problem_at(response.text, "fixed[0].shift") == (
        "staff[4] (F).fixed[0].shift: unknown shift 'X'; allowed: E, L, N"
    )


def test_a_big_form_is_read_whole(client: TestClient, store: Store) -> None:
    unit_id = make_unit(client)
    form = fields_of(edit_page(client, unit_id), "edit-requests")
    for i in range(4, 400):  # 400 blank rows: 2,000 inputs, more than a form's default
        form.update({f"requests[{i}].{k}": "" for k in ("staff", "dates", "shift", "want")})
        form[f"requests[{i}].weight"] = ""
    form.update({"requests[399].staff": "D", "requests[399].dates": "2026-12-14",
                 "requests[399].want": "on"})  # fmt: skip
    response = client.post(f"/units/{unit_id}/edit/requests", data=form, follow_redirects=False)
    assert response.status_code == 303, response.text
    assert person(store.scenario(unit_id).data, "D")["requests"][0]["want"] == "on"


def test_a_rule_is_added_then_saved(client: TestClient, store: Store) -> None:
    unit_id = make_unit(client)
    added = save(client, unit_id, "rules", {"add_kind": "consecutive", "add_to": "rules",
                                            "action": "add"})  # fmt: skip
    assert added.status_code == 200 and len(store.versions(unit_id)) == 1
    form = fields_of(added.text, "edit-rules")
    assert form["rules[3].kind"] == "consecutive"
    form.update({"rules[3].max": "4", "rules[3].weight": "5", "action": "save"})
    response = client.post(f"/units/{unit_id}/edit/rules", data=form, follow_redirects=False)
    assert response.status_code == 303, response.text
    assert store.scenario(unit_id).data["rules"][-1] == {
        **store.scenario(unit_id).data["rules"][-1], "kind": "consecutive", "max": 4, "weight": 5
    }  # fmt: skip


# -- refused, nothing stored --------------------------------------------------------------
def test_a_bad_value_is_shown_next_to_its_field(client: TestClient, store: Store) -> None:
    unit_id = make_unit(client)
    response = save(client, unit_id, "staff", {"staff[3].hours_per_week": "200"})
    assert response.status_code == 400
    assert problem_at(response.text, "staff[3].hours_per_week") == (
        "staff[3] (D).hours_per_week: must be at most 168 (got 200)"
    )
    assert 'value="200"' in response.text  # what was typed is kept to correct
    assert 'role="alert">Not saved: 1 problem(s).' in response.text
    assert len(store.versions(unit_id)) == 1


@pytest.mark.parametrize(
    ("section", "changes", "name", "message"),
    [
        ("contracts", {"contracts[0].hours_per_week": "lots"}, "contracts[0].hours_per_week",
         "contracts[0] (full-time).hours_per_week: must be a number (got 'lots')"),
        ("rules", {"rules[0].hours": "0"}, "rules[0].hours",
         "rules[0] (min_rest).hours: must be more than 0 (got 0)"),
        ("rules", {"contracts[0].rules[1].max": "1.5"}, "contracts[0].rules[1].max",
         "contracts[0] (full-time).rules[1] (consecutive).max: must be a whole number (got 1.5)"),
        ("staff", {"staff[0].roles": "RN, surgeon"}, "staff[0].roles",
         "staff[0] (A).roles[1]: unknown role 'surgeon'; allowed: PH, RN"),
        ("leave", {"leave[0].to": "2026-12-01"}, "leave[0]",
         "staff[1] (B).leave[0]: 'to' (2026-12-01) is before 'from' (2026-12-13)"),
        ("requests", {"requests[0].want": "maybe"}, "requests[0].want",
         "staff[0] (A).requests[0].want: must be 'on' or 'off' (got 'maybe')"),
    ],
)  # fmt: skip
def test_located_messages_as_the_cli_gives_them(
    client: TestClient, store: Store, section: str, changes: dict[str, str], name: str,
    message: str,
) -> None:  # fmt: skip
    unit_id = make_unit(client)
    response = save(client, unit_id, section, changes)
    assert response.status_code == 400
    shown_at = re.search(rf'id="{re.escape(name)}-problems?">([^<]*)<', response.text)
    assert shown_at, response.text
    assert html.unescape(shown_at.group(1)).strip() == message
    assert len(store.versions(unit_id)) == 1


def test_a_cover_error_is_shown_at_its_row(client: TestClient, store: Store) -> None:
    unit_id = make_unit(client)
    response = save(client, unit_id, "cover", {"cover[RN][E].mon.min": "3"})
    assert response.status_code == 400
    assert "preferred (2) is below min (3)" in problem_at(response.text, "cover[RN][E]")
    assert len(store.versions(unit_id)) == 1


def test_wrong_sections_kinds_and_people_are_refused(client: TestClient, store: Store) -> None:
    unit_id = make_unit(client)
    response = client.post(f"/units/{unit_id}/edit/shoes", data={})
    assert response.status_code == 404 and "no section &#39;shoes&#39;" in response.text
    assert client.post("/units/999/edit/staff", data={}).status_code == 404
    response = save(client, unit_id, "rules", {"add_kind": "nap", "add_to": "rules",
                                               "action": "add"})  # fmt: skip
    assert response.status_code == 400 and "add_kind: &#39;nap&#39; is not a rule kind" in (
        response.text
    )
    response = save(
        client, unit_id, "leave", {"leave[1].staff": "Z", "leave[1].from": "2026-12-11"}
    )
    assert response.status_code == 400
    assert "leave[1].staff: choose whose it is" in problem_at(response.text, "leave[1].staff")
    for section in ("leave", "requests"):  # a form without its rows removes nothing
        response = client.post(f"/units/{unit_id}/edit/{section}", json={"x": 1})
        assert response.status_code == 400
        assert f"{section}: the form sent no rows" in response.text
    assert len(store.versions(unit_id)) == 1


# -- the forms, from the models --------------------------------------------------------------
def test_inputs_follow_the_models() -> None:
    staff = {f.key: f for f in inputs(Staff, choices={"contract": ["full-time"]})}
    assert set(staff) == {"id", "name", "roles", "skills", "contract", "hours_per_week"}
    assert staff["hours_per_week"].type == "number" and staff["hours_per_week"].maximum == 168
    assert staff["contract"].type == "select" and staff["contract"].options == ("full-time",)
    assert staff["roles"].type == "list" and staff["roles"].required
    request = {f.key: f for f in inputs(Request)}
    assert request["want"].options == ("on", "off") and request["shift"].single
    assert request["weight"].step == "1" and request["weight"].maximum == 1_000_000
    demand = {f.key: f for f in inputs(Demand)}
    assert demand["max"].minimum == 0  # a bound inside Count | None
    for kind, model in registry.items():  # every rule kind has a form
        keys = {f.key for f in inputs(model, skip=("kind",))}
        assert {"name", "weight"} <= keys, kind


def test_reading_what_was_typed() -> None:
    number = Input("x", "number")
    assert read(number, " 7 ") == 7 and read(number, "7.5") == 7.5 and read(number, "x") == "x"
    assert read(number, "") is ABSENT
    assert read(Input("s", "list", single=True), "N") == "N"
    assert read(Input("s", "list"), "N; L,") == ["N", "L"]
    assert read(Input("b", "bool"), "false") is False
    assert shown({"from": "2026-12-01", "to": "2026-12-02"}) == "2026-12-01..2026-12-02"
    assert shown([1.0, "a"]) == "1, a"
    record: dict[str, Any] = {"scope": {"roles": ["RN"]}}
    put(record, "scope.roles", ABSENT)
    assert record == {}
    put(record, "scope.staff", ["A"])
    assert record == {"scope": {"staff": ["A"]}}

"""Getting a unit in from spreadsheets through the web app: staff, leave and
requests from CSV and XLSX with a column-mapping step, row-located errors
with nothing stored, a new unit from a starter and a staff sheet, and the
unit's scenario downloaded as YAML that loads again."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient
from openpyxl import Workbook

from roster.edits import set_up_for
from roster.importers.sheets import guess_columns, import_sheet, parse_sheet, starter
from roster.load import load_scenario, load_text, parse_text
from roster.store import Store
from roster.web.routes.imports import MAX_UPLOAD
from web_support import DATA, SMALL, browser, client, make_unit, store, url  # noqa: F401

SHEETS = DATA / "sheets"
ID_AND_ROLE = {"map.id": "id", "map.roles": "role"}


def xlsx(sheets: dict[str, list[list[Any]]]) -> bytes:
    """A workbook with these sheets, made here rather than committed."""
    wb = Workbook()
    wb.remove(wb.worksheets[0])
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def send(client: TestClient, unit_id: int, kind: str, name: str, content: bytes):
    return client.post(
        f"/units/{unit_id}/import", data={"kind": kind},
        files={"file": (name, io.BytesIO(content))},
    )  # fmt: skip


def token_of(html: str) -> str:
    found = re.search(r'<form id="mapping" method="post" action="/imports/([^"]+)"', html)
    assert found, html
    return found.group(1)


def selected(html: str, field: str) -> str:
    """The column the mapping step chose for ``field`` ('' for none)."""
    select = re.search(rf'<select id="map-{field}" name="map.{field}">(.*?)</select>', html, re.S)
    assert select, field
    chosen = re.search(r'<option value="([^"]*)" selected>', select.group(1))
    return chosen.group(1) if chosen else ""


def result(html: str) -> str:
    found = re.search(r'id="import-result"[^>]*>([^<]*)<', html)
    assert found, html
    return found.group(1)


def person(data: dict[str, Any], sid: str) -> dict[str, Any]:
    return next(p for p in data["staff"] if p["id"] == sid)


def guessed(html: str, kind: str) -> dict[str, str]:
    fields = re.findall(r'name="map\.([a-z_]+)"', html)
    return {f: selected(html, f) for f in fields}


# -- staff, leave, requests -------------------------------------------------------------
def test_staff_csv_through_the_mapping_step(client: TestClient, store: Store) -> None:
    unit_id = make_unit(client)
    step2 = send(client, unit_id, "staff", "staff.csv", (SHEETS / "staff.csv").read_bytes())
    assert step2.status_code == 200
    assert 'id="mapping"' in step2.text and 'id="preview"' in step2.text
    assert guessed(step2.text, "staff") == {
        "id": "Staff ID", "name": "Full Name", "roles": "Role", "skills": "Skills",
        "contract": "Contract", "hours_per_week": "Hours",
    }  # fmt: skip
    assert "Gus" in step2.text  # the preview shows the first rows
    mapping = {f"map.{f}": c for f, c in guessed(step2.text, "staff").items()}
    done = client.post(f"/imports/{token_of(step2.text)}", data=mapping)
    assert done.status_code == 200, done.text
    assert result(done.text).startswith("1 person added, 2 updated")
    versions = store.versions(unit_id)
    assert [v.version for v in versions] == [1, 2]
    assert versions[-1].note == "imported staff from staff.csv"
    assert person(versions[-1].data, "G")["roles"] == ["RN", "PH"]
    assert person(versions[-1].data, "A")["hours_per_week"] == 30


def test_a_renamed_column_is_mapped_by_hand_from_xlsx(client: TestClient, store: Store) -> None:
    unit_id = make_unit(client)
    content = xlsx(
        {
            "Notes": [["nothing here"], ["really"]],
            "Team": [["Payroll no", "Who", "Job"], ["Z9", "Zoe", "RN"], ["A", "Ann", "RN"]],
        }
    )
    step2 = send(client, unit_id, "staff", "team.xlsx", content)
    assert step2.status_code == 200
    assert '<form id="sheet"' in step2.text  # two sheets: a choice
    token = token_of(step2.text)
    step2 = client.post(f"/imports/{token}/sheet", data={"sheet": "Team"})
    assert step2.status_code == 200 and "Payroll no" in step2.text
    assert selected(step2.text, "id") == ""  # no column it knows by name
    done = client.post(
        f"/imports/{token}", data={"map.id": "Payroll no", "map.name": "Who", "map.roles": "Job"}
    )
    assert done.status_code == 200, done.text
    assert result(done.text).startswith("1 person added, 1 updated")
    data = store.scenario(unit_id).data
    assert person(data, "Z9") == {**person(data, "Z9"), "name": "Zoe", "roles": ["RN"]}


def test_an_empty_first_sheet_is_passed_over(client: TestClient) -> None:
    unit_id = make_unit(client)
    content = xlsx({"Cover": [], "Leave": [["staff", "from"], ["Dev", dt.datetime(2026, 12, 12)]]})
    step2 = send(client, unit_id, "leave", "leave.xlsx", content)
    assert step2.status_code == 200, step2.text
    assert "(sheet Leave)" in step2.text
    assert "<td>2026-12-12</td>" in step2.text  # a date cell, shown as a date


def test_a_field_left_unmapped_is_not_read_even_if_its_name_matches(
    client: TestClient, store: Store
) -> None:
    unit_id = make_unit(client)
    step2 = send(client, unit_id, "staff", "staff.csv", (SHEETS / "staff.csv").read_bytes())
    done = client.post(
        f"/imports/{token_of(step2.text)}",
        data={"map.id": "Staff ID", "map.roles": "Role", "map.name": ""},
    )
    assert done.status_code == 200
    assert person(store.scenario(unit_id).data, "A")["name"] == "Ann"  # not 'Ann Smith'


def test_leave_and_requests_from_csv(client: TestClient, store: Store) -> None:
    unit_id = make_unit(client)
    for kind, expected in (("leave", "4 leave entries added"), ("requests", "4 requests added")):
        step2 = send(client, unit_id, kind, f"{kind}.csv", (SHEETS / f"{kind}.csv").read_bytes())
        assert step2.status_code == 200
        mapping = {f"map.{f}": c for f, c in guessed(step2.text, kind).items()}
        done = client.post(f"/imports/{token_of(step2.text)}", data=mapping)
        assert done.status_code == 200, done.text
        assert result(done.text).startswith(expected)
    data = store.scenario(unit_id).data
    assert {"from": "2026-12-12", "to": "2026-12-13", "type": "sick"} in person(data, "C")["leave"]
    assert len(person(data, "C")["requests"]) == 2
    assert [v.note for v in store.versions(unit_id)][1:] == [
        "imported leave from leave.csv",
        "imported requests from requests.csv",
    ]


def test_leave_from_xlsx_with_date_cells(client: TestClient, store: Store) -> None:
    unit_id = make_unit(client)
    content = xlsx({"Leave": [["Name", "From", "To"], ["Dev", dt.date(2026, 12, 12), None]]})
    step2 = send(client, unit_id, "leave", "leave.xlsx", content)
    mapping = {f"map.{f}": c for f, c in guessed(step2.text, "leave").items()}
    done = client.post(f"/imports/{token_of(step2.text)}", data=mapping)
    assert result(done.text).startswith("1 leave entry added for 1 person")
    assert "2026-12-12" in person(store.scenario(unit_id).data, "D")["leave"]


# -- refused, nothing stored --------------------------------------------------------------
def test_bad_rows_are_located_and_nothing_is_stored(client: TestClient, store: Store) -> None:
    unit_id = make_unit(client)
    rows = "id,name,roles,hours\nA,Ann,RN,30\nQ,Quin,surgeon,20\nB,Bea,RN,lots\n"
    step2 = send(client, unit_id, "staff", "team.csv", rows.encode())
    mapping = {f"map.{f}": c for f, c in guessed(step2.text, "staff").items()}
    done = client.post(f"/imports/{token_of(step2.text)}", data=mapping)
    assert done.status_code == 400
    assert 'role="alert"' in done.text
    assert "team.csv row 3, column &#39;roles&#39;: &#39;surgeon&#39; is not a role" in done.text
    assert "team.csv row 4, column &#39;hours&#39;: &#39;lots&#39; is not hours a week" in done.text
    assert [v.version for v in store.versions(unit_id)] == [1]
    assert 'id="mapping"' in done.text  # the mapping step again, to fix and retry


def test_a_required_field_unmapped_is_refused(client: TestClient, store: Store) -> None:
    unit_id = make_unit(client)
    step2 = send(client, unit_id, "staff", "staff.csv", (SHEETS / "staff.csv").read_bytes())
    done = client.post(f"/imports/{token_of(step2.text)}", data={"map.name": "Full Name"})
    assert done.status_code == 400
    assert "no column for id" in done.text
    assert len(store.versions(unit_id)) == 1


def test_a_mapping_to_a_column_not_in_the_sheet_is_refused(
    client: TestClient, store: Store
) -> None:
    unit_id = make_unit(client)
    step2 = send(client, unit_id, "staff", "staff.csv", (SHEETS / "staff.csv").read_bytes())
    done = client.post(f"/imports/{token_of(step2.text)}", data={"map.id": "Shoe size"})
    assert done.status_code == 400
    assert "map id: no column &#39;Shoe size&#39;" in done.text
    assert len(store.versions(unit_id)) == 1


def test_an_oversize_upload_is_refused_413(client: TestClient, store: Store) -> None:
    unit_id = make_unit(client)
    response = send(client, unit_id, "staff", "big.csv", b"id\n" + b"A\n" * (MAX_UPLOAD // 2 + 1))
    assert response.status_code == 413
    assert "file: larger than 5 MB" in response.text
    assert len(store.versions(unit_id)) == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("photo.png", b"\x89PNG\r\n\x1a\n\x00\x00", "&#39;photo.png&#39; is not a spreadsheet"),
        ("staff.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "staff.csv: not a spreadsheet"),
        ("staff.xlsx", b"PK\x03\x04 not really", "cannot read it as an XLSX workbook"),
        ("staff.xls", b"\xd0\xcf\x11\xe0 old", "an old .xls workbook"),
        ("staff.csv", b"", "file: staff.csv is empty"),
        ("staff.csv", b"id,name\n", "a header but no rows under it"),
    ],
)
def test_a_file_that_is_no_spreadsheet_is_refused(
    client: TestClient, store: Store, name: str, content: bytes, message: str
) -> None:
    unit_id = make_unit(client)
    response = send(client, unit_id, "staff", name, content)
    assert response.status_code == 400
    assert message in response.text and 'role="alert"' in response.text
    assert len(store.versions(unit_id)) == 1


def test_wrong_kinds_unknown_units_and_expired_uploads(client: TestClient, store: Store) -> None:
    unit_id = make_unit(client)
    staff = (SHEETS / "staff.csv").read_bytes()
    response = send(client, unit_id, "rota", "staff.csv", staff)
    assert response.status_code == 400
    assert "kind: &#39;rota&#39; is not a kind of sheet; allowed: staff, leave, requests" in (
        response.text
    )
    assert client.get("/units/999/import").status_code == 404
    assert send(client, 999, "staff", "staff.csv", staff).status_code == 404
    assert client.get("/units/abc/import").status_code == 422
    response = client.post("/imports/nope", data={"map.id": "Staff ID"})
    assert response.status_code == 400 and "upload the spreadsheet again" in response.text
    step2 = send(client, unit_id, "staff", "staff.csv", staff)
    response = client.post(f"/imports/{token_of(step2.text)}/sheet", data={"sheet": "Other"})
    assert response.status_code == 400 and "sheet: no sheet &#39;Other&#39;" in response.text
    assert len(store.versions(unit_id)) == 1


def test_the_csrf_token_is_required(store: Store) -> None:
    from roster.web.app import create_app

    with TestClient(create_app(store)) as bare:
        response = bare.post("/units/1/import", files={"file": ("s.csv", b"id\nA\n")})
        assert response.status_code == 403


# -- a new unit ---------------------------------------------------------------------------
def new_unit(client: TestClient, content: bytes, name: str = "Ward 9", **form: str):
    data = {"name": name, "starter": "ward", "start": "2027-03-01", "days": "14", **form}
    return client.post(
        "/units/new/import", data=data, files={"file": ("team.csv", io.BytesIO(content))}
    )


def test_a_new_unit_from_the_starter_and_a_staff_sheet(client: TestClient, store: Store) -> None:
    page = client.get("/units/new/import")
    assert page.status_code == 200 and 'value="ward"' in page.text
    team = b"Staff number,Name,Role,Skills,Contract\n1,Ann,RN,charge,full-time\n2,Bo,NA,,part-time"
    step2 = new_unit(client, team)
    assert step2.status_code == 200 and store.units() == []  # nothing yet
    mapping = {f"map.{f}": c for f, c in guessed(step2.text, "staff").items()}
    done = client.post(f"/imports/{token_of(step2.text)}", data=mapping)
    assert done.status_code == 200, done.text
    assert result(done.text).startswith("2 people added, 0 updated")
    [unit] = store.units()
    assert unit.name == "Ward 9"
    sc = store.scenario(unit.id).scenario()
    assert [p.id for p in sc.staff] == ["1", "2"]
    assert sc.horizon.days == 14 and [s.id for s in sc.shifts] == ["E", "L", "N"]


def test_a_new_unit_like_another_without_its_people(client: TestClient, store: Store) -> None:
    first = make_unit(client, "Ward 7")
    step2 = new_unit(client, b"id,role\nX1,PH\n", starter=f"unit:{first}")
    assert step2.status_code == 200, step2.text
    done = client.post(f"/imports/{token_of(step2.text)}", data=ID_AND_ROLE)
    assert done.status_code == 200, done.text
    unit = next(u for u in store.units() if u.name == "Ward 9")
    data = store.scenario(unit.id).data
    assert [p["id"] for p in data["staff"]] == ["X1"] and not data.get("history")
    assert [c["id"] for c in data["contracts"]] == ["full-time"]


def test_a_new_unit_with_bad_settings_is_refused(client: TestClient, store: Store) -> None:
    make_unit(client, "Ward 7")
    response = new_unit(client, b"id,role\nA,RN\n", name="Ward 7", start="soon", days="0")
    assert response.status_code == 400
    for line in ("name: a unit named", "start: &#39;soon&#39; is not a date", "days: &#39;0&#39;"):
        assert line in response.text
    step2 = new_unit(client, b"id,role\nA,surgeon\n")
    done = client.post(f"/imports/{token_of(step2.text)}", data=ID_AND_ROLE)
    assert done.status_code == 400 and "team.csv row 2, column &#39;role&#39;" in done.text
    assert [u.name for u in store.units()] == ["Ward 7"]


def test_a_set_up_keeps_nothing_dated_or_personal() -> None:
    data = parse_text(SMALL.read_text())
    data["holidays"] = [{"date": "2026-12-14", "name": "Founders' Day"}]
    data["demand"].append({"shift": "E", "role": "RN", "dates": ["2026-12-14"], "min": 2})
    data["rules"][0]["scope"] = {"from": "2026-12-12", "staff": ["A"]}
    new = set_up_for(data, dt.date(2027, 1, 4), 28)
    assert new["staff"] == [] and "history" not in new and "holidays" not in new
    assert new["horizon"] == {"start": "2027-01-04", "days": 28}
    assert all("dates" not in d for d in new["demand"]) and len(new["demand"]) == 4
    assert new["rules"][0]["scope"] == {"staff": []}
    assert data["staff"]  # the unit copied is left alone


# -- export ---------------------------------------------------------------------------------
def test_the_scenario_downloads_as_yaml_that_loads_again(client: TestClient, store: Store) -> None:
    unit_id = make_unit(client, "Ward 7")
    response = client.get(f"/units/{unit_id}/scenario.yaml")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/yaml")
    assert 'filename="Ward-7.yaml"' in response.headers["content-disposition"]
    again = load_text(response.text, "Ward-7.yaml")
    assert again == load_scenario(SMALL)
    assert parse_text(response.text) == store.scenario(unit_id).data
    assert client.get("/units/999/scenario.yaml").status_code == 404


# -- the library's part ---------------------------------------------------------------------
def test_guess_columns_never_fails_and_starter_takes_a_staff_sheet() -> None:
    sheet = parse_sheet(b"Person,Day,Extra\nAnn,2026-12-12,x\n", "x.csv")
    assert guess_columns("leave", sheet) == {
        "staff": "Person", "from": None, "to": None, "date": "Day", "type": None,
    }  # fmt: skip
    data = starter("ward", dt.date(2027, 3, 1), 28)
    assert data["staff"] == []
    done = import_sheet(data, "staff", parse_sheet(b"id,roles\nA,RN\n", "s.csv"))
    assert [p.id for p in done.scenario.staff] == ["A"]
    assert done.summary == "1 person added, 0 updated"

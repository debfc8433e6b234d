"""The roster page a ward manager works on: how good the roster is, its grid,
a cell changed with its broken rules and penalty change shown first, who can
cover a shift, publishing immutable versions, a sick call repaired with the
changes listed, and the downloads; every bad request refused, located, with
nothing stored."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from functools import cache
from html import unescape
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")

from click.testing import CliRunner
from fastapi.testclient import TestClient

from roster.checker import check
from roster.cli import main
from roster.errors import InputError
from roster.export import calendars, write_ical
from roster.load import load_scenario, read_data
from roster.model.solve import SolveParams, solve
from roster.repair import Absence, repair_roster
from roster.result import Result
from roster.roster import Roster
from roster.store import Store
from roster.suggest import assign, effect
from web_support import SMALL, client, make_unit, store, url  # noqa: F401

#: a Saturday and Sunday of the small ward's horizon (Fri 11 .. Mon 14 Dec)
SAT, SUN, MON = "2026-12-12", "2026-12-13", "2026-12-14"


@cache
def solved() -> Result:
    """The small ward solved once (OPTIMAL in well under a second)."""
    result = solve(load_scenario(SMALL), SolveParams(time_limit=5, workers=1, seed=0))
    assert result.roster is not None
    return result


def drafted(store: Store, client: TestClient) -> tuple[int, int]:
    """A unit from the small ward and its roster drafted by a finished run
    (as the worker stores it): (unit id, roster id)."""
    unit_id = make_unit(client)
    run = store.create_run(unit_id, {"time_limit": 5})
    store.start_run(run.id)
    roster_id = store.finish_run(run.id, solved()).roster_id
    assert roster_id is not None
    return unit_id, roster_id


def snapshot(store: Store, unit_id: int) -> tuple[Any, ...]:
    """What a refused request must leave as it was."""
    return (
        [r.id for r in store.rosters(unit_id)], store.changes(unit_id),
        store.published(unit_id), [v.version for v in store.versions(unit_id)],
    )  # fmt: skip


def worked(store: Store, roster_id: int, staff: str, date: str) -> list[str]:
    """The shifts ``staff`` works on ``date`` in a stored roster."""
    return [
        r["shift"] for r in store.roster(roster_id).rows if (r["staff"], r["date"]) == (staff, date)
    ]


def someone_on(store: Store, roster_id: int, shift: str, date: str) -> str:
    """A person the roster puts on ``shift`` on ``date``."""
    return next(
        r["staff"] for r in store.roster(roster_id).rows if (r["shift"], r["date"]) == (shift, date)
    )


# -- the page ---------------------------------------------------------------------
def test_the_page_says_how_good_the_roster_is_and_draws_a_clickable_grid(
    client: TestClient, store: Store
) -> None:
    _, roster_id = drafted(store, client)
    page = client.get(f"/rosters/{roster_id}")
    assert page.status_code == 200
    text = page.text
    assert "a draft from a solve" in text and "Not published" in text
    assert "Proven best: no roster scores lower under these rules" in text  # Result.summary's words
    assert "proven best (OPTIMAL)" in text and "no roster can score below" in text
    # every cell of the grid is in the page itself, with its person and date
    for staff in ("A", "B", "P1"):
        for date in ("2026-12-11", "2026-12-14"):
            assert f'data-staff="{staff}" data-date="{date}"' in text
    assert f'hx-get="/rosters/{roster_id}/cell?staff=A&amp;date={SAT}"' in text
    assert 'style="background: #' in text  # shift colours, as the report's
    assert "annual" in text  # B's leave on Sunday
    for element in ('id="publish"', 'id="sick"', 'id="cover"', 'id="download-csv"',
                    'id="download-xlsx"', 'id="download-ics"', 'id="download-report"'):  # fmt: skip
        assert element in text
    assert f'src="/rosters/{roster_id}/report.html"' in text  # the full report below
    assert text.count('name="csrf_token"') >= 2


def test_a_roster_leaving_cover_short_says_so_first(client: TestClient, store: Store) -> None:
    unit_id = make_unit(client)
    rows = [r for r in Roster(solved().roster.df).df.to_dict("records") if r["shift"] != "N"]
    roster_id = store.save_roster(unit_id, rows).id
    page = client.get(f"/rosters/{roster_id}").text
    first = page.index('<p class="verdict problems" role="alert">')
    assert "below minimum cover" in page[first : first + 400]
    assert "an imported roster" in page


# -- a cell changed ------------------------------------------------------------------
def test_a_cell_form_for_htmx_and_for_a_plain_browser(client: TestClient, store: Store) -> None:
    _, roster_id = drafted(store, client)
    shift = worked(store, roster_id, "A", SAT)
    part = client.get(
        f"/rosters/{roster_id}/cell?staff=A&date={SAT}", headers={"HX-Request": "true"}
    )
    assert part.status_code == 200 and "<html" not in part.text
    assert 'id="cell-edit"' in part.text and 'id="cell-check"' in part.text
    assert f'<strong id="cell-now">{shift[0] if shift else "off"}</strong>' in part.text
    whole = client.get(f"/rosters/{roster_id}/cell?staff=A&date={SAT}")
    assert "<html" in whole.text and 'id="cell-edit"' in whole.text and 'id="grid"' in whole.text


def test_checking_a_change_names_the_broken_rules_and_the_penalty_change(
    client: TestClient, store: Store
) -> None:
    unit_id, roster_id = drafted(store, client)
    before = snapshot(store, unit_id)
    nurse = someone_on(store, roster_id, "L", SAT)  # the one late nurse on Saturday
    sc = load_scenario(SMALL)
    roster = store.roster(roster_id).roster()
    expected = effect(sc, roster, assign(sc, roster, nurse, dt.date(2026, 12, 12), None))
    form = {"staff": nurse, "date": SAT, "shift": "off"}
    part = client.post(f"/rosters/{roster_id}/check", data=form, headers={"HX-Request": "true"})
    assert part.status_code == 200
    assert 'id="cell-broken"' in part.text
    assert "the cover minimum (demand): Sat 2026-12-12 L: 0 RN, below min 1" in part.text
    assert '<strong id="penalty-change" class="' in part.text
    assert f"{expected.cost:+d}</strong>" in part.text
    # a plain form post gets the whole page, with the check in the form
    whole = client.post(f"/rosters/{roster_id}/check", data=form)
    assert "<html" in whole.text and "the cover minimum (demand)" in whole.text
    assert snapshot(store, unit_id) == before


def test_a_change_breaking_a_hard_rule_needs_confirming_then_shows_as_broken(
    client: TestClient, store: Store
) -> None:
    unit_id, roster_id = drafted(store, client)
    before = snapshot(store, unit_id)
    nurse = someone_on(store, roster_id, "L", SAT)
    form = {"staff": nurse, "date": SAT, "shift": "off", "reason": "asked for the day"}
    refused = client.post(f"/rosters/{roster_id}/edit", data=form, follow_redirects=False)
    assert refused.status_code == 409
    assert (
        "the cover minimum (demand)" in refused.text and "Apply even if it breaks" in refused.text
    )
    assert snapshot(store, unit_id) == before
    done = client.post(
        f"/rosters/{roster_id}/edit", data={**form, "confirm": "yes"}, follow_redirects=False
    )
    assert done.status_code == 303
    new_id = int(done.headers["location"].rsplit("/", 1)[1])
    assert worked(store, new_id, nurse, SAT) == [] and store.roster(new_id).parent_id == roster_id
    [change] = store.changes(unit_id)
    assert change.kind == "edit" and change.reason == "asked for the day"
    assert [(r["staff"], r["date"], r["before"], r["after"]) for r in change.rows] == [
        (nurse, SAT, "L", "off")
    ]
    page = client.get(done.headers["location"]).text
    assert "an edit" in page and f'href="/rosters/{roster_id}"' in page
    assert 'id="broken"' in page and "below min 1" in page  # the page shows it broken
    assert 'id="changes"' in page and "asked for the day" in page
    cell = page.index(f'data-staff="{nurse}" data-date="{SAT}"')
    assert " changed" in page[page.rindex("<td", 0, cell) : cell]
    assert store.roster(roster_id).rows == store.roster(roster_id).rows  # the old one as it was
    assert worked(store, roster_id, nurse, SAT) == ["L"]


@pytest.mark.parametrize(
    ("form", "located"),
    [
        ({"staff": "ZZ"}, "staff: unknown staff 'ZZ'; allowed: A, B"),
        ({"date": "2027-01-05"}, "date: 2027-01-05 is outside the horizon"),
        ({"date": "saturday"}, "date: 'saturday' is not a date YYYY-MM-DD"),
        ({"shift": "X"}, "shift: unknown shift 'X'; allowed: E, L, N, off"),
        ({"role": "PH"}, "role: 'PH' is not one of A's roles (RN)"),
        ({"reason": "x" * 501}, "reason: at most 500 characters"),
    ],
)  # fmt: skip
def test_a_bad_change_is_located_and_nothing_stored(
    client: TestClient, store: Store, form: dict[str, str], located: str
) -> None:
    unit_id, roster_id = drafted(store, client)
    before = snapshot(store, unit_id)
    form = {"staff": "A", "date": SAT, "shift": "E", **form}
    for endpoint in ("check", "edit"):
        response = client.post(
            f"/rosters/{roster_id}/{endpoint}", data=form, follow_redirects=False
        )
        assert response.status_code == 400, (endpoint, response.text)
        assert 'class="problems" role="alert"' in response.text and located in unescape(
            response.text
        )
    part = client.post(f"/rosters/{roster_id}/check", data=form, headers={"HX-Request": "true"})
    assert part.status_code == 400 and located in unescape(part.text) and "<html" not in part.text
    assert snapshot(store, unit_id) == before


def test_a_change_that_changes_nothing_is_refused(client: TestClient, store: Store) -> None:
    unit_id, roster_id = drafted(store, client)
    nurse = someone_on(store, roster_id, "L", SAT)
    before = snapshot(store, unit_id)
    response = client.post(
        f"/rosters/{roster_id}/edit", data={"staff": nurse, "date": SAT, "shift": "L"}
    )
    assert response.status_code == 400 and "nothing to change" in response.text
    assert snapshot(store, unit_id) == before


@pytest.mark.parametrize(
    ("query", "located"),
    [("staff=ZZ&date=2026-12-12", "staff: unknown staff 'ZZ'"),
     ("staff=A&date=2030-01-01", "date: 2030-01-01 is outside the horizon"),
     ("staff=A&date=", "date: nothing is not a date")],
)  # fmt: skip
def test_a_bad_cell_is_located(client: TestClient, store: Store, query: str, located: str) -> None:
    _, roster_id = drafted(store, client)
    response = client.get(f"/rosters/{roster_id}/cell?{query}")
    assert response.status_code == 400 and located in unescape(response.text)


# -- who can cover -------------------------------------------------------------------
def test_who_can_cover_lists_able_then_breaking_and_assigns_one(
    client: TestClient, store: Store
) -> None:
    unit_id, roster_id = drafted(store, client)
    query = f"date={MON}&shift=N&role=RN"
    part = client.get(f"/rosters/{roster_id}/cover?{query}", headers={"HX-Request": "true"})
    assert part.status_code == 200 and "<html" not in part.text
    assert "would break a hard rule" in part.text
    whole = client.get(f"/rosters/{roster_id}/cover?{query}")
    assert "<html" in whole.text and 'id="cover-list"' in whole.text
    able = part.text.split('<table id="cover-able">')
    assert len(able) == 2, "someone can take the night on Monday in the small ward"
    first = able[1].split("</tr>")[1]  # the header row, then the cheapest candidate
    staff = first.split('data-staff="')[1].split('"')[0]
    done = client.post(
        f"/rosters/{roster_id}/edit",
        data={"staff": staff, "date": MON, "shift": "N", "role": "RN", "reason": "covers N"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    new_id = int(done.headers["location"].rsplit("/", 1)[1])
    assert worked(store, new_id, staff, MON) == ["N"]
    assert store.changes(unit_id)[0].rows[0]["after"] == "N"


@pytest.mark.parametrize(
    ("query", "located"),
    [(f"date={SAT}&shift=X", "shift: unknown shift 'X'"),
     ("date=2027-02-01&shift=E", "date: 2027-02-01 is outside the horizon"),
     ("date=soon&shift=E", "date: 'soon' is not a date"),
     (f"date={SAT}&shift=E&role=XX", "role: unknown role 'XX'")],
)  # fmt: skip
def test_who_can_cover_refuses_bad_questions(
    client: TestClient, store: Store, query: str, located: str
) -> None:
    _, roster_id = drafted(store, client)
    for headers in ({}, {"HX-Request": "true"}):
        response = client.get(f"/rosters/{roster_id}/cover?{query}", headers=headers)
        assert response.status_code == 400 and located in unescape(response.text)


# -- publishing ---------------------------------------------------------------------
def test_publishing_makes_immutable_numbered_versions(client: TestClient, store: Store) -> None:
    unit_id, roster_id = drafted(store, client)
    first = client.post(
        f"/rosters/{roster_id}/publish", data={"note": "December"}, follow_redirects=False
    )
    assert first.status_code == 303 and first.headers["location"] == f"/units/{unit_id}/published/1"
    [v1] = store.published(unit_id)
    assert "Published as" in client.get(f"/rosters/{roster_id}").text
    nurse = someone_on(store, roster_id, "L", SAT)
    edited = client.post(
        f"/rosters/{roster_id}/edit",
        data={"staff": nurse, "date": SAT, "shift": "off", "confirm": "yes"},
        follow_redirects=False,
    )
    new_id = int(edited.headers["location"].rsplit("/", 1)[1])
    second = client.post(
        f"/rosters/{new_id}/publish", data={"note": "after the swap"}, follow_redirects=False
    )
    assert second.headers["location"] == f"/units/{unit_id}/published/2"
    again = store.published(unit_id)
    assert [p.number for p in again] == [1, 2] and again[0] == v1  # version 1 unchanged
    listing = client.get(f"/units/{unit_id}/published").text
    assert "version 1" in listing and "version 2" in listing and "after the swap" in listing
    assert f"/units/{unit_id}/published/1/roster.xlsx" in listing
    page = client.get(f"/units/{unit_id}/published/1")
    assert page.status_code == 200 and "read-only" in page.text
    assert "hx-get" not in page.text and 'id="cell-edit"' not in page.text
    assert "<form" not in page.text.split("<main>")[1]  # nothing on it changes anything
    assert 'data-staff="A" data-date="2026-12-11"' in page.text
    csv = client.get(f"/units/{unit_id}/published/1/roster.csv")
    assert csv.status_code == 200 and len(csv.text.splitlines()) == 1 + len(v1.rows)
    for name in ("roster.xlsx", "calendars.zip", "report.html"):
        assert client.get(f"/units/{unit_id}/published/1/{name}").status_code == 200


def test_a_bad_publish_is_refused_and_nothing_published(client: TestClient, store: Store) -> None:
    unit_id, roster_id = drafted(store, client)
    before = snapshot(store, unit_id)
    response = client.post(f"/rosters/{roster_id}/publish", data={"note": "n" * 600})
    assert response.status_code == 400 and "note: at most 500 characters" in response.text
    assert snapshot(store, unit_id) == before


@pytest.mark.parametrize(
    ("path", "status", "located"),
    [("/units/1/published/7", 404, "number: unit 1 has no published version 7"),
     ("/units/99/published", 404, "unit: no unit 99"),
     ("/units/1/published/x", 422, "path.number"),
     ("/units/1/published/1/roster.pdf", 404, "file: no file 'roster.pdf'")],
)  # fmt: skip
def test_unknown_published_versions(
    client: TestClient, store: Store, path: str, status: int, located: str
) -> None:
    _, roster_id = drafted(store, client)
    client.post(f"/rosters/{roster_id}/publish", data={"note": ""})
    response = client.get(path)
    assert response.status_code == status and located in unescape(response.text)


# -- a sick call ---------------------------------------------------------------------
def test_a_sick_call_is_repaired_and_the_changes_listed(client: TestClient, store: Store) -> None:
    unit_id, roster_id = drafted(store, client)
    nurse = someone_on(store, roster_id, "L", SAT)
    form = {"staff": nurse, "first": SAT, "last": SUN, "type": "sick", "reason": "flu",
            "time_limit": "5"}  # fmt: skip
    done = client.post(f"/rosters/{roster_id}/repair", data=form, follow_redirects=False)
    assert done.status_code == 303, done.text
    new_id = int(done.headers["location"].rsplit("/", 1)[1])
    assert worked(store, new_id, nurse, SAT) == [] and worked(store, new_id, nurse, SUN) == []
    [change] = store.changes(unit_id)
    assert change.kind == "repair" and "flu" in change.reason
    away = {(r["staff"], r["date"]) for r in change.rows if r["reason"] == "absent"}
    assert (nurse, SAT) in away
    assert any(r["reason"].startswith("covers ") for r in change.rows)  # someone took the late
    # the absence is the unit's scenario from now on, and the new roster is for it
    current = store.scenario(unit_id)
    assert current.version == 2 and store.roster(new_id).scenario_version_id == current.id
    person = next(p for p in current.data["staff"] if p["id"] == nurse)
    assert {"from": SAT, "to": SUN, "type": "sick"} in person["leave"]
    page = client.get(done.headers["location"]).text
    assert "a repair after a sick call" in page and '<table id="changes">' in page
    assert "The repair's solve: proven best (OPTIMAL)" in unescape(page)
    old = client.get(f"/rosters/{roster_id}").text
    assert f'Changed since: <a href="/rosters/{new_id}">' in old
    assert f'<tr data-staff="{nurse}" data-date="{SAT}">' in page and "absent" in page
    cell = page.index(f'data-staff="{nurse}" data-date="{SAT}"', page.index('id="grid"'))
    assert " changed" in page[page.rindex("<td", 0, cell) : cell]
    assert "sick" in page  # the leave shown in the grid


@pytest.mark.parametrize(
    ("form", "located"),
    [({"staff": "ZZ"}, "staff: unknown staff 'ZZ'"),
     ({"first": SUN, "last": SAT}, f"last: {SAT} is before the first day {SUN}"),
     ({"first": "2026-11-30"}, "first: 2026-11-30 is outside the horizon"),
     ({"last": "next week"}, "last: 'next week' is not a date"),
     ({"type": "holiday"}, "type: unknown leave type 'holiday'; allowed: annual, sick"),
     ({"time_limit": "ten"}, "time_limit: not a number of seconds: 'ten'"),
     ({"time_limit": "0"}, "time_limit: 0 seconds: give more than 0"),
     ({"reason": "r" * 501}, "reason: at most 500 characters")],
)  # fmt: skip
def test_a_bad_sick_call_is_located_and_nothing_stored(
    client: TestClient, store: Store, form: dict[str, str], located: str
) -> None:
    unit_id, roster_id = drafted(store, client)
    before = snapshot(store, unit_id)
    good = {"staff": "A", "first": SAT, "last": SAT, "type": "sick", "time_limit": "5"}
    response = client.post(f"/rosters/{roster_id}/repair", data={**good, **form})
    assert response.status_code == 400
    assert located in unescape(response.text) and 'id="sick"' in response.text
    assert snapshot(store, unit_id) == before


# -- downloads -------------------------------------------------------------------------
def test_downloads_and_the_workbook_passes_roster_check(
    client: TestClient, store: Store, tmp_path: Path
) -> None:
    _, roster_id = drafted(store, client)
    base = f"/rosters/{roster_id}"
    csv = client.get(f"{base}/roster.csv")
    assert csv.status_code == 200 and csv.text.startswith("staff,name,role,date")
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"{base}/calendars.zip").content))
    assert sorted(archive.namelist()) == sorted(f"{p}.ics" for p in ("A", "B", "C", "D", "F", "P1"))
    assert b"BEGIN:VCALENDAR" in archive.read("A.ics") and b"BEGIN:VEVENT" in archive.read("A.ics")
    report = client.get(f"{base}/report.html?download=true")
    assert "attachment" in report.headers["content-disposition"] and "<html" in report.text
    book = tmp_path / "roster.xlsx"
    book.write_bytes(client.get(f"{base}/roster.xlsx").content)
    checked = CliRunner().invoke(main, ["check", str(SMALL), str(book)])
    assert checked.exit_code == 0, checked.output


@pytest.mark.parametrize(
    ("method", "path", "status", "located"),
    [("get", "/rosters/999", 404, "roster: no roster 999"),
     ("get", "/rosters/999/cell?staff=A&date=2026-12-12", 404, "roster: no roster 999"),
     ("get", "/rosters/999/cover?date=2026-12-12&shift=E", 404, "roster: no roster 999"),
     ("get", "/rosters/999/calendars.zip", 404, "roster: no roster 999"),
     ("post", "/rosters/999/check", 404, "roster: no roster 999"),
     ("post", "/rosters/999/edit", 404, "roster: no roster 999"),
     ("post", "/rosters/999/publish", 404, "roster: no roster 999"),
     ("post", "/rosters/999/repair", 404, "roster: no roster 999"),
     ("post", "/rosters/x/edit", 422, "path.roster_id"),
     ("get", "/rosters/x/cover", 422, "path.roster_id")],
)  # fmt: skip
def test_unknown_rosters_are_located(
    client: TestClient, store: Store, method: str, path: str, status: int, located: str
) -> None:
    unit_id, _ = drafted(store, client)
    before = snapshot(store, unit_id)
    response = getattr(client, method)(
        path, **({"data": {"staff": "A"}} if method == "post" else {})
    )
    assert response.status_code == status and located in unescape(response.text)
    assert snapshot(store, unit_id) == before


def test_an_edit_keeps_the_hard_rules_it_was_applied_despite(
    client: TestClient, store: Store
) -> None:
    unit_id, roster_id = drafted(store, client)
    nurse = someone_on(store, roster_id, "L", SAT)
    client.post(
        f"/rosters/{roster_id}/edit",
        data={"staff": nurse, "date": SAT, "shift": "off", "confirm": "yes"},
    )
    new = store.rosters(unit_id)[0]
    assert json.loads(json.dumps(new.summary))["broken"]


# -- the library functions the page calls ---------------------------------------------
def test_assign_names_every_bad_argument_at_once() -> None:
    sc = load_scenario(SMALL)
    with pytest.raises(InputError) as caught:
        assign(sc, solved().roster, "ZZ", dt.date(2027, 1, 1), "X")
    assert [loc for loc, _ in caught.value.problems] == ["staff", "date", "shift"]


def test_assign_replaces_a_shift_and_effect_scores_it() -> None:
    sc = load_scenario(SMALL)
    roster = solved().roster
    sat = dt.date(2026, 12, 12)
    nurse = next(s for s, d, t, _ in roster.df.itertuples(index=False) if (d, t) == (sat, "L"))
    moved = assign(sc, roster, nurse, sat, "E")
    mine = moved.df[(moved.df["staff"] == nurse) & (moved.df["date"] == sat)]
    assert list(mine["shift"]) == ["E"] and len(moved) == len(roster)
    done = effect(sc, roster, moved)
    assert any(b.startswith("the cover minimum (demand)") for b in done.broken)
    assert done.cost == check(sc, moved).total_penalty - check(sc, roster).total_penalty
    assert effect(sc, moved, roster).mended == done.broken  # undoing it mends them


def test_repair_roster_on_data_in_memory_keeps_the_leave_type() -> None:
    data = read_data(SMALL)
    sc = load_scenario(data)
    away = Absence("A", dt.date(2026, 12, 12), dt.date(2026, 12, 13), "sick")
    done = repair_roster(data, sc, solved().roster, [away], params=SolveParams(time_limit=5))
    assert done.result.roster is not None
    person = next(p for p in done.edited["staff"] if p["id"] == "A")
    assert {"from": "2026-12-12", "to": "2026-12-13", "type": "sick"} in person["leave"]
    assert not any(r["kind"] == "published" for r in done.edited.get("rules", []))
    assert load_scenario(done.edited).leave_of["A"][1] == "sick"


def test_calendars_are_what_write_ical_writes(tmp_path: Path) -> None:
    sc = load_scenario(SMALL)
    found = calendars(sc, solved().roster)
    written = write_ical(tmp_path, sc, solved().roster)
    assert sorted(found) == sorted(p.stem for p in written)
    assert all(b"BEGIN:VCALENDAR" in data for data in found.values())


def test_an_edit_of_an_edit_is_checked_as_its_run_checked_cover(store: Store) -> None:
    """A roster from a 'cover is a wish' run stays judged that way through
    any number of edits: its shortfalls are penalties, not broken rules."""
    from roster.web.routes.rosters import roster_parts

    unit = store.create_unit("Ward 7", read_data(SMALL))
    run = store.create_run(unit.id, {"time_limit": 5, "soft_cover": True})
    store.start_run(run.id)
    result = solve(store.scenario(unit.id).scenario(), SolveParams(time_limit=5, soft_cover=True))
    finished = store.finish_run(run.id, result)
    assert finished.roster_id is not None
    rows = store.roster(finished.roster_id).rows
    first = store.record_change(finished.roster_id, rows, [], kind="edit")
    second = store.record_change(first.result_id, rows, [], kind="edit")
    assert roster_parts(store, second.result_id)[2] is True
    assert roster_parts(store, finished.roster_id)[2] is True

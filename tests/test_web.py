"""The web app's first slice (``roster serve``): units from scenario files,
solving in a worker process with progress as server-sent events, Stop, the
roster page and its downloads; bad input refused with a located message and
nothing stored; serve refusing a public address without a password."""

from __future__ import annotations

import io
import json
import os
import stat
import time
from pathlib import Path

import pytest

pytest.importorskip("fastapi")

import uvicorn
from click.testing import CliRunner
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from roster.cli import main
from roster.generate import unit as generated_unit
from roster.load import parse_text
from roster.store import Store
from roster.web import access
from roster.web.app import MAX_UPLOAD, create_app
from web_support import SMALL, browser, client, csrf_of, make_unit, store, upload, url, wait_for_end  # noqa: F401


# -- units -------------------------------------------------------------------
def test_units_page_lists_units_and_the_upload_form(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert "No units yet" in page.text and 'enctype="multipart/form-data"' in page.text
    make_unit(client, "Ward 7")
    assert "Ward 7" in client.get("/").text


def test_a_unit_from_a_scenario_file_shows_its_summary(client: TestClient, store: Store) -> None:
    unit_id = make_unit(client, "")
    [unit] = store.units()
    assert unit.id == unit_id and unit.name == "Small ward"  # the scenario's name
    page = client.get(f"/units/{unit_id}")
    assert page.status_code == 200
    assert '<td id="staff">6</td>' in page.text
    assert "2026-12-11 to 2026-12-14 (4 days)" in page.text
    assert "E (Early), L (Late), N (Night)" in page.text
    assert "No runs yet" in page.text


def test_a_json_scenario_is_accepted(client: TestClient, store: Store) -> None:
    data = parse_text(SMALL.read_text())
    response = upload(client, json.dumps(data).encode(), "ward.json", "J")
    assert response.status_code == 303
    assert [u.name for u in store.units()] == ["J"]


@pytest.mark.parametrize(
    ("content", "filename", "expected"),
    [
        (b"name: x\nhorizon: {start: 2026-12-11, days: many}\n", "bad.yaml", "horizon.days"),
        (b"staff: [\n", "broken.yaml", "broken.yaml"),
        (b"PK\x03\x04\x00\xff\xfe binary", "staff.xlsx", "not a scenario file"),
        (b"just some text", "notes.txt", "notes.txt"),
    ],
)
def test_a_bad_file_is_refused_beside_the_form_and_nothing_stored(
    client: TestClient, store: Store, content: bytes, filename: str, expected: str
) -> None:
    response = upload(client, content, filename)
    assert response.status_code == 400
    assert 'class="problems"' in response.text and expected in response.text
    assert 'name="file"' in response.text  # the form again, beside the message
    assert store.units() == []


def test_an_upload_over_the_limit_is_413_and_nothing_stored(
    client: TestClient, store: Store
) -> None:
    response = upload(client, b"#" * (MAX_UPLOAD + 10), "huge.yaml")
    assert response.status_code == 413
    assert "larger than 5 MB" in response.text
    assert store.units() == []


def test_a_taken_unit_name_is_refused(client: TestClient, store: Store) -> None:
    make_unit(client, "Ward 7")
    response = upload(client, SMALL.read_bytes(), "small.yaml", "Ward 7")
    assert response.status_code == 400
    assert len(store.units()) == 1


def test_an_upload_without_a_file_is_a_located_4xx(client: TestClient, store: Store) -> None:
    response = client.post("/units", data={"name": "x"})
    assert response.status_code == 422
    assert "body.file" in response.text
    assert store.units() == []


@pytest.mark.parametrize(
    ("method", "path", "status", "message"),
    [
        ("get", "/units/999", 404, "unit: no unit 999"),
        ("post", "/units/999/runs", 404, "unit: no unit 999"),
        ("get", "/runs/999", 404, "run: no run 999"),
        ("get", "/runs/999/events", 404, "run: no run 999"),
        ("post", "/runs/999/stop", 404, "run: no run 999"),
        ("get", "/rosters/999", 404, "roster: no roster 999"),
        ("get", "/rosters/999/roster.csv", 404, "roster: no roster 999"),
        ("get", "/rosters/999/roster.xlsx", 404, "roster: no roster 999"),
        ("get", "/rosters/999/report.html", 404, "roster: no roster 999"),
        ("get", "/units/abc", 422, "path.unit_id"),
        ("get", "/runs/1.5", 422, "path.run_id"),
        ("get", "/rosters/x/roster.csv", 422, "path.roster_id"),
    ],
)
def test_unknown_ids_and_wrong_types_are_located(
    client: TestClient, method: str, path: str, status: int, message: str
) -> None:
    response = getattr(client, method)(path)
    assert response.status_code == status
    assert message in response.text


@pytest.mark.parametrize("value", ["soon", "0", "-5", "100000"])
def test_a_bad_time_limit_is_refused_and_no_run_stored(
    client: TestClient, store: Store, value: str
) -> None:
    unit_id = make_unit(client)
    response = client.post(f"/units/{unit_id}/runs", data={"time_limit": value})
    assert response.status_code == 400
    assert "time_limit:" in response.text
    assert store.runs(unit_id) == []


# -- solving -------------------------------------------------------------------
def test_a_solve_end_to_end(client: TestClient, store: Store) -> None:
    unit_id = make_unit(client)
    response = client.post(
        f"/units/{unit_id}/runs", data={"time_limit": "20"}, follow_redirects=False
    )
    assert response.status_code == 303
    run_id = int(response.headers["location"].rsplit("/", 1)[1])
    assert client.get(f"/runs/{run_id}").status_code == 200

    events = client.get(f"/runs/{run_id}/events")  # streams until the run ends
    assert events.headers["content-type"].startswith("text/event-stream")
    assert "event: progress\ndata: " in events.text
    assert "event: end\n" in events.text and '"state": "finished"' in events.text

    run = store.run(run_id)
    assert run.state == "finished" and run.status == "OPTIMAL", run
    assert run.roster_id is not None
    assert "done: OPTIMAL" in run.log

    unit_page = client.get(f"/units/{unit_id}").text
    assert f'href="/rosters/{run.roster_id}"' in unit_page and "finished" in unit_page
    run_page = client.get(f"/runs/{run_id}").text
    assert "Stop" not in run_page and f"/rosters/{run.roster_id}" in run_page

    roster_page = client.get(f"/rosters/{run.roster_id}")
    assert roster_page.status_code == 200
    for download in ("roster.csv", "roster.xlsx", "report.html"):
        assert f"/rosters/{run.roster_id}/{download}" in roster_page.text

    report = client.get(f"/rosters/{run.roster_id}/report.html")
    assert report.status_code == 200 and 'class="grid' in report.text
    attached = client.get(f"/rosters/{run.roster_id}/report.html?download=true")
    assert "attachment" in attached.headers["content-disposition"]

    csv = client.get(f"/rosters/{run.roster_id}/roster.csv")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[0].startswith("staff")
    assert len(csv.text.splitlines()) == 1 + len(store.roster(run.roster_id).rows)

    xlsx = client.get(f"/rosters/{run.roster_id}/roster.xlsx")
    assert xlsx.status_code == 200
    assert "Roster" in load_workbook(io.BytesIO(xlsx.content)).sheetnames

    stop = client.post(f"/runs/{run_id}/stop")
    assert stop.status_code == 409 and "finished" in stop.text


def test_stop_ends_a_solve_keeping_the_best_roster(client: TestClient, store: Store) -> None:
    # a unit too big to prove optimal in a moment, so that Stop comes mid-search
    unit = store.create_unit("Big ward", generated_unit(40, 28))
    response = client.post(
        f"/units/{unit.id}/runs", data={"time_limit": "600"}, follow_redirects=False
    )
    run_id = int(response.headers["location"].rsplit("/", 1)[1])
    deadline = time.monotonic() + 120
    while "best roster so far" not in store.run(run_id).log:
        assert store.run(run_id).live and time.monotonic() < deadline, store.run(run_id)
        time.sleep(0.2)
    stopped = client.post(f"/runs/{run_id}/stop", follow_redirects=False)
    assert stopped.status_code == 303
    wait_for_end(store, run_id)
    run = store.run(run_id)
    assert run.state == "finished" and run.roster_id is not None, run
    assert "stopped: kept the best roster found" in run.log
    assert run.finished is not None and run.started is not None
    assert (run.finished - run.started).total_seconds() < 120


# -- serve -----------------------------------------------------------------------
def test_serve_refuses_a_public_host_without_a_password(url: str) -> None:
    result = CliRunner().invoke(main, ["serve", "--db", url, "--host", "0.0.0.0"])
    assert result.exit_code == 2
    assert "--host 0.0.0.0" in result.output and "--set-password" in result.output


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_loopback_needs_no_password(host: str, url: str) -> None:
    assert access.host_problem(host, url) is None


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.5", "::", "ward7.example.org"])
def test_any_other_host_needs_a_password(host: str, url: str) -> None:
    assert access.host_problem(host, url) is not None
    access.set_password("correct horse", url)
    assert access.host_problem(host, url) is None


def test_set_password_asks_twice_and_stores_a_private_hash(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    typed = "correct horse\nwrong horse\ncorrect horse\ncorrect horse\n"  # a typo, then again
    mismatch = runner.invoke(main, ["serve", "--db", url, "--set-password"], input=typed)
    assert mismatch.exit_code == 0, mismatch.output
    path = tmp_path / "roster.db.password"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    stored = path.read_text()
    assert "correct horse" not in stored and stored.startswith("scrypt$")
    assert access.matches("correct horse", stored)
    assert not access.matches("wrong horse", stored)

    short = runner.invoke(main, ["serve", "--db", url, "--set-password"], input="abc\nabc\n")
    assert short.exit_code == 2 and "at least 8" in short.output

    # with a password, a public host is served (uvicorn not really started)
    started = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: started.update(kw))
    served = runner.invoke(main, ["serve", "--db", url, "--host", "0.0.0.0", "--port", "8123"])
    assert served.exit_code == 0, served.output
    assert started == {"host": "0.0.0.0", "port": 8123, "log_level": "warning"}


def test_serve_marks_runs_a_killed_server_left_as_interrupted(
    url: str, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    unit = store.create_unit("Ward 7", parse_text(SMALL.read_text()))
    run = store.create_run(unit.id, {"time_limit": 5})
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: None)
    result = CliRunner().invoke(main, ["serve", "--db", url])
    assert result.exit_code == 0, result.output
    assert store.run(run.id).state == "interrupted"


def test_with_a_password_every_page_asks_for_it(store: Store, url: str) -> None:
    """Every page sends to the sign-in page until the password is given
    there (tests/test_web_access.py tries the rest of signing in)."""
    access.set_password("correct horse", url)
    app = create_app(store, password_hash=access.stored_password(url))
    with TestClient(app) as c:
        response = c.get("/", follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/login?next=%2F"
        assert c.get("/", auth=("manager", "correct horse"), follow_redirects=False).is_redirect
        token = csrf_of(c.get("/login").text)
        signed = c.post("/login", data={"password": "correct horse", "csrf_token": token})
        assert signed.status_code == 200 and signed.url.path == "/"


def test_a_request_from_another_sites_page_is_refused(client: TestClient, store: Store) -> None:
    """Even on 127.0.0.1, a page elsewhere in the manager's browser must not
    be able to add units, start solves or stop them."""
    scenario = SMALL.read_bytes()
    for headers in (
        {"Origin": "https://evil.example"},
        {"Referer": "https://evil.example/page"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Origin": "null"},
    ):
        response = client.post(
            "/units",
            files={"file": ("ward.yaml", scenario)},
            data={"name": "x"},
            headers=headers,
        )
        assert response.status_code == 403, headers
    assert store.units() == []
    # the app's own pages (same origin) and non-browser clients are served
    own = {"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}
    response = client.post(
        "/units", files={"file": ("ward.yaml", scenario)}, data={"name": "x"}, headers=own
    )
    assert response.status_code < 400 and [u.name for u in store.units()] == ["x"]
    assert client.get("/", headers={"Sec-Fetch-Site": "cross-site"}).status_code == 200


def test_a_form_without_the_sessions_token_is_refused(store: Store) -> None:
    """A form must carry its session's CSRF token: one from another session,
    a wrong one or none is refused, and nothing is stored."""
    scenario = SMALL.read_bytes()
    with TestClient(create_app(store)) as c:
        own = csrf_of(c.get("/").text)
        assert c.cookies.get("roster_session")
        for data in ({"name": "a"}, {"name": "b", "csrf_token": "0" * 64}):
            response = c.post("/units", files={"file": ("w.yaml", scenario)}, data=data)
            assert response.status_code == 403 and "security token" in response.text
        with TestClient(create_app(store)) as other:  # another browser's token
            stolen = csrf_of(other.get("/").text)
        response = c.post(
            "/units", files={"file": ("w.yaml", scenario)}, data={"name": "c", "csrf_token": stolen}
        )
        assert response.status_code == 403
        assert store.units() == []
        # the page's own form field is accepted
        response = c.post(
            "/units", files={"file": ("w.yaml", scenario)}, data={"name": "d", "csrf_token": own}
        )
        assert response.status_code < 400 and [u.name for u in store.units()] == ["d"]


def test_a_units_page_lists_its_rosters_and_what_is_published(
    client: TestClient, store: Store
) -> None:
    unit_id = make_unit(client)
    page = client.get(f"/units/{unit_id}").text
    assert "No roster yet" in page and "Nothing published yet" in page
    response = client.post(f"/units/{unit_id}/runs", data={"time_limit": "10"})
    assert response.status_code == 200
    [run] = store.runs(unit_id)
    wait_for_end(store, run.id)
    roster_id = store.run(run.id).roster_id
    assert roster_id is not None
    store.publish(roster_id, note="week 50")
    page = client.get(f"/units/{unit_id}").text
    assert f'<a href="/rosters/{roster_id}">roster {roster_id}</a>' in page
    assert f'<a href="/runs/{run.id}">run {run.id}</a>' in page
    assert "version 1</a>" in page and "(week 50)" in page
    assert '/units/new/import"' in client.get("/").text


def test_a_big_form_with_its_token_in_a_field_is_read_whole(store: Store) -> None:
    """A big unit's leave or requests form sends thousands of fields; the
    token check must not refuse it for having more than Starlette's 1,000."""
    with TestClient(create_app(store)) as c:
        token = csrf_of(c.get("/").text)
        unit_id = make_unit_with(c, token)
        fields = {"csrf_token": token, "time_limit": "5"} | {f"x{i}": "1" for i in range(3000)}
        response = c.post(f"/units/{unit_id}/runs", data=fields, follow_redirects=False)
        assert "Too many fields" not in response.text
        assert response.status_code == 303, response.text[:500]
    # the app stopped straight away: its solve is stopped or marked so, never left 'running'
    [run] = store.runs(unit_id)
    assert not run.live and run.state in ("finished", "interrupted"), run


def make_unit_with(c: TestClient, token: str) -> int:
    response = c.post(
        "/units", files={"file": ("small.yaml", SMALL.read_bytes())},
        data={"name": "W", "csrf_token": token}, follow_redirects=False,
    )  # fmt: skip
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


def test_an_upload_sent_without_its_length_is_cut_off_at_the_limit(
    client: TestClient, store: Store
) -> None:
    """A client that sends a huge body in chunks, saying no length, gets 413
    once the limit is passed: the server does not read (or keep) the rest."""
    boundary = "b0undary"
    head = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="file"; filename="w.yaml"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()

    def body():  # type: ignore[no-untyped-def]
        yield head
        for _ in range(20):  # 20 MB, a MB at a time
            yield b"#" * 2**20

    response = client.post(
        "/units", content=body(),
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )  # fmt: skip
    assert response.status_code == 413
    assert "larger than 6 MB" in response.text and 'class="problems"' in response.text
    assert store.units() == []

"""Who may see what in ``roster serve``: signing in with the password
(sessions that change on sign-in, expire when idle, and slow down guessing;
``next=`` only within the site), and each staff member's private read-only
link to their own shifts in the latest published roster and its calendar."""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

pytest.importorskip("fastapi")

from fastapi import FastAPI
from fastapi.testclient import TestClient
from icalendar import Calendar

from roster.export import person_shifts
from roster.load import load_scenario, parse_text
from roster.store import Store, to_roster
from roster.web import access
from roster.web.app import create_app
from roster.web.security import IDLE, LOCK_AFTER, LOCKOUT, Guard, safe_next
from web_support import SMALL, browser, csrf_of, store, url  # noqa: F401

PASSWORD = "correct horse"
#: a hand-made roster of the small ward (no solve needed): Ann works an
#: early and a night, Bea a late
ROWS = [
    {"staff": "A", "date": "2026-12-11", "shift": "E", "role": "RN"},
    {"staff": "A", "date": "2026-12-14", "shift": "N", "role": "RN"},
    {"staff": "B", "date": "2026-12-12", "shift": "L", "role": "RN"},
]


class Clock:
    """A clock the test moves."""

    def __init__(self) -> None:
        self.now = 1_900_000_000.0

    def __call__(self) -> float:
        return self.now


def berlin_ward() -> dict[str, Any]:
    """The small ward on Berlin's clock (an hour ahead of UTC in December)."""
    data: dict[str, Any] = parse_text(SMALL.read_text())
    data["timezone"] = "Europe/Berlin"
    return data


def published_unit(store: Store) -> int:
    """A unit with ``ROWS`` published; its id."""
    unit = store.create_unit("Ward 7", berlin_ward())
    store.publish(store.save_roster(unit.id, ROWS).id)
    return unit.id


@pytest.fixture
def locked(store: Store, url: str) -> Iterator[tuple[FastAPI, Clock]]:
    """An app with a password set, and its clock."""
    access.set_password(PASSWORD, url)
    app = create_app(store, password_hash=access.stored_password(url))
    clock = Clock()
    app.state.guard.clock = clock
    yield app, clock


def sign_in(c: TestClient, password: str = PASSWORD, target: str = "/") -> Any:
    """Post the sign-in form as its page would (with the page's token)."""
    form = c.get(f"/login?next={target}")
    token = csrf_of(form.text)
    return c.post(
        "/login",
        data={"password": password, "next": target, "csrf_token": token},
        follow_redirects=False,
    )


# -- signing in ---------------------------------------------------------------------------
def test_a_page_sends_to_sign_in_and_back(locked: tuple[FastAPI, Clock], store: Store) -> None:
    app, _ = locked
    unit = store.create_unit("Ward 7", parse_text(SMALL.read_text()))
    with TestClient(app) as c:
        response = c.get(f"/units/{unit.id}?tab=runs", follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == f"/login?next=%2Funits%2F{unit.id}%3Ftab%3Druns"
        form = c.get(response.headers["location"])
        assert form.status_code == 200 and 'id="login"' in form.text
        assert 'name="password"' in form.text and 'name="csrf_token"' in form.text
        # what is not a page is refused, htmx told where to go
        assert c.post(f"/units/{unit.id}/solve", data={}).status_code == 401
        htmx = c.get(f"/units/{unit.id}", headers={"HX-Request": "true"})
        assert htmx.status_code == 401 and htmx.headers["HX-Redirect"].startswith("/login?next=")

        before = c.cookies.get("roster_session")
        signed = sign_in(c, target=f"/units/{unit.id}?tab=runs")
        assert signed.status_code == 303
        assert signed.headers["location"] == f"/units/{unit.id}?tab=runs"
        after = c.cookies.get("roster_session")
        assert after and before and after.split(".")[0] != before  # no fixation
        assert c.get(f"/units/{unit.id}").status_code == 200
        assert c.get("/login", follow_redirects=False).headers["location"] == "/"


def test_a_wrong_password_says_only_that(locked: tuple[FastAPI, Clock]) -> None:
    app, _ = locked
    with TestClient(app) as c:
        c.get("/login")
        before = c.cookies.get("roster_session")
        response = sign_in(c, "wrong horse")
        assert response.status_code == 401
        assert "Wrong password." in response.text and 'role="alert"' in response.text
        assert c.cookies.get("roster_session") == before  # not signed in, nothing changed
        assert c.get("/", follow_redirects=False).status_code == 303
        assert sign_in(c, "").status_code == 401
        assert sign_in(c, "x" * 5000).status_code == 401


def test_the_sign_in_form_needs_its_token(locked: tuple[FastAPI, Clock]) -> None:
    """Login CSRF: another site's form may not sign a browser in."""
    app, _ = locked
    with TestClient(app) as c:
        c.get("/login")
        for data in ({"password": PASSWORD}, {"password": PASSWORD, "csrf_token": "0" * 64}):
            response = c.post("/login", data=data, follow_redirects=False)
            assert response.status_code == 403
        assert c.get("/", follow_redirects=False).status_code == 303


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
        "http:/evil.example",
        "javascript:alert(1)",
        "/login",
        "",
    ],
)
def test_next_never_leaves_the_site(locked: tuple[FastAPI, Clock], target: str) -> None:
    app, _ = locked
    with TestClient(app) as c:
        form = c.get("/login", params={"next": target})
        token = csrf_of(form.text)
        response = c.post(
            "/login",
            data={"password": PASSWORD, "next": target, "csrf_token": token},
            follow_redirects=False,
        )
        assert response.status_code == 303 and response.headers["location"] == "/"


def test_safe_next_keeps_paths_on_the_site() -> None:
    assert safe_next("/units/3/people?x=1#top") == "/units/3/people?x=1#top"
    assert safe_next("/units/3/\r\nSet-Cookie:x") == "/"
    assert safe_next(None) == "/"


def test_signing_out_ends_the_session(locked: tuple[FastAPI, Clock]) -> None:
    app, _ = locked
    with TestClient(app) as c:
        sign_in(c)
        signed_cookie = c.cookies.get("roster_session")
        home = c.get("/", follow_redirects=False)
        assert home.status_code == 200 and 'action="/logout"' in home.text  # the button
        out = c.post("/logout", data={"csrf_token": csrf_of(home.text)}, follow_redirects=False)
        assert out.status_code == 303 and out.headers["location"] == "/login"
        assert c.get("/", follow_redirects=False).status_code == 303
    with TestClient(app) as thief:  # a copy of the old cookie is no longer signed in
        thief.cookies.set("roster_session", signed_cookie or "")
        assert thief.get("/", follow_redirects=False).status_code == 303


def test_wrong_passwords_lock_the_address_out_for_a_while(
    locked: tuple[FastAPI, Clock],
) -> None:
    app, clock = locked
    with TestClient(app) as c:
        for _ in range(LOCK_AFTER):
            assert sign_in(c, "wrong horse").status_code == 401
            clock.now += 1
        # locked: even the right password is not tried
        response = sign_in(c)
        assert response.status_code == 429 and "wait 5 minute(s)" in response.text
        assert c.get("/", follow_redirects=False).status_code == 303
        clock.now += LOCKOUT
        assert sign_in(c).status_code == 303
        assert c.get("/", follow_redirects=False).status_code == 200
        # the count starts again after a right password
        c.post("/logout", data={"csrf_token": csrf_of(c.get("/").text)})
        assert sign_in(c, "wrong horse").status_code == 401
        assert sign_in(c).status_code == 303


def test_a_session_idle_too_long_must_sign_in_again(locked: tuple[FastAPI, Clock]) -> None:
    app, clock = locked
    with TestClient(app) as c:
        sign_in(c)
        for _ in range(3):  # in use, it is renewed as it goes
            clock.now += IDLE - 60
            assert c.get("/", follow_redirects=False).status_code == 200
        clock.now += IDLE + 1
        assert c.get("/", follow_redirects=False).status_code == 303


def test_a_restart_with_the_kept_secret_keeps_people_signed_in(
    store: Store,
    url: str,
    tmp_path: Path,
) -> None:
    access.set_password(PASSWORD, url)
    secret = access.server_secret(url)
    path = tmp_path / "roster.db.secret"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert access.server_secret(url) == secret and len(secret) == 32
    first = create_app(store, password_hash=access.stored_password(url), secret=secret)
    with TestClient(first) as c:
        sign_in(c)
        cookie = c.cookies.get("roster_session") or ""
    again = create_app(store, password_hash=access.stored_password(url), secret=secret)
    with TestClient(again) as c:
        c.cookies.set("roster_session", cookie)
        assert c.get("/", follow_redirects=False).status_code == 200
    # a new password signs everyone out
    access.set_password("another horse", url)
    changed = create_app(store, password_hash=access.stored_password(url), secret=secret)
    with TestClient(changed) as c:
        c.cookies.set("roster_session", cookie)
        assert c.get("/", follow_redirects=False).status_code == 303


def test_a_forged_session_cookie_is_not_signed_in(locked: tuple[FastAPI, Clock]) -> None:
    app, clock = locked
    guard: Guard = app.state.guard
    with TestClient(app) as c:
        session = c.get("/login").cookies.get("roster_session") or ""
        seen = int(clock.now)
        c.cookies.set("roster_session", f"{session}.{seen}.{'0' * 64}")
        assert c.get("/", follow_redirects=False).status_code == 303
        other = Guard(b"another server's secret", guard.password_hash)
        c.cookies.set("roster_session", other.signed_cookie(session, seen))
        assert c.get("/", follow_redirects=False).status_code == 303


def test_without_a_password_nothing_asks_to_sign_in(store: Store) -> None:
    with TestClient(create_app(store)) as c:
        assert c.get("/").status_code == 200
        assert c.get("/login?next=/units", follow_redirects=False).headers["location"] == "/units"


# -- staff links ------------------------------------------------------------------------------
def links_of(html: str) -> dict[str, str]:
    """The people page's links by staff id."""
    found = re.findall(
        r"<td>([^<]+)</td>\s*<td>[^<]*</td>\s*<td><a class=\"staff-link\" href=\"([^\"]+)\"", html
    )
    return dict(found)


def token_of(link: str) -> str:
    return link.rsplit("/me/", 1)[1]


def test_the_people_page_lists_each_persons_private_link(
    store: Store,
) -> None:
    unit_id = published_unit(store)
    c = browser(create_app(store))
    page = c.get(f"/units/{unit_id}/people")
    assert page.status_code == 200 and 'id="people"' in page.text
    links = links_of(page.text)
    assert sorted(links) == ["A", "B", "C", "D", "F", "P1"]
    assert all(link.startswith("http://testserver/me/") for link in links.values())
    tokens = {token_of(link) for link in links.values()}
    assert len(tokens) == 6 and all(len(t) >= 32 for t in tokens)  # 192 random bits each
    assert links_of(c.get(f"/units/{unit_id}/people").text) == links  # kept, not remade
    assert c.get("/units/999/people").status_code == 404


def test_a_staff_link_shows_only_that_persons_published_shifts(
    store: Store,
) -> None:
    unit_id = published_unit(store)
    c = browser(create_app(store))
    links = links_of(c.get(f"/units/{unit_id}/people").text)
    # a later draft that is not published: the link must not show it
    store.save_roster(unit_id, [{"staff": "A", "date": "2026-12-12", "shift": "L", "role": "RN"}])
    with TestClient(create_app(store)) as stranger:  # another browser, no session
        mine = stranger.get(links["A"])
        assert mine.status_code == 200 and 'id="my-shifts"' in mine.text
        assert mine.headers["referrer-policy"] == "no-referrer"
        shifts = mine.text.split('id="my-shifts"', 1)[1]
        assert "Ann" in mine.text and "Bea" not in mine.text
        assert "Fri 11 Dec 2026" in shifts and "07:00" in shifts and "15:30" in shifts
        assert 'datetime="2026-12-11T07:00:00+01:00"' in shifts
        assert "Mon 14 Dec 2026" in shifts and "21:30" in shifts and "07:30 (Tue)" in shifts
        assert "Sat 12 Dec" not in shifts  # Bea's late, and the unpublished draft's
        assert 'id="my-calendar"' in mine.text
        none = stranger.get(links["C"])
        assert none.status_code == 200 and "no shifts" in none.text


def test_nothing_published_yet(store: Store) -> None:
    unit = store.create_unit("Ward 7", berlin_ward())
    store.save_roster(unit.id, ROWS)  # a draft only
    c = browser(create_app(store))
    link = links_of(c.get(f"/units/{unit.id}/people").text)["A"]
    mine = c.get(link)
    assert mine.status_code == 200 and "Nothing published yet" in mine.text
    assert "07:00" not in mine.text
    feed = Calendar.from_ical(c.get(link + "/calendar.ics").content)
    assert feed.walk("VEVENT") == []


def test_the_calendar_feed_has_the_persons_shifts_in_the_wards_time_zone(
    store: Store,
) -> None:
    unit_id = published_unit(store)
    c = browser(create_app(store))
    link = links_of(c.get(f"/units/{unit_id}/people").text)["A"]
    response = TestClient(create_app(store)).get(link + "/calendar.ics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    events = sorted(cal.walk("VEVENT"), key=lambda ev: ev.decoded("dtstart"))
    berlin = ZoneInfo("Europe/Berlin")

    def at(day: int, hour: int, minute: int) -> dt.datetime:
        return dt.datetime(2026, 12, day, hour, minute, tzinfo=berlin)

    assert [
        (ev.decoded("dtstart").astimezone(berlin), ev.decoded("dtend").astimezone(berlin))
        for ev in events
    ] == [
        (at(11, 7, 0), at(11, 15, 30)),
        (at(14, 21, 30), at(15, 7, 30)),
    ]
    assert events[0].decoded("dtstart").utcoffset() == dt.timedelta(hours=1)
    assert all(str(ev["dtstart"].params["TZID"]) == "Europe/Berlin" for ev in events)
    assert [str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert "Early (E)" in str(events[0]["summary"]) and "Night (N)" in str(events[1]["summary"])


def test_resetting_a_link_stops_the_old_one(store: Store) -> None:
    unit_id = published_unit(store)
    c = browser(create_app(store))
    old = links_of(c.get(f"/units/{unit_id}/people").text)
    response = c.post(f"/units/{unit_id}/people/reset", data={"staff": "A"}, follow_redirects=False)
    assert response.status_code == 303
    page = c.get(response.headers["location"])
    assert "A new link for Ann" in page.text
    new = links_of(page.text)
    assert new["A"] != old["A"] and new["B"] == old["B"]
    assert c.get(old["A"]).status_code == 404
    assert c.get(old["A"] + "/calendar.ics").status_code == 404
    assert c.get(new["A"]).status_code == 200
    unknown = c.post(f"/units/{unit_id}/people/reset", data={"staff": "ZZ"})
    assert (
        unknown.status_code == 404
        and "staff: unit 1 has no staff member &#39;ZZ&#39;" in unknown.text
    )
    assert c.post(f"/units/{unit_id}/people/reset", data={}).status_code == 422


@pytest.mark.parametrize("token", ["nope", "x" * 32, "%2E%2E", "%00", "A"])
def test_a_bad_token_is_a_plain_404(store: Store, token: str) -> None:
    published_unit(store)
    with TestClient(create_app(store)) as c:
        for path in (f"/me/{token}", f"/me/{token}/calendar.ics"):
            response = c.get(path)
            assert response.status_code == 404, path
            assert "Ward 7" not in response.text and "Ann" not in response.text


def test_links_are_kept_beside_the_database_for_the_owner_only(
    store: Store,
    tmp_path: Path,
) -> None:
    unit_id = published_unit(store)
    link = links_of(browser(create_app(store)).get(f"/units/{unit_id}/people").text)["A"]
    path = tmp_path / "roster.db.links"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert TestClient(create_app(store)).get(link).status_code == 200  # after a restart


def test_with_a_password_a_staff_link_needs_none(
    locked: tuple[FastAPI, Clock],
    store: Store,
) -> None:
    app, _ = locked
    unit_id = published_unit(store)
    with TestClient(app) as manager:
        sign_in(manager)
        link = links_of(manager.get(f"/units/{unit_id}/people").text)["A"]
    with TestClient(app) as staff:
        assert staff.get(link).status_code == 200
        assert staff.get(link + "/calendar.ics").status_code == 200
        assert staff.get(f"/units/{unit_id}", follow_redirects=False).headers["location"] == (
            f"/login?next=%2Funits%2F{unit_id}"
        )
        assert staff.get(f"/units/{unit_id}/people", follow_redirects=False).status_code == 303


def test_person_shifts_gives_clock_times_in_date_order() -> None:
    sc = load_scenario(berlin_ward())
    roster = to_roster(ROWS)
    shifts = person_shifts(sc, roster, "A")
    assert [(s.date.isoformat(), s.shift, s.start.strftime("%H:%M")) for s in shifts] == [
        ("2026-12-11", "E", "07:00"),
        ("2026-12-14", "N", "21:30"),
    ]
    assert shifts[1].end.date() == dt.date(2026, 12, 15) and shifts[0].paid_hours == 8
    assert person_shifts(sc, roster, "nobody") == []


def test_each_database_has_its_own_links(tmp_path: Path) -> None:
    assert access.links_path(f"sqlite:///{tmp_path / 'w.db'}") == tmp_path / "w.db.links"
    assert access.links_path("sqlite://") is None  # in memory: kept in memory
    shared = access.links_path("postgresql+psycopg://ward@db/roster")
    assert shared == access.links_path("postgresql+psycopg://ward:secret@db/roster")
    assert shared != access.links_path("postgresql+psycopg://ward@db/theatre")


def test_links_in_memory_work_the_same() -> None:
    links = access.StaffLinks(None)
    first = links.token(1, "A")
    assert links.token(1, "A") == first and links.find(first) == (1, "A")
    assert links.token(2, "A") != first and links.find("nope") is None
    renewed = links.reset(1, "A")
    assert links.find(first) is None and links.find(renewed) == (1, "A")


# -- in a browser -------------------------------------------------------------------------------
@pytest.mark.slow
def test_signing_in_and_a_staff_link_in_a_browser(store: Store, url: str) -> None:
    """Headless Chromium against a real server with a password: sent to sign
    in, a wrong password, the right one back to the page asked for; the
    staff links page; a staff link opened with no session at all."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    from web_support import chromium, live_server, no_script_errors, screenshot

    unit_id = published_unit(store)
    access.set_password(PASSWORD, url)
    app = create_app(store, password_hash=access.stored_password(url))
    driver = chromium()
    wait = WebDriverWait(driver, 30)  # a click returns before the page it leads to
    try:
        with live_server(app) as site:
            driver.get(f"{site}/units/{unit_id}/people")
            form = driver.find_element(By.ID, "login")
            form.find_element(By.NAME, "password").send_keys("wrong horse")
            form.submit()
            wrong = wait.until(ec.presence_of_element_located((By.CLASS_NAME, "problems")))
            assert "Wrong password." in wrong.text
            logged = [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
            assert all("/login" in m and "401" in m for m in logged), logged  # the wrong one
            driver.find_element(By.NAME, "password").send_keys(PASSWORD)
            screenshot(driver, "signin")
            driver.find_element(By.ID, "login").submit()
            wait.until(ec.url_to_be(f"{site}/units/{unit_id}/people"))
            links = driver.find_elements(By.CSS_SELECTOR, "#people a.staff-link")
            assert len(links) == 6
            screenshot(driver, "people")
            link = links[0].get_attribute("href") or ""
            driver.find_element(By.CSS_SELECTOR, "form.signout button").click()
            wait.until(ec.url_to_be(f"{site}/login"))
            driver.delete_all_cookies()
            driver.get(link)
            shifts = driver.find_element(By.ID, "my-shifts").text
            assert "Early (E)" in shifts and "07:00" in shifts and "Bea" not in driver.page_source
            assert driver.find_element(By.ID, "my-calendar").get_attribute("href") == (
                link + "/calendar.ics"
            )
            screenshot(driver, "me")
            no_script_errors(driver)
    finally:
        driver.quit()

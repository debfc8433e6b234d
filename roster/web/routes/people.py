"""Read-only links per staff member: the manager's list of them (copy one to
send it, reset one that went astray), and what a link shows - that
person's shifts in the unit's latest published roster, as a page and as a
calendar feed. A link needs no password (its random token is the
credential) and shows nothing else: no other person, no drafts, no unit
pages; a token that is not one is a plain 404."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from icalendar import Calendar

from roster.export import PersonShift, calendars, person_shifts
from roster.scenario import Scenario
from roster.store import NotFound, PublishedInfo, Store
from roster.web.access import StaffLinks, links_path
from roster.web.pages import StoreDep, page

#: a staff member's pages are theirs alone: kept out of caches, search
#: engines and the Referer of any link followed from them
PRIVATE = {
    "Cache-Control": "private, no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
}

router = APIRouter()
_opening = threading.Lock()


def staff_links(request: Request) -> StaffLinks:
    """The app's staff links, kept beside its database (made on first use)."""
    state = request.app.state
    with _opening:
        if not hasattr(state, "staff_links"):
            url = state.store.engine.url.render_as_string(hide_password=False)
            state.staff_links = StaffLinks(links_path(url))
    links: StaffLinks = state.staff_links
    return links


# -- the manager's list ------------------------------------------------------------
@router.get("/units/{unit_id}/people", response_class=HTMLResponse)
def people(
    request: Request, unit_id: int, store: StoreDep, reset: Annotated[str, Query()] = ""
) -> HTMLResponse:
    """The unit's staff, each with their private link."""
    unit = store.unit(unit_id)
    sc = store.scenario(unit_id).scenario()
    links = staff_links(request)
    base = str(request.base_url).rstrip("/")
    rows = [(p, f"{base}/me/{links.token(unit_id, p.id)}") for p in sc.staff]
    renewed = sc.staff_by_id.get(reset)
    return page(
        request, "people.html.j2", unit=unit, rows=rows, renewed=renewed,
        published=store.latest_published(unit_id),
    )  # fmt: skip


@router.post("/units/{unit_id}/people/reset")
def reset_link(
    request: Request, unit_id: int, store: StoreDep, staff: Annotated[str, Form()]
) -> RedirectResponse:
    """A new link for one person; their old one stops working at once."""
    sc = store.scenario(unit_id).scenario()
    if staff not in sc.staff_by_id:
        raise NotFound("staff", f"unit {unit_id} has no staff member {staff!r}")
    staff_links(request).reset(unit_id, staff)
    return RedirectResponse(f"/units/{unit_id}/people?reset={quote(staff)}", status_code=303)


# -- what a link shows ---------------------------------------------------------------
@dataclass(frozen=True)
class Mine:
    """What one staff member's link shows."""

    unit: str
    person: str
    staff_id: str
    published: PublishedInfo | None
    scenario: Scenario | None
    shifts: list[PersonShift]


def mine(request: Request, store: Store, token: str) -> Mine | None:
    """What ``token``'s owner may see (None: no such link)."""
    found = staff_links(request).find(token)
    if found is None:
        return None
    unit_id, staff_id = found
    try:
        unit, current = store.unit(unit_id), store.scenario(unit_id).scenario()
    except NotFound:
        return None
    published, sc, shifts = store.latest_published(unit_id), None, []
    if published is not None:
        version = store.version_by_id(published.scenario_version_id)
        sc = version.scenario()
        shifts = person_shifts(sc, published.roster(), staff_id)
    person = (sc.staff_by_id.get(staff_id) if sc else None) or current.staff_by_id.get(staff_id)
    name = (person.name or person.id) if person is not None else staff_id
    return Mine(unit.name, name, staff_id, published, sc, shifts)


def unknown(request: Request) -> HTMLResponse:
    """A link that is not (or no longer) one: 404, saying nothing more."""
    response = page(request, "me_unknown.html.j2", 404)
    response.headers.update(PRIVATE)
    return response


@router.get("/me/{token}", response_class=HTMLResponse)
def my_shifts(request: Request, token: str, store: StoreDep) -> HTMLResponse:
    """The person's shifts in the latest published roster, with clock times."""
    found = mine(request, store, token)
    if found is None:
        return unknown(request)
    response = page(request, "me.html.j2", me=found, token=token)
    response.headers.update(PRIVATE)
    return response


@router.get("/me/{token}/calendar.ics")
def my_calendar(request: Request, token: str, store: StoreDep) -> Response:
    """The same shifts as an iCalendar feed a phone's calendar subscribes
    to; empty (but a calendar) while nothing is published."""
    found = mine(request, store, token)
    if found is None:
        return unknown(request)
    data = None
    if found.published is not None and found.scenario is not None:
        data = calendars(found.scenario, found.published.roster()).get(found.staff_id)
    return Response(
        data or empty_calendar(),
        media_type="text/calendar; charset=utf-8",
        headers={**PRIVATE, "Content-Disposition": 'inline; filename="shifts.ics"'},
    )


def empty_calendar() -> bytes:
    """A calendar with no events (nothing published for this person yet)."""
    cal = Calendar()
    cal.add("prodid", "-//roster//shift roster//EN")
    cal.add("version", "2.0")
    return bytes(cal.to_ical())

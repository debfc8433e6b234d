"""Changing a roster: a cell's change checked at once and applied as an edit,
who can cover a shift, publishing, and repair after a sick call.

Every change makes a new roster (the old one stays as it was); bad input is
refused beside its form, located, with nothing stored. A request from htmx
gets the part of the page it replaces, any other the whole page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from roster.constraints.base import fmt_dates
from roster.errors import InputError
from roster.model.solve import SolveParams
from roster.records import LEAVE_TYPES
from roster.repair import Absence, Repair, changes, repair_roster
from roster.report import OUTCOME
from roster.roster import Roster
from roster.scenario import Scenario
from roster.store import Store
from roster.suggest import assign, effect, suggest
from roster.tables import summary
from roster.web.pages import StoreDep, page, problems
from roster.web.routes.rosters import roster_page, roster_parts

#: the longest note or reason kept
MAX_TEXT = 500
#: a sick call's repair: its default and largest time limit (seconds); the
#: manager waits for it
REPAIR_SECONDS, MAX_REPAIR_SECONDS = 10.0, 300.0

router = APIRouter()


# -- reading forms ------------------------------------------------------------------
def text(form: Mapping[str, Any], name: str) -> str:
    """A form field as stripped text ('' when missing or a file)."""
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def a_date(raw: str, field: str) -> dt.date:
    """A form's date (YYYY-MM-DD), or an InputError located at ``field``."""
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        shown = repr(raw) if raw else "nothing"
        raise InputError([(field, f"{shown} is not a date YYYY-MM-DD")], what="form") from None


def short_text(form: Mapping[str, Any], name: str) -> str:
    """A note or reason, refused when longer than ``MAX_TEXT``."""
    value = text(form, name)
    if len(value) > MAX_TEXT:
        raise InputError([(name, f"at most {MAX_TEXT} characters (got {len(value)})")], what="form")
    return value


def wants_part(request: Request) -> bool:
    """Whether htmx asked (it swaps in part of the page)."""
    return request.headers.get("hx-request") == "true"


# -- a cell -----------------------------------------------------------------------------
@dataclass(frozen=True)
class CellChange:
    """What a cell's form asks: ``staff`` on ``shift`` (None: off) on ``date``
    as ``role`` (None: their own), why, and whether a broken hard rule is
    accepted."""

    staff: str
    date: dt.date
    shift: str | None
    role: str | None
    reason: str
    confirm: bool

    @classmethod
    def read(cls, form: Mapping[str, Any]) -> CellChange:
        """The change a form asks for; a date that is not one is an InputError."""
        shift = text(form, "shift")
        return cls(
            staff=text(form, "staff"),
            date=a_date(text(form, "date"), "date"),
            shift=None if shift in ("", "off") else shift,
            role=text(form, "role") or None,
            reason=short_text(form, "reason"),
            confirm=text(form, "confirm") in ("yes", "on", "true"),
        )


def cell_view(
    sc: Scenario, roster: Roster, staff: str, date: dt.date, change: CellChange | None = None
) -> dict[str, Any]:
    """The cell form's values: who, when, what they work now, and what is
    chosen (what they work now, until the manager picks)."""
    person = sc.staff_by_id[staff]
    d = sc.day_index(date)
    assert d is not None
    now = roster.cell_texts(sc).get((staff, d), "")
    mine = roster.df[(roster.df["staff"] == staff) & (roster.df["date"] == date)]
    shifts = [t for t in mine["shift"] if not sc.is_duty(t)]
    current = shifts[0] if shifts else (mine["shift"].iloc[0] if len(mine) else "off")
    return {
        "staff": staff, "name": person.name or staff, "date": date.isoformat(),
        "day": f"{date:%a %d %b %Y}", "now": now, "leave": sc.leave_of[staff].get(d),
        "roles": list(person.roles),
        "shift": change.shift or "off" if change else current,
        "role": change.role if change else None,
        "reason": change.reason if change else "", "confirm": bool(change and change.confirm),
    }  # fmt: skip


def known_cell(sc: Scenario, staff: str, date: dt.date) -> None:
    """An InputError unless ``staff`` is in the scenario and ``date`` in its
    horizon (what a cell form needs to be drawn)."""
    found = []
    if staff not in sc.staff_by_id:
        found.append(("staff", f"unknown staff '{staff}'; allowed: {', '.join(sc.staff_by_id)}"))
    if sc.day_index(date) is None:
        found.append(("date", f"{date} is outside the horizon {sc.dates[0]}..{sc.dates[-1]}"))
    if found:
        raise InputError(found, what="form")


def checked(
    sc: Scenario, roster: Roster, change: CellChange, soft: bool
) -> tuple[Roster, dict[str, Any]]:
    """The roster the change makes and what it does (the check a page
    shows); ``soft``: the roster was solved with cover soft."""
    after = assign(sc, roster, change.staff, change.date, change.shift, change.role)
    unchanged = after.df.equals(roster.df)
    done = effect(sc, roster, after, soft_cover=soft)
    return after, {"problems": [], "unchanged": unchanged, "effect": done}


def refused(
    request: Request, store: Store, roster_id: int, part: str, status: int, **context: Any
) -> HTMLResponse:
    """A refusal: the form's part of the page (to htmx) or the whole page,
    with the problems beside the form."""
    if wants_part(request):
        _, sc, _ = roster_parts(store, roster_id)
        return page(request, part, status, sc=sc, base=f"/rosters/{roster_id}", **context)
    return roster_page(request, store, roster_id, status, **context)


@router.get("/rosters/{roster_id}/cell", response_class=HTMLResponse)
def cell_form(
    request: Request, roster_id: int, store: StoreDep, staff: str = "", date: str = ""
) -> HTMLResponse:
    """The form that changes one cell (``staff`` on ``date``)."""
    info, sc, _ = roster_parts(store, roster_id)
    try:
        day = a_date(date, "date")
        known_cell(sc, staff, day)
    except InputError as exc:
        lines = {"problems": problems(exc)}
        return refused(
            request, store, roster_id, "roster_check.html.j2", 400, check=lines, cell_problems=lines
        )
    cell = cell_view(sc, info.roster(), staff, day)
    if wants_part(request):
        base = f"/rosters/{roster_id}"
        return page(request, "roster_cell.html.j2", sc=sc, base=base, cell=cell, check=None)
    return roster_page(request, store, roster_id, cell=cell)


@router.post("/rosters/{roster_id}/check", response_class=HTMLResponse)
async def check_cell(request: Request, roster_id: int, store: StoreDep) -> HTMLResponse:
    """What the cell's change would do: the hard rules it breaks, by name,
    and the penalty change. Nothing is stored."""
    info, sc, soft = roster_parts(store, roster_id)
    form = await request.form()
    try:
        change = CellChange.read(form)
        known_cell(sc, change.staff, change.date)
        _, check = checked(sc, info.roster(), change, soft)
    except InputError as exc:
        lines = {"problems": problems(exc)}
        return refused(
            request, store, roster_id, "roster_check.html.j2", 400, check=lines, cell_problems=lines
        )
    if wants_part(request):
        return page(request, "roster_check.html.j2", check=check)
    cell = cell_view(sc, info.roster(), change.staff, change.date, change)
    return roster_page(request, store, roster_id, cell=cell, check=check)


@router.post("/rosters/{roster_id}/edit")
async def apply_edit(request: Request, roster_id: int, store: StoreDep) -> Response:
    """Apply a cell's change as an edit: a new roster, its change listed.
    One that breaks a hard rule needs ``confirm``; without it the page
    shows what it breaks (409) and nothing is stored."""
    info, sc, soft = roster_parts(store, roster_id)
    roster = info.roster()
    form = await request.form()
    try:
        change = CellChange.read(form)
        known_cell(sc, change.staff, change.date)
        after, check = checked(sc, roster, change, soft)
    except InputError as exc:
        lines = {"problems": problems(exc)}
        return roster_page(request, store, roster_id, 400, cell_problems=lines)
    cell = cell_view(sc, roster, change.staff, change.date, change)
    if check["unchanged"]:
        return roster_page(request, store, roster_id, 400, cell=cell, check=check)
    if check["effect"].broken and not change.confirm:
        return roster_page(
            request, store, roster_id, 409, cell=cell, check={**check, "refused": True}
        )
    table = changes(sc, roster, after, [], [])
    table["reason"] = change.reason or "changed by hand"
    done = store.record_change(
        roster_id, after, table, kind="edit", reason=change.reason,
        summary={"penalty_change": check["effect"].cost, "broken": check["effect"].broken},
    )  # fmt: skip
    return RedirectResponse(f"/rosters/{done.result_id}", status_code=303)


# -- who can cover ---------------------------------------------------------------------
@router.get("/rosters/{roster_id}/cover", response_class=HTMLResponse)
def cover(
    request: Request, roster_id: int, store: StoreDep, date: str = "", shift: str = "",
    role: str = "",
) -> HTMLResponse:  # fmt: skip
    """Who could take ``shift`` on ``date`` (as ``role``): those within every
    hard rule, cheapest first, then who would break one and which."""
    info, sc, _ = roster_parts(store, roster_id)
    query = {"date": date, "shift": shift, "role": role}
    try:
        day = a_date(date, "date")
        found = suggest(sc, info.roster(), day, shift, role or None)
    except InputError as exc:
        lines = {"problems": problems(exc)}
        return refused(
            request, store, roster_id, "roster_cover.html.j2", 400, cover=lines, cover_query=query
        )
    listing = {
        "problems": [], "found": found, "date": day.isoformat(), "day": f"{day:%a %d %b}",
        "shift": shift, "role": role,
    }  # fmt: skip
    if wants_part(request):
        base = f"/rosters/{roster_id}"
        return page(request, "roster_cover.html.j2", cover=listing, base=base)
    return roster_page(request, store, roster_id, cover=listing, cover_query=query)


# -- publishing -------------------------------------------------------------------------
@router.post("/rosters/{roster_id}/publish")
async def publish(request: Request, roster_id: int, store: StoreDep) -> Response:
    """Publish the roster as the unit's next version (never changed after)."""
    info = store.roster(roster_id)
    form = await request.form()
    try:
        note = short_text(form, "note")
    except InputError as exc:
        return roster_page(request, store, roster_id, 400, publish_problems=problems(exc))
    done = store.publish(roster_id, note)
    return RedirectResponse(f"/units/{info.unit_id}/published/{done.number}", status_code=303)


# -- a sick call and the repair ------------------------------------------------------------
def read_absence(form: Mapping[str, Any], sc: Scenario) -> tuple[Absence, float, str]:
    """The sick call a form describes (every bad field named at once), its
    repair's time limit and its reason."""
    found: list[tuple[str, str]] = []
    staff = text(form, "staff")
    if staff not in sc.staff_by_id:
        found.append(("staff", f"unknown staff '{staff}'; allowed: {', '.join(sc.staff_by_id)}"))
    days = []
    for field in ("first", "last"):
        try:
            day = a_date(text(form, field), field)
        except InputError as exc:
            found.extend(exc.problems)
            continue
        if sc.day_index(day) is None:
            found.append((field, f"{day} is outside the horizon {sc.dates[0]}..{sc.dates[-1]}"))
        days.append(day)
    if len(days) == 2 and days[1] < days[0]:
        found.append(("last", f"{days[1]} is before the first day {days[0]}"))
    kind = text(form, "type") or "sick"
    allowed = [*LEAVE_TYPES, *sc.leave_types]
    if kind not in allowed:
        found.append(("type", f"unknown leave type '{kind}'; allowed: {', '.join(allowed)}"))
    seconds = time_limit(text(form, "time_limit"), found)
    try:
        reason = short_text(form, "reason")
    except InputError as exc:
        found.extend(exc.problems)
    if found:
        raise InputError(found, what="form")
    return Absence(staff, days[0], days[1], kind), seconds, reason


def time_limit(raw: str, found: list[tuple[str, str]]) -> float:
    """The repair's time limit in seconds (a problem added to ``found`` when
    it is not a number in range)."""
    if not raw:
        return REPAIR_SECONDS
    try:
        seconds = float(raw)
    except ValueError:
        found.append(("time_limit", f"not a number of seconds: {raw!r}"))
        return REPAIR_SECONDS
    if not 0 < seconds <= MAX_REPAIR_SECONDS:
        found.append(
            ("time_limit", f"{raw} seconds: give more than 0, at most {MAX_REPAIR_SECONDS:g}")
        )
    return seconds


def mend(
    sc: Scenario, data: dict[str, Any], roster: Roster, absence: Absence, seconds: float
) -> Repair:
    """The library's repair of ``roster`` for the scenario (as edited) and the
    absence, as ``roster repair`` runs it; rows of people no longer in the
    scenario are listed as changes."""
    ours = roster.df["staff"].isin(list(sc.staff_by_id))
    gone = [(s, x.isoformat(), t) for s, x, t, _ in roster.df[~ours].itertuples(index=False)]
    kept = Roster(roster.df[ours].reset_index(drop=True))
    params = SolveParams(time_limit=seconds)
    return repair_roster(data, sc, kept, [absence], params=params, gone=gone)


@router.post("/rosters/{roster_id}/repair")
async def sick_call(request: Request, roster_id: int, store: StoreDep) -> Response:
    """A sick call: the absence added to the unit's scenario as leave (a new
    version) and the roster repaired with as few changes as the rules allow,
    as a new roster listing them. Bad input, or no roster found in the time
    limit, stores nothing."""
    info = store.roster(roster_id)
    current = store.scenario(info.unit_id)
    sc = current.scenario()
    form = await request.form()
    sick = {k: text(form, k) for k in ("staff", "first", "last", "type", "reason", "time_limit")}
    try:
        absence, seconds, reason = read_absence(form, sc)
        done = await run_in_threadpool(
            mend, sc, dict(current.data), info.roster(), absence, seconds
        )
    except InputError as exc:
        return roster_page(request, store, roster_id, 400, sick_problems=problems(exc), sick=sick)
    if done.result.roster is None:
        status = done.result.status
        lines = [f"repair: {OUTCOME[status]} ({status.value}); nothing changed; allow more time"]
        return roster_page(request, store, roster_id, 422, sick_problems=lines, sick=sick)
    person = sc.staff_by_id[absence.staff]
    who = f"{person.name} ({person.id})" if person.name else person.id
    note = f"{who}, {absence.kind} leave {fmt_dates([absence.first, absence.last])}"
    note += f": {reason}" if reason else ""
    change = store.record_change(
        roster_id, done.result.roster, done.changes, kind="repair", reason=note,
        summary=summary(done.result, done.scenario), scenario=done.edited,
    )  # fmt: skip
    return RedirectResponse(f"/rosters/{change.result_id}", status_code=303)

"""The store's API, as the web app calls it: units and their scenario
versions, runs (solves and what-ifs) from queued to finished, the queue they
wait in, rosters, changes and published versions.

Every call is one transaction: it is written whole or not at all, so a crash
or an error half-way leaves nothing behind. Results are plain frozen
dataclasses, detached from any database session, so a page can hold them
after the call. Bad requests (invalid scenario data, unknown ids, a run
finished twice) raise ``InputError``s located at what was wrong.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from types import TracebackType
from typing import Any, TypeVar

import numpy as np
import pandas as pd
from sqlalchemy import Engine, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from roster.errors import InputError
from roster.load import load_scenario
from roster.result import Result
from roster.roster import COLUMNS, Roster
from roster.scenario import Scenario
from roster.store.db import WRITE, make_engine, upgrade
from roster.store.models import (
    CHANGE_KINDS,
    LIVE_STATES,
    ROSTER_KINDS,
    RUN_KINDS,
    Change,
    Published,
    RosterRecord,
    Run,
    ScenarioVersion,
    Unit,
    VariantResult,
    now,
)
from roster.tables import summary as summarise

T = TypeVar("T")
#: attempts at a write whose per-unit number another writer took first
_ATTEMPTS = 5
#: what an interrupted run's error says
INTERRUPTED = "the server stopped before this solve ended; run it again"


class StoreError(InputError):
    """A request the store refuses: an unknown id, a run in the wrong state,
    a unit name taken. One problem, located at what was wrong."""

    def __init__(self, location: str, message: str) -> None:
        super().__init__([(location, message)], None, None)


class NotFound(StoreError):
    """An id the store does not hold (a web page answers 404)."""


# -- what the calls return -------------------------------------------------
@dataclass(frozen=True)
class UnitInfo:
    """A unit, with the number of its current scenario version."""

    id: int
    name: str
    created: dt.datetime
    version: int


@dataclass(frozen=True)
class ScenarioInfo:
    """One scenario version of a unit: the validated scenario data."""

    id: int
    unit_id: int
    version: int
    created: dt.datetime
    note: str
    data: dict[str, Any]

    def scenario(self) -> Scenario:
        """The scenario, validated again from the stored data."""
        return load_scenario(dict(self.data))


@dataclass(frozen=True)
class RunInfo:
    """A run (``kind``: a solve, or a what-if): its state, and once finished
    how it ended. ``queue_position``: a queued run's place in the queue
    (1: the next to start), None once it has left it."""

    id: int
    unit_id: int
    scenario_version_id: int
    version: int
    kind: str
    params: dict[str, Any]
    state: str
    status: str | None
    objective: float | None
    best_bound: float | None
    gap: float | None
    created: dt.datetime
    started: dt.datetime | None
    finished: dt.datetime | None
    log: str
    error: str | None
    summary: dict[str, Any] | None
    roster_id: int | None
    queue_position: int | None = None

    @property
    def live(self) -> bool:
        """Whether the run is still queued or running."""
        return self.state in LIVE_STATES


@dataclass(frozen=True)
class RosterInfo:
    """A stored roster: tidy rows (staff, date as ISO text, shift, role)."""

    id: int
    unit_id: int
    scenario_version_id: int
    run_id: int | None
    parent_id: int | None
    kind: str
    created: dt.datetime
    rows: list[dict[str, Any]]
    summary: dict[str, Any]

    def roster(self) -> Roster:
        """The rows as a ``Roster``."""
        return to_roster(self.rows)


@dataclass(frozen=True)
class PublishedInfo:
    """A published version: its number in the unit and the rows published."""

    id: int
    unit_id: int
    number: int
    published_at: dt.datetime
    roster_id: int
    scenario_version_id: int
    note: str
    rows: list[dict[str, Any]]

    def roster(self) -> Roster:
        """The rows as a ``Roster``."""
        return to_roster(self.rows)


@dataclass(frozen=True)
class ChangeInfo:
    """An edit or repair: the roster changed, the roster it made, and the
    changes table's rows (staff, date, before, after, reason)."""

    id: int
    unit_id: int
    roster_id: int
    result_id: int
    kind: str
    reason: str
    created: dt.datetime
    rows: list[dict[str, Any]]


# -- rows to and from JSON -------------------------------------------------
def json_safe(value: Any) -> Any:
    """``value`` as JSON holds it: numpy numbers as Python numbers, dates as
    ISO text, NaN and NaT as null, tuples as lists."""
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def roster_rows(roster: Roster | Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """A roster's tidy rows as JSON: ``{staff, date, shift, role}``, dates
    as ISO text, role null where the roster has none. Rows missing staff,
    date or shift, or with a date that is not one, are refused."""
    if isinstance(roster, Roster):
        records: Sequence[Mapping[str, Any]] = roster.df[COLUMNS].to_dict("records")
    else:
        records = roster
    out = []
    for i, rec in enumerate(records):
        row = json_safe({c: rec.get(c) for c in COLUMNS})
        for c in ("staff", "date", "shift"):
            if row[c] in (None, ""):
                raise StoreError(f"rows[{i}].{c}", f"blank {c}: every row is one shift worked")
        try:
            row["date"] = dt.date.fromisoformat(str(row["date"])[:10]).isoformat()
        except ValueError:
            raise StoreError(f"rows[{i}].date", f"not a date: {row['date']!r}") from None
        out.append({c: None if row[c] is None else str(row[c]) for c in COLUMNS})
    return out


def to_roster(rows: Sequence[Mapping[str, Any]]) -> Roster:
    """A ``Roster`` from stored rows (dates as ``datetime.date``)."""
    records = [
        (r["staff"], dt.date.fromisoformat(r["date"]), r["shift"], r.get("role")) for r in rows
    ]
    return Roster(pd.DataFrame(records, columns=COLUMNS))


def table_rows(table: pd.DataFrame | Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """A table (e.g. a repair's changes) as JSON rows."""
    records = table.to_dict("records") if isinstance(table, pd.DataFrame) else table
    return [json_safe(dict(r)) for r in records]


# -- the store ---------------------------------------------------------------
class Store:
    """The web app's database: see the module's docstring. Open one with
    ``open_store``; ``close`` (or a ``with`` block) releases it."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._reads = sessionmaker(engine, expire_on_commit=False)
        self._writes = sessionmaker(
            engine.execution_options(**{WRITE: True}), expire_on_commit=False
        )

    def close(self) -> None:
        """Release the database's connections."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads, in one transaction (a consistent view)."""
        with self._reads.begin() as session:
            yield session

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """A session whose writes commit together at the end of the block,
        or not at all if it raises."""
        with self._writes.begin() as session:
            yield session

    def _retrying(self, write: Callable[[Session], T]) -> T:
        """``write`` in a transaction, again if a unique number it chose was
        taken by a concurrent writer (PostgreSQL; SQLite writes one at a time)."""
        for attempt in range(_ATTEMPTS):
            try:
                with self.writing() as session:
                    return write(session)
            except IntegrityError:
                if attempt == _ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

    # -- units and scenarios ----------------------------------------------------
    def create_unit(
        self, name: str, data: Mapping[str, Any] | Scenario, note: str = "created"
    ) -> UnitInfo:
        """A new unit with ``data`` as its scenario's version 1. The data is
        validated first (``roster.load.load_scenario``): invalid data raises
        its ``ScenarioError`` and nothing is stored. A blank or taken name is
        a ``StoreError``."""
        name = " ".join(name.split())
        if not name:
            raise StoreError("name", "a unit needs a name")
        if len(name) > 200:
            raise StoreError("name", f"at most 200 characters (got {len(name)})")
        dumped = _validated(data)

        def write(session: Session) -> UnitInfo:
            if session.scalar(select(Unit.id).where(Unit.name == name)) is not None:
                raise StoreError("name", f"a unit named {name!r} exists already")
            unit = Unit(name=name, created=now())
            session.add(unit)
            session.flush()
            session.add(
                ScenarioVersion(unit_id=unit.id, version=1, created=now(), note=note, data=dumped)
            )
            return UnitInfo(unit.id, unit.name, unit.created, 1)

        try:
            return self._retrying(write)
        except IntegrityError:
            raise StoreError("name", f"a unit named {name!r} exists already") from None

    def units(self) -> list[UnitInfo]:
        """Every unit, by name, with its current version number."""
        with self.reading() as session:
            latest = (
                select(ScenarioVersion.unit_id, func.max(ScenarioVersion.version).label("v"))
                .group_by(ScenarioVersion.unit_id)
                .subquery()
            )
            rows = session.execute(
                select(Unit, latest.c.v)
                .join(latest, latest.c.unit_id == Unit.id)
                .order_by(Unit.name)
            ).all()
            return [UnitInfo(u.id, u.name, u.created, v) for u, v in rows]

    def unit(self, unit_id: int) -> UnitInfo:
        """One unit (``NotFound`` if there is none with that id)."""
        with self.reading() as session:
            unit = _unit(session, unit_id)
            return UnitInfo(unit.id, unit.name, unit.created, _current(session, unit_id).version)

    def add_version(
        self, unit_id: int, data: Mapping[str, Any] | Scenario, note: str = ""
    ) -> ScenarioInfo:
        """A new version of the unit's scenario, which becomes its current
        one; earlier versions stay as they were. Validated first, as in
        ``create_unit``."""
        dumped = _validated(data)

        def write(session: Session) -> ScenarioInfo:
            _unit(session, unit_id)
            return _scenario_info(_new_version(session, unit_id, dumped, note))

        return self._retrying(write)

    def scenario(self, unit_id: int, version: int | None = None) -> ScenarioInfo:
        """The unit's current scenario version, or version number ``version``."""
        with self.reading() as session:
            _unit(session, unit_id)
            return _scenario_info(_version(session, unit_id, version))

    def version_by_id(self, version_id: int) -> ScenarioInfo:
        """A scenario version by its own id (what rosters, runs and published
        versions refer to)."""
        with self.reading() as session:
            found = session.get(ScenarioVersion, version_id)
            if found is None:
                raise NotFound("version", f"no scenario version with id {version_id}")
            return _scenario_info(found)

    def version_numbers(self, unit_id: int) -> dict[int, int]:
        """The unit's scenario versions' numbers by their ids, without their data."""
        with self.reading() as session:
            _unit(session, unit_id)
            rows = session.execute(
                select(ScenarioVersion.id, ScenarioVersion.version).where(
                    ScenarioVersion.unit_id == unit_id
                )
            )
            return {row.id: row.version for row in rows}

    def versions(self, unit_id: int) -> list[ScenarioInfo]:
        """Every scenario version of the unit, oldest first."""
        with self.reading() as session:
            _unit(session, unit_id)
            found = session.scalars(
                select(ScenarioVersion)
                .where(ScenarioVersion.unit_id == unit_id)
                .order_by(ScenarioVersion.version)
            )
            return [_scenario_info(v) for v in found]

    # -- runs ---------------------------------------------------------------------
    def create_run(
        self,
        unit_id: int,
        params: Mapping[str, Any] | None = None,
        version: int | None = None,
        *,
        kind: str = "solve",
    ) -> RunInfo:
        """A queued run of the unit's current scenario version (or version
        number ``version``) with parameters ``params`` (as JSON): a solve, or
        (``kind`` whatif) a what-if whose params say what to vary."""
        _known_kind("run", kind, RUN_KINDS)
        with self.writing() as session:
            _unit(session, unit_id)
            scenario = _version(session, unit_id, version)
            run = Run(
                unit_id=unit_id,
                scenario_version_id=scenario.id,
                kind=kind,
                params=json_safe(dict(params or {})),
                state="queued",
                created=now(),
                log="",
            )
            session.add(run)
            session.flush()
            return _run_info(session, run)

    def queued(self) -> list[int]:
        """The queue: every queued run of every unit, in the order they were
        made (the first starts next)."""
        with self.reading() as session:
            return list(
                session.scalars(select(Run.id).where(Run.state == "queued").order_by(Run.id))
            )

    def start_run(self, run_id: int) -> RunInfo:
        """Mark a queued run as running (it leaves the queue)."""
        with self.writing() as session:
            run = _run(session, run_id, ("queued",))
            run.state, run.started = "running", now()
            session.flush()
            return _run_info(session, run)

    def record_progress(
        self,
        run_id: int,
        line: str | None = None,
        *,
        objective: float | None = None,
        best_bound: float | None = None,
        gap: float | None = None,
    ) -> None:
        """A running (or queued) run's progress: ``line`` appended to its log,
        and the best objective, bound and gap so far where given. A run that
        has ended (e.g. marked interrupted) refuses it with a ``StoreError``,
        so that a worker learns it should stop."""
        values: dict[str, Any] = {}
        if line is not None:
            values["log"] = Run.log + line.rstrip("\n") + "\n"
        for key, value in (("objective", objective), ("best_bound", best_bound), ("gap", gap)):
            if value is not None:
                values[key] = float(value)
        with self.writing() as session:
            if not values:
                _run(session, run_id, LIVE_STATES)
                return
            done = session.execute(
                update(Run)
                .where(Run.id == run_id, Run.state.in_(LIVE_STATES))
                .values(**values)
                .execution_options(synchronize_session=False)
            )
            if done.rowcount == 0:  # type: ignore[attr-defined]
                _run(session, run_id, LIVE_STATES)  # raises: unknown or ended

    def finish_run(self, run_id: int, result: Result, scenario: Scenario | None = None) -> RunInfo:
        """A run's result, in one transaction: its status, objective, bound,
        gap and summary, and its roster (if it found one) with the summary
        as a new roster of kind ``solve``. ``scenario`` is the run's scenario
        if the caller has it (else it is validated again from the store).
        A stopped solve that kept its best roster finishes the same way."""
        with self.writing() as session:
            run = _run(session, run_id, LIVE_STATES)
            if scenario is None:
                scenario = load_scenario(
                    dict(session.get_one(ScenarioVersion, run.scenario_version_id).data)
                )
            summary = json_safe(summarise(result, scenario))
            run.state, run.finished = "finished", now()
            run.status = result.status.value
            run.objective, run.best_bound, run.gap = result.objective, result.best_bound, result.gap
            run.summary = summary
            if result.roster is not None:
                session.add(
                    RosterRecord(
                        unit_id=run.unit_id,
                        scenario_version_id=run.scenario_version_id,
                        run_id=run.id,
                        kind="solve",
                        created=now(),
                        rows=roster_rows(result.roster),
                        summary=summary,
                    )
                )
            session.flush()
            return _run_info(session, run)

    def cancel_run(self, run_id: int, error: str) -> RunInfo:
        """A queued run that will never start (Stop while it waited): failed
        with ``error``, no roster. A run that has started meanwhile is a
        ``StoreError``: stop it instead."""
        with self.writing() as session:
            run = _run(session, run_id, ("queued",))
            run.state, run.finished, run.error = "failed", now(), error
            session.flush()
            return _run_info(session, run)

    def record_variant(self, run_id: int, row: Mapping[str, Any], line: str) -> int:
        """A running what-if's variant solved, in one transaction: its row of
        the what-if table and ``line`` appended to the log. Returns how many
        variants the run has solved. A run that has ended refuses it."""
        with self.writing() as session:
            run = _run(session, run_id, ("running",))
            if run.kind != "whatif":
                raise StoreError("run", f"run {run_id} is a {run.kind}, not a what-if")
            done = session.scalar(
                select(func.count(VariantResult.id)).where(VariantResult.run_id == run_id)
            )
            cleaned = json_safe(dict(row))
            session.add(
                VariantResult(
                    run_id=run_id,
                    position=(done or 0) + 1,
                    variant=str(cleaned.get("variant", "")),
                    created=now(),
                    row=cleaned,
                )
            )
            run.log = run.log + line.rstrip("\n") + "\n"
            return (done or 0) + 1

    def variants(self, run_id: int) -> list[dict[str, Any]]:
        """A what-if run's rows, one per variant solved, in the order they
        finished."""
        with self.reading() as session:
            _run(session, run_id)
            found = session.scalars(
                select(VariantResult.row)
                .where(VariantResult.run_id == run_id)
                .order_by(VariantResult.position)
            )
            return [dict(r) for r in found]

    def finish_whatif(self, run_id: int, summary: Mapping[str, Any], line: str) -> RunInfo:
        """A what-if run that ended with its variants solved (all, or those
        before a Stop): ``summary`` (e.g. the fewest staff needed) and
        ``line`` saying how it ended."""
        with self.writing() as session:
            run = _run(session, run_id, ("running",))
            run.state, run.finished = "finished", now()
            run.summary = json_safe(dict(summary))
            run.log = run.log + line.rstrip("\n") + "\n"
            session.flush()
            return _run_info(session, run)

    def fail_run(self, run_id: int, error: str) -> RunInfo:
        """A run that ended in an error (``error``: what to show)."""
        with self.writing() as session:
            run = _run(session, run_id, LIVE_STATES)
            run.state, run.finished, run.error = "failed", now(), error
            session.flush()
            return _run_info(session, run)

    def mark_interrupted(
        self, error: str = INTERRUPTED, run_ids: Sequence[int] | None = None
    ) -> list[int]:
        """Every run still queued or running becomes ``interrupted``: call it
        once as the server starts, before it starts any solve, so that runs
        a killed server left behind say so. ``run_ids``: only those of these
        runs (a server stopping marks its own). Returns their ids."""
        live = select(Run.id).where(Run.state.in_(LIVE_STATES))
        if run_ids is not None:
            live = live.where(Run.id.in_(list(run_ids)))
        with self.writing() as session:
            ids = list(session.scalars(live.order_by(Run.id)))
            if ids:
                session.execute(
                    update(Run)
                    .where(Run.id.in_(ids))
                    .values(state="interrupted", finished=now(), error=error)
                    .execution_options(synchronize_session=False)
                )
            return ids

    def run(self, run_id: int) -> RunInfo:
        """One run."""
        with self.reading() as session:
            return _run_info(session, _run(session, run_id))

    def runs(self, unit_id: int, kind: str = "solve") -> list[RunInfo]:
        """The unit's runs of ``kind`` (solve or whatif), newest first."""
        with self.reading() as session:
            _unit(session, unit_id)
            found = session.scalars(
                select(Run).where(Run.unit_id == unit_id, Run.kind == kind).order_by(Run.id.desc())
            )
            return [_run_info(session, r) for r in found]

    # -- rosters and changes -----------------------------------------------------
    def save_roster(
        self,
        unit_id: int,
        roster: Roster | Sequence[Mapping[str, Any]],
        *,
        kind: str = "import",
        summary: Mapping[str, Any] | None = None,
        version: int | None = None,
    ) -> RosterInfo:
        """A roster made outside a run (e.g. imported), for the unit's current
        scenario version or version number ``version``."""
        _known_kind("roster", kind, ROSTER_KINDS)
        rows = roster_rows(roster)
        with self.writing() as session:
            _unit(session, unit_id)
            scenario = _version(session, unit_id, version)
            record = RosterRecord(
                unit_id=unit_id,
                scenario_version_id=scenario.id,
                kind=kind,
                created=now(),
                rows=rows,
                summary=json_safe(dict(summary or {})),
            )
            session.add(record)
            session.flush()
            return _roster_info(record)

    def roster(self, roster_id: int) -> RosterInfo:
        """One roster."""
        with self.reading() as session:
            return _roster_info(_roster(session, roster_id))

    def latest_roster(self, unit_id: int) -> RosterInfo | None:
        """The unit's newest roster (solved, imported or changed), if any."""
        with self.reading() as session:
            _unit(session, unit_id)
            found = session.scalar(
                select(RosterRecord)
                .where(RosterRecord.unit_id == unit_id)
                .order_by(RosterRecord.id.desc())
                .limit(1)
            )
            return None if found is None else _roster_info(found)

    def rosters(
        self, unit_id: int, *, parent_id: int | None = None, limit: int | None = None
    ) -> list[RosterInfo]:
        """The unit's rosters, newest first: only those changed from roster
        ``parent_id`` when given, at most ``limit`` of them."""
        with self.reading() as session:
            _unit(session, unit_id)
            query = select(RosterRecord).where(RosterRecord.unit_id == unit_id)
            if parent_id is not None:
                query = query.where(RosterRecord.parent_id == parent_id)
            found = session.scalars(query.order_by(RosterRecord.id.desc()).limit(limit))
            return [_roster_info(r) for r in found]

    def record_change(
        self,
        roster_id: int,
        changed: Roster | Sequence[Mapping[str, Any]],
        changes: pd.DataFrame | Sequence[Mapping[str, Any]],
        *,
        kind: str = "edit",
        reason: str = "",
        summary: Mapping[str, Any] | None = None,
        version: int | None = None,
        scenario: Mapping[str, Any] | Scenario | None = None,
    ) -> ChangeInfo:
        """An edit or repair of roster ``roster_id``, in one transaction: the
        roster it made (``changed``, a new roster whose parent is the old;
        the old stays as it was) and the changes table (staff, date, before,
        after, reason). The new roster is for the old roster's scenario
        version; or version number ``version``; or, with ``scenario`` (a
        repair's added leave), for a new version of the unit's scenario made
        in the same transaction (noted with ``reason``), so that a failure
        leaves neither."""
        _known_kind("change", kind, CHANGE_KINDS)
        if version is not None and scenario is not None:
            raise StoreError("scenario", "give a scenario version or a new scenario, not both")
        rows, table = roster_rows(changed), table_rows(changes)
        dumped = None if scenario is None else _validated(scenario)

        def write(session: Session) -> ChangeInfo:
            before = _roster(session, roster_id)
            if dumped is not None:
                scenario_id = _new_version(session, before.unit_id, dumped, reason).id
            elif version is not None:
                scenario_id = _version(session, before.unit_id, version).id
            else:
                scenario_id = before.scenario_version_id
            after = RosterRecord(
                unit_id=before.unit_id,
                scenario_version_id=scenario_id,
                parent_id=before.id,
                kind=kind,
                created=now(),
                rows=rows,
                summary=json_safe(dict(summary or {})),
            )
            session.add(after)
            session.flush()
            change = Change(
                unit_id=before.unit_id,
                roster_id=before.id,
                result_id=after.id,
                kind=kind,
                reason=reason,
                created=now(),
                rows=table,
            )
            session.add(change)
            session.flush()
            return _change_info(change)

        return self._retrying(write)

    def change_making(self, roster_id: int) -> ChangeInfo | None:
        """The edit or repair that made roster ``roster_id``, if one did."""
        with self.reading() as session:
            found = session.scalar(select(Change).where(Change.result_id == roster_id))
            return None if found is None else _change_info(found)

    def changes(self, unit_id: int) -> list[ChangeInfo]:
        """The unit's edits and repairs, newest first."""
        with self.reading() as session:
            _unit(session, unit_id)
            found = session.scalars(
                select(Change).where(Change.unit_id == unit_id).order_by(Change.id.desc())
            )
            return [_change_info(c) for c in found]

    # -- published versions --------------------------------------------------------
    def publish(self, roster_id: int, note: str = "") -> PublishedInfo:
        """Publish roster ``roster_id`` as the unit's next published version
        (1, 2, ...): a copy of its rows that is never changed nor deleted."""

        def write(session: Session) -> PublishedInfo:
            roster = _roster(session, roster_id)
            last = session.scalar(
                select(func.max(Published.number)).where(Published.unit_id == roster.unit_id)
            )
            published = Published(
                unit_id=roster.unit_id,
                number=(last or 0) + 1,
                published_at=now(),
                roster_id=roster.id,
                scenario_version_id=roster.scenario_version_id,
                note=note,
                rows=list(roster.rows),
            )
            session.add(published)
            session.flush()
            return _published_info(published)

        return self._retrying(write)

    def latest_published(self, unit_id: int) -> PublishedInfo | None:
        """The unit's newest published version, if any."""
        with self.reading() as session:
            _unit(session, unit_id)
            found = session.scalar(
                select(Published)
                .where(Published.unit_id == unit_id)
                .order_by(Published.number.desc())
                .limit(1)
            )
            return None if found is None else _published_info(found)

    def published(
        self, unit_id: int, number: int | None = None, *, roster_id: int | None = None
    ) -> list[PublishedInfo]:
        """The unit's published versions, oldest first (or only ``number``;
        or only those of roster ``roster_id``)."""
        with self.reading() as session:
            _unit(session, unit_id)
            query = select(Published).where(Published.unit_id == unit_id)
            if number is not None:
                query = query.where(Published.number == number)
            if roster_id is not None:
                query = query.where(Published.roster_id == roster_id)
            found = [_published_info(p) for p in session.scalars(query.order_by(Published.number))]
            if number is not None and not found:
                raise NotFound("number", f"unit {unit_id} has no published version {number}")
            return found


def open_store(url: str | None = None, *, migrate: bool = True, **engine_kwargs: Any) -> Store:
    """The store at ``url`` (any SQLAlchemy URL; default: the SQLite file in
    the user's data directory, its folder created), its schema upgraded to
    the newest migration unless ``migrate`` is false. The server should then
    call ``mark_interrupted`` once, before it starts solving."""
    engine = make_engine(url, **engine_kwargs)
    try:
        if migrate:
            upgrade(engine)
    except BaseException:
        engine.dispose()
        raise
    return Store(engine)


# -- helpers ---------------------------------------------------------------------
def _new_version(
    session: Session, unit_id: int, dumped: dict[str, Any], note: str
) -> ScenarioVersion:
    """The unit's next scenario version, holding ``dumped`` (``_validated``)."""
    number = _current(session, unit_id).version + 1
    version = ScenarioVersion(
        unit_id=unit_id, version=number, created=now(), note=note, data=dumped
    )
    session.add(version)
    session.flush()
    return version


def _validated(data: Mapping[str, Any] | Scenario) -> dict[str, Any]:
    """Scenario data as stored: validated, then dumped by alias without nulls."""
    scenario = data if isinstance(data, Scenario) else load_scenario(dict(data))
    dumped: dict[str, Any] = scenario.model_dump(mode="json", by_alias=True, exclude_none=True)
    return dumped


def _unit(session: Session, unit_id: int) -> Unit:
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise NotFound("unit", f"no unit {unit_id}")
    return unit


def _known_kind(what: str, kind: str, allowed: Sequence[str]) -> None:
    """A StoreError unless ``kind`` is one of the ``allowed`` kinds of ``what``."""
    if kind not in allowed:
        raise StoreError("kind", f"unknown {what} kind {kind!r}; allowed: {', '.join(allowed)}")


def _current(session: Session, unit_id: int) -> ScenarioVersion:
    found = session.scalar(
        select(ScenarioVersion)
        .where(ScenarioVersion.unit_id == unit_id)
        .order_by(ScenarioVersion.version.desc())
        .limit(1)
    )
    if found is None:
        raise NotFound("unit", f"unit {unit_id} has no scenario")
    return found


def _version(session: Session, unit_id: int, version: int | None) -> ScenarioVersion:
    """Scenario version number ``version`` of the unit; its current one for None."""
    if version is None:
        return _current(session, unit_id)
    found = session.scalar(
        select(ScenarioVersion).where(
            ScenarioVersion.unit_id == unit_id, ScenarioVersion.version == version
        )
    )
    if found is None:
        raise NotFound("version", f"unit {unit_id} has no scenario version {version}")
    return found


def _run(session: Session, run_id: int, states: Sequence[str] | None = None) -> Run:
    run = session.get(Run, run_id)
    if run is None:
        raise NotFound("run", f"no run {run_id}")
    if states is not None and run.state not in states:
        raise StoreError("run", f"run {run_id} is {run.state}, not {' or '.join(states)}")
    return run


def _roster(session: Session, roster_id: int) -> RosterRecord:
    roster = session.get(RosterRecord, roster_id)
    if roster is None:
        raise NotFound("roster", f"no roster {roster_id}")
    return roster


def _scenario_info(v: ScenarioVersion) -> ScenarioInfo:
    return ScenarioInfo(v.id, v.unit_id, v.version, v.created, v.note, v.data)


def _run_info(session: Session, r: Run) -> RunInfo:
    roster_id = session.scalar(select(RosterRecord.id).where(RosterRecord.run_id == r.id))
    version = session.get_one(ScenarioVersion, r.scenario_version_id).version
    position = None
    if r.state == "queued":
        position = session.scalar(
            select(func.count()).select_from(Run).where(Run.state == "queued", Run.id <= r.id)
        )
    return RunInfo(
        id=r.id,
        unit_id=r.unit_id,
        scenario_version_id=r.scenario_version_id,
        version=version,
        kind=r.kind,
        params=r.params,
        state=r.state,
        status=r.status,
        objective=r.objective,
        best_bound=r.best_bound,
        gap=r.gap,
        created=r.created,
        started=r.started,
        finished=r.finished,
        log=r.log,
        error=r.error,
        summary=r.summary,
        roster_id=roster_id,
        queue_position=position,
    )


def _roster_info(r: RosterRecord) -> RosterInfo:
    return RosterInfo(
        r.id, r.unit_id, r.scenario_version_id, r.run_id, r.parent_id, r.kind, r.created,
        r.rows, r.summary,
    )  # fmt: skip


def _published_info(p: Published) -> PublishedInfo:
    return PublishedInfo(
        p.id, p.unit_id, p.number, p.published_at, p.roster_id, p.scenario_version_id, p.note,
        p.rows,
    )  # fmt: skip


def _change_info(c: Change) -> ChangeInfo:
    return ChangeInfo(
        c.id, c.unit_id, c.roster_id, c.result_id, c.kind, c.reason, c.created, c.rows
    )

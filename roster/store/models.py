"""The store's tables, as SQLAlchemy 2 typed declarative models.

A unit (ward or team) has scenario versions (never rewritten: an edit adds
a version), runs of a version (a solve, or a what-if with one result row
per variant solved), rosters (a solve's, an import's, or an
edit or repair of another roster), the changes that led from one roster to
the next, and published versions (immutable: never updated nor deleted, by
the API, by the ORM and by a database trigger). JSON columns are
``sqlalchemy.JSON``, so the same models serve SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from sqlalchemy.types import TypeDecorator

#: what a run does: solve the scenario, or solve what-if variants of it
RUN_KINDS = ("solve", "whatif")
#: a run waits, solves, then ends one of three ways
RUN_STATES = ("queued", "running", "finished", "failed", "interrupted")
#: runs not yet ended: those a killed server leaves behind
LIVE_STATES = ("queued", "running")
#: how a finished solve ended (``roster.result.SolveStatus``)
SOLVE_STATUSES = ("OPTIMAL", "FEASIBLE", "INFEASIBLE", "UNKNOWN")
#: where a roster came from
ROSTER_KINDS = ("solve", "import", "edit", "repair")
#: what a change is
CHANGE_KINDS = ("edit", "repair")


def _quoted(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A moment in UTC, returned timezone-aware from every database (SQLite
    keeps no time zone: it stores the UTC clock and reads it back as UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("a naive datetime cannot be stored: give it a time zone")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def now() -> dt.datetime:
    """The current moment, in UTC."""
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    """The store's declarative base: constraint names follow one convention,
    so that migrations (and SQLite's batch mode) can name them."""

    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )
    type_annotation_map = {dt.datetime: UTCDateTime, dict[str, Any]: JSON, list[Any]: JSON}


class Unit(Base):
    """A ward or team: its name, unique in the store."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created: Mapped[dt.datetime] = mapped_column(default=now)


class ScenarioVersion(Base):
    """One version of a unit's scenario: validated scenario data (the
    scenario's JSON dump, by alias, without nulls). The unit's current
    scenario is its highest version; a version is never rewritten."""

    __tablename__ = "scenario_versions"
    __table_args__ = (UniqueConstraint("unit_id", "version", name="uq_scenario_versions_unit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    created: Mapped[dt.datetime] = mapped_column(default=now)
    note: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column()


class Run(Base):
    """A solve of one scenario version (``kind`` solve) or of variants of it
    (``kind`` whatif, its results in ``VariantResult``): its parameters,
    its state (queued, running, then finished, failed or interrupted), and
    once a solve finished how it ended (``status``: OPTIMAL, FEASIBLE,
    INFEASIBLE, UNKNOWN) with objective, bound and gap and the summary (an
    infeasible run's explanation included); the progress log and any error."""

    __tablename__ = "runs"
    __table_args__ = (
        CheckConstraint(f"state IN ({_quoted(RUN_STATES)})", name="state"),
        CheckConstraint(f"status IS NULL OR status IN ({_quoted(SOLVE_STATUSES)})", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    scenario_version_id: Mapped[int] = mapped_column(ForeignKey("scenario_versions.id"))
    kind: Mapped[str] = mapped_column(String(12), default="solve", server_default="solve")
    params: Mapped[dict[str, Any]] = mapped_column()
    state: Mapped[str] = mapped_column(String(12), default="queued", index=True)
    status: Mapped[str | None] = mapped_column(String(12))
    objective: Mapped[float | None] = mapped_column(Float)
    best_bound: Mapped[float | None] = mapped_column(Float)
    gap: Mapped[float | None] = mapped_column(Float)
    created: Mapped[dt.datetime] = mapped_column(default=now)
    started: Mapped[dt.datetime | None] = mapped_column()
    finished: Mapped[dt.datetime | None] = mapped_column()
    log: Mapped[str] = mapped_column(Text, default="")
    error: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[dict[str, Any] | None] = mapped_column()


class RosterRecord(Base):
    """A roster of a unit: tidy rows (staff, date, shift, role) and the
    summary (``roster.tables.summary``). Made by a run, an import, or an
    edit or repair of ``parent``; never rewritten (a change makes a new one)."""

    __tablename__ = "rosters"
    __table_args__ = (CheckConstraint(f"kind IN ({_quoted(ROSTER_KINDS)})", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    scenario_version_id: Mapped[int] = mapped_column(ForeignKey("scenario_versions.id"))
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("rosters.id"))
    kind: Mapped[str] = mapped_column(String(12))
    created: Mapped[dt.datetime] = mapped_column(default=now)
    rows: Mapped[list[Any]] = mapped_column()
    summary: Mapped[dict[str, Any]] = mapped_column()


class Published(Base):
    """A published version of a unit's roster, numbered 1, 2, ... per unit:
    the rows as published. Immutable: never updated nor deleted."""

    __tablename__ = "published"
    __table_args__ = (UniqueConstraint("unit_id", "number", name="uq_published_unit"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    published_at: Mapped[dt.datetime] = mapped_column(default=now)
    roster_id: Mapped[int] = mapped_column(ForeignKey("rosters.id"))
    scenario_version_id: Mapped[int] = mapped_column(ForeignKey("scenario_versions.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    rows: Mapped[list[Any]] = mapped_column()


class Change(Base):
    """An edit or a repair: the roster it was made to (``roster_id``), the
    roster it made (``result_id``), and the changes table's rows (staff,
    date, before, after, reason), with why it was made."""

    __tablename__ = "changes"
    __table_args__ = (CheckConstraint(f"kind IN ({_quoted(CHANGE_KINDS)})", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    roster_id: Mapped[int] = mapped_column(ForeignKey("rosters.id"))
    result_id: Mapped[int] = mapped_column(ForeignKey("rosters.id"), unique=True)
    kind: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str] = mapped_column(Text, default="")
    created: Mapped[dt.datetime] = mapped_column(default=now)
    rows: Mapped[list[Any]] = mapped_column()


class VariantResult(Base):
    """One solved variant of a what-if run: its row of the what-if table
    (``roster.whatif.run``'s columns), numbered in the order it finished.
    Written once, as the variant finishes, so a stopped or interrupted run
    keeps the variants it solved."""

    __tablename__ = "variant_results"
    __table_args__ = (UniqueConstraint("run_id", "position", name="uq_variant_results_run"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    variant: Mapped[str] = mapped_column(Text)
    created: Mapped[dt.datetime] = mapped_column(default=now)
    row: Mapped[dict[str, Any]] = mapped_column()


class ImmutableError(Exception):
    """An attempt to change or delete what is never changed: a published
    version, or a scenario version."""


#: what the ORM refuses to flush: (class, updates refused, deletes refused)
_IMMUTABLE: tuple[tuple[type[Base], bool, bool], ...] = (
    (Published, True, True),
    (ScenarioVersion, True, False),
)


@event.listens_for(Session, "before_flush")
def _refuse_changes(session: Session, context: object, instances: object) -> None:
    for cls, updates, deletes in _IMMUTABLE:
        if updates and any(isinstance(o, cls) and session.is_modified(o) for o in session.dirty):
            raise ImmutableError(f"{cls.__tablename__} rows are never changed")
        if deletes and any(isinstance(o, cls) for o in session.deleted):
            raise ImmutableError(f"{cls.__tablename__} rows are never deleted")

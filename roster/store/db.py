"""Where the store lives and how its database is opened and migrated.

The default database is an SQLite file in the user's data directory
(``$XDG_DATA_HOME/roster/roster.db``, else ``~/.local/share/roster/roster.db``);
any SQLAlchemy URL may be given instead, e.g. ``postgresql+psycopg://...`` for
a shared deployment. SQLite runs with write-ahead logging, foreign keys on and
a busy timeout; a write transaction takes the write lock when it begins, so
two writers wait for each other rather than fail half-way.

The schema is migrated with Alembic, whose scripts ship inside the package
(``roster/store/migrations``): ``upgrade`` needs no ``alembic.ini``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, make_url, text

#: the Alembic scripts, inside the package
MIGRATIONS = Path(__file__).parent / "migrations"
#: execution option marking a connection that will write (SQLite: BEGIN IMMEDIATE)
WRITE = "roster_write"
#: milliseconds an SQLite connection waits for another's write lock
BUSY_MS = 30_000
#: a PostgreSQL advisory lock key: one migration at a time
_MIGRATION_LOCK = 0x726F73746572


def default_path() -> Path:
    """The default database file: ``$XDG_DATA_HOME/roster/roster.db``, or
    ``~/.local/share/roster/roster.db`` when XDG_DATA_HOME is unset."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "roster" / "roster.db"


def database_url(url: str | None = None) -> str:
    """``url``, or the default SQLite file's URL; for an SQLite file, its
    folder is created."""
    if url is None:
        url = f"sqlite:///{default_path()}"
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    return url


def make_engine(url: str | None = None, **kwargs: Any) -> Engine:
    """An engine for ``url`` (default: the SQLite file), set up as the store
    needs it (see the module's docstring)."""
    engine = create_engine(database_url(url), **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_connect(dbapi_connection: Any, record: object) -> None:
    # the driver's own transaction handling is off: _sqlite_begin begins them,
    # so that a write takes the lock at once and DDL is transactional too
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    write = conn.get_execution_options().get(WRITE, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def alembic_config(connection: Connection | None = None, url: str | None = None) -> Config:
    """Alembic's configuration for the store's scripts, with no ini file:
    migrating on ``connection`` if given, else on ``url``."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("path_separator", "os")
    if url is not None:
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.attributes["connection"] = connection
    return cfg


def head() -> str:
    """The newest migration's revision."""
    rev = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert rev is not None
    return rev


def revision(engine: Engine) -> str | None:
    """The revision the database is at (None: never migrated)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(target: str | Engine | None = None, revision: str = "head") -> None:
    """Migrate the database (a URL, an engine, or the default file) up to
    ``revision``, in one transaction: a failed migration changes nothing,
    and two processes starting at once migrate one after the other."""
    _migrate(target, command.upgrade, revision)


def downgrade(target: str | Engine | None, revision: str) -> None:
    """Migrate the database down to ``revision`` (``base``: no tables), as
    ``upgrade`` does."""
    _migrate(target, command.downgrade, revision)


def _migrate(
    target: str | Engine | None, step: Callable[[Config, str], None], revision: str
) -> None:
    engine = target if isinstance(target, Engine) else make_engine(target)
    try:
        with engine.connect().execution_options(**{WRITE: True}) as conn, conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK})
            step(alembic_config(conn), revision)
    finally:
        if engine is not target:
            engine.dispose()

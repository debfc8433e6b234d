"""The web app's store: units, scenario versions, runs (solves and
what-ifs, with the queue they wait in), rosters, changes and published
versions in a database through SQLAlchemy 2 (SQLite by default,
PostgreSQL by URL), its schema migrated by Alembic on opening.

The engine never imports it; the web app opens it with ``open_store``::

    store = open_store()                       # ~/.local/share/roster/roster.db
    store.mark_interrupted()                   # at start-up: runs a crash left
    unit = store.create_unit("Ward 7", data)   # validated, version 1
    run = store.create_run(unit.id, {"time_limit": 60})
"""

from __future__ import annotations

from roster.store.api import (
    INTERRUPTED,
    ChangeInfo,
    NotFound,
    PublishedInfo,
    RosterInfo,
    RunInfo,
    ScenarioInfo,
    Store,
    StoreError,
    UnitInfo,
    open_store,
    roster_rows,
    to_roster,
)
from roster.store.db import (
    database_url,
    default_path,
    downgrade,
    head,
    make_engine,
    revision,
    upgrade,
)
from roster.store.models import LIVE_STATES, RUN_KINDS, RUN_STATES, ImmutableError

__all__ = [
    "INTERRUPTED",
    "LIVE_STATES",
    "RUN_KINDS",
    "RUN_STATES",
    "ChangeInfo",
    "ImmutableError",
    "NotFound",
    "PublishedInfo",
    "RosterInfo",
    "RunInfo",
    "ScenarioInfo",
    "Store",
    "StoreError",
    "UnitInfo",
    "database_url",
    "default_path",
    "downgrade",
    "head",
    "make_engine",
    "open_store",
    "revision",
    "roster_rows",
    "to_roster",
    "upgrade",
]

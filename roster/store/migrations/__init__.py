"""The store's Alembic migrations (``env.py`` and ``versions/``), run by
``roster.store.db.upgrade``."""

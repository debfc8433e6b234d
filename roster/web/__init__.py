"""The unit manager's workbench: ``roster serve``'s web app over the store
and the library. ``roster.web.app`` needs the ``web`` extra (FastAPI);
``roster.web.access`` (who may start a server where) does not."""

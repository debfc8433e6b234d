"""The app's pages and endpoints, one module per part of the workbench; each
module has a ``router`` that ``create_app`` includes."""

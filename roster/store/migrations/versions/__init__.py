"""The store's migration scripts, one per schema change, oldest first."""

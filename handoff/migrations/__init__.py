"""Alembic migrations of the hub's schema, applied by handoff.store.database.migrate at start."""

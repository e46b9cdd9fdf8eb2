"""The hub's storage: the SQLAlchemy schema, its Alembic migrations and the repository."""

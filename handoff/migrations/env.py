"""Alembic's entry point: migrates the connection handed over by handoff.store.database."""
from alembic import context

from handoff.store.schema import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run the hub's migrations through handoff.store.database.migrate")
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()

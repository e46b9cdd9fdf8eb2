"""The hub's database: an engine for any SQLAlchemy URL, brought to the newest schema."""
from __future__ import annotations

from importlib import resources
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Engine, create_engine
from sqlalchemy.pool import QueuePool

from bolt.core.private_files import private_sqlite
from handoff.store.search.sqlite_index import add_search_function

MIGRATIONS = Path(str(resources.files("handoff.migrations")))


def connect(url: str, background_checkpoints: bool = False) -> Engine:
    """`background_checkpoints`: SQLite's commits leave the WAL checkpoints to a thread that
    WalCheckpoints (handoff/store/checkpoints.py) runs; whoever asks for it starts that thread."""
    private_sqlite(url)
    if url.startswith("sqlite"):
        # SQLAlchemy 1.4 opens a new SQLite connection per session by default; closing the last
        # one checkpoints the WAL each time. The hub keeps a few open instead. They are used by
        # the writer thread and the event loop's thread in turn (one at a time, as pooled).
        engine = create_engine(url, future=True, poolclass=QueuePool, pool_size=5,
                               connect_args={"check_same_thread": False}, hide_parameters=True)
        event.listen(engine, "connect", _sqlite_pragmas)
        if background_checkpoints:
            event.listen(engine, "connect", _no_automatic_checkpoints)
        return engine
    return create_engine(url, future=True, pool_pre_ping=True, hide_parameters=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    # WAL: readers (bolt agents list) never block the hub's writes. NORMAL sync in WAL mode: a
    # commit survives the hub's process dying (a restart loses nothing); only a power cut can
    # take the last transactions back. FULL would fsync every message and cost a third of the
    # throughput (bench/hub_bench.py).
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
    # The search index's trigger analyses each stored message with it (migration 0005).
    add_search_function(dbapi_connection)


def _no_automatic_checkpoints(dbapi_connection, _record) -> None:
    dbapi_connection.execute("PRAGMA wal_autocheckpoint=0")


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


class NotTheHubsDatabase(RuntimeError):
    """The database holds another program's tables under the hub's table names."""


def migrate(engine: Engine) -> None:
    """Applies every migration the database lacks (a new database gets the whole schema)."""
    config = alembic_config()
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Several hubs starting at once: one migrates, the others wait and find it done.
            connection.execute(text("SELECT pg_advisory_xact_lock(5080)"))
        refuse_foreign_tables(connection)
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def refuse_foreign_tables(connection) -> None:
    """Rasa's tracker store also names its table `events`: one database cannot hold both."""
    tables = inspect(connection)
    if tables.has_table("events") and not tables.has_table("alembic_version"):
        columns = {column["name"] for column in tables.get_columns("events")}
        if "sender_id" in columns:
            raise NotTheHubsDatabase(
                "the hub's database already has Rasa's tracker table `events`: give the hub "
                "(BOLT_HUB_DATABASE_URL) and Rasa's tracker store (BOLT_TRACKER_STORE_URL) a "
                "database each (docs/deploy.md)")

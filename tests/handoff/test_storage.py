"""The migrations build exactly the schema of the models; `bolt agents` manages accounts."""
import io
import sqlite3
import sys
from datetime import datetime

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from bolt.cli.main import main
from handoff.services.agents import open_repository
from handoff.config import HubSettings
from handoff.services.passwords import check_password
from handoff.store.database import alembic_config, connect, migrate
from handoff.store.schema import Base
from handoff.store.search import TABLES as SEARCH_TABLES
from handoff.store.search.sqlite_index import add_search_function


def test_the_migrations_match_the_models_and_run_twice_harmlessly(hub_env):
    engine = connect(HubSettings.from_env(hub_env).database_url)
    migrate(engine)
    migrate(engine)
    # The search index's tables are the migration's own (handoff/store/search/).
    models_only = {"include_name": lambda name, kind, _parent: not (
        kind == "table" and name in SEARCH_TABLES)}
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection, opts=models_only),
                                       Base.metadata)
        tables = set(inspect(connection).get_table_names())
    assert differences == []
    expected = ({"search_index", "search_index_data"} if engine.dialect.name == "sqlite"
                else {"search_entries"})
    assert expected <= tables & SEARCH_TABLES


def test_bolt_agents_add_list_remove(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BOLT_STATE_DIR", str(tmp_path))
    monkeypatch.setenv("BOLT_TOKEN_SECRET", "t" * 40)
    monkeypatch.setenv("BOLT_SERVICE_TOKEN", "v" * 40)
    monkeypatch.setattr(sys, "stdin", io.StringIO("a good long password\n"))
    assert main(["agents", "add", "erika", "--languages", "de,en", "--capacity", "4",
                 "--supervisor", "--password-stdin", "--display-name", "Erika M."]) == 0
    assert "Added agent erika (de, en, 4 chats at once, supervisor)" in capsys.readouterr().out
    monkeypatch.setattr(sys, "stdin", io.StringIO("a good long password\n"))
    assert main(["agents", "add", "erika", "--languages", "de", "--password-stdin"]) == 1
    assert "exists already" in capsys.readouterr().err
    monkeypatch.setattr(sys, "stdin", io.StringIO("a good long password\n"))
    assert main(["agents", "add", "luigi", "--languages", "fr", "--password-stdin"]) == 1
    monkeypatch.setattr(sys, "stdin", io.StringIO("short\n"))
    assert main(["agents", "add", "luigi", "--languages", "it", "--password-stdin"]) == 1
    assert main(["agents", "list"]) == 0
    listed = capsys.readouterr().out
    assert "erika\tErika M.\tde,en\tcapacity 4\tsupervisor\toffline" in listed
    assert "luigi" not in listed
    agent = open_repository(f"sqlite:///{tmp_path.resolve()}/hub.sqlite3").agent_by_name("erika")
    assert agent.password_hash.startswith("scrypt$")
    repository = open_repository(f"sqlite:///{tmp_path.resolve()}/hub.sqlite3")
    repository.add_session(agent.id, "session-hash", datetime(2100, 1, 1))
    monkeypatch.setattr(sys, "stdin", io.StringIO("another long password\n"))
    assert main(["agents", "passwd", "erika", "--password-stdin"]) == 0
    changed = repository.agent_by_name("erika")
    assert check_password("another long password", changed.password_hash)
    assert repository.session_agent("session-hash", datetime(2026, 1, 1)) is None
    monkeypatch.setattr(sys, "stdin", io.StringIO("another long password\n"))
    assert main(["agents", "passwd", "nobody", "--password-stdin"]) == 1
    assert "nobody" in capsys.readouterr().err
    assert main(["agents", "remove", "erika"]) == 0
    assert main(["agents", "remove", "erika"]) == 1


def test_a_database_holding_rasas_trackers_is_refused_with_a_clear_error(tmp_path):
    from rasa.core.tracker_store import SQLTrackerStore

    from handoff.store.database import NotTheHubsDatabase

    SQLTrackerStore(db=str(tmp_path / "shared.db"))  # Rasa makes its tables first
    with pytest.raises(NotTheHubsDatabase, match="BOLT_TRACKER_STORE_URL"):
        migrate(connect(f"sqlite:///{tmp_path / 'shared.db'}"))


def test_a_database_of_the_first_schema_gets_sqlites_numbering_and_gives_it_back(tmp_path):
    """Migration 0002 on a database already holding chats: its events go on in turn, and
    downgrading leaves the numbering to the hub again."""
    database = tmp_path / "hub.sqlite3"
    engine = connect(f"sqlite:///{database}")

    def migrate_to(revision: str, downgrade: bool = False) -> None:
        config = alembic_config()
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            (command.downgrade if downgrade else command.upgrade)(config, revision)

    def insert(other: sqlite3.Connection, seq: int) -> None:
        other.execute("INSERT INTO events (conversation_id, seq, kind, speaker, agents_only,"
                      " created_at) VALUES ('c-1', ?, 'message', 'user', 0, '2026-12-02')", (seq,))

    migrate_to("0001")
    with sqlite3.connect(database, isolation_level=None) as other:
        add_search_function(other)  # as every connection of the hub's engine has it
        other.execute("INSERT INTO conversations (id, resume_key_hash, language, owner, escalated,"
                      " auto_escalation, breached, bot_failed, rasa_resume_pending, last_seq,"
                      " created_at)"
                      " VALUES ('c-1', 'x', 'de', 'bot', 0, 0, 0, 0, 0, 1, '2026-12-02')")
        insert(other, 1)
        migrate_to("head")
        with pytest.raises(sqlite3.IntegrityError, match="out of turn"):
            insert(other, 1)
        insert(other, 2)
        assert other.execute("SELECT last_seq FROM conversations").fetchone()[0] == 2
        migrate_to("0001", downgrade=True)
        insert(other, 7)  # the hub numbers them again: the database checks nothing
        assert other.execute("SELECT last_seq FROM conversations").fetchone()[0] == 2
        assert other.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"
                             ).fetchone()[0] == 0

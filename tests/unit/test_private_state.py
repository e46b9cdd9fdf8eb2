"""The state folder is made 0700 and every SQLite file in it 0600 (bolt/core/private_files.py):
the hub's database, Rasa's trackers, the accounts and the generated secrets; a logged database
error holds no bound parameter."""
from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from actions.accounts.directory import SqlAccountDirectory
from bolt.core.private_files import private_folder, private_sqlite, sqlite_file
from bolt.core.secrets import load_secrets
from handoff.store.database import connect, migrate


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture(autouse=True)
def lax_umask():
    """The usual umask of a shell, which leaves new files readable by everyone."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_the_generated_secrets_make_a_private_state_folder(tmp_path):
    load_secrets(tmp_path / "var", {})
    assert mode(tmp_path / "var") == 0o700
    assert mode(tmp_path / "var" / "secrets.json") == 0o600


def test_an_existing_state_folder_open_to_all_is_narrowed(tmp_path):
    state = tmp_path / "var"
    state.mkdir(mode=0o755)
    state.chmod(0o755)
    private_folder(state)
    assert mode(state) == 0o700


def test_the_hubs_database_and_its_log_files_are_private(tmp_path):
    url = f"sqlite:///{tmp_path / 'var' / 'hub.sqlite3'}"
    engine = connect(url)
    migrate(engine)
    with engine.begin() as connection:
        connection.execute(text("SELECT count(*) FROM conversations"))
        files = sorted((tmp_path / "var").iterdir())
    assert mode(tmp_path / "var") == 0o700
    assert [f.name for f in files][:1] == ["hub.sqlite3"]
    for file in files:
        assert mode(file) == 0o600, file.name
    engine.dispose()


def test_an_existing_database_open_to_all_is_narrowed(tmp_path):
    database = tmp_path / "hub.sqlite3"
    database.touch(mode=0o644)
    database.chmod(0o644)
    connect(f"sqlite:///{database}").dispose()
    assert mode(database) == 0o600


def test_the_accounts_database_is_private(tmp_path):
    directory = SqlAccountDirectory.from_url(f"sqlite:///{tmp_path / 'var' / 'accounts.sqlite3'}")
    directory.create_schema()
    assert mode(tmp_path / "var") == 0o700
    assert mode(tmp_path / "var" / "accounts.sqlite3") == 0o600


def test_rasas_tracker_database_is_private(tmp_path):
    from bot.stores.sqlite_trackers import SQLiteTrackerStore
    from tests.unit.test_tracker_store import DOMAIN

    SQLiteTrackerStore(domain=DOMAIN, db=str(tmp_path / "var" / "rasa-trackers.db"))
    assert mode(tmp_path / "var") == 0o700
    assert mode(tmp_path / "var" / "rasa-trackers.db") == 0o600


def test_only_sqlite_files_are_made(tmp_path):
    assert sqlite_file("postgresql://bolt@db/hub") is None
    assert sqlite_file("sqlite://") is None and sqlite_file("sqlite:///:memory:") is None
    private_sqlite("postgresql://bolt@db/hub")
    assert sqlite_file(f"sqlite:///{tmp_path}/a.db") == tmp_path / "a.db"


def test_a_logged_database_error_holds_no_bound_parameter(tmp_path, caplog):
    engine = connect(f"sqlite:///{tmp_path / 'hub.sqlite3'}")
    migrate(engine)
    with caplog.at_level(logging.ERROR):
        try:
            with engine.begin() as connection:
                connection.execute(text("INSERT INTO no_such_table VALUES (:secret)"),
                                   {"secret": "the user's password 0451"})
        except Exception as error:  # noqa: BLE001 - logged as the hub logs a failed store
            logging.getLogger("test").error("database unavailable", exc_info=error)
    assert "no_such_table" in caplog.text
    assert "0451" not in caplog.text
    engine.dispose()


def test_the_accounts_databases_errors_hold_no_bound_parameter(tmp_path):
    directory = SqlAccountDirectory.from_url(f"sqlite:///{tmp_path / 'accounts.sqlite3'}")
    with pytest.raises(Exception) as failed:
        with directory._engine.begin() as connection:
            connection.execute(text("INSERT INTO no_such_table VALUES (:secret)"),
                               {"secret": "erika@example.com"})
    assert "erika@example.com" not in str(failed.value)

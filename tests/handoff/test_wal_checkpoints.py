"""The hub's commits leave SQLite's WAL checkpoints to a thread of their own; the hub runs it."""
import shutil
import sqlite3
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from handoff.config import HubSettings
from handoff.store.checkpoints import WalCheckpoints
from handoff.store.database import connect

ROWS = 6000  # about 1,600 WAL pages: well over the 1,000 of SQLite's automatic checkpoint


def write_rows(engine, rows: int = ROWS) -> None:
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE IF NOT EXISTS notes (body TEXT)"))
    for start in range(0, rows, 100):  # many commits: each may take the automatic checkpoint
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO notes VALUES (:body)"),
                               [{"body": f"{number:04d}" * 250} for number in range(start, start + 100)])


def database_pages(path: Path) -> int:
    return path.stat().st_size // 4096


def test_sqlites_own_commits_checkpoint_but_not_the_hubs(tmp_path):
    default = connect(f"sqlite:///{tmp_path}/default.sqlite3")
    write_rows(default)
    assert database_pages(tmp_path / "default.sqlite3") > 500

    hubs = connect(f"sqlite:///{tmp_path}/hub.sqlite3", background_checkpoints=True)
    write_rows(hubs)
    assert database_pages(tmp_path / "hub.sqlite3") < 10  # everything is still in the WAL
    checkpoints = WalCheckpoints(hubs)
    busy, in_wal, copied = checkpoints.checkpoint()
    assert (busy, copied) == (0, in_wal) and in_wal > 500
    assert database_pages(tmp_path / "hub.sqlite3") > 500
    with hubs.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM notes")).scalar() == ROWS
    default.dispose()
    hubs.dispose()


def test_the_thread_checkpoints_while_writes_go_on_and_once_more_when_stopped(tmp_path):
    database = tmp_path / "hub.sqlite3"
    engine = connect(f"sqlite:///{database}", background_checkpoints=True)
    checkpoints = WalCheckpoints.start(engine, interval=0.05)
    write_rows(engine)
    deadline = time.monotonic() + 10
    while database_pages(database) < 500 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert database_pages(database) > 500
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM notes"))
        connection.execute(text("INSERT INTO notes VALUES ('the last word')"))
    checkpoints.stop()
    assert not checkpoints.thread.is_alive()
    # The stop's checkpoint copied the last commit into the database file: a copy of that file
    # alone, without the WAL, holds it.
    copy = tmp_path / "copy.sqlite3"
    shutil.copyfile(database, copy)
    alone = sqlite3.connect(copy)
    assert alone.execute("SELECT body FROM notes").fetchall() == [("the last word",)]
    alone.close()
    engine.dispose()


def test_no_thread_for_postgresql():
    engine = connect("postgresql://bolt@127.0.0.1:1/none")
    assert WalCheckpoints.start(engine) is None


async def test_the_hub_runs_the_thread_and_stops_it(bolt, hub_env):
    if not HubSettings.from_env(hub_env).database_url.startswith("sqlite"):
        pytest.skip("WAL checkpoints are SQLite's")
    async with bolt() as (hub, _rasa):
        checkpoints = hub.app.ctx.checkpoints
        assert checkpoints.thread.is_alive()
        with hub.app.ctx.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0
    assert not checkpoints.thread.is_alive()

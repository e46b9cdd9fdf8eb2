"""The file stores (handoff/store/files.py) on a real database: the folder beside SQLite keeps
bytes only for rows that exist (a refused file leaves none, bytes a crash left without a row go
at the next prune, but not those of an upload still between its two writes); the database store
keeps them in the row."""
import os
import time

import pytest

from handoff.store.database import connect, migrate
from handoff.store.files import DatabaseFiles, FolderFiles, TooManyFiles, file_ids_of
from handoff.store.repository import Repository
from handoff.store.schema import utcnow


@pytest.fixture
def engine(tmp_path):
    engine = connect(f"sqlite:///{tmp_path / 'hub.sqlite3'}")
    migrate(engine)
    Repository(engine).create_conversation(id="c-1", resume_key_hash="0" * 64, language="en")
    yield engine
    engine.dispose()


def record(file_id: str) -> dict:
    return {"id": file_id, "conversation_id": "c-1", "name": "a.png", "content_type": "image/png",
            "size": 3, "width": 1, "height": 1, "speaker": "user", "created_at": utcnow()}


@pytest.mark.parametrize("kind", ["folder", "database"])
def test_a_file_is_read_back_and_a_conversation_holds_at_most_its_share(engine, tmp_path, kind):
    store = FolderFiles(engine, tmp_path / "files") if kind == "folder" else DatabaseFiles(engine)
    store.save(record("f-1"), b"one", most=2)
    store.save(record("f-2"), b"two", most=2)
    with pytest.raises(TooManyFiles):
        store.save(record("f-3"), b"three", most=2)
    assert store.read("f-1").content == b"one" and store.read("f-3") is None
    with engine.connect() as connection:
        assert file_ids_of(connection, "c-1") == ["f-1", "f-2"]
    if kind == "folder":  # the refused file left no bytes behind
        assert sorted(path.name for path in (tmp_path / "files").iterdir()) == ["f-1", "f-2"]
        assert oct((tmp_path / "files").stat().st_mode & 0o777) == "0o700"
    store.remove("f-1")
    assert store.read("f-1") is None and store.read("f-2").content == b"two"


def test_prune_drops_only_old_bytes_without_a_row(engine, tmp_path):
    store = FolderFiles(engine, tmp_path / "files")
    store.save(record("f-kept"), b"kept", most=5)
    folder = tmp_path / "files"
    (folder / "f-crashed").write_bytes(b"left by a crash")
    (folder / "f-uploading").write_bytes(b"between its two writes")
    hour_ago = time.time() - 3600
    for name in ("f-kept", "f-crashed"):
        os.utime(folder / name, (hour_ago, hour_ago))
    assert store.prune() == 1
    assert sorted(path.name for path in folder.iterdir()) == ["f-kept", "f-uploading"]
    assert store.read("f-kept").content == b"kept"


def test_a_file_id_never_names_a_path_outside_the_folder(engine, tmp_path):
    store = FolderFiles(engine, tmp_path / "files")
    assert store.read("../hub.sqlite3") is None
    with pytest.raises(ValueError):
        store._path("../../etc/passwd")

"""Where the bytes of sent files are kept, behind one small interface (FileStore): a folder
under the state directory for one hub on SQLite (FolderFiles), or the hub's database, which
every hub reaches, so that any hub serves any file and a hub that dies loses none
(DatabaseFiles). Either way each file's row in `attachments` says what it is; deleting a
conversation deletes its rows (handoff/store/forgetting.py), and `prune` then drops the bytes
no row names any more.
"""
from __future__ import annotations

import os
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, Optional

from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine

from bolt.core.private_files import private_folder
from handoff.store.schema import Attachment, Ticket

ATTACHMENTS = Attachment.__table__
TICKETS = Ticket.__table__
# Bytes in the folder with no row yet are an upload between its two writes, until this old.
UNFINISHED_SECONDS = 600.0
META = ("id", "conversation_id", "name", "content_type", "size", "width", "height", "speaker",
        "created_at")


class TooManyFiles(Exception):
    """The conversation holds as many files as it may."""


@dataclass(frozen=True)
class StoredFile:
    id: str
    conversation_id: str
    name: str
    content_type: str
    size: int
    width: Optional[int]
    height: Optional[int]
    speaker: str
    content: bytes


def file_count(connection: Connection, conversation_id: str) -> int:
    return connection.execute(select(func.count()).select_from(ATTACHMENTS).where(
        ATTACHMENTS.c.conversation_id == conversation_id)).scalar_one()


def _insert(connection: Connection, record: Dict[str, Any], content: Optional[bytes],
            most: int) -> None:
    if file_count(connection, record["conversation_id"]) >= most:
        raise TooManyFiles(record["conversation_id"])
    connection.execute(ATTACHMENTS.insert().values(**record, content=content))


def file_record(connection: Connection, file_id: str, with_content: bool = False
                ) -> Optional[Any]:
    """The file's row (its bytes too, `with_content`), or None."""
    columns = [ATTACHMENTS.c[name] for name in META]
    if with_content:
        columns.append(ATTACHMENTS.c.content)
    return connection.execute(select(*columns).where(ATTACHMENTS.c.id == file_id)).first()


Write = Callable[[Callable[[], None]], None]


def _now(work: Callable[[], None]) -> None:
    work()


def file_ids_of(connection: Connection, conversation_id: str) -> "list[str]":
    """The ids of the conversation's files, oldest first."""
    return list(connection.execute(
        select(ATTACHMENTS.c.id).where(ATTACHMENTS.c.conversation_id == conversation_id)
        .order_by(ATTACHMENTS.c.created_at, ATTACHMENTS.c.id)).scalars())


def ticket_of(connection: Connection, conversation_id: str) -> Optional[Dict[str, Any]]:
    """The conversation's web ticket as agents filter tickets (language, conversation), or
    None."""
    row = connection.execute(select(TICKETS.c.language, TICKETS.c.conversation_id).where(
        TICKETS.c.conversation_id == conversation_id)).first()
    return None if row is None else {"language": row.language,
                                     "conversation_id": row.conversation_id}


class FileStore(ABC):
    """Keeps, reads and drops files; off the event loop (each call reads or writes)."""

    kind: str

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @abstractmethod
    def save(self, record: Dict[str, Any], content: bytes, most: int,
             write: Write = _now) -> None:
        """Keeps the file and its row (TooManyFiles when the conversation holds `most`); the
        row's transaction runs through `write` (the database writer's turn, on SQLite)."""

    def remove(self, file_id: str, write: Write = _now) -> None:
        """Deletes one file and its row (an upload whose event was not stored)."""
        def delete_row() -> None:
            with self.engine.begin() as connection:
                connection.execute(ATTACHMENTS.delete().where(ATTACHMENTS.c.id == file_id))
        write(delete_row)
        self.drop([file_id])

    @abstractmethod
    def read(self, file_id: str) -> Optional[StoredFile]:
        """The file with its bytes, or None."""

    def prune(self) -> int:
        """Drops bytes whose row is gone; how many files went."""
        return 0

    def drop(self, file_ids: Iterable[str]) -> None:
        """Drops the bytes of files whose rows were just deleted (in the database, they went
        with the rows)."""


class DatabaseFiles(FileStore):
    kind = "database"

    def save(self, record: Dict[str, Any], content: bytes, most: int,
             write: Write = _now) -> None:
        def insert() -> None:
            with self.engine.begin() as connection:
                _insert(connection, record, content, most)
        write(insert)

    def read(self, file_id: str) -> Optional[StoredFile]:
        with self.engine.connect() as connection:
            row = file_record(connection, file_id, with_content=True)
        if row is None or row.content is None:
            return None
        return StoredFile(**{name: getattr(row, name) for name in META if name != "created_at"},
                          content=bytes(row.content))


class FolderFiles(FileStore):
    kind = "folder"

    def __init__(self, engine: Engine, folder: Path) -> None:
        super().__init__(engine)
        self.folder = Path(folder)

    def _path(self, file_id: str) -> Path:
        # File ids are the hub's own (letters, digits and "-"), never a name a client chose.
        if not file_id.replace("-", "").isalnum():
            raise ValueError("not a file id")
        return self.folder / file_id

    def save(self, record: Dict[str, Any], content: bytes, most: int,
             write: Write = _now) -> None:
        private_folder(self.folder)
        path = self._path(record["id"])
        partial = path.with_name(path.name + ".partial")
        with open(partial, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, path)
        def insert() -> None:
            with self.engine.begin() as connection:
                _insert(connection, record, None, most)
        try:
            write(insert)
        except BaseException:
            path.unlink(missing_ok=True)
            raise

    def read(self, file_id: str) -> Optional[StoredFile]:
        with self.engine.connect() as connection:
            row = file_record(connection, file_id, with_content=False)
        if row is None:
            return None
        try:
            content = self._path(file_id).read_bytes()
        except (OSError, ValueError):
            return None
        return StoredFile(**{name: getattr(row, name) for name in META if name != "created_at"},
                          content=content)

    def drop(self, file_ids: Iterable[str]) -> None:
        for file_id in file_ids:
            try:
                self._path(file_id).unlink(missing_ok=True)
            except (OSError, ValueError):
                continue  # prune() tries again

    def prune(self, now: Optional[float] = None) -> int:
        if not self.folder.is_dir():
            return 0
        now = time.time() if now is None else now
        with self.engine.connect() as connection:
            kept = set(connection.execute(select(ATTACHMENTS.c.id)).scalars())
        gone = 0
        for path in self.folder.iterdir():
            file_id = path.name.removesuffix(".partial")
            if file_id in kept:
                continue
            try:
                if now - path.stat().st_mtime < UNFINISHED_SECONDS:
                    continue
                path.unlink()
                gone += 1
            except OSError:
                continue
        return gone


def file_store(kind: str, engine: Engine, folder: Path) -> FileStore:
    return DatabaseFiles(engine) if kind == "database" else FolderFiles(engine, folder)

"""The state folder and its SQLite files, readable by their owner only.

The state folder holds the conversations, the agents' password hashes, the accounts and the
shared secrets: it is made 0700 and each SQLite file 0600 before SQLite first opens it (SQLite
gives its -wal, -shm and -journal files the database file's own mode). Files and folders made
by an older version are narrowed the same way when a process opens them.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Optional, Union

from sqlalchemy.engine import make_url

FOLDER_MODE = 0o700
FILE_MODE = 0o600


def private_folder(path: Union[str, Path]) -> Path:
    """`path`, made if missing, with mode 0700."""
    folder = Path(path)
    folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    folder.chmod(FOLDER_MODE)
    return folder


def private_file(path: Union[str, Path]) -> Path:
    """`path`, made empty if missing, with mode 0600; a missing folder of it is made 0700 (an
    existing one is left as it is: it may be shared, as /tmp is)."""
    file = Path(path)
    file.parent.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    os.close(os.open(file, os.O_WRONLY | os.O_CREAT, FILE_MODE))
    file.chmod(FILE_MODE)
    return file


def sqlite_file(url: str) -> Optional[Path]:
    """The file an SQLAlchemy URL names, if it is an SQLite file (not memory, not a server)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    if parsed.database.startswith("file:"):  # a URI filename: SQLite parses it, not we
        return None
    return Path(parsed.database)


def private_sqlite(url: str) -> None:
    """Before an engine opens the SQLite file of `url`: the file and its folder private."""
    path = sqlite_file(url)
    if path is not None:
        private_file(path)

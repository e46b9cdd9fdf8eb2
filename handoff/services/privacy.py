"""The hub's part of a user's data: what it holds about a help-center user id, and erasing it
(their conversations with every event and note, file, ticket and resolution; the daily counts keep
what the conversations amounted to). `bolt privacy` (bolt/privacy.py) adds Rasa's trackers and
the account directory, and records both in the audit log.
"""
from __future__ import annotations

import base64
from typing import Any, Dict, List, Optional

from handoff.store import forgetting
from handoff.store.files import FileStore
from handoff.store.repository import Repository


def conversations_of(repository: Repository, user_id: str) -> List[str]:
    with repository.engine.connect() as connection:
        return forgetting.conversations_of(connection, user_id)


def held_about(repository: Repository, user_id: str,
               files: Optional[FileStore] = None) -> Dict[str, Any]:
    """What the hub holds about the user; with the file store, their files' bytes as base64."""
    with repository.engine.connect() as connection:
        held = forgetting.held_about(connection, user_id)
    for record in held["files"]:
        stored = files.read(record["id"]) if files is not None else None
        record["content_base64"] = (base64.b64encode(stored.content).decode("ascii")
                                    if stored is not None else None)
    return held


def erase(repository: Repository, user_id: str,
          files: Optional[FileStore] = None) -> Dict[str, int]:
    """Deletes the user's conversations, in one transaction, then their files' bytes."""
    engine = repository.engine
    files_gone: List[str] = []

    def forget_all() -> Dict[str, int]:
        with engine.begin() as connection:
            return forgetting.forget(connection, forgetting.conversations_of(connection, user_id),
                                     files_gone=files_gone)

    try:
        erased = repository.writer.call(forget_all)
    finally:
        repository.moment.clear()
    if files is not None:
        files.drop(files_gone)
    return erased

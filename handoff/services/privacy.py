"""The hub's part of a user's data: what it holds about a help-center user id, and erasing it
(their conversations with every event and note, tickets and resolutions; the daily counts keep
what the conversations amounted to). `bolt privacy` (bolt/privacy.py) adds Rasa's trackers and
the account directory, and records both in the audit log.
"""
from __future__ import annotations

from typing import Any, Dict, List

from handoff.store import forgetting
from handoff.store.repository import Repository


def conversations_of(repository: Repository, user_id: str) -> List[str]:
    with repository.engine.connect() as connection:
        return forgetting.conversations_of(connection, user_id)


def held_about(repository: Repository, user_id: str) -> Dict[str, Any]:
    with repository.engine.connect() as connection:
        return forgetting.held_about(connection, user_id)


def erase(repository: Repository, user_id: str) -> Dict[str, int]:
    """Deletes the user's conversations, in one transaction."""
    engine = repository.engine

    def forget_all() -> Dict[str, int]:
        with engine.begin() as connection:
            return forgetting.forget(connection, forgetting.conversations_of(connection, user_id))

    try:
        return repository.writer.call(forget_all)
    finally:
        repository.moment.clear()

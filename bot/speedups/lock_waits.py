"""How soon a message waiting for its conversation's lock in Rasa goes on.

Rasa 3.6 handles one request per conversation at a time (`LockStore.lock`), and one that finds
the conversation busy sleeps a whole second before it looks again. A hand-off makes such
overlaps: the hub pauses the bot while the hand-off's own turn is still running, and resumes it
when the user goes back to Bolt, so a user's next message could wait up to a second for a lock
released milliseconds after it arrived (the long tail of the handoff measure,
docs/performance.md). Waiters look again every 10 ms instead; the order (Rasa's tickets), the lock
lifetime and the stores are Rasa's own.
"""
from __future__ import annotations

from typing import Any, AsyncContextManager, Callable

from rasa.core.lock_store import LOCK_LIFETIME, LockStore

TESTED_ON = {"rasa": "3.6.21"}

WAIT_SECONDS = 0.01

_ORIGINAL: Callable[..., AsyncContextManager[Any]] = LockStore.lock


def lock(self: LockStore, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME,
         wait_time_in_seconds: float = WAIT_SECONDS) -> AsyncContextManager[Any]:
    return _ORIGINAL(self, conversation_id, lock_lifetime, wait_time_in_seconds)


def install() -> None:
    LockStore.lock = lock  # type: ignore[assignment]


def uninstall() -> None:
    LockStore.lock = _ORIGINAL  # type: ignore[assignment]

"""The conversations' columns as this process last committed them, so that a group of messages
need not read them again (that read was the larger part of storing a group on SQLite).

Kept only where this process is the one writer of the conversations (SQLite: one hub): with
several hubs on one database, another hub's change would go unseen. A state is kept once its
transaction committed; a failed transaction, and any write other than an append (it may change
a conversation without moving its `last_seq` on), forgets them all. Each group still checks
each conversation's `last_seq` as when it was read: SQLite refuses an event that is not the
next of its conversation (migration 0002).
"""
from __future__ import annotations

from typing import Any, Dict, Iterable, Mapping

# Conversations remembered at most (the least recently stored are forgotten first).
MOST_STATES = 20000


class KnownStates:
    def __init__(self, enabled: bool, most: int = MOST_STATES):
        if most < 1:
            raise ValueError("remember at least one conversation, or disable it")
        self.enabled = enabled
        self.most = most
        self.committed: Dict[str, Dict[str, Any]] = {}
        self.staged: Dict[str, Dict[str, Any]] = {}
        self.answered = False  # whether the last `known` had any of them

    def known(self, conversation_ids: Iterable[str]) -> Dict[str, Dict[str, Any]]:
        """Copies of the committed states of those conversations that are remembered."""
        committed = self.committed
        found = {cid: dict(committed[cid]) for cid in conversation_ids if cid in committed}
        self.answered = bool(found)
        return found

    def stage(self, states: Mapping[str, Mapping[str, Any]]) -> None:
        """The states a transaction is about to commit (kept only by `keep`)."""
        if self.enabled:
            self.staged = {cid: dict(state) for cid, state in states.items()}

    def keep(self) -> None:
        """The staged transaction committed."""
        committed = self.committed
        for cid, state in self.staged.items():
            committed.pop(cid, None)  # moved to the newest end
            committed[cid] = state
        self.staged = {}
        while len(committed) > self.most:
            del committed[next(iter(committed))]

    def forget(self) -> None:
        self.committed.clear()
        self.staged = {}
        self.answered = False

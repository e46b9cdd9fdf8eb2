"""This hub's side of the bot turns' leases (handoff/store/bot_turn_leases.py): one hub at a
time asks Rasa for a conversation, and a message stored and acknowledged by a hub that died
before Rasa's answer is asked again by the next hub that finds it owed once its lease lapsed
(handoff/rules/bot_backlog.py). Each write runs on the repository's writer thread, off the
event loop. The token is this hub's for as long as it runs: a hub started again waits for its
predecessor's lease to lapse like any other hub.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any, Callable, Dict, List, Optional, Tuple

from handoff.rules.bot_backlog import may_ask
from handoff.store import bot_turn_leases
from handoff.store.appends import LeaseClaim
from handoff.store.bot_turn_leases import Claim, Owed
from handoff.store.repository import Repository
from handoff.store.schema import utcnow


class BotLeases:
    def __init__(self, repository: Repository, lease_seconds: float, keep_seconds: float,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.repository = repository
        self.lease_seconds = lease_seconds
        self.keep_seconds = keep_seconds
        self.clock = clock
        self.token = uuid.uuid4().hex

    async def claim(self, conversation_id: str) -> Claim:
        """The lease and what is owed; while another hub's lease runs, only read (on the loop)."""
        with self.repository.engine.connect() as connection:
            held = bot_turn_leases.holder(connection, conversation_id)
        if held is None:
            return Claim(False)
        if not may_ask(*held, self.token, self.clock()):
            return Claim(False, held[1])
        return await self._write(lambda c: bot_turn_leases.claim(
            c, conversation_id, self.token, self.clock(), self.lease_seconds,
            self.keep_seconds))

    def owed_now(self, conversation_id: str) -> List[Owed]:
        """What the bot owes the conversation now, read on the loop without claiming it."""
        with self.repository.engine.connect() as connection:
            return bot_turn_leases.owed_now(connection, conversation_id, self.clock(),
                                            self.keep_seconds)

    def held_here(self, conversation_id: str) -> Optional[Tuple[List[Owed], int]]:
        """What is owed and up to which seq it was read, when this hub's claim came with a
        message and its lease runs (read on the loop: no write needed then); else None."""
        with self.repository.engine.connect() as connection:
            return bot_turn_leases.held_by(connection, conversation_id, self.token, self.clock(),
                                           self.keep_seconds)

    def with_message(self) -> LeaseClaim:
        """The claim a user's message carries into its append (taken only if the lease is
        free and the bot holds the conversation)."""
        now = self.clock()
        return self.token, now, now + timedelta(seconds=self.lease_seconds)

    async def renew(self, conversation_id: str) -> bool:
        return await self._write(lambda c: bot_turn_leases.renew(
            c, conversation_id, self.token, self.clock(), self.lease_seconds))

    async def advance(self, conversation_id: str, seq: int, release: bool) -> bool:
        return await self._write(lambda c: bot_turn_leases.advance(
            c, conversation_id, self.token, seq, release))

    async def release(self, conversation_id: str) -> bool:
        return await self._write(lambda c: bot_turn_leases.release(
            c, conversation_id, self.token))

    def with_answer(self, seq: Optional[int], release: bool
                    ) -> Tuple[Dict[str, Any], Dict[str, Any]]:
        """(expect, changes) of an answer's append: stored only while this hub holds the lease,
        advancing the bot's turn to `seq` (None: the hub's own question, no message's turn),
        and clearing the lease if `release`."""
        changes: Dict[str, Any] = {} if seq is None else {"bot_turn_seq": seq}
        if release:
            changes.update(bot_turn_by=None, bot_turn_until=None)
        return {"bot_turn_by": self.token}, changes

    async def _write(self, work: Callable[[Any], Any]) -> Any:
        engine = self.repository.engine

        def run() -> Any:
            with engine.begin() as connection:
                return work(connection)
        return await self.repository.writer.call_later(run)

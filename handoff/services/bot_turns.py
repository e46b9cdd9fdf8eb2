"""The user messages waiting for the bot, per conversation: asked one at a time, in the order
the user sent them, by one task per conversation that ends when none is left waiting; what
else is said in the bot's name (an offer after "not helpful", or the hub's own question to Rasa
for one) takes its turn among them.

While Rasa does not answer, the message at the head is asked again after a growing wait (the
user is told once, and offered a person or a ticket), for as long as `keep_seconds`; the
messages behind it wait. At most `most_waiting` messages of a conversation wait: one more is
not kept (the user is told the bot cannot answer now), so that a bot slower than its users
costs the hub a bounded amount of memory, not a task for every message ever sent.

The messages are stored before they wait here, and the store says which the bot still owes
(handoff/rules/bot_backlog.py): one hub at a time asks for a conversation, under a lease it
claims before its first ask, renews while Rasa is slow or down, and clears with the answer
that leaves nothing owed (handoff/services/bot_leases.py). A hub that finds another's lease
running waits for it to end, as long as the visitor is still connected, then asks what is
still owed; so does a hub the visitor opens the conversation on (`recover`), which is how a
message acknowledged by a hub that died before Rasa answered is answered after all, once.
"""
from __future__ import annotations

import asyncio
import time
from collections import deque
from dataclasses import dataclass, field
from typing import (Any, Awaitable, Callable, Deque, Dict, Iterable, List, NamedTuple, Optional,
                    Set, Tuple, Union)

from handoff.rules.bot_backlog import look_again_in
from handoff.services.bot_leases import BotLeases
from handoff.services.tasks import BackgroundTasks
from handoff.store.bot_turn_leases import Owed

Replies = List[Dict[str, Any]]

# Waits before asking Rasa again (the last one repeated).
RETRY_SECONDS = (1.0, 2.0, 4.0, 5.0)
KEEP_SECONDS = 600.0
MOST_WAITING = 10


class Turn(NamedTuple):
    """What waits for the bot: a stored user message (its seq), or a question the hub asks
    Rasa itself (seq None: not stored, so not owed after a crash, and in turn after the message
    `after`); what is sent to Rasa; for whom it is asked (its visitor); and whether it was
    stored with this hub's lease and nothing owed before it."""

    seq: Optional[int]
    text: str
    asker: Any
    alone: bool = False
    after: int = 0


@dataclass(eq=False)
class Work:
    """Something else said in the bot's name, in its turn: after the message `after`."""

    after: int
    do: Callable[[], Awaitable[None]]


@dataclass(eq=False)
class Waiting:
    """One conversation's waiting turns on this hub."""

    asker: Any  # for whom what the store says is owed is asked: the latest visitor here
    entries: Deque[Union[Turn, Work]] = field(default_factory=deque)
    refused: Set[int] = field(default_factory=set)  # seqs not kept (too many waiting)
    holding: bool = False  # this hub holds the conversation's lease
    renew_at: float = 0.0  # when (monotonic) the lease is renewed before the next ask
    recovering: bool = False  # to look in the store for what is owed before anything else


class LeaseLost(Exception):
    """Another hub took the conversation over: what waits here is its to ask now."""


class BotTurns:
    def __init__(self, background: BackgroundTasks,
                 ask: Callable[[str, Turn], Awaitable[Optional[Replies]]],
                 answer: Callable[[str, Turn, Replies, bool], Awaitable[bool]],
                 unavailable: Callable[[str, Turn], None],
                 leases: BotLeases, connected: Callable[[Any], bool],
                 retry_seconds: Tuple[float, ...] = RETRY_SECONDS,
                 most_waiting: int = MOST_WAITING,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.background = background
        self.ask = ask  # the replies; None when Rasa did not answer
        self.answer = answer  # stores the replies (clearing the lease if told); False: lost it
        self.unavailable = unavailable
        self.leases = leases
        self.connected = connected  # whether a visitor's socket is still open
        self.retry_seconds = retry_seconds
        self.keep_seconds = leases.keep_seconds
        self.most_waiting = most_waiting
        self.clock = clock
        self.waiting: Dict[str, Waiting] = {}

    def add(self, conversation_id: str, turn: Turn) -> None:
        waiting = self.waiting.get(conversation_id)
        if waiting is not None and len(waiting.entries) >= self.most_waiting:
            if turn.seq is not None:
                waiting.refused.add(turn.seq)
            self.unavailable(conversation_id, turn)
        elif turn.seq is None:  # the hub's own question: after what waits now
            after = max(_seqs(waiting.entries), default=0) if waiting is not None else 0
            self._queue(conversation_id, turn._replace(after=after), None)
        else:
            self._queue(conversation_id, turn, turn.asker)

    def add_work(self, conversation_id: str, work: Callable[[], Awaitable[None]]) -> None:
        """`work` done in the conversation's turn, after what waits before it."""
        waiting = self.waiting.get(conversation_id)
        after = max(_seqs(waiting.entries), default=0) if waiting is not None else 0
        self._queue(conversation_id, Work(after, work), None)

    def recover(self, conversation_id: str, asker: Any, maybe_owed: bool = True) -> bool:
        """The visitor opened the conversation here: what the store says the bot owes it is
        asked here once nobody else is asking it (True), unless it waits here already.
        `maybe_owed` False (its columns say every message said to the bot was taken) spares
        the look at its events."""
        waiting = self.waiting.get(conversation_id)
        if waiting is not None:
            waiting.asker = asker
            return False
        if not maybe_owed or not self.leases.owed_now(conversation_id):
            return False
        waiting = self.waiting[conversation_id] = Waiting(asker, recovering=True)
        self.background.spawn(self._take_turns(conversation_id, waiting))
        return True

    def _queue(self, conversation_id: str, entry: Union[Turn, Work], asker: Any) -> None:
        waiting = self.waiting.get(conversation_id)
        if waiting is None:
            waiting = self.waiting[conversation_id] = Waiting(asker, deque((entry,)))
            self.background.spawn(self._take_turns(conversation_id, waiting))
        else:
            waiting.entries.append(entry)
            if asker is not None:
                waiting.asker = asker

    async def _take_turns(self, conversation_id: str, waiting: Waiting) -> None:
        entries = waiting.entries
        try:
            while entries or waiting.recovering:
                head = entries[0] if entries else None
                if isinstance(head, Work):
                    entries.popleft()
                    await head.do()
                    continue
                if not waiting.holding:
                    waiting.recovering = False
                    if not await self._hold(conversation_id, waiting):
                        entries.clear()
                        return
                    continue  # what waits is now what the store says is owed
                replies = await self._asked_until_answered(conversation_id, waiting)
                if replies is None:  # Rasa has not answered for keep_seconds: none is kept
                    last = max([*_seqs(entries), *waiting.refused], default=0)
                    entries.clear()
                    waiting.holding = False
                    await self.leases.advance(conversation_id, last, release=True)
                    return
                turn = entries.popleft()
                # The lease is cleared with the answer that leaves nothing owed here.
                release = not any(isinstance(e, Turn) for e in entries) and all(
                    seq < turn.seq for seq in waiting.refused)
                if replies:
                    taken = await self.answer(conversation_id, turn, replies, release)
                elif turn.seq is not None:
                    taken = await self.leases.advance(conversation_id, turn.seq, release)
                else:
                    taken = not release or await self.leases.release(conversation_id)
                if not taken:
                    raise LeaseLost()
                waiting.holding = waiting.holding and not release
            if waiting.holding:  # messages not kept were the last said: not asked later either
                waiting.holding = False
                await self.leases.advance(conversation_id, max(waiting.refused, default=0),
                                          release=True)
        except LeaseLost:
            waiting.holding = False
            entries.clear()
        finally:
            if waiting.holding:  # the hub stops: the next hub need not wait for the lease
                waiting.holding = False
                await self.leases.release(conversation_id)
            if self.waiting.get(conversation_id) is waiting:
                del self.waiting[conversation_id]

    async def _hold(self, conversation_id: str, waiting: Waiting) -> bool:
        """Claims the conversation's lease, waiting while another hub's runs (and the visitor
        is connected), and puts what the store says is owed in order with what waits here;
        False when there is nothing to wait for any more."""
        leases = self.leases
        head = waiting.entries[0] if waiting.entries else None
        if isinstance(head, Turn) and head.alone:  # the store said so as it stored it
            waiting.holding = True
            waiting.renew_at = self.clock() + leases.lease_seconds / 2
            return True
        held = leases.held_here(conversation_id)
        if held is not None:  # claimed with the message
            waiting.holding = True
            waiting.renew_at = self.clock() + leases.lease_seconds / 2
            self._reconcile(waiting, *held)
            return True
        while True:
            claim = await leases.claim(conversation_id)
            if claim.taken:
                waiting.holding = True
                waiting.renew_at = self.clock() + leases.lease_seconds / 2
                self._reconcile(waiting, claim.owed, claim.through)
                return True
            if claim.until is None or not self.connected(waiting.asker):
                return False
            await asyncio.sleep(look_again_in(claim.until, leases.clock()))

    def _reconcile(self, waiting: Waiting, owed: Iterable[Owed], through: int) -> None:
        """What waits here becomes what the store says is owed (up to `through`, what it read),
        followed by what was stored here since."""
        here = {entry.seq: entry for entry in waiting.entries
                if isinstance(entry, Turn) and entry.seq is not None}
        turns = [here.get(message.seq) or Turn(message.seq, message.text, waiting.asker)
                 for message in owed if message.seq not in waiting.refused]
        owed_seqs = {turn.seq for turn in turns}
        turns += [turn for seq, turn in here.items() if seq > through and seq not in owed_seqs]
        turns.sort(key=lambda turn: turn.seq)
        for turn in turns[self.most_waiting:]:  # more owed than are kept: the latest are not
            waiting.refused.add(turn.seq)
        turns = turns[:self.most_waiting]
        # Work and the hub's own questions keep their places after the messages they followed.
        others = [entry for entry in waiting.entries
                  if isinstance(entry, Work) or entry.seq is None]
        ordered: List[Union[Turn, Work]] = sorted(
            [*turns, *others],
            key=lambda e: (e.seq, 0) if isinstance(e, Turn) and e.seq is not None
            else (e.after, 1))
        waiting.entries.clear()
        waiting.entries.extend(ordered)

    async def _asked_until_answered(self, conversation_id: str,
                                    waiting: Waiting) -> Optional[Replies]:
        waits, wait, failing_since = iter(self.retry_seconds), 0.0, None
        entries = waiting.entries
        while True:
            await self._renewed(conversation_id, waiting)
            replies = await self.ask(conversation_id, entries[0])
            if replies is not None:
                return replies
            if failing_since is None:
                failing_since = self.clock()
                self.unavailable(conversation_id, entries[0])
            wait = next(waits, wait)
            if self.clock() - failing_since + wait > self.keep_seconds:
                return None
            await asyncio.sleep(wait)

    async def _renewed(self, conversation_id: str, waiting: Waiting) -> None:
        """The lease, renewed once half of it has passed: it covers the ask that follows."""
        if self.clock() < waiting.renew_at:
            return
        if not await self.leases.renew(conversation_id):
            raise LeaseLost()
        waiting.renew_at = self.clock() + self.leases.lease_seconds / 2

    def __len__(self) -> int:
        """Conversations with a message waiting for the bot."""
        return len(self.waiting)


def _seqs(entries: Iterable[Union[Turn, Work]]) -> List[int]:
    return [entry.seq for entry in entries if isinstance(entry, Turn) and entry.seq is not None]

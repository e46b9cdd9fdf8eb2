"""The user messages waiting for the bot, per conversation: asked one at a time, in the order
the user sent them, by one task per conversation that ends when none is left waiting; what
else is said in the bot's name (an offer after "not helpful", or the hub's own question to Rasa
for one) takes its turn among them.

While Rasa does not answer, the message at the head is asked again after a growing wait (the
user is told once, and offered a person or a ticket), for as long as `keep_seconds`; the
messages behind it wait. At most `most_waiting` messages of a conversation wait: one more is
not kept (the user is told the bot cannot answer now), so that a bot slower than its users
costs the hub a bounded amount of memory, not a task for every message ever sent.
"""
from __future__ import annotations

import asyncio
import time
from collections import deque
from typing import Any, Awaitable, Callable, Deque, Dict, List, Optional, Tuple, Union

from handoff.services.tasks import BackgroundTasks

Turn = Tuple[str, Any]  # what is sent to Rasa, and for whom it is asked
Replies = List[Dict[str, Any]]
Work = Callable[[], Awaitable[None]]  # something else said in the bot's name, in its turn

# Waits before asking Rasa again (the last one repeated).
RETRY_SECONDS = (1.0, 2.0, 4.0, 5.0)
KEEP_SECONDS = 600.0
MOST_WAITING = 10


class BotTurns:
    def __init__(self, background: BackgroundTasks,
                 ask: Callable[[str, Turn], Awaitable[Optional[Replies]]],
                 answer: Callable[[str, Replies], Awaitable[None]],
                 unavailable: Callable[[str, Turn], None],
                 retry_seconds: Tuple[float, ...] = RETRY_SECONDS,
                 keep_seconds: float = KEEP_SECONDS, most_waiting: int = MOST_WAITING,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.background = background
        self.ask = ask  # the replies; None when Rasa did not answer
        self.answer = answer
        self.unavailable = unavailable
        self.retry_seconds = retry_seconds
        self.keep_seconds = keep_seconds
        self.most_waiting = most_waiting
        self.clock = clock
        self.waiting: Dict[str, Deque[Union[Turn, Work]]] = {}

    def add(self, conversation_id: str, turn: Turn) -> None:
        waiting = self.waiting.get(conversation_id)
        if waiting is not None and len(waiting) >= self.most_waiting:
            self.unavailable(conversation_id, turn)
        else:
            self._queue(conversation_id, turn)

    def add_work(self, conversation_id: str, work: Work) -> None:
        """`work` done in the conversation's turn, after what waits before it."""
        self._queue(conversation_id, work)

    def _queue(self, conversation_id: str, entry: Union[Turn, Work]) -> None:
        waiting = self.waiting.get(conversation_id)
        if waiting is None:
            waiting = self.waiting[conversation_id] = deque((entry,))
            self.background.spawn(self._take_turns(conversation_id, waiting))
        else:
            waiting.append(entry)

    async def _take_turns(self, conversation_id: str,
                          waiting: Deque[Union[Turn, Work]]) -> None:
        try:
            while waiting:
                if callable(waiting[0]):
                    work = waiting.popleft()
                    await work()
                    continue
                replies = await self._asked_until_answered(conversation_id, waiting)
                if replies is None:  # Rasa has not answered for keep_seconds: none is kept
                    waiting.clear()
                    return
                waiting.popleft()
                await self.answer(conversation_id, replies)
        finally:
            if self.waiting.get(conversation_id) is waiting:
                del self.waiting[conversation_id]

    async def _asked_until_answered(self, conversation_id: str,
                                    waiting: Deque[Any]) -> Optional[Replies]:
        waits, wait, failing_since = iter(self.retry_seconds), 0.0, None
        while True:
            replies = await self.ask(conversation_id, waiting[0])
            if replies is not None:
                return replies
            if failing_since is None:
                failing_since = self.clock()
                self.unavailable(conversation_id, waiting[0])
            wait = next(waits, wait)
            if self.clock() - failing_since + wait > self.keep_seconds:
                return None
            await asyncio.sleep(wait)

    def __len__(self) -> int:
        """Conversations with a message waiting for the bot."""
        return len(self.waiting)

"""One bot turn at a time per conversation: a lock per conversation, kept only while a turn
holds it or waits for it, so that the hub holds none for the conversations that are quiet."""
from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from typing import AsyncIterator, Dict, Tuple


class TurnLocks:
    def __init__(self) -> None:
        self.locks: Dict[str, Tuple[asyncio.Lock, int]] = {}  # the lock, and its users

    @asynccontextmanager
    async def turn(self, key: str) -> AsyncIterator[None]:
        lock, users = self.locks.get(key) or (asyncio.Lock(), 0)
        self.locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self.locks[key]
            if users == 1:
                del self.locks[key]
            else:
                self.locks[key] = (lock, users - 1)

    def __len__(self) -> int:
        return len(self.locks)

"""The hub's background work (telling Rasa it holds a conversation again, asking the bot):
tasks that nobody awaits, kept until they end, logged if they fail, cancelled when the hub stops."""
from __future__ import annotations

import asyncio
import logging
from typing import Any, Coroutine, Set

log = logging.getLogger(__name__)


class BackgroundTasks:
    def __init__(self) -> None:
        self.tasks: Set[asyncio.Task] = set()

    def spawn(self, coroutine: Coroutine[Any, Any, Any]) -> asyncio.Task:
        task = asyncio.get_running_loop().create_task(coroutine)
        self.tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task) -> None:
        self.tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("hub task failed", exc_info=task.exception())

    async def stop(self) -> None:
        for task in list(self.tasks):
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)

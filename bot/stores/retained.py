"""Rasa's own SQL tracker store, for several Rasa servers sharing PostgreSQL
(bot/stores/scale_out.py names it), with the retention sweep of bot/stores/tracker_privacy.py
running in each server: the sweeps of several servers delete the same rows, whichever first.
"""
from __future__ import annotations

from typing import Any, Optional, Text

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

from bot.stores.tracker_privacy import TrackerSweeps


class RetainedSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sweeps = TrackerSweeps(self.engine)

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        self.sweeps.start()
        return await super().retrieve(sender_id)

    async def save(self, tracker: DialogueStateTracker) -> None:
        self.sweeps.start()
        await super().save(tracker)

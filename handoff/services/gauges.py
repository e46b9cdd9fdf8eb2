"""The hub's gauges that come from its database and its agents' presence, and whether Rasa
answers: read by one background task every BOLT_HUB_METRICS_SECONDS, so that a scrape of
/metrics renders what is held and never queries the database."""
from __future__ import annotations

import asyncio
import logging
import time
from typing import Dict, Tuple

from handoff.metrics import zero_figures
from handoff.services.hub import Hub

log = logging.getLogger(__name__)


def read_figures(hub: Hub) -> Dict[Tuple[str, Tuple[str, ...]], float]:
    """Conversations by owner, the queue by language and priority, its oldest wait, and the
    agents available, by language."""
    figures = zero_figures()
    for owner, count in hub.repository.counts_by_owner().items():
        figures[("bolt_hub_conversations", (owner,))] = count
    now = hub.clock()
    for conversation in hub.repository.waiting():
        language = conversation.language
        key = ("bolt_hub_queue_length", (language, conversation.priority or "P4"))
        figures[key] = figures.get(key, 0) + 1
        oldest = ("bolt_hub_queue_oldest_wait_seconds", (language,))
        waited = (now - conversation.queued_at).total_seconds() if conversation.queued_at else 0
        figures[oldest] = max(figures.get(oldest, 0), round(waited, 3))
    for slot in hub.dispatcher.slots():
        for language in slot.languages:
            key = ("bolt_hub_agents_available", (language,))
            figures[key] = figures.get(key, 0) + (1 if slot.available else 0)
    return figures


async def refresh(hub: Hub) -> None:
    """The figures and Rasa's state, once; a failure leaves the figures as they were."""
    metrics = hub.metrics
    try:
        metrics.set_figures(read_figures(hub))
        metrics.refreshed.set(time.time())
    except Exception:  # a database hiccup: the next round reads again
        log.exception("reading the hub's gauges failed")
    metrics.rasa_up.set(1 if await hub.rasa.answers() else 0)


async def refresh_forever(hub: Hub, seconds: float) -> None:
    while True:
        await refresh(hub)
        await asyncio.sleep(seconds)

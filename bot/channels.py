"""The REST channel the hub talks to: Rasa's own, with each message handled in its
conversation's log context.

The hub sends every message of a conversation with the conversation's id as the sender (and the
hub's claims, signed for that id, in the metadata); Rasa keeps the same id as the tracker's, and
the action server gets it as the tracker's `sender_id`. Every line Rasa logs while it handles the
message carries it as `conversation_id` (bolt/core/logs.py), and one line per message says how
it went: its outcome, the replies and how long it took, never what was written.

Each reply carries the NLU's decision for the message as `metadata.nlu` (bot/turn_decisions.py),
which the hub keeps for agents and editors.
"""
from __future__ import annotations

import time
from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint

from bolt.core import logs
from bot import turn_decisions

log = logs.get_logger(__name__)


class BoltRestInput(RestInput):
    """`rest` (bot/credentials.yml): the same URL, requests and answers as Rasa's."""

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        async def in_context(message: UserMessage) -> None:
            with logs.conversation(message.sender_id):
                await handled(on_new_message, message)

        return super().blueprint(in_context)


async def handled(on_new_message: Callable[[UserMessage], Awaitable[Any]],
                  message: UserMessage) -> None:
    """Rasa's handling of the message, then one line on how it went."""
    started = time.monotonic()
    outcome = "failed"
    try:
        await on_new_message(message)
        outcome = "answered"
    finally:
        replies = getattr(message.output_channel, "messages", None)
        decision = turn_decisions.taken(message)
        if outcome == "answered" and isinstance(replies, list):
            turn_decisions.attach(decision, replies)
        log.info("message.handled", outcome=outcome,
                 replies=len(replies) if isinstance(replies, list) else None,
                 duration_ms=round((time.monotonic() - started) * 1000))

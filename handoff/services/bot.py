"""Rasa's side of a conversation: asking the bot, and pausing or resuming it around a hand-off."""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Sequence

from bolt.core import logs
from handoff.services.rasa_client import BotUnavailable, RasaClient
from handoff.store.repository import Repository

log = logs.get_logger(__name__)


class Bot:
    def __init__(self, rasa: RasaClient, repository: Repository) -> None:
        self.rasa = rasa
        self.repository = repository

    async def send(self, conversation_id: str, text: str,
                   metadata: Mapping[str, Any]) -> List[Dict[str, Any]]:
        """The bot's messages for the user's message (BotUnavailable if Rasa does not answer)."""
        return bot_messages(await self.rasa.send(conversation_id, text, metadata))

    async def resume(self, conversation_id: str) -> bool:
        """Tells Rasa it holds the conversation again; kept pending and retried if Rasa is down."""
        try:
            await self.rasa.resume(conversation_id)
        except BotUnavailable as error:
            log.warning("bot.resume_pending", conversation_id=conversation_id, error=str(error))
            return False
        self.repository.update(conversation_id, rasa_resume_pending=False)
        return True

    async def pause(self, conversation_id: str) -> None:
        try:
            await self.rasa.pause(conversation_id)
        except BotUnavailable as error:
            log.warning("bot.pause_failed", conversation_id=conversation_id, error=str(error))


def bot_messages(replies: Sequence[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Rasa's REST channel sends one bot message with a text and a custom payload (the articles'
    cards and their plain text) as two replies, the text first: joined again here, so that
    the message is one event, which a client shows either way."""
    joined: List[Dict[str, Any]] = []
    for reply in replies:
        previous = joined[-1] if joined else None
        if (previous is not None and set(reply) - {"nlu", "next_topics"} == {"custom"} and "text" in previous
                and "custom" not in previous):
            previous["custom"] = reply["custom"]
        else:
            joined.append(dict(reply))
    return joined

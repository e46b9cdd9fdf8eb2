"""Rasa's side of a conversation: asking the bot, and pausing or resuming it around a hand-off."""
from __future__ import annotations

from typing import Any, Dict, List, Mapping

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
        """The bot's replies to the user's message (BotUnavailable if Rasa does not answer)."""
        return await self.rasa.send(conversation_id, text, metadata)

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

"""The hub's core: its parts, and handing conversations to the queue and back.

Conversations change through handoff/services/timeline.py (stored first, then fanned out); the
queue moves in handoff/services/dispatch.py.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Callable, Dict, Mapping, Optional, Tuple

from handoff.services.bot import Bot
from handoff.services.broker import Broker
from handoff.config import HubSettings
from handoff.services import topics
from handoff.services.cards import iso
from handoff.services.dispatch import Dispatcher
from handoff.metrics import Metrics
from handoff.rules.ownership import Move, Owner
from handoff.services.presence import Presence
from handoff.services.rasa_client import RasaClient
from handoff.services.handoff_requests import HandoffRequest, TicketRequest
from handoff.store.repository import Repository
from handoff.store.schema import Conversation, Ticket, utcnow
from handoff.services.tasks import BackgroundTasks
from handoff.services.texts import Texts
from handoff.services.timeline import Timeline


class NoAgents(Exception):
    """No agent who speaks the language is online: a ticket is the way to a person."""


class Hub:
    def __init__(self, settings: HubSettings, repository: Repository, broker: Broker,
                 rasa: RasaClient, texts: Texts, metrics: Metrics,
                 clock: Callable[[], datetime] = utcnow, hub_id: str = "local"):
        self.settings = settings
        self.repository = repository
        self.broker = broker
        self.rasa = rasa
        self.texts = texts
        self.metrics = metrics
        self.clock = clock
        self.presence = Presence(hub_id, settings.presence_seconds)
        self.timeline = Timeline(repository, broker, texts, metrics)
        self.dispatcher = Dispatcher(repository, broker, self.presence, self.timeline, metrics,
                                     clock, settings.offer_seconds)
        self.background = BackgroundTasks()
        self.bot = Bot(rasa, repository)
        # What the other hubs say (with one hub, its own notices come back and are ignored).
        broker.subscribe(topics.PRESENCE, self.presence)
        broker.subscribe(topics.QUEUE, self.dispatcher)

    # --- queueing, tickets -----------------------------------------------------------------------

    def hand_off(self, request: HandoffRequest) -> Tuple[bool, Dict[str, Any]]:
        """Queues the conversation; (True, status) if queued now, (False, status) if it was."""
        conversation = self.repository.conversation(request.conversation_id)
        if conversation is None:
            raise LookupError(request.conversation_id)
        if conversation.owner != Owner.BOT.value:
            return False, self.queue_status(conversation)
        if not self.dispatcher.agents_available(request.language):
            raise NoAgents(request.language)
        now = self.clock()
        conversation = self.timeline.move(
            conversation, Move.HAND_OFF, "queued", "hub_queued",
            changes={
                "language": request.language, "priority": request.priority,
                "reason": request.reason, "summary": request.summary,
                "account_card": request.account, "queued_at": now,
                "deadline": now + timedelta(hours=request.first_response_hours),
                "escalated": False, "breached": False,
                "auto_escalation": request.auto_escalation,
            },
            data={"priority": request.priority},
        )
        self.dispatcher.run()
        return True, self.queue_status(conversation,
                                       self.dispatcher.tell_waiting_user(conversation))

    def queue_status(self, conversation: Conversation,
                     frame: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:
        status = "queued" if conversation.owner == Owner.QUEUE.value else "with_agent"
        if frame is None:
            position, wait = self.dispatcher.position(conversation)
        else:
            position, wait = frame["position"], frame["estimated_wait_seconds"]
        return {"status": status, "position": position, "estimated_wait_seconds": wait,
                "deadline": iso(conversation.deadline)}

    def open_ticket(self, request: TicketRequest) -> Tuple[Ticket, bool]:
        """The conversation's web ticket with its transcript; it leaves the queue if it waited."""
        conversation = self.repository.conversation(request.conversation_id)
        if conversation is None:
            raise LookupError(request.conversation_id)
        ticket, created = self.repository.open_ticket(
            conversation.id, language=request.language,
            priority=request.priority or conversation.priority,
            reason=request.reason, summary=request.summary or conversation.summary,
            account_card=request.account or conversation.account_card,
        )
        if not created:
            return ticket, False
        if conversation.owner == Owner.QUEUE.value:
            conversation = self.leave_queue(conversation, message=None)
        self.timeline.say(conversation, "ticket_opened", "hub_ticket_opened",
                          {"ticket_id": ticket.public_id}, data={"ticket_id": ticket.public_id})
        self.broker.publish(topics.AGENTS, {"type": "ticket", "ticket": ticket.card()})
        return ticket, True

    def leave_queue(self, conversation: Conversation,
                    message: Optional[str] = "hub_left_queue") -> Conversation:
        conversation = self.timeline.move(conversation, Move.LEAVE_QUEUE, "left_queue", message,
                                          changes=off_the_queue())
        self.dispatcher.forget(conversation.id)
        self.dispatcher.run()
        self.background.spawn(self.bot.resume(conversation.id))
        return conversation

    async def stop(self) -> None:
        self.dispatcher.stop()
        await self.background.stop()
        await self.rasa.close()


def off_the_queue() -> Dict[str, Any]:
    """What a conversation the bot holds again no longer has."""
    return {"agent_id": None, "queued_at": None, "deadline": None, "escalated": False,
            "breached": False, "assigned_at": None, "rasa_resume_pending": True}


"""Handing a conversation from the bot to people and back: into the queue (the action server's
hand-off, or the user's own request while Rasa is down), out of it, and to a web ticket."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Callable, Dict, Mapping, Optional, Tuple

from bolt.core import logs
from handoff.rules.ownership import Move, Owner
from handoff.services import topics
from handoff.services.bot import Bot
from handoff.services.broker import Broker
from handoff.services.cards import iso
from handoff.services.dispatch import Dispatcher
from handoff.services.handoff_requests import HandoffRequest, TicketRequest
from handoff.services.mail import Mailer
from handoff.services.tasks import BackgroundTasks
from handoff.services.timeline import Timeline
from handoff.store.repository import Repository
from handoff.store.schema import Conversation, Ticket

log = logs.get_logger(__name__)


class NoAgents(Exception):
    """No agent who speaks the language is online: a ticket is the way to a person."""


def off_the_queue() -> Dict[str, Any]:
    """What a conversation the bot holds again no longer has."""
    return {"agent_id": None, "queued_at": None, "deadline": None, "escalated": False,
            "breached": False, "assigned_at": None, "rasa_resume_pending": True}


class Handoffs:
    def __init__(self, repository: Repository, broker: Broker, dispatcher: Dispatcher,
                 timeline: Timeline, bot: Bot, background: BackgroundTasks,
                 clock: Callable[[], datetime], mailer: Mailer) -> None:
        self.repository = repository
        self.mailer = mailer
        self.broker = broker
        self.dispatcher = dispatcher
        self.timeline = timeline
        self.bot = bot
        self.background = background
        self.clock = clock

    def hand_off(self, request: HandoffRequest) -> Tuple[bool, Dict[str, Any]]:
        """Queues the conversation; (True, status) if queued now, (False, status) if it was."""
        conversation = self.repository.conversation(request.conversation_id)
        if conversation is None:
            raise LookupError(request.conversation_id)
        if conversation.owner != Owner.BOT.value:
            return False, self.queue_status(conversation)
        if not self.dispatcher.agents_available(request.language):
            log.info("handoff.no_agents", conversation_id=conversation.id,
                     language=request.language, priority=request.priority)
            raise NoAgents(request.language)
        now = self.clock()
        deadline = now + timedelta(hours=request.first_response_hours)
        conversation = self.timeline.move(
            conversation, Move.HAND_OFF, "queued", "hub_queued",
            changes={
                "language": request.language, "priority": request.priority,
                "reason": request.reason, "summary": request.summary,
                "account_card": request.account, "queued_at": now,
                "deadline": deadline,
                "escalated": False, "breached": False,
                "auto_escalation": request.auto_escalation,
            },
            # The target of this hand-off, kept with it: the reports measure each one by its own.
            data={"priority": request.priority, "deadline": iso(deadline)},
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
        """The conversation's web ticket with its transcript; it leaves the queue if it waited.
        Its replies are mailed to the help center's address for the user (the token's, else
        the account directory's), with a confirmation now, when the hub sends mail."""
        conversation = self.repository.conversation(request.conversation_id)
        if conversation is None:
            raise LookupError(request.conversation_id)
        email = (conversation.user_email or request.email) if self.mailer.enabled else None
        at = self.clock()
        ticket, created = self.repository.open_ticket(
            conversation.id, language=request.language,
            priority=request.priority or conversation.priority,
            reason=request.reason, summary=request.summary or conversation.summary,
            account_card=request.account or conversation.account_card, email=email,
            created_at=at, updated_at=at,
            mail=lambda row: self.mailer.confirmation(row, conversation.user_name, at),
        )
        if not created:
            return ticket, False
        log.info("ticket.opened", conversation_id=conversation.id, ticket_id=ticket.public_id,
                 language=request.language, reason=request.reason)
        if conversation.owner == Owner.QUEUE.value:
            conversation = self.leave_queue(conversation, message=None)
        self.timeline.say(conversation, "ticket_opened",
                          "hub_ticket_opened_by_email" if email else "hub_ticket_opened_sidebar_only",
                          {"ticket_id": ticket.public_id},
                          data={"ticket_id": ticket.public_id, "email": email is not None})
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

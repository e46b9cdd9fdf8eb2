"""The hub's core: every change to a conversation is stored first, then fanned out.

User-side operations live in handoff/services/conversations.py, agent-side ones in handoff/services/desk.py, the
queue's offers and updates in handoff/services/dispatch.py; they all change conversations through
`Hub.relay` (messages: awaited, committed in groups off the loop), `Hub.record` and `Hub.move`,
so that nothing reaches a socket before it is committed.
"""
from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from typing import Any, Callable, Coroutine, Dict, Iterable, Mapping, Optional, Set, Tuple

from handoff.services.broker import Broker
from handoff.config import HubSettings
from handoff.services import topics
from handoff.services.dispatch import Dispatcher
from handoff.metrics import Metrics
from handoff.rules.ownership import Move, Owner, next_owner
from handoff.services.presence import Presence
from handoff.wire.protocol import SharedFrame
from handoff.services.rasa_client import BotUnavailable, RasaClient
from handoff.services.handoff_requests import HandoffRequest, TicketRequest
from handoff.store.appends import Appended
from handoff.store.repository import Repository
from handoff.store.schema import Conversation, Event, Ticket, utcnow
from handoff.services.texts import Texts

log = logging.getLogger(__name__)


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
        self.dispatcher = Dispatcher(self)
        self.tasks: Set[asyncio.Task] = set()
        # What the other hubs say (with one hub, its own notices come back and are ignored).
        broker.subscribe(topics.PRESENCE, self.presence)
        broker.subscribe(topics.QUEUE, self.dispatcher)

    def announce_presence(self) -> None:
        """Tells the other hubs which agents have a socket here (on every change and tick)."""
        self.broker.publish(topics.PRESENCE, self.presence.announcement())

    # --- storing and fanning out ---------------------------------------------------------------

    def record(self, conversation_id: str, kind: str, speaker: str,
               notify_agents: Iterable[Optional[int]] = (),
               **fields: Any) -> Tuple[Event, bool, Conversation]:
        """Stores the next event of a conversation, then delivers it to whoever may see it
        (blocking until the commit: for the rarer changes; messages go through `relay`)."""
        return self.repository.append(conversation_id, kind, speaker,
                                      then=self._deliverer(notify_agents), **fields)

    def relay(self, conversation_id: str, kind: str, speaker: str,
              notify_agents: Iterable[Optional[int]] = (),
              **fields: Any) -> "asyncio.Future[Appended]":
        """`record` without blocking the loop: queued now (in call order), committed together
        with whatever else is waiting to be stored, delivered, then the future resolves."""
        return self.repository.append_later(conversation_id, kind, speaker,
                                            then=self._deliverer(notify_agents), **fields)

    def _deliverer(self, notify_agents: Iterable[Optional[int]]) -> Callable[[Appended], None]:
        """What to do once the event is committed (run in commit order, on the loop)."""
        also = tuple(notify_agents)

        def deliver(appended: Appended) -> None:
            if appended.duplicate:
                return
            event, conversation = appended.values, appended.state
            if event["kind"] in ("message", "note"):
                self.metrics.count("bolt_hub_messages_relayed_total", speaker=event["speaker"])
            frame = SharedFrame(appended.frame())
            if not event["agents_only"]:
                self.broker.publish(topics.chat(conversation["id"]), frame)
            for agent_id in {conversation["agent_id"], *also} - {None}:
                self.broker.publish(topics.agent(agent_id), frame)
        return deliver

    def say(self, conversation: Conversation, kind: str, message: str,
            values: Optional[Mapping[str, str]] = None, **fields: Any
            ) -> Tuple[Event, bool, Conversation]:
        """A system event carrying one of the hub's texts, in the conversation's language."""
        language = fields.get("changes", {}).get("language") or conversation.language
        text = self.texts.render(message, language, **(values or {}))
        return self.record(conversation.id, kind, "system", text=text, **fields)

    def move(self, conversation: Conversation, move: Move, kind: str, message: Optional[str],
             changes: Dict[str, Any], values: Optional[Mapping[str, str]] = None,
             **fields: Any) -> Conversation:
        """Changes the owner through the transition table, with the event that says so."""
        owner = next_owner(Owner(conversation.owner), move)
        expect = {"owner": conversation.owner, "agent_id": conversation.agent_id}
        changes = {**changes, "owner": owner.value}
        if message is None:
            _, _, changed = self.record(conversation.id, kind, "system", expect=expect,
                                        changes=changes, **fields)
        else:
            _, _, changed = self.say(conversation, kind, message, values, expect=expect,
                                     changes=changes, **fields)
        return changed

    def spawn(self, coroutine: Coroutine[Any, Any, Any]) -> asyncio.Task:
        task = asyncio.get_running_loop().create_task(coroutine)
        self.tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task) -> None:
        self.tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("hub task failed", exc_info=task.exception())

    # --- what agents see of a conversation ------------------------------------------------------

    def card(self, conversation: Conversation) -> Dict[str, Any]:
        agent = self.repository.agent(conversation.agent_id) if conversation.agent_id else None
        return {
            "conversation_id": conversation.id, "owner": conversation.owner,
            "language": conversation.language, "priority": conversation.priority,
            "reason": conversation.reason, "summary": conversation.summary,
            "account": conversation.account_card,
            "user": {"user_id": conversation.user_id, "account_id": conversation.account_id,
                     "name": conversation.user_name, "anonymous": conversation.user_id is None},
            "queued_at": _iso(conversation.queued_at), "deadline": _iso(conversation.deadline),
            "escalated": conversation.escalated, "breached": conversation.breached,
            "agent": agent.name if agent else None, "last_seq": conversation.last_seq,
        }

    # --- queueing, tickets, the bot ---------------------------------------------------------------

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
        conversation = self.move(
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
                "deadline": _iso(conversation.deadline)}

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
        self.say(conversation, "ticket_opened", "hub_ticket_opened",
                 {"ticket_id": ticket.public_id}, data={"ticket_id": ticket.public_id})
        self.broker.publish(topics.AGENTS, {"type": "ticket", "ticket": ticket.card()})
        return ticket, True

    def leave_queue(self, conversation: Conversation,
                    message: Optional[str] = "hub_left_queue") -> Conversation:
        conversation = self.move(conversation, Move.LEAVE_QUEUE, "left_queue", message,
                                 changes=off_the_queue())
        self.dispatcher.forget(conversation.id)
        self.dispatcher.run()
        self.spawn(self.resume_bot(conversation.id))
        return conversation

    async def resume_bot(self, conversation_id: str) -> bool:
        """Tells Rasa it holds the conversation again; kept pending and retried if Rasa is down."""
        try:
            await self.rasa.resume(conversation_id)
        except BotUnavailable as error:
            log.warning("could not resume %s in Rasa yet: %s", conversation_id, error)
            return False
        self.repository.update(conversation_id, rasa_resume_pending=False)
        return True

    async def pause_bot(self, conversation_id: str) -> None:
        try:
            await self.rasa.pause(conversation_id)
        except BotUnavailable as error:
            log.warning("could not pause %s in Rasa: %s", conversation_id, error)

    async def stop(self) -> None:
        self.dispatcher.stop()
        for task in list(self.tasks):
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)
        await self.rasa.close()


def off_the_queue() -> Dict[str, Any]:
    """What a conversation the bot holds again no longer has."""
    return {"agent_id": None, "queued_at": None, "deadline": None, "escalated": False,
            "breached": False, "assigned_at": None, "rasa_resume_pending": True}


def _iso(moment: Optional[datetime]) -> Optional[str]:
    return moment.isoformat(timespec="seconds") + "Z" if moment else None

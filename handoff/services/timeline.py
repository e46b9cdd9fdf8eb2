"""A conversation's events: every change is stored first, then fanned out.

User-side operations (handoff/services/conversations.py), agent-side ones (desk.py), the queue's
(dispatch.py) and the hand-offs (handoffs.py) all change conversations through `Timeline.relay`
(messages: awaited, committed in groups off the loop), `Timeline.record` and `Timeline.move`,
so that nothing reaches a socket before it is committed.
"""
from __future__ import annotations

import asyncio
from typing import Any, Callable, Dict, Iterable, Mapping, Optional, Tuple

from bolt.core import logs
from bolt.core.languages import SUPPORTED_LANGUAGES
from handoff.metrics import Metrics
from handoff.rules.ownership import Move, Owner, next_owner
from handoff.services import topics
from handoff.services.broker import Broker
from handoff.services.texts import Texts
from handoff.store.appends import Appended
from handoff.store.repository import Repository
from handoff.store.schema import Conversation, Event
from handoff.wire.protocol import SharedFrame

log = logs.get_logger(__name__)
# The events the reports count that are counted in the metrics too (handoff/metrics.py).
COUNTED = frozenset({"queued", "resolved", "feedback", "csat"})
# The log event of each move (bolt/core/logs.py).
MOVED = {Move.HAND_OFF: "conversation.handed_off", Move.ASSIGN: "conversation.assigned",
         Move.TRANSFER_AGENT: "conversation.transferred", Move.REQUEUE: "conversation.requeued",
         Move.RESOLVE: "conversation.resolved", Move.LEAVE_QUEUE: "conversation.left_queue",
         Move.TAKE_OVER: "conversation.taken_over", Move.REASSIGN: "conversation.reassigned",
         Move.UNANSWERED: "conversation.unanswered"}


class Timeline:
    def __init__(self, repository: Repository, broker: Broker, texts: Texts,
                 metrics: Metrics) -> None:
        self.repository = repository
        self.broker = broker
        self.texts = texts
        self.metrics = metrics

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
            elif (event["kind"] in COUNTED
                  and conversation.get("language") in SUPPORTED_LANGUAGES):
                self.metrics.event_stored(event["kind"], event.get("data") or {},
                                          conversation["language"])
            frame = SharedFrame(appended.frame())
            if not event["agents_only"]:
                self.broker.publish(topics.chat(conversation["id"]), frame)
            else:  # the watching supervisors hear the rest on the user's topic
                self.broker.publish(topics.watch(conversation["id"]), frame)
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
        data = fields.get("data") or {}
        log.info(MOVED[move], conversation_id=changed.id, owner=changed.owner,
                 agent_id=changed.agent_id, language=changed.language, priority=changed.priority,
                 reason=data.get("reason") or (changed.reason if move is Move.HAND_OFF else None),
                 to=data.get("to"))
        return changed

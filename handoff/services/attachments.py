"""Files users and agents send in a conversation (images and PDFs): taken, kept, linked, served.

An upload (handoff/web/files.py) is checked from its bytes and re-encoded
(handoff/rules/uploads.py), kept in the file store (handoff/store/files.py), then stored as the
conversation's next event (kind `attachment`) like any message, then acknowledged: a resent
upload with the same client id is stored once. Rasa never receives a file: a user who sends one
while Bolt holds the chat is told, in their language, that Bolt cannot read files, and offered a
person or a ticket as when Rasa does not answer.

A file is served only by an expiring link (handoff/rules/file_links.py), given to the
conversation's user, and to an agent who may see the conversation (docs/protocol.md, "Agent
rights": the chats they hold and those waiting in their languages, their customers' other
conversations and the tickets they see; any for a supervisor, whose reach beyond that is
recorded in the audit log).
"""
from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass
from functools import partial
from typing import Any, Callable, Dict, Optional, Tuple

from bolt.core import logs
from handoff.metrics import Metrics
from handoff.rules.file_links import link_key, link_refusal, signed_link
from handoff.rules.ownership import Owner, bot_answers
from handoff.rules.uploads import ACCEPTED_TYPES, KeptFile, Refused, kept_file
from handoff.services.agent_view import ticket_visible
from handoff.services.audit import CHAT_VIEWED, Audit, agent_actor
from handoff.services.conversations import Conversations, Visitor
from handoff.services.timeline import Timeline
from handoff.store.files import FileStore, StoredFile, TooManyFiles, file_ids_of, ticket_of
from handoff.store.reach import Reach
from handoff.store.repository import Conflict, NotFound, Repository
from handoff.store.schema import Agent, Conversation, utcnow
from handoff.wire.protocol import ProtocolError

ATTACHMENT = "attachment"
FILES_UNREAD = "files_unread"
# Images decoded at once: each may take width x height x 4 bytes (160 MB at the pixel limit).
DECODING_AT_ONCE = 2
log = logs.get_logger(__name__)


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    per_conversation: int
    max_pixels: int
    link_seconds: float


def forbidden() -> ProtocolError:
    # The same answer whether the conversation exists or not, as for its transcript.
    return ProtocolError("forbidden", "you may not read that conversation",
                         field="conversation_id")


class Attachments:
    def __init__(self, repository: Repository, files: FileStore, timeline: Timeline,
                 conversations: Conversations, audit: Audit, metrics: Metrics, limits: Limits,
                 secret: str, wall_clock: Callable[[], float] = time.time) -> None:
        self.repository = repository
        self.files = files
        self.timeline = timeline
        self.conversations = conversations
        self.audit = audit
        self.metrics = metrics
        self.limits = limits
        self.key = link_key(secret)
        self.wall_clock = wall_clock
        self._decoding: Optional[asyncio.Semaphore] = None  # made on the loop it is used on

    def limits_frame(self) -> Dict[str, Any]:
        """What a client may send, for it to refuse at once what the hub would refuse."""
        return {"max_bytes": self.limits.max_bytes, "types": list(ACCEPTED_TYPES)}

    # --- sending ----------------------------------------------------------------------------

    async def from_user(self, visitor: Visitor, conversation: Conversation, client_id: str,
                        name: str, content: bytes) -> Dict[str, Any]:
        """The ack of a user's file, once it and its event are stored; then, if Bolt holds
        the chat, the notice that it cannot read files (in turn with its answers)."""
        ack, stored = await self._take(conversation.id, "user", client_id, name, content)
        if not ack["duplicate"] and bot_answers(Owner(stored["owner"])):
            self.conversations.bot_turns.add_work(
                conversation.id, partial(self._cannot_read, conversation.id, visitor))
        return ack

    async def from_agent(self, agent: Agent, conversation_id: str, client_id: str, name: str,
                         content: bytes) -> Dict[str, Any]:
        """The ack of an agent's file in a chat they hold."""
        conversation = self.repository.conversation(conversation_id)
        if (conversation is None or conversation.owner != Owner.AGENT.value
                or conversation.agent_id != agent.id):
            raise ProtocolError("not_yours", "you do not hold that chat",
                                field="conversation_id")
        ack, _ = await self._take(conversation_id, "agent", client_id, name, content,
                                  agent=agent)
        return ack

    async def _take(self, conversation_id: str, speaker: str, client_id: str, name: str,
                    content: bytes, agent: Optional[Agent] = None
                    ) -> Tuple[Dict[str, Any], Dict[str, Any]]:
        """(the ack, the conversation's state once the event is stored)."""
        loop = asyncio.get_running_loop()
        limits = self.limits
        if self._decoding is None:
            self._decoding = asyncio.Semaphore(DECODING_AT_ONCE)
        try:
            async with self._decoding:
                kept: KeptFile = await loop.run_in_executor(
                    None, kept_file, content, name, limits.max_bytes, limits.max_pixels)
        except Refused as refused:
            self.metrics.refused(refused.code)
            raise ProtocolError(refused.code, str(refused)) from None
        file_id = f"f-{uuid.uuid4().hex}"
        record = {"id": file_id, "conversation_id": conversation_id, "name": kept.name,
                  "content_type": kept.content_type, "size": len(kept.content),
                  "width": kept.width, "height": kept.height, "speaker": speaker,
                  "created_at": utcnow()}
        writer = self.repository.writer
        try:
            await loop.run_in_executor(None, partial(
                self.files.save, record, kept.content, limits.per_conversation, writer.call))
        except TooManyFiles:
            self.metrics.refused("too_many_files")
            raise ProtocolError("too_many_files", f"a conversation holds at most "
                                f"{limits.per_conversation} files") from None
        described = describe(record)
        fields: Dict[str, Any] = {"data": {"file": described}}
        if agent is None:
            fields["client_id"] = f"user:{client_id}"
        else:
            fields.update(client_id=f"agent:{agent.id}:{client_id}",
                          agent_name=agent.display_name,
                          expect={"owner": Owner.AGENT.value, "agent_id": agent.id})
        try:
            stored = await self.timeline.relay(conversation_id, ATTACHMENT, speaker, **fields)
        except Exception as error:  # the event is not stored: neither is the file
            await loop.run_in_executor(None, self.files.remove, file_id, writer.call)
            if isinstance(error, (Conflict, NotFound)):
                raise ProtocolError("not_yours", "you do not hold that chat",
                                    field="conversation_id") from None
            raise
        if stored.duplicate:  # a resend: the first upload's event stands
            await loop.run_in_executor(None, self.files.remove, file_id, writer.call)
            described = (stored.values.get("data") or {}).get("file", described)
        else:
            self.metrics.count("bolt_hub_files_total", speaker=speaker,
                               type=kept.content_type)
            log.info("file.sent", speaker=speaker, type=kept.content_type, size=record["size"])
        return ({"type": "ack", "conversation_id": conversation_id, "client_id": client_id,
                 "seq": stored.seq, "duplicate": stored.duplicate, "file": described},
                stored.state)

    async def _cannot_read(self, conversation_id: str, visitor: Visitor) -> None:
        conversation = self.repository.conversation(conversation_id)
        if conversation is None or not bot_answers(Owner(conversation.owner)):
            return
        if visitor.identity is None:
            self.timeline.say(conversation, FILES_UNREAD, "hub_files_unread_anonymous",
                              data={"options": []})
        else:
            # As when Rasa does not answer: the user may ask for a person or leave a ticket.
            self.timeline.say(conversation, FILES_UNREAD, "hub_files_unread",
                              data={"options": ["agent", "ticket"]}, changes={"bot_failed": True})

    # --- links ------------------------------------------------------------------------------

    def links_for_user(self, visitor: Visitor) -> Dict[str, Any]:
        """Links to every file of the user's own conversation."""
        if visitor.conversation_id is None:
            raise ProtocolError("hello_first", "send a hello frame first")
        return self._links_frame(visitor.conversation_id)

    def links_for_agent(self, agent: Agent, conversation_id: str,
                        origin: Optional[str] = None) -> Dict[str, Any]:
        """Links to every file of a conversation the agent may see."""
        if self.repository.conversation(conversation_id) is None:
            raise forbidden()
        within = self._within_reach(agent, conversation_id)
        if not within and not agent.supervisor:
            raise forbidden()
        frame = self._links_frame(conversation_id)
        if not within and frame["links"]:
            self.audit.record(agent_actor(agent.name, origin), CHAT_VIEWED,
                              conversation_id=conversation_id, files=len(frame["links"]))
        return frame

    def _within_reach(self, agent: Agent, conversation_id: str) -> bool:
        with self.repository.engine.connect() as connection:
            if Reach(agent.id, agent.language_set).covers(connection, conversation_id):
                return True
            ticket = ticket_of(connection, conversation_id)
        held = frozenset(c.id for c in self.repository.held_by(agent.id))
        return ticket is not None and ticket_visible(agent, ticket, held)

    def _links_frame(self, conversation_id: str) -> Dict[str, Any]:
        with self.repository.engine.connect() as connection:
            file_ids = file_ids_of(connection, conversation_id)
        seconds, now = self.limits.link_seconds, self.wall_clock()
        return {"type": "file_links", "conversation_id": conversation_id,
                "links": {file_id: signed_link(self.key, file_id, now, seconds)
                          for file_id in file_ids},
                "expires_in_seconds": seconds}

    # --- serving ----------------------------------------------------------------------------

    def refusal(self, file_id: str, expires: Optional[str], signature: Optional[str]
                ) -> Optional[str]:
        """Why a link does not serve its file ("tampered", "expired"), or None."""
        return link_refusal(self.key, file_id, expires, signature, self.wall_clock())

    def read(self, file_id: str) -> Optional[StoredFile]:
        return self.files.read(file_id)


def describe(record: Dict[str, Any]) -> Dict[str, Any]:
    """What an `attachment` event says of its file (docs/protocol.md)."""
    described = {"id": record["id"], "name": record["name"], "type": record["content_type"],
                 "size": record["size"]}
    if record.get("width"):
        described.update(width=record["width"], height=record["height"])
    return described

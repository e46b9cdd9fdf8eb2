"""What a user can do on /ws/chat: open or resume their conversation, talk, wait, leave, file."""
from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Dict, Iterator, List, Mapping, Optional, Tuple

from bolt.core import logs
from bolt.core.hub_intents import NOT_HELPFUL, hub_message
from bolt.core.identity import LEEWAY_SECONDS, Identity, sign_claims
from bolt.core.languages import DEFAULT_LANGUAGE, language_of_locale
from handoff.metrics import Metrics
from handoff.rules.ownership import Owner, bot_answers
from handoff.services import topics
from handoff.services.bot import Bot
from handoff.services.bot_leases import BotLeases
from handoff.services.bot_turns import KEEP_SECONDS, BotTurns, Replies, Turn
from handoff.services.broker import Broker
from handoff.services.dispatch import Dispatcher
from handoff.services.handoff_requests import HandoffRequest, TicketRequest
from handoff.services.handoffs import Handoffs, NoAgents
from handoff.services.passwords import new_token, token_hash
from handoff.services.rasa_client import BotUnavailable
from handoff.services.tasks import BackgroundTasks
from handoff.services.timeline import Timeline
from handoff.store.appends import Appended
from handoff.store.errors import Conflict
from handoff.store.repository import Repository
from handoff.store.schema import Conversation, Event, user_frame
from handoff.wire.connection import Connection
from handoff.wire.protocol import Frame, ProtocolError

SUMMARY_MESSAGES = 5
# Events of a replay read and queued at a time (each page once the client took the last one).
REPLAY_PAGE = 200
# The event kind of a user's "helpful / not helpful" on one of Bolt's messages, which a learning
# loop reads (docs/protocol.md).
FEEDBACK = "feedback"
# Marks Bolt's messages that offer more after a "Not helpful": not an answer to rate or count.
OFFER = "not_helpful"
log = logs.get_logger(__name__)


@dataclass
class Visitor:
    """Who is on a chat socket: verified claims (None: anonymous) and their conversation. The
    help center's token itself is not kept: only its claims go on, signed by the hub."""

    identity: Optional[Identity]
    locale: Optional[str]
    conversation_id: Optional[str] = None
    connected: bool = True  # until the socket closes

    def still_valid(self, now: float) -> bool:
        """Whether the token has not expired since the socket opened (sockets outlive tokens)."""
        return self.identity is not None and self.identity.expires_at + LEEWAY_SECONDS >= now

    @property
    def rate_key(self) -> Optional[str]:
        return f"user:{self.identity.account_id}/{self.identity.user_id}" if self.identity else None


@dataclass(frozen=True)
class Asking:
    """For whom a bot turn asks Rasa: the visitor, and for a turn the hub asks itself (the
    internal `/not_helpful`, which the user never wrote) what else goes in the message metadata
    and the mark its replies carry (`offer`)."""

    visitor: Visitor
    metadata: Mapping[str, Any] = field(default_factory=dict)
    offer: Optional[str] = None


class Conversations:
    def __init__(self, repository: Repository, broker: Broker, dispatcher: Dispatcher,
                 timeline: Timeline, handoffs: Handoffs, bot: Bot, background: BackgroundTasks,
                 metrics: Metrics, fallback_response_hours: float, claims_secret: str,
                 bot_lease_seconds: float,
                 wall_clock: Callable[[], float] = time.time) -> None:
        self.repository = repository
        self.broker = broker
        self.dispatcher = dispatcher
        self.timeline = timeline
        self.handoffs = handoffs
        self.bot = bot
        self.background = background
        self.metrics = metrics
        self.fallback_response_hours = fallback_response_hours
        self.claims_secret = claims_secret
        self.wall_clock = wall_clock  # seconds since the epoch, as tokens count them
        self.bot_leases = BotLeases(repository, bot_lease_seconds, KEEP_SECONDS)
        self.bot_turns = BotTurns(background, self._bot_turn, self._bot_answered,
                                  self._bot_unavailable, self.bot_leases,
                                  lambda asking: asking.visitor.connected)

    # --- opening and resuming -------------------------------------------------------------------

    def open(self, visitor: Visitor, frame: Frame) -> Tuple[Conversation, Optional[str]]:
        """The visitor's conversation: a new one (with its resume key) or the one they resume."""
        repository = self.repository
        wanted = frame.get("conversation_id")
        if wanted is None:
            resume_key = new_token()
            identity = visitor.identity
            conversation = repository.create_conversation(
                id=f"c-{uuid.uuid4().hex}", resume_key_hash=token_hash(resume_key),
                user_id=identity.user_id if identity else None,
                account_id=identity.account_id if identity else None,
                user_name=identity.name if identity else None,
                user_email=identity.email if identity else None, locale=visitor.locale,
                language=language_of_locale(visitor.locale) or DEFAULT_LANGUAGE,
            )
            return conversation, resume_key
        conversation = repository.conversation(wanted)
        key = frame.get("resume_key")
        if conversation is None or not self.may_open(visitor, conversation, key):
            # The same answer whether it exists or not: ids of others' conversations stay unknown.
            raise ProtocolError("forbidden", "no such conversation of yours",
                                field="conversation_id")
        identity = visitor.identity
        if identity is not None and identity.email and identity.email != conversation.user_email:
            # The help center's newest word on where the user's ticket mails go.
            conversation = repository.update(conversation.id, user_email=identity.email)
        return conversation, None

    @staticmethod
    def may_open(visitor: Visitor, conversation: Conversation, resume_key: Optional[str]) -> bool:
        if conversation.user_id is not None:
            identity = visitor.identity
            return (identity is not None and identity.user_id == conversation.user_id
                    and identity.account_id == conversation.account_id)
        return resume_key is not None and token_hash(resume_key) == conversation.resume_key_hash

    def replay(self, connection: Connection, conversation_id: str, after_seq: int) -> None:
        """Every event after `after_seq` again, read and sent a page at a time as the client
        reads them."""
        connection.replay(self._pages(conversation_id, after_seq))

    def _pages(self, conversation_id: str, after_seq: int) -> Iterator[List[Dict[str, Any]]]:
        while True:
            events = self.repository.events_after(conversation_id, after_seq, internal=False,
                                                  limit=REPLAY_PAGE)
            if events:
                yield [user_frame(event.as_frame()) for event in events]
            if len(events) < REPLAY_PAGE:
                return
            after_seq = events[-1].seq

    def recover(self, visitor: Visitor, conversation: Conversation) -> None:
        """A user message the bot holds and has not answered (its hub died, or another hub
        still asks it) is asked here once nobody else is asking it, while the visitor stays."""
        if conversation.owner != Owner.BOT.value:
            return
        maybe_owed = conversation.bot_said_seq > conversation.bot_turn_seq
        if self.bot_turns.recover(conversation.id, Asking(visitor), maybe_owed):
            log.info("bot.turn_recovered")

    def state_frames(self, conversation: Conversation) -> List[Dict[str, Any]]:
        """What is true now and carries no sequence number: the place in the queue."""
        if conversation.owner != Owner.QUEUE.value:
            return []
        dispatcher = self.dispatcher
        return [dispatcher.user_frame(conversation, self.repository.waiting(),
                                      dispatcher.slots())]

    # --- talking ----------------------------------------------------------------------------------

    def post(self, visitor: Visitor, frame: Frame) -> Awaitable[Dict[str, Any]]:
        """Queues the user's message for storing (once per client id); the ack once stored,
        and, if the bot holds the conversation, Rasa is asked."""
        conversation_id = self._conversation_id(visitor)
        data = {"payload": frame["payload"]} if frame.get("payload") else None
        stored = self.timeline.relay(conversation_id, "message", "user", text=frame["text"],
                                     data=data, client_id=f"user:{frame['client_id']}",
                                     lease=self.bot_leases.with_message())
        return self._acknowledge(stored, visitor, frame)

    async def _acknowledge(self, storing: "asyncio.Future[Appended]", visitor: Visitor,
                           frame: Frame) -> Dict[str, Any]:
        stored = await storing
        if not stored.duplicate and bot_answers(Owner(stored.state["owner"])):
            # Nothing owed before it, and the lease came with it: asked without a look.
            alone = stored.alone and stored.state["bot_turn_by"] == self.bot_leases.token
            self.bot_turns.add(stored.values["conversation_id"],
                               Turn(stored.seq, frame.get("payload") or frame["text"],
                                    Asking(visitor), alone))
        return {"type": "ack", "client_id": frame["client_id"], "seq": stored.seq,
                "duplicate": stored.duplicate}

    async def _bot_answered(self, conversation_id: str, turn: Turn, replies: Replies,
                            release: bool) -> bool:
        """Stores Rasa's replies while this hub holds the conversation's lease (False: another
        hub took it over, and asks the message itself)."""
        for number, reply in enumerate(replies, start=1):
            data = {k: v for k, v in reply.items() if k != "text"}
            expect, changes = self.bot_leases.with_answer(
                turn.seq, release=release and number == len(replies))
            try:
                await self.timeline.relay(conversation_id, "message", "bot",
                                          text=reply.get("text"), data=data, expect=expect,
                                          changes={"bot_failed": False, **changes})
            except Conflict:
                log.warning("bot.turn_taken_over", seq=turn.seq)
                return False
            self.metrics.count("bolt_hub_bot_replies_total")
        return True

    async def _bot_turn(self, conversation_id: str, turn: Turn) -> Optional[Replies]:
        """Rasa's replies; [] when the bot no longer holds the conversation, None when Rasa
        did not answer."""
        text, asking = turn.text, turn.asker
        visitor = asking.visitor
        state = self.repository.bot_turn_state(conversation_id)
        if state is None or not bot_answers(Owner(state.owner)):
            return []  # handed over while an earlier turn was still being answered
        metadata: Dict[str, Any] = {**asking.metadata, "locale": visitor.locale or state.locale}
        now = self.wall_clock()
        if visitor.identity is not None and visitor.still_valid(now):
            metadata["claims"] = sign_claims(self.claims_secret, visitor.identity,
                                             conversation_id, now=now)
        started = time.monotonic()
        try:
            if state.rasa_resume_pending and not await self.bot.resume(conversation_id):
                raise BotUnavailable("Rasa could not be resumed")
            replies = await self.bot.send(conversation_id, text, metadata)
        except BotUnavailable as error:
            log.warning("bot.unavailable", conversation_id=conversation_id, error=str(error))
            self.metrics.count("bolt_hub_bot_failures_total")
            return None
        self.metrics.observe("bolt_hub_bot_latency_seconds", time.monotonic() - started)
        if asking.offer is not None:
            return [{**reply, "offer": asking.offer} for reply in replies]
        return replies

    # --- whether an answer helped ----------------------------------------------------------------

    def feedback(self, visitor: Visitor, frame: Frame) -> None:
        """Records whether one of Bolt's messages helped (`rating`, `about_seq`): the user may
        change their answer, each change is one more record (the latest counts), the same answer
        again is nothing new. The first "Not helpful" on a message that says what to offer then
        (an article's person or web ticket: actions/) offers it; on one of Bolt's topic answers,
        Rasa is asked in the conversation's turn (`/not_helpful`, with the next best topics and
        the question answered) and its replies are the offer; while the bot holds the
        conversation."""
        conversation_id = self._conversation_id(visitor)
        rated = self.repository.event(conversation_id, frame["seq"])
        if rated is None or rated.kind != "message" or rated.speaker != "bot":
            raise ProtocolError("not_found", "no such message of Bolt's in this conversation",
                                field="seq")
        rating = "helpful" if frame["helpful"] else "not_helpful"
        earlier = [(e.data or {}).get("rating") for e in self.repository.events_after(
            conversation_id, rated.seq, internal=False)
            if e.kind == FEEDBACK and (e.data or {}).get("about_seq") == rated.seq]
        if earlier and earlier[-1] == rating:
            log.info("answer.feedback", rating=rating, duplicate=True)
            return
        _, duplicate, conversation = self.timeline.record(
            conversation_id, FEEDBACK, "user", data={"rating": rating, "about_seq": rated.seq},
            client_id=f"{FEEDBACK}:{rated.seq}:{len(earlier)}")
        log.info("answer.feedback", rating=rating, duplicate=duplicate)
        if (duplicate or rating == "helpful" or "not_helpful" in earlier
                or not bot_answers(Owner(conversation.owner))):
            return
        data = rated.data or {}
        offers = (data.get("custom") or {}).get("not_helpful") or []
        if offers:
            # In turn with the bot's answers, so that the offer follows the answer being given.
            self.bot_turns.add_work(conversation_id, lambda: self._offer(conversation_id, offers))
        elif (data.get("nlu") or {}).get("faq"):
            # Whether the account has a person or a web ticket is the action server's to check.
            self.bot_turns.add(conversation_id, Turn(None, hub_message(NOT_HELPFUL), Asking(
                visitor, {NOT_HELPFUL: self._not_helpful_metadata(rated)}, offer=OFFER)))

    def _not_helpful_metadata(self, rated: Event) -> Dict[str, Any]:
        """What Rasa is told of the answer that did not help: the next best topics after it and
        the user's message it answered."""
        asked = self.repository.last_message_before(rated.conversation_id, rated.seq, "user")
        following = (rated.data or {}).get("next_topics")
        return {"next_topics": [str(key) for key in following]
                if isinstance(following, list) else [],
                "question": (asked.text or "") if asked is not None else ""}

    async def _offer(self, conversation_id: str, offers: List[Dict[str, Any]]) -> None:
        for offer in offers:
            # Marked as the offer: not an answer of Bolt's to rate again.
            data = {"offer": OFFER, **({"buttons": offer["buttons"]}
                                       if offer.get("buttons") else {})}
            await self.timeline.relay(conversation_id, "message", "bot",
                                      text=offer.get("text"), data=data)

    def _bot_unavailable(self, conversation_id: str, turn: Turn) -> None:
        conversation, visitor = (self.repository.conversation(conversation_id),
                                 turn.asker.visitor)
        if visitor.identity is None:
            self.timeline.say(conversation, "bot_unavailable", "hub_bot_unavailable_anonymous",
                              data={"options": []}, changes={"bot_failed": True})
        else:
            self.timeline.say(conversation, "bot_unavailable", "hub_bot_unavailable",
                              data={"options": ["agent", "ticket"]}, changes={"bot_failed": True})

    def typing(self, visitor: Visitor, typing: bool) -> None:
        conversation = self.repository.conversation(self._conversation_id(visitor))
        if conversation.owner == Owner.AGENT.value:
            self.broker.publish(topics.agent(conversation.agent_id), {
                "type": "typing", "conversation_id": conversation.id, "speaker": "user",
                "typing": typing})

    # --- reaching a person without the bot ------------------------------------------------------

    def request_agent(self, visitor: Visitor) -> None:
        """Only while Rasa is unreachable: otherwise Bolt's account check decides."""
        conversation = self._identified_conversation(visitor)
        if conversation.owner != Owner.BOT.value or not conversation.bot_failed:
            raise ProtocolError("not_allowed", "ask Bolt for a person: it checks your account")
        request = HandoffRequest(
            conversation_id=conversation.id, language=conversation.language, priority="P3",
            reason="bot_unavailable",
            first_response_hours=self.fallback_response_hours,
            summary=self._summary(conversation.id), account=self._unchecked_card(visitor),
        )
        try:
            self.handoffs.hand_off(request)
        except NoAgents:
            self.timeline.say(conversation, "no_agents", "hub_no_agents",
                              data={"options": ["ticket"]})
            return
        self.background.spawn(self.bot.pause(conversation.id))

    def leave_queue(self, visitor: Visitor) -> None:
        conversation = self.repository.conversation(self._conversation_id(visitor))
        if conversation.owner != Owner.QUEUE.value:
            raise ProtocolError("not_in_queue", "the conversation is not waiting in the queue")
        self.handoffs.leave_queue(conversation)

    def ticket(self, visitor: Visitor) -> None:
        """Offered while waiting and while Rasa is unreachable; otherwise Bolt's policy decides."""
        conversation = self._identified_conversation(visitor)
        if conversation.owner != Owner.QUEUE.value and not (
                conversation.owner == Owner.BOT.value and conversation.bot_failed):
            raise ProtocolError("not_allowed", "ask Bolt for a ticket: it checks your account")
        self.handoffs.open_ticket(TicketRequest(
            conversation_id=conversation.id, language=conversation.language,
            priority=conversation.priority or "P3", reason="user_request",
            summary=conversation.summary or self._summary(conversation.id),
            account=conversation.account_card or self._unchecked_card(visitor),
        ))

    def _summary(self, conversation_id: str) -> str:
        said = [e.text for e in self.repository.events_after(conversation_id, 0, internal=False)
                if e.speaker == "user" and e.text]
        return "\n".join(said[-SUMMARY_MESSAGES:])[:2000]

    @staticmethod
    def _unchecked_card(visitor: Visitor) -> Dict[str, Any]:
        identity = visitor.identity
        return {"account_id": identity.account_id, "user_id": identity.user_id,
                "user_name": identity.name, "checked": False, "rights": []}

    def signed_in(self, visitor: Visitor) -> Identity:
        """The visitor's identity while their token is valid; anonymous visitors have no
        tickets to read."""
        if visitor.identity is None or not visitor.still_valid(self.wall_clock()):
            raise ProtocolError("sign_in_required", "sign in to the help center to see tickets")
        return visitor.identity

    def _identified_conversation(self, visitor: Visitor) -> Conversation:
        conversation = self.repository.conversation(self._conversation_id(visitor))
        if not visitor.still_valid(self.wall_clock()):
            raise ProtocolError("sign_in_required", "sign in to the help center to reach a person")
        return conversation

    @staticmethod
    def _conversation_id(visitor: Visitor) -> str:
        if visitor.conversation_id is None:
            raise ProtocolError("hello_first", "send a hello frame first")
        return visitor.conversation_id

"""The two WebSockets: /ws/chat (users) and /ws/agent (agents), over one read loop."""
from __future__ import annotations

import asyncio
import inspect
import time
from collections import deque
from typing import (
    Any, Awaitable, Callable, ClassVar, Deque, Dict, Generic, List, Mapping, Optional, Tuple,
    Type, TypeVar, Union,
)

from sqlalchemy.exc import OperationalError
from websockets.exceptions import ConnectionClosed

from bolt.core import logs
from bolt.core.identity import Identity, InvalidToken, TokenRules, verify_token
from handoff.config import HubSettings
from handoff.wire.connection import Connection
from handoff.services.conversations import Conversations, Visitor
from handoff.services.desk import Desk
from handoff.services import topics
from handoff.services.hub import Hub
from handoff.rules.ownership import IllegalMove
from handoff.wire.protocol import (
    AGENT_FRAMES, CHAT_FRAMES, Field, Frame, ProtocolError, encode, parse,
)
from handoff.rules.address_limits import AddressLimits
from handoff.rules.client_address import client_address
from handoff.rules.rate_limits import Limiter
from handoff.store.repository import Conflict
from handoff.store.schema import Agent

log = logs.get_logger(__name__)
# Messages of one socket being stored at once; past this, the socket waits before reading more.
MAX_IN_FLIGHT = 64
# Agent frames that need only who the agent is, not their current status or capacity.
RELAYED_AS_SIGNED_IN = frozenset({"message", "note", "typing"})
# What supervisors do beyond their own chats (handoff/services/supervision.py).
SUPERVISING = frozenset({"board", "watch", "unwatch", "whisper", "take_over", "reassign"})
Answer = Union[None, Dict[str, Any], Awaitable[Dict[str, Any]], "Inline"]  # awaited: a message
Handler = Callable[[Frame], Answer]
Party = TypeVar("Party")


async def serve(ws: Any, connection: Connection, settings: HubSettings, limiter: Limiter,
                frames: Mapping[str, Mapping[str, Field]], handle: Handler,
                rate_keys: Callable[[], List[str]], refused: Callable[[str], None],
                address_allows: Callable[[float], bool] = lambda now: True) -> None:
    """Reads frames until the socket closes; a bad frame gets an error frame, nothing more.

    A message's store is queued when its frame is read (so a socket's frames are stored in the
    order sent) and answered when committed, while the socket goes on reading: an agent who
    types in twenty chats is not held to one commit at a time."""
    loop = asyncio.get_running_loop()
    in_flight: Deque[asyncio.Task] = deque()
    try:
        while True:
            raw = await ws.recv()
            if raw is None:
                break
            now = time.monotonic()
            if not (limiter.allow(now, connection.key, *rate_keys()) and address_allows(now)):
                connection.deliver(
                    ProtocolError("rate_limited", "too many frames: slow down").frame())
                refused("rate_limited")
                continue
            frame: Optional[Frame] = None
            try:
                frame = parse(raw, frames, settings.max_frame_bytes, settings.max_text_chars)
                answer = {"type": "pong"} if frame.type == "ping" else handle(frame)
                if isinstance(answer, Inline):  # the socket's next frame waits for this one
                    answer = await answer.work
            except Exception as error:  # noqa: BLE001 - answered() tells the client what it can
                refused(answered(connection, frame, error))
                continue
            if inspect.isawaitable(answer):  # a message: stored off the loop, then answered
                while in_flight and in_flight[0].done():
                    in_flight.popleft()
                if len(in_flight) >= MAX_IN_FLIGHT:
                    await asyncio.wait({in_flight.popleft()})
                in_flight.append(loop.create_task(
                    _answer_when_stored(connection, frame, answer, refused)))
            elif answer is not None:
                connection.deliver(answer)
    except ConnectionClosed:
        pass
    finally:
        limiter.forget(connection.key)
        await asyncio.gather(*in_flight, return_exceptions=True)
        connection.stop()


async def _answer_when_stored(connection: Connection, frame: Frame,
                              answer: Awaitable[Dict[str, Any]],
                              refused: Callable[[str], None]) -> None:
    try:
        connection.deliver(await answer)
    except Exception as error:  # noqa: BLE001 - answered() tells the client what it can
        refused(answered(connection, frame, error))


class Inline:
    """An answer the socket waits for before it reads its next frame: a sign-in, whose check
    runs off the loop while the frames after it need to know who signed in."""

    def __init__(self, work: Awaitable[Optional[Dict[str, Any]]]) -> None:
        self.work = work


def answered(connection: Connection, frame: Optional[Frame], error: Exception) -> str:
    """Sends the error frame for what went wrong with a client's frame; returns its code."""
    ref = frame.get("client_id") if frame else None
    if isinstance(error, ProtocolError):
        connection.deliver(error.frame(ref=ref))
        return error.code
    if isinstance(error, (Conflict, IllegalMove)):
        # Someone else changed the conversation first (another agent claimed it).
        connection.deliver(ProtocolError("conflict", str(error)).frame())
        return "conflict"
    if isinstance(error, OperationalError):
        # The database is locked or gone: the transaction rolled back, nothing is stored.
        log.error("store.unavailable", frame=frame.type if frame else None, exc_info=error)
        connection.deliver(ProtocolError(
            "unavailable", "cannot store anything right now: try again").frame(ref=ref))
        return "unavailable"
    # Not the client's doing: logged for the operators, and the socket carries on.
    log.error("frame.failed", frame=frame.type if frame else None, exc_info=error)
    connection.deliver(ProtocolError(
        "internal_error", "the hub failed to do this (its log says why)").frame(ref=ref))
    return "internal_error"


def verified(token: Optional[str], rules: TokenRules) -> Tuple[Optional[Identity], Optional[str]]:
    """(identity, why it was refused): a bad token is just an anonymous visitor. The token
    itself goes no further than here."""
    if not token:
        return None, None
    try:
        return verify_token(token, rules), None
    except InvalidToken as error:
        return None, str(error)


class Socket(Generic[Party]):
    """One open socket of the hub, and who is at its other end once its opening frame said so."""

    frames: ClassVar[Mapping[str, Mapping[str, Field]]]
    kind: ClassVar[str]  # its label in the hub's metrics

    def __init__(self, hub: Hub, connection: Connection, address: Optional[str] = None,
                 floods: Optional[AddressLimits] = None) -> None:
        self.hub = hub
        self.connection = connection
        self.address = address  # the client's (handoff/rules/client_address.py)
        self.floods = floods
        self.party: Optional[Party] = None

    def handle(self, frame: Frame) -> Answer:
        raise NotImplementedError

    def rate_keys(self) -> List[str]:
        raise NotImplementedError

    def closed(self, party: Party) -> None:
        """What the hub undoes when the socket of `party` has closed."""
        raise NotImplementedError


async def serve_socket(request: Any, ws: Any, kind: Type[Socket]) -> None:
    """Serves one socket of `kind` until it closes; one address too many sockets gets an error
    frame and the socket closes (1013: try again later)."""
    hub: Hub = request.app.ctx.hub
    metrics = hub.metrics
    floods: AddressLimits = request.app.ctx.address_limits
    address = client_address(request.ip, request.headers.get("x-forwarded-for"),
                             hub.settings.trusted_proxies)
    if not floods.socket_opened(address):
        metrics.refused("too_many_connections")
        await ws.send(encode(ProtocolError(
            "too_many_connections", "too many open sockets from your address").frame()))
        await ws.close(code=1013, reason="too many connections")
        return
    socket = kind(hub, Connection(ws), address, floods)
    open_sockets = metrics.sockets[kind.kind]
    open_sockets.inc()
    request.app.ctx.sockets.opened()
    try:
        await serve(ws, socket.connection, hub.settings, request.app.ctx.limiter,
                    kind.frames, socket.handle, socket.rate_keys, metrics.refused,
                    lambda now: floods.frame(now, address))
    finally:
        request.app.ctx.sockets.closed()
        open_sockets.dec()
        floods.socket_closed(address)
        if socket.party is not None:
            socket.closed(socket.party)


class ChatSocket(Socket[Visitor]):
    """/ws/chat: a user's conversation, opened by a hello frame."""

    frames = CHAT_FRAMES
    kind = "chat"

    def handle(self, frame: Frame) -> Answer:
        if frame.type == "hello":
            return self.hello(frame)
        visitor = self.party
        if visitor is None:
            raise ProtocolError("hello_first", "send a hello frame first")
        conversations: Conversations = self.hub.conversations
        if frame.type == "message":
            return conversations.post(visitor, frame)
        if frame.type == "typing":
            conversations.typing(visitor, frame["typing"])
        elif frame.type == "resume":
            conversations.replay(self.connection, visitor.conversation_id, frame["last_seq"])
            conversations.recover(visitor,
                                  self.hub.repository.conversation(visitor.conversation_id))
        elif frame.type == "request_agent":
            conversations.request_agent(visitor)
        elif frame.type == "leave_queue":
            conversations.leave_queue(visitor)
        elif frame.type == "ticket":
            conversations.ticket(visitor)
        elif frame.type == "feedback":
            conversations.feedback(visitor, frame)
        elif frame.type == "file_links":
            return self.hub.attachments.links_for_user(visitor)
        elif frame.type == "csat":
            if visitor.conversation_id is None:
                raise ProtocolError("hello_first", "send a hello frame first")
            return self.hub.satisfaction.rate(visitor.conversation_id, frame)
        elif frame.type in ("tickets", "ticket_reply"):
            identity = conversations.signed_in(visitor)
            if frame.type == "tickets":
                return self.hub.tickets.of_user(identity)
            return self.hub.tickets.user_reply(identity, frame)
        return None

    def hello(self, frame: Frame) -> None:
        if self.party is not None:
            raise ProtocolError("already_open", "this socket has its conversation already")
        hub, connection, conversations = self.hub, self.connection, self.hub.conversations
        identity, token_error = verified(frame.get("token"), hub.settings.token_rules)
        if (identity is None and frame.get("conversation_id") is None and self.floods
                and not self.floods.new_anonymous_conversation(time.monotonic(),
                                                               self.address or "")):
            raise ProtocolError("too_many_conversations",
                                "too many new conversations from your address: try again later")
        visitor = Visitor(identity=identity, locale=frame.get("locale"))
        conversation, resume_key = conversations.open(visitor, frame)
        visitor.conversation_id = conversation.id
        visitor.locale = visitor.locale or conversation.locale
        self.party = visitor
        # The socket's task (and the bot turns it starts) logs in this conversation's context.
        logs.bind_conversation(conversation.id)
        log.info("conversation.started" if resume_key else "conversation.resumed",
                 language=conversation.language, owner=conversation.owner,
                 signed_in=identity is not None, token_refused=token_error)
        welcome: Dict[str, Any] = {
            "type": "welcome", "conversation_id": conversation.id, "owner": conversation.owner,
            "language": conversation.language, "last_seq": conversation.last_seq,
            "identity": {"anonymous": identity is None,
                         "name": identity.name if identity else None},
            "link_origins": list(hub.settings.help_center_origins),
            "files": hub.attachments.limits_frame(),
        }
        if resume_key:
            welcome["resume_key"] = resume_key
        if token_error:
            welcome["identity"]["token_error"] = token_error
        connection.deliver(welcome)
        if resume_key is None:
            conversations.replay(connection, conversation.id, frame.get("last_seq") or 0)
        for state_frame in conversations.state_frames(conversation):
            connection.deliver(state_frame)
        hub.broker.subscribe(topics.chat(conversation.id), connection)
        if resume_key is None:
            conversations.recover(visitor, conversation)
        if identity is not None:
            # A signed-in user back in the sidebar finds their tickets and the replies to them.
            tickets = hub.tickets.of_user(identity)
            if tickets["tickets"]:
                connection.deliver(tickets)
            hub.broker.subscribe(topics.user(identity.account_id, identity.user_id), connection)

    def rate_keys(self) -> List[str]:
        visitor = self.party
        return [visitor.rate_key] if visitor and visitor.rate_key else []

    def closed(self, visitor: Visitor) -> None:
        visitor.connected = False
        self.hub.broker.unsubscribe(topics.chat(visitor.conversation_id), self.connection)
        identity = visitor.identity
        if identity is not None:
            self.hub.broker.unsubscribe(topics.user(identity.account_id, identity.user_id),
                                        self.connection)


class AgentSocket(Socket[Agent]):
    """/ws/agent: an agent's desk, opened by a login frame."""

    frames = AGENT_FRAMES
    kind = "agent"
    session: Optional[str] = None

    def handle(self, frame: Frame) -> Answer:
        if frame.type == "login":
            if self.party is not None:
                raise ProtocolError("already_open", "this socket is signed in already")
            return Inline(self.login(frame))
        agent = self.party
        if agent is None:
            raise ProtocolError("login_first", "sign in with a login frame first")
        if frame.type not in RELAYED_AS_SIGNED_IN:
            agent = self.hub.repository.agent(agent.id) or agent  # its status and capacity now
        with logs.conversation(frame.get("conversation_id")):
            return self.act(agent, frame)

    async def login(self, frame: Frame) -> None:
        how = "session" if frame.get("session") else "password"
        try:
            agent, session = await self.hub.desk.login(frame, self.address)
        except ProtocolError as refused:
            log.info("agent.sign_in_refused", how=how, code=refused.code)
            raise
        if self.party is not None or self.connection.closed:
            return  # signed in twice at once, or gone while the password was checked
        self.party, self.session = agent, session
        logs.bind_agent(agent.id)
        log.info("agent.signed_in", agent=agent.name, how=how)
        self.hub.desk.attach(agent, session, self.connection)

    def sign_out(self) -> None:
        """Ends the session this socket signed in with, then the socket."""
        if self.session:
            self.hub.desk.sign_out(self.session)
            self.session = None
            log.info("agent.signed_out")
        self.connection.stop()
        asyncio.get_running_loop().create_task(self.connection.ws.close(code=1000,
                                                                        reason="signed out"))

    def act(self, agent: Agent, frame: Frame) -> Answer:
        desk: Desk = self.hub.desk
        kind = frame.type
        if kind == "sign_out":
            self.sign_out()
        elif kind == "status":
            self.party = desk.set_status(agent, frame["status"])
            log.info("agent.status", status=frame["status"])
        elif kind == "locale":
            self.party = desk.set_locale(agent, frame["locale"])
        elif kind in ("claim", "accept"):
            desk.take(agent, frame["conversation_id"], claim=kind == "claim", origin=self.address)
        elif kind == "decline":
            desk.decline(agent, frame["conversation_id"])
        elif kind in ("message", "note"):
            return desk.message(agent, frame, note=kind == "note")
        elif kind == "typing":
            desk.typing(agent, frame["conversation_id"], frame["typing"])
        elif kind == "transfer":
            desk.transfer(agent, frame, origin=self.address)
        elif kind == "resolve":
            desk.resolve(agent, frame["conversation_id"])
        elif kind == "history":
            self.connection.replay(desk.history(agent, frame["conversation_id"],
                                                frame.get("after_seq") or 0, origin=self.address))
        elif kind == "audit":
            return desk.audit_entries(agent, frame)
        elif kind == "customer_history":
            return self.hub.lookups.customer_history(agent, frame["conversation_id"])
        elif kind == "transcript":
            return self.hub.lookups.transcript(agent, frame["conversation_id"],
                                               origin=self.address)
        elif kind == "search":
            return self.hub.lookups.search(agent, frame)
        elif kind == "replies":
            return self.hub.replies.listing(agent, frame["language"])
        elif kind == "reply_add":
            return self.hub.replies.add(agent, frame, origin=self.address)
        elif kind == "reply_edit":
            return self.hub.replies.edit(agent, frame, origin=self.address)
        elif kind == "reply_delete":
            return self.hub.replies.delete(agent, frame, origin=self.address)
        elif kind == "tickets":
            return self.hub.tickets.listing(agent)
        elif kind == "ticket":
            return self.hub.tickets.show(agent, frame["ticket_id"])
        elif kind == "ticket_reply":
            return self.hub.tickets.reply(agent, frame, origin=self.address)
        elif kind == "ticket_status":
            return self.hub.tickets.set_status(agent, frame)
        elif kind == "ticket_assign":
            return self.hub.tickets.assign(agent, frame, origin=self.address)
        elif kind == "articles":
            return self.hub.articles.find(frame["query"], frame["language"])
        elif kind == "send_article":
            return self.hub.articles.send(agent, frame)
        elif kind == "file_links":
            return self.hub.attachments.links_for_agent(agent, frame["conversation_id"],
                                                        origin=self.address)
        elif kind == "review":
            return self.hub.review.inbox(agent, frame)
        elif kind == "review_transcript":
            return self.hub.review.transcript(agent, frame)
        elif kind == "review_act":
            return self.hub.review.act(agent, frame, origin=self.address)
        elif kind in ("content_publish", "content_rollback"):
            return self.hub.review.publish(agent, frame, origin=self.address,
                                           rollback=kind == "content_rollback")
        elif kind in SUPERVISING:
            return self.supervise(agent, frame)
        return None

    def supervise(self, agent: Agent, frame: Frame) -> Answer:
        if not agent.supervisor:
            raise ProtocolError("forbidden", "only supervisors may do that")
        supervision = self.hub.supervision
        kind, conversation_id = frame.type, frame.get("conversation_id")
        if kind == "board":
            return supervision.show_board(agent, self.connection)
        if kind == "watch":
            supervision.watch(agent, conversation_id, self.connection, origin=self.address)
        elif kind == "unwatch":
            supervision.unwatch(conversation_id, self.connection)
        elif kind == "whisper":
            return supervision.whisper(agent, frame)
        elif kind == "take_over":
            supervision.take_over(agent, conversation_id, self.connection, origin=self.address)
        elif kind == "reassign":
            supervision.reassign(agent, frame, origin=self.address)
        return None

    def rate_keys(self) -> List[str]:
        agent = self.party
        return [f"agent:{agent.id}"] if agent else []

    def closed(self, agent: Agent) -> None:
        log.info("agent.disconnected")
        self.hub.supervision.detach(self.connection)
        self.hub.desk.detach(agent, self.connection)


async def chat_socket(request: Any, ws: Any) -> None:
    await serve_socket(request, ws, ChatSocket)


async def agent_socket(request: Any, ws: Any) -> None:
    await serve_socket(request, ws, AgentSocket)

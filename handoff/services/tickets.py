"""Web tickets with a life: agents list them (their own first), read them, answer them, solve,
close or reopen them; supervisors assign them; the signed-in user reads the replies in the
sidebar and answers there. Every change of status goes through handoff/rules/ticket_status.py
and is stored with its message (and the user's mail) in one transaction, then every agent who
may see the ticket and every tab of its user are told.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

from sqlalchemy.engine import Connection

from bolt.core.identity import Identity
from handoff.rules.ticket_status import MOVE_TO, IllegalMove, Move, Status, next_status
from handoff.services import topics
from handoff.services.agent_view import ticket_visible
from handoff.services.audit import TICKET_ASSIGNED, Audit, agent_actor
from handoff.services.broker import Broker
from handoff.services.mail import Mailer
from handoff.store import mail_outbox
from handoff.store import ticket_threads as store
from handoff.store.repository import Repository
from handoff.store.schema import Agent, parse_ticket_id
from handoff.wire.protocol import Frame, ProtocolError


def not_found() -> ProtocolError:
    return ProtocolError("not_found", "no such ticket", field="ticket_id")


def user_card(row: Mapping[str, Any], thread: List[Dict[str, Any]]) -> Dict[str, Any]:
    """A ticket as its user sees it: no assignee, account card or summary of the agents'."""
    return {"ticket_id": store.public_id(row["id"]), "status": row["status"],
            "language": row["language"], "created_at": row["created_at"].isoformat() + "Z",
            "updated_at": (row["updated_at"] or row["created_at"]).isoformat() + "Z",
            "email": row["email"] is not None, "thread": thread}


class Tickets:
    def __init__(self, repository: Repository, broker: Broker, audit: Audit, mailer: Mailer,
                 clock: Callable[[], datetime]) -> None:
        self.repository = repository
        self.broker = broker
        self.audit = audit
        self.mailer = mailer
        self.clock = clock

    # --- agents ----------------------------------------------------------------------------------

    def listing(self, agent: Agent) -> Dict[str, Any]:
        """The tickets not closed the agent may see: those assigned to them first, then the
        unassigned, then the others', each group oldest first."""
        held = self._held_ids(agent)
        with self.repository.engine.connect() as connection:
            cards = [store.card(row) for row in store.live(connection)]
        visible = [card for card in cards if ticket_visible(agent, card, held)]
        visible.sort(key=lambda card: (card["assignee"] != agent.name,
                                       card["assignee"] is not None))
        return {"type": "tickets", "tickets": visible}

    def show(self, agent: Agent, public_id: str) -> Dict[str, Any]:
        row = self._visible(agent, public_id)
        return self._frame(row)

    def reply(self, agent: Agent, frame: Frame, origin: Optional[str]) -> Dict[str, Any]:
        """The agent's answer: the ticket waits for the user; an unassigned ticket is theirs."""
        read = self._visible(agent, frame["ticket_id"])
        at = self.clock()

        def change(connection: Connection, row: Dict[str, Any]) -> Tuple[bool, Dict[str, Any]]:
            if store.sent_before(connection, row["id"], "agent", frame["client_id"]):
                return False, {}
            status = self._next(row, Move.AGENT_REPLY)
            values: Dict[str, Any] = {"status": status.value}
            if row["assignee_id"] is None:
                values["assignee_id"] = agent.id
            if not store.change(connection, row["id"], row["status"], at, **values):
                raise ProtocolError("conflict", "someone changed the ticket first",
                                    field="ticket_id")
            store.add_message(connection, row, "agent", frame["text"], frame["client_id"], at,
                              agent)
            mail = self.mailer.reply(row, row["user_name"], agent.display_name, frame["text"], at)
            if mail is not None:
                mail_outbox.enqueue(connection, **mail)
            return True, values

        changed, values = self._changed(read["id"], change)
        if "assignee_id" in values:
            self.audit.record(agent_actor(agent.name, origin), TICKET_ASSIGNED,
                              ticket_id=store.public_id(read["id"]), agent=agent.name,
                              previous=None, on="reply")
        return self._told(read["id"], changed)[0]

    def set_status(self, agent: Agent, frame: Frame) -> Dict[str, Any]:
        """Solve, close or reopen (the table says from which status)."""
        read = self._visible(agent, frame["ticket_id"])
        move = MOVE_TO[Status(frame["status"])]
        at = self.clock()

        def change(connection: Connection, row: Dict[str, Any]) -> Tuple[bool, Dict[str, Any]]:
            status = self._next(row, move)
            if not store.change(connection, row["id"], row["status"], at, status=status.value):
                raise ProtocolError("conflict", "someone changed the ticket first",
                                    field="ticket_id")
            return True, {}

        changed, _ = self._changed(read["id"], change)
        return self._told(read["id"], changed)[0]

    def assign(self, agent: Agent, frame: Frame, origin: Optional[str]) -> Dict[str, Any]:
        """A supervisor gives the ticket to an agent (`agent` absent: to nobody)."""
        if not agent.supervisor:
            raise ProtocolError("forbidden", "only supervisors assign tickets", field="agent")
        read = self._visible(agent, frame["ticket_id"])
        name = frame.get("agent")
        assignee = None
        if name is not None:
            assignee = self.repository.agent_by_name(name)
            if assignee is None or assignee.disabled:
                raise ProtocolError("not_found", "no such agent", field="agent")
        at = self.clock()

        def change(connection: Connection, row: Dict[str, Any]) -> Tuple[bool, Dict[str, Any]]:
            status = self._next(row, Move.ASSIGN)
            if not store.change(connection, row["id"], row["status"], at, status=status.value,
                                assignee_id=assignee.id if assignee else None):
                raise ProtocolError("conflict", "someone changed the ticket first",
                                    field="ticket_id")
            return True, {"previous": row["assignee"]}

        changed, values = self._changed(read["id"], change)
        self.audit.record(agent_actor(agent.name, origin), TICKET_ASSIGNED,
                          ticket_id=store.public_id(read["id"]),
                          agent=assignee.name if assignee else None,
                          previous=values["previous"], on="assign")
        return self._told(read["id"], changed)[0]

    # --- the user --------------------------------------------------------------------------------

    def of_user(self, identity: Identity) -> Dict[str, Any]:
        """The signed-in user's tickets not closed, newest first, with their threads."""
        with self.repository.engine.connect() as connection:
            rows = store.of_user(connection, identity.user_id, identity.account_id)
            cards = [user_card(row, store.thread(connection, row["id"])) for row in rows]
        return {"type": "tickets", "tickets": cards}

    def user_reply(self, identity: Identity, frame: Frame) -> Dict[str, Any]:
        """The user's answer from the sidebar: the ticket is the agents' to work on again."""
        number = parse_ticket_id(frame["ticket_id"])
        with self.repository.engine.connect() as connection:
            read = store.one(connection, number) if number is not None else None
        # Another user's ticket is answered as one that does not exist.
        if (read is None or read["user_id"] != identity.user_id
                or read["account_id"] != identity.account_id):
            raise not_found()
        at = self.clock()

        def change(connection: Connection, row: Dict[str, Any]) -> Tuple[bool, Dict[str, Any]]:
            if store.sent_before(connection, row["id"], "user", frame["client_id"]):
                return False, {}
            status = self._next(row, Move.USER_REPLY)
            if not store.change(connection, row["id"], row["status"], at, status=status.value):
                raise ProtocolError("conflict", "the ticket changed meanwhile: send it again",
                                    field="ticket_id")
            store.add_message(connection, row, "user", frame["text"], frame["client_id"], at)
            return True, {}

        changed, _ = self._changed(read["id"], change)
        _, shown = self._told(read["id"], changed)
        return {"type": "ticket", "ticket": shown}

    # --- shared ----------------------------------------------------------------------------------

    @staticmethod
    def _next(row: Mapping[str, Any], move: Move) -> Status:
        try:
            return next_status(Status(row["status"]), move)
        except IllegalMove:
            raise ProtocolError("ticket_closed" if row["status"] == Status.CLOSED.value
                                else "not_allowed", f"a {row['status']} ticket cannot "
                                f"{move.value.replace('_', ' ')}", field="ticket_id") from None

    def _changed(self, number: int,
                 change: Callable[[Connection, Dict[str, Any]], Tuple[bool, Dict[str, Any]]]
                 ) -> Tuple[bool, Dict[str, Any]]:
        """Runs `change` on the ticket as it is now, in one transaction on the writer."""
        engine = self.repository.engine

        def run() -> Tuple[bool, Dict[str, Any]]:
            with engine.begin() as connection:
                row = store.one(connection, number)
                if row is None:
                    raise not_found()
                return change(connection, row)
        return self.repository.writer.call(run)

    def _told(self, number: int, changed: bool) -> Tuple[Dict[str, Any], Dict[str, Any]]:
        """The ticket's `ticket` frame for agents and the ticket as its user sees it; when it
        changed, sent to every agent who may see it and to every tab of its user."""
        with self.repository.engine.connect() as connection:
            row = store.one(connection, number)
            thread = store.thread(connection, number)
        if row is None:
            raise not_found()
        frame = self._frame(row, thread)
        shown = user_card(row, thread)
        if changed:
            self.broker.publish(topics.AGENTS, {"type": "ticket", "ticket": {
                **store.card(row), "thread": thread}})
            if row["user_id"] is not None:
                self.broker.publish(topics.user(row["account_id"], row["user_id"]),
                                    {"type": "ticket", "ticket": shown})
        return frame, shown

    def _frame(self, row: Mapping[str, Any],
               thread: Optional[List[Dict[str, Any]]] = None) -> Dict[str, Any]:
        if thread is None:
            with self.repository.engine.connect() as connection:
                thread = store.thread(connection, row["id"])
        return {"type": "ticket", "ticket": {**store.card(row, with_transcript=True),
                                             "thread": thread}}

    def _visible(self, agent: Agent, public_id: str) -> Dict[str, Any]:
        number = parse_ticket_id(public_id)
        with self.repository.engine.connect() as connection:
            row = store.one(connection, number) if number is not None else None
        # Another language's ticket is answered as one that does not exist.
        if row is None or not ticket_visible(agent, store.card(row), self._held_ids(agent)):
            raise not_found()
        return row

    def _held_ids(self, agent: Agent) -> frozenset:
        return frozenset(c.id for c in self.repository.held_by(agent.id))

"""Replies agents insert by a short code typed after `/` in the console's reply box, per
language: shared ones (everyone's; only supervisors add, edit and delete them, and each change is
recorded in the audit log) and each agent's own (seen and changed by that agent alone). The
`replies` frame also gives Bolt's own FAQ answers in the language, to insert as they are.

Changes reach every console at once: a shared reply's to every signed-in agent, on every hub; a
personal one's to that agent's other tabs.
"""
from __future__ import annotations

import asyncio
import re
from datetime import datetime
from typing import Any, Callable, Dict, Optional

from sqlalchemy.exc import IntegrityError

from handoff.services import topics
from handoff.services.answers import BoltAnswers
from handoff.services.audit import (
    REPLY_CREATED, REPLY_DELETED, REPLY_EDITED, Audit, agent_actor,
)
from handoff.services.broker import Broker
from handoff.store import replies as table
from handoff.store.repository import Repository
from handoff.store.schema import Agent
from handoff.wire.protocol import Frame, ProtocolError

# A code: letters (of any script) or digits, then also - and _, as typed after "/".
CODE = re.compile(r"[^\W_][\w-]{0,31}")
# Enough for any team's set; a bound on what one frame carries and one agent can store.
MAX_SHARED_PER_LANGUAGE = 300
MAX_PERSONAL_PER_LANGUAGE = 100


def not_found() -> ProtocolError:
    return ProtocolError("not_found", "no such reply", field="reply_id")


def checked_code(code: str) -> str:
    code = code.strip().lstrip("/").lower()
    if not CODE.fullmatch(code):
        raise ProtocolError("invalid_field", "a code is 1 to 32 letters, digits, - or _, "
                            "starting with a letter or digit", field="code")
    return code


class Replies:
    def __init__(self, repository: Repository, broker: Broker, audit: Audit,
                 answers: BoltAnswers, clock: Callable[[], datetime]) -> None:
        self.repository = repository
        self.broker = broker
        self.audit = audit
        self.answers = answers
        self.clock = clock

    async def listing(self, agent: Agent, language: str) -> Dict[str, Any]:
        """The shared replies of the language, the agent's own, and Bolt's answers in it; read
        off the event loop (the answers' files may need reading again)."""
        def read() -> Dict[str, Any]:
            with self.repository.engine.connect() as connection:
                replies = table.visible(connection, language, agent.id)
            return {"type": "replies", "language": language, "replies": replies,
                    "answers": self.answers.of(language)}
        return await asyncio.to_thread(read)

    def add(self, agent: Agent, frame: Frame, origin: Optional[str]) -> Dict[str, Any]:
        shared = bool(frame.get("shared"))
        if shared and not agent.supervisor:
            raise ProtocolError("forbidden", "only supervisors add shared replies", field="shared")
        code, language = checked_code(frame["code"]), frame["language"]
        owner = None if shared else agent.id
        limit = MAX_SHARED_PER_LANGUAGE if shared else MAX_PERSONAL_PER_LANGUAGE
        engine, at = self.repository.engine, self.clock()

        def store() -> Dict[str, Any]:
            with engine.begin() as connection:
                if table.count(connection, language, owner) >= limit:
                    raise ProtocolError("too_many_replies",
                                        f"at most {limit} such replies in a language")
                return table.add(connection, owner, language, code, frame["text"], at,
                                 agent.name)

        reply = self._stored(store)
        if shared:
            self.audit.record(agent_actor(agent.name, origin), REPLY_CREATED,
                              reply_id=reply["id"], language=language, code=code)
        return self._changed(agent, frame, reply)

    def edit(self, agent: Agent, frame: Frame, origin: Optional[str]) -> Dict[str, Any]:
        if not (frame.get("code") or frame.get("text")):
            raise ProtocolError("missing_field", "'code' or 'text' is required", field="text")
        before = self._changeable(agent, frame["reply_id"])
        code = checked_code(frame["code"]) if frame.get("code") else before["code"]
        text = frame.get("text") or before["text"]
        engine, at = self.repository.engine, self.clock()

        def store() -> Dict[str, Any]:
            with engine.begin() as connection:
                changed = table.change(connection, before["id"], code, text, at, agent.name)
            if changed is None:
                raise not_found()
            return changed

        reply = self._stored(store)
        if before["agent_id"] is None:
            details: Dict[str, Any] = {"reply_id": before["id"], "language": before["language"],
                                       "code": code}
            if code != before["code"]:
                details["previous_code"] = before["code"]
            self.audit.record(agent_actor(agent.name, origin), REPLY_EDITED, **details)
        return self._changed(agent, frame, reply)

    def delete(self, agent: Agent, frame: Frame, origin: Optional[str]) -> Dict[str, Any]:
        before = self._changeable(agent, frame["reply_id"])
        engine = self.repository.engine

        def store() -> None:
            with engine.begin() as connection:
                table.remove(connection, before["id"])

        self.repository.writer.call(store)
        shared = before["agent_id"] is None
        if shared:
            self.audit.record(agent_actor(agent.name, origin), REPLY_DELETED,
                              reply_id=before["id"], language=before["language"],
                              code=before["code"])
        self.broker.publish(self._audience(agent, shared), {
            "type": "reply_deleted", "reply_id": before["id"], "language": before["language"]})
        return {"type": "reply_done", "client_id": frame["client_id"], "reply_id": before["id"],
                "reply": None}

    def _changeable(self, agent: Agent, reply_id: int) -> Dict[str, Any]:
        """The reply if the agent may change it: a shared one for a supervisor, their own for
        anyone. Another agent's own reply is not found, as if it did not exist."""
        with self.repository.engine.connect() as connection:
            reply = table.one(connection, reply_id)
        if reply is None or reply["agent_id"] not in (None, agent.id):
            raise not_found()
        if reply["agent_id"] is None and not agent.supervisor:
            raise ProtocolError("forbidden", "only supervisors change shared replies",
                                field="reply_id")
        return reply

    def _stored(self, store: Callable[[], Dict[str, Any]]) -> Dict[str, Any]:
        try:
            return self.repository.writer.call(store)
        except IntegrityError:
            raise ProtocolError("code_taken", "that code names another reply in this language",
                                field="code") from None

    def _changed(self, agent: Agent, frame: Frame, reply: Dict[str, Any]) -> Dict[str, Any]:
        shown = table.card(reply)
        self.broker.publish(self._audience(agent, shown["shared"]),
                            {"type": "reply", "reply": shown})
        return {"type": "reply_done", "client_id": frame["client_id"],
                "reply_id": shown["reply_id"], "reply": shown}

    @staticmethod
    def _audience(agent: Agent, shared: bool) -> str:
        return topics.AGENTS if shared else topics.agent(agent.id)

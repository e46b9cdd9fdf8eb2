"""How satisfied users are with the agents' chats (CSAT): whether a resolve asks for a rating, and
the user's rating of 1-5 with an optional comment, stored as the conversation's one `csat` event.

A conversation asks once: on the first resolve by an agent (the `resolved` event then carries
`"csat": true`); a chat closed by a timeout (`"by": "timeout"`) never asks. The rating is stored
under one client id per conversation, so a second one stores nothing new.
"""
from __future__ import annotations

from typing import Any, Dict, Optional

from bolt.core import logs
from handoff.services.timeline import Timeline
from handoff.store.repository import Repository
from handoff.wire.protocol import Frame, ProtocolError

CSAT = "csat"
SCORES = range(1, 6)
# Who closed a chat, on its `resolved` event: an agent, or a timeout of the hub's.
BY_AGENT = "agent"
BY_TIMEOUT = "timeout"
# The one client id of a conversation's rating: the unique (conversation, client id) makes it once.
ONCE = f"{CSAT}:once"
log = logs.get_logger(__name__)


def resolve_data(by: str, asked_before: bool) -> Dict[str, Any]:
    """The data of a `resolved` event: who closed it and whether the user is asked to rate."""
    data: Dict[str, Any] = {"by": by}
    if by == BY_AGENT and not asked_before:
        data[CSAT] = True
    return data


class Satisfaction:
    def __init__(self, repository: Repository, timeline: Timeline) -> None:
        self.repository = repository
        self.timeline = timeline

    def rate(self, conversation_id: str, frame: Frame) -> Dict[str, Any]:
        """Stores the user's rating (before the ack says so); refused when the conversation
        never asked for one or the score is not 1-5."""
        score = frame["score"]
        if score not in SCORES:
            raise ProtocolError("invalid_field", "'score' must be a whole number from 1 to 5",
                                field="score")
        comment: Optional[str] = (frame.get("comment") or "").strip() or None
        if not self.repository.csat_asked(conversation_id):
            raise ProtocolError("not_allowed", "no rating is asked in this conversation",
                                field="score")
        event, duplicate, _ = self.timeline.record(
            conversation_id, CSAT, "user", data={"score": score, "comment": comment},
            client_id=ONCE)
        log.info("csat.rated", score=score, duplicate=duplicate)
        return {"type": "ack", "client_id": frame["client_id"], "seq": event.seq,
                "duplicate": duplicate}

"""The broker's topics, named here and nowhere else: who listens to what.

Sockets listen to `chat(<conversation id>)` (the user's tabs), `user(<account>, <user>)` (every
tab of a signed-in user: their tickets), `agent(<agent id>)` (one agent's tabs), `AGENTS` (every
signed-in agent), `SUPERVISORS`, and `watch(<conversation id>)` (the supervisors watching a chat:
the events only agents receive; the others they hear on its `chat` topic). The hubs themselves
listen to `PRESENCE` (which agents have a socket on which hub) and `QUEUE` (another hub changed
the queue).
"""
from __future__ import annotations

AGENTS = "agents"
SUPERVISORS = "supervisors"
PRESENCE = "presence"
QUEUE = "queue"


def chat(conversation_id: str) -> str:
    return f"chat:{conversation_id}"


def agent(agent_id: int) -> str:
    return f"agent:{agent_id}"


def watch(conversation_id: str) -> str:
    return f"watch:{conversation_id}"


def user(account_id: str, user_id: str) -> str:
    return f"user:{account_id}/{user_id}"

"""A web ticket's status: open, pending the user, solved or closed, changed only through this
table (as ownership.py does for who holds a conversation).

An agent's reply waits for the user (pending); the user's answer puts it back in the agents'
hands (open), also once solved; a closed ticket is final: the user opens a new one.
"""
from __future__ import annotations

from enum import Enum
from typing import Dict, Tuple


class Status(str, Enum):
    OPEN = "open"
    PENDING = "pending"    # an agent answered: waiting for the user
    SOLVED = "solved"
    CLOSED = "closed"


class Move(str, Enum):
    AGENT_REPLY = "agent_reply"
    USER_REPLY = "user_reply"
    SOLVE = "solve"
    REOPEN = "reopen"      # an agent takes a solved ticket up again
    CLOSE = "close"
    ASSIGN = "assign"      # a supervisor gives it to an agent (or to nobody)


class IllegalMove(ValueError):
    def __init__(self, status: Status, move: Move):
        super().__init__(f"a {status.value} ticket cannot {move.value}")
        self.status = status
        self.move = move


TRANSITIONS: Dict[Tuple[Status, Move], Status] = {
    (Status.OPEN, Move.AGENT_REPLY): Status.PENDING,
    (Status.PENDING, Move.AGENT_REPLY): Status.PENDING,
    (Status.SOLVED, Move.AGENT_REPLY): Status.PENDING,
    (Status.OPEN, Move.USER_REPLY): Status.OPEN,
    (Status.PENDING, Move.USER_REPLY): Status.OPEN,
    (Status.SOLVED, Move.USER_REPLY): Status.OPEN,
    (Status.OPEN, Move.SOLVE): Status.SOLVED,
    (Status.PENDING, Move.SOLVE): Status.SOLVED,
    (Status.SOLVED, Move.REOPEN): Status.OPEN,
    (Status.OPEN, Move.CLOSE): Status.CLOSED,
    (Status.PENDING, Move.CLOSE): Status.CLOSED,
    (Status.SOLVED, Move.CLOSE): Status.CLOSED,
    (Status.OPEN, Move.ASSIGN): Status.OPEN,
    (Status.PENDING, Move.ASSIGN): Status.PENDING,
    (Status.SOLVED, Move.ASSIGN): Status.SOLVED,
}

# What an agent's `ticket_status` frame asks for, as the move that leads there.
MOVE_TO = {Status.SOLVED: Move.SOLVE, Status.OPEN: Move.REOPEN, Status.CLOSED: Move.CLOSE}


def next_status(status: Status, move: Move) -> Status:
    """The status after `move`; raises IllegalMove when the table does not allow it."""
    try:
        return TRANSITIONS[(status, move)]
    except KeyError:
        raise IllegalMove(status, move) from None


def is_live(status: Status) -> bool:
    """Whether the ticket is still worked on: listed for agents, answerable by the user."""
    return status is not Status.CLOSED

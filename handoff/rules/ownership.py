"""Who holds a conversation: exactly one of bot, queue, agent, changed only through this table."""
from __future__ import annotations

from enum import Enum
from typing import Dict, Tuple


class Owner(str, Enum):
    BOT = "bot"
    QUEUE = "queue"
    AGENT = "agent"


class Move(str, Enum):
    HAND_OFF = "hand_off"            # Bolt (or the hub, when Rasa is down) queues it
    ASSIGN = "assign"                # an agent accepts an offer or claims it
    TRANSFER_AGENT = "transfer_agent"  # the agent hands it to another agent
    REQUEUE = "requeue"              # transfer to the queue or a language group, or agent dropped
    RESOLVE = "resolve"              # the agent is done: the bot holds it again
    LEAVE_QUEUE = "leave_queue"      # the user gives up waiting (or takes a ticket instead)
    TAKE_OVER = "take_over"          # a supervisor takes the chat from its agent
    REASSIGN = "reassign"            # a supervisor gives a held or waiting chat to an agent
    UNANSWERED = "unanswered"        # its agent left the user unanswered too long: requeued


class IllegalMove(ValueError):
    def __init__(self, owner: Owner, move: Move):
        super().__init__(f"a conversation held by the {owner.value} cannot {move.value}")
        self.owner = owner
        self.move = move


TRANSITIONS: Dict[Tuple[Owner, Move], Owner] = {
    (Owner.BOT, Move.HAND_OFF): Owner.QUEUE,
    (Owner.QUEUE, Move.ASSIGN): Owner.AGENT,
    (Owner.QUEUE, Move.LEAVE_QUEUE): Owner.BOT,
    (Owner.AGENT, Move.TRANSFER_AGENT): Owner.AGENT,
    (Owner.AGENT, Move.REQUEUE): Owner.QUEUE,
    (Owner.AGENT, Move.RESOLVE): Owner.BOT,
    (Owner.AGENT, Move.TAKE_OVER): Owner.AGENT,
    (Owner.AGENT, Move.REASSIGN): Owner.AGENT,
    (Owner.QUEUE, Move.REASSIGN): Owner.AGENT,
    (Owner.AGENT, Move.UNANSWERED): Owner.QUEUE,
}


def next_owner(owner: Owner, move: Move) -> Owner:
    """The owner after `move`; raises IllegalMove when the table does not allow it."""
    try:
        return TRANSITIONS[(owner, move)]
    except KeyError:
        raise IllegalMove(owner, move) from None


def bot_answers(owner: Owner) -> bool:
    """Whether user messages go to Rasa: only while the bot holds the conversation."""
    return owner is Owner.BOT

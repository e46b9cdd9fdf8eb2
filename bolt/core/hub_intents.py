"""The intents only the hub sends to Rasa, as an internal `/<intent>` message with its metadata:
no user types them, so they have no training examples, and their turns are no questions of the
user's (never stored as a user message, never an answer or an abstention of Bolt's)."""
from __future__ import annotations

# "Not helpful" on one of Bolt's topic answers: Bolt offers more (actions/not_helpful.py).
NOT_HELPFUL = "not_helpful"
HUB_INTENTS = frozenset({NOT_HELPFUL})


def hub_message(intent: str) -> str:
    """The text of the internal message that names `intent`."""
    return f"/{intent}"


def is_hub_message(text: object) -> bool:
    """Whether `text` is one of the hub's internal messages."""
    return isinstance(text, str) and text.strip() in {hub_message(i) for i in HUB_INTENTS}

"""Who is writing: the verified claims of the help-center token sent with each message.

The hub passes the token as message metadata (`auth_token`, docs/handoff-api.md). Only a token
that verifies names a user; anything else, and anything the user types, is an anonymous visitor.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from bolt.core.identity import Identity, InvalidToken, verify_token

logger = logging.getLogger(__name__)

TOKEN_KEY = "auth_token"
IDENTITY_SLOTS = ("user_id", "account_id", "user_name")


def identity_from_metadata(metadata: Any, secret: str) -> Optional[Identity]:
    """The verified identity of the message's token, None for an anonymous visitor."""
    token = metadata.get(TOKEN_KEY) if isinstance(metadata, dict) else None
    if not token:
        return None
    try:
        return verify_token(token, secret)
    except InvalidToken as refused:
        logger.info("token refused, treating the visitor as anonymous: %s", refused)
        return None


def identity_of(tracker: Tracker, secret: str) -> Optional[Identity]:
    return identity_from_metadata(tracker.latest_message.get("metadata"), secret)


def identity_events(tracker: Tracker, secret: str) -> List[Dict[Text, Any]]:
    """The identity slots' changes for the latest message: set from a verified token, else empty."""
    identity = identity_of(tracker, secret)
    values = dict(zip(IDENTITY_SLOTS, (None, None, None)))
    if identity is not None:
        values = {"user_id": identity.user_id, "account_id": identity.account_id,
                  "user_name": identity.name}
    return [SlotSet(name, value) for name, value in values.items()
            if tracker.get_slot(name) != value]

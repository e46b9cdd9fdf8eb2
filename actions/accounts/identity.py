"""Who is writing: the verified claims of the help-center token sent with each message.

The hub passes the token as message metadata (`auth_token`, docs/handoff-api.md). Only a token
that verifies names a user; anything else, and anything the user types, is an anonymous visitor.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bolt.identity import Identity, InvalidToken, verify_token

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


class ActionVerifyIdentity(Action):
    """Custom slot mapping of user_id, account_id and user_name: runs on every user message."""

    def name(self) -> Text:
        return "action_verify_identity"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        # Imported here: actions.services builds on this module.
        from actions.services import services

        identity = identity_of(tracker, services().token_secret)
        values = dict(zip(IDENTITY_SLOTS, (None, None, None)))
        if identity is not None:
            values = {"user_id": identity.user_id, "account_id": identity.account_id,
                      "user_name": identity.name}
        return [SlotSet(name, value) for name, value in values.items()
                if tracker.get_slot(name) != value]

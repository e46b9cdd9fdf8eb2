"""Who is writing: the claims the hub signed for this conversation, sent with each message.

The hub verifies the help center's token and passes on only its claims, signed with the hub's
own secret and bound to the conversation's sender id, as message metadata (`claims`,
bolt/core/identity.py). Only claims that verify for this very sender name a user; anything else
(a help-center token, invented or expired claims, claims signed for another conversation, and
anything the user types) is an anonymous visitor.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from bolt.core import logs
from bolt.core.identity import Identity, InvalidToken, verify_claims

log = logs.get_logger(__name__)

CLAIMS_KEY = "claims"
IDENTITY_SLOTS = ("user_id", "account_id", "user_name")


def identity_from_metadata(metadata: Any, secret: str, sender_id: str) -> Optional[Identity]:
    """The identity in the hub's claims for sender_id, None for an anonymous visitor."""
    claims = metadata.get(CLAIMS_KEY) if isinstance(metadata, dict) else None
    if not claims:
        return None
    try:
        return verify_claims(claims, secret, sender_id)
    except InvalidToken as refused:
        log.info("claims.refused", reason=str(refused), treated_as="anonymous")
        return None


def identity_of(tracker: Tracker, secret: str) -> Optional[Identity]:
    return identity_from_metadata(tracker.latest_message.get("metadata"), secret,
                                  tracker.sender_id)


def identity_events(tracker: Tracker, secret: str) -> List[Dict[Text, Any]]:
    """The identity slots' changes for the latest message: set from verified claims, else empty."""
    identity = identity_of(tracker, secret)
    values = dict(zip(IDENTITY_SLOTS, (None, None, None)))
    if identity is not None:
        values = {"user_id": identity.user_id, "account_id": identity.account_id,
                  "user_name": identity.name}
    return [SlotSet(name, value) for name, value in values.items()
            if tracker.get_slot(name) != value]

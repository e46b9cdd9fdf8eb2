"""Rasa trackers and message metadata as the action server receives them, to run actions in
process."""
from __future__ import annotations

import time
from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker

from bolt.core.identity import CLAIMS_TTL_SECONDS, Identity, sign_claims
from support.tokens import CLAIMS_SECRET

SENDER_ID = "test-user"


def make_tracker(
    text: str = "",
    slots: Optional[Dict[str, Any]] = None,
    entities: Optional[List[Dict[str, Any]]] = None,
    metadata: Optional[Dict[str, Any]] = None,
    events: Optional[List[Dict[str, Any]]] = None,
    intent: str = "faq",
    **parse_data: Any,
) -> Tracker:
    latest = {"text": text, "intent": {"name": intent, "confidence": 1.0},
              "entities": entities or [], "metadata": metadata or {}, **parse_data}
    return Tracker(
        sender_id=SENDER_ID,
        slots={"language": "en", **(slots or {})},
        latest_message=latest,
        events=events if events is not None else [user_event(text, intent, metadata)],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


def user_event(text: str, intent: str = "faq", metadata: Optional[Dict[str, Any]] = None,
               entities: Optional[List[Dict[str, Any]]] = None) -> Dict[str, Any]:
    return {"event": "user", "text": text, "metadata": metadata or {},
            "parse_data": {"intent": {"name": intent, "confidence": 1.0},
                           "entities": entities or [], "text": text}}


def claims_for(user_id: str, account_id: str, secret: str = CLAIMS_SECRET,
               sender_id: str = SENDER_ID, name: Optional[str] = None,
               ttl_seconds: int = CLAIMS_TTL_SECONDS) -> Dict[str, str]:
    """Message metadata as the hub sends it for a signed-in user: the claims it verified, signed
    for the conversation's sender id."""
    identity = Identity(user_id, account_id, name, expires_at=int(time.time()) + 3600)
    return {"locale": "en-US",
            "claims": sign_claims(secret, identity, sender_id, ttl_seconds=ttl_seconds)}

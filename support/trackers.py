"""Rasa trackers and message metadata as the action server receives them, to run actions in
process."""
from __future__ import annotations

import time
from typing import Any, Dict, Iterator, List, Mapping, Optional

from rasa_sdk import Tracker

from bolt.core.identity import CLAIMS_TTL_SECONDS, Identity, sign_claims
from support.tokens import CLAIMS_SECRET

SENDER_ID = "test-user"


def make_tracker(
    text: str = "",
    slots: Optional[Dict[str, Any]] = None,
    entities: Optional[List[Dict[str, Any]]] = None,
    metadata: Optional[Mapping[str, Any]] = None,
    events: Optional[List[Dict[str, Any]]] = None,
    intent: str = "faq",
    **parse_data: Any,
) -> Tracker:
    metadata = dict(metadata or {})  # a SignedIn user's claims are signed now
    latest = {"text": text, "intent": {"name": intent, "confidence": 1.0},
              "entities": entities or [], "metadata": metadata, **parse_data}
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


def user_event(text: str, intent: str = "faq", metadata: Optional[Mapping[str, Any]] = None,
               entities: Optional[List[Dict[str, Any]]] = None) -> Dict[str, Any]:
    return {"event": "user", "text": text, "metadata": dict(metadata or {}),
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


class SignedIn(Mapping[str, str]):
    """A signed-in user's message metadata, as `claims_for` gives it, signed afresh each time it
    is read: claims live CLAIMS_TTL_SECONDS, and a user defined when a test module is collected
    may send a message long after that, when the tests before it took minutes."""

    def __init__(self, user_id: str, account_id: str, name: Optional[str] = None,
                 sender_id: str = SENDER_ID) -> None:
        self.user_id, self.account_id, self.name, self.sender_id = (
            user_id, account_id, name, sender_id)

    def _metadata(self) -> Dict[str, str]:
        return claims_for(self.user_id, self.account_id, sender_id=self.sender_id, name=self.name)

    def __getitem__(self, key: str) -> str:
        return self._metadata()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._metadata())

    def __len__(self) -> int:
        return len(self._metadata())

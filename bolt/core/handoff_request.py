"""The hand-off the action server asks the hub for: the body of POST /api/handoffs
(docs/handoff-api.md), as the action server sends it and the hub holds it once checked."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Dict, Optional

MAX_SUMMARY_CHARS = 2000


@dataclass(frozen=True)
class HandoffRequest:
    conversation_id: str
    language: str
    priority: str
    reason: str
    first_response_hours: float
    summary: Optional[str]
    account: Dict[str, Any]

    @property
    def auto_escalation(self) -> bool:
        rights = self.account.get("rights") or []
        return isinstance(rights, list) and "automatic_escalation" in rights

    def as_json(self) -> Dict[str, Any]:
        """The body to send, its summary cut to the length the hub accepts."""
        body = asdict(self)
        if self.summary is not None:
            body["summary"] = self.summary[:MAX_SUMMARY_CHARS]
        return body

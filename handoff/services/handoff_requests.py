"""The bodies of POST /api/handoffs and /api/tickets (docs/handoff-api.md), checked."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional

from bolt.core.email_address import checked_email
from bolt.core.handoff_request import MAX_SUMMARY_CHARS, HandoffRequest
from bolt.core.languages import SUPPORTED_LANGUAGES
from handoff.wire.protocol import unstorable
from handoff.rules.queue_order import PRIORITIES

HANDOFF_REASONS = ("request_human", "fallback", "report_problem", "bot_unavailable")
MAX_ACCOUNT_BYTES = 8192
# Longer than any support plan's target, and short enough for a deadline a date can hold.
MAX_FIRST_RESPONSE_HOURS = 24 * 365


class InvalidRequest(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class TicketRequest:
    conversation_id: str
    language: str
    priority: Optional[str]
    reason: Optional[str]
    summary: Optional[str]
    account: Optional[Dict[str, Any]]
    # The account directory's address for the user, when it has one (the token's comes first).
    email: Optional[str] = None


def handoff_request(body: Any) -> HandoffRequest:
    data = _object(body)
    hours = data.get("first_response_hours")
    if (isinstance(hours, bool) or not isinstance(hours, (int, float))
            or not 0 < hours <= MAX_FIRST_RESPONSE_HOURS):
        raise InvalidRequest("first_response_hours", "first_response_hours must be a number > 0 "
                             f"and at most {MAX_FIRST_RESPONSE_HOURS} (a year)")
    reason = data.get("reason")
    if reason not in HANDOFF_REASONS:
        raise InvalidRequest("reason", f"reason must be one of {', '.join(HANDOFF_REASONS)}")
    account = _account(data, required=True)
    return HandoffRequest(
        conversation_id=_conversation_id(data), language=_language(data),
        priority=_priority(data, required=True), reason=reason,
        first_response_hours=float(hours), summary=_summary(data), account=account or {},
    )


def ticket_request(body: Any) -> TicketRequest:
    data = _object(body)
    reason = data.get("reason")
    if reason is not None and (not isinstance(reason, str) or len(reason) > 32
                               or unstorable(reason)):
        raise InvalidRequest("reason", "reason must be a short text")
    return TicketRequest(
        conversation_id=_conversation_id(data), language=_language(data),
        priority=_priority(data, required=False), reason=reason, summary=_summary(data),
        account=_account(data, required=False), email=_email(data),
    )


def _email(data: Mapping[str, Any]) -> Optional[str]:
    value = data.get("email")
    if value is None:
        return None
    email = checked_email(value)
    if email is None:
        raise InvalidRequest("email", "email must be one e-mail address")
    return email


def _object(body: Any) -> Mapping[str, Any]:
    if not isinstance(body, dict):
        raise InvalidRequest("body", "the body must be a JSON object")
    return body


def _conversation_id(data: Mapping[str, Any]) -> str:
    value = data.get("conversation_id")
    if not isinstance(value, str) or not value or len(value) > 64 or unstorable(value):
        raise InvalidRequest("conversation_id", "conversation_id is required")
    return value


def _language(data: Mapping[str, Any]) -> str:
    value = data.get("language")
    if value not in SUPPORTED_LANGUAGES:
        raise InvalidRequest("language",
                             f"language must be one of {', '.join(SUPPORTED_LANGUAGES)}")
    return value


def _priority(data: Mapping[str, Any], required: bool) -> Optional[str]:
    value = data.get("priority")
    if value is None and not required:
        return None
    if value not in PRIORITIES:
        raise InvalidRequest("priority", f"priority must be one of {', '.join(PRIORITIES)}")
    return value


def _summary(data: Mapping[str, Any]) -> Optional[str]:
    value = data.get("summary")
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > MAX_SUMMARY_CHARS:
        raise InvalidRequest("summary",
                             f"summary must be a text of up to {MAX_SUMMARY_CHARS} characters")
    flaw = unstorable(value)
    if flaw:
        raise InvalidRequest("summary", f"summary holds {flaw}")
    return value


def _account(data: Mapping[str, Any], required: bool) -> Optional[Dict[str, Any]]:
    value = data.get("account")
    if value is None and not required:
        return None
    if not isinstance(value, dict):
        raise InvalidRequest("account", "account must be an object")
    if len(json.dumps(value)) > MAX_ACCOUNT_BYTES:
        raise InvalidRequest("account", f"account is limited to {MAX_ACCOUNT_BYTES} bytes")
    flaw = unstorable(json.dumps(value, ensure_ascii=False))  # agents' cards carry it as UTF-8
    if flaw:
        raise InvalidRequest("account", f"account holds {flaw}")
    rights = value.get("rights", [])
    if not isinstance(rights, list) or not all(isinstance(r, str) for r in rights):
        raise InvalidRequest("account", "account.rights must be a list of texts")
    return value

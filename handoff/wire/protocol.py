"""The JSON envelopes of /ws/chat and /ws/agent (docs/protocol.md): parsed and checked here.

A frame is a JSON object with a `type` and that type's fields. Anything else becomes a
ProtocolError with a code the client can act on; nothing of a refused frame is kept.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional, Tuple, Union

from bolt.core.jsontext import dumps
from bolt.core.languages import SUPPORTED_LANGUAGES
from handoff.rules.queue_order import PRIORITIES
from handoff.store.search.finding import STATUSES

ID_CHARS = 128
# The largest number a database column holds (a signed 64-bit integer).
MAX_INTEGER = 2 ** 63 - 1


class ProtocolError(ValueError):
    def __init__(self, code: str, message: str, field: Optional[str] = None):
        super().__init__(message)
        self.code = code
        self.field = field
        self.ref: Optional[str] = None  # the refused frame's client_id, where it had a usable one

    def frame(self, ref: Optional[str] = None) -> Dict[str, Any]:
        return error_frame(self.code, str(self), field=self.field, ref=ref or self.ref)


def error_frame(code: str, message: str, field: Optional[str] = None,
                ref: Optional[str] = None) -> Dict[str, Any]:
    frame: Dict[str, Any] = {"type": "error", "code": code, "message": message}
    if field:
        frame["field"] = field
    if ref:
        frame["ref"] = ref
    return frame


@dataclass(frozen=True)
class Field:
    kind: type
    required: bool = True
    max_chars: Optional[int] = ID_CHARS  # None: the message-text limit of the settings
    choices: Optional[Tuple[str, ...]] = None


TEXT = Field(str, max_chars=None)
ID = Field(str)
OPTIONAL_ID = Field(str, required=False)
CONVERSATION = {"conversation_id": ID}
LANGUAGE = Field(str, choices=SUPPORTED_LANGUAGES)
CODE = Field(str, max_chars=40)  # what handoff/services/replies.py takes as a reply's code

CHAT_FRAMES: Mapping[str, Mapping[str, Field]] = {
    "hello": {"token": Field(str, required=False, max_chars=4096),
              "locale": Field(str, required=False, max_chars=35),
              "conversation_id": OPTIONAL_ID, "resume_key": OPTIONAL_ID,
              "last_seq": Field(int, required=False)},
    "message": {"client_id": ID, "text": TEXT,
                "payload": Field(str, required=False, max_chars=512)},
    "typing": {"typing": Field(bool)},
    "resume": {"last_seq": Field(int)},
    "request_agent": {},
    "leave_queue": {},
    "ticket": {},
    "feedback": {"seq": Field(int), "helpful": Field(bool)},
    "file_links": {},
    "csat": {"client_id": ID, "score": Field(int),
             "comment": Field(str, required=False, max_chars=1000)},
    "tickets": {},
    "ticket_reply": {"ticket_id": ID, "client_id": ID, "text": TEXT},
    "ping": {},
}

AGENT_FRAMES: Mapping[str, Mapping[str, Field]] = {
    "login": {"name": OPTIONAL_ID, "password": Field(str, required=False, max_chars=1024),
              "session": OPTIONAL_ID},
    "status": {"status": Field(str, choices=("online", "away", "offline"))},
    "locale": {"locale": LANGUAGE},
    "claim": CONVERSATION,
    "accept": CONVERSATION,
    "decline": CONVERSATION,
    "message": {**CONVERSATION, "client_id": ID, "text": TEXT},
    "note": {**CONVERSATION, "client_id": ID, "text": TEXT},
    "typing": {**CONVERSATION, "typing": Field(bool)},
    "transfer": {**CONVERSATION, "to": Field(str, choices=("queue", "agent", "language")),
                 "agent": OPTIONAL_ID,
                 "language": Field(str, required=False, choices=SUPPORTED_LANGUAGES)},
    "resolve": CONVERSATION,
    "history": {**CONVERSATION, "after_seq": Field(int, required=False)},
    "tickets": {},
    "ticket": {"ticket_id": ID},
    "ticket_reply": {"ticket_id": ID, "client_id": ID, "text": TEXT},
    "ticket_status": {"ticket_id": ID, "status": Field(str, choices=("open", "solved", "closed"))},
    "ticket_assign": {"ticket_id": ID, "agent": OPTIONAL_ID},
    "audit": {"since": Field(str, required=False, max_chars=40), "actor": OPTIONAL_ID,
              "action": Field(str, required=False, max_chars=64),
              "limit": Field(int, required=False), "before": Field(int, required=False)},
    "customer_history": CONVERSATION,
    "transcript": CONVERSATION,
    "search": {"query": Field(str, max_chars=200),
               "language": Field(str, required=False, choices=SUPPORTED_LANGUAGES),
               "priority": Field(str, required=False, choices=PRIORITIES),
               "status": Field(str, required=False, choices=STATUSES),
               "agent": OPTIONAL_ID, "account": OPTIONAL_ID,
               "since": Field(str, required=False, max_chars=40),
               "until": Field(str, required=False, max_chars=40),
               "page": Field(int, required=False)},
    "replies": {"language": LANGUAGE},
    "reply_add": {"client_id": ID, "language": LANGUAGE, "code": CODE, "text": TEXT,
                  "shared": Field(bool, required=False)},
    "reply_edit": {"client_id": ID, "reply_id": Field(int), "code": Field(str, required=False,
                                                                       max_chars=40),
                   "text": Field(str, required=False, max_chars=None)},
    "reply_delete": {"client_id": ID, "reply_id": Field(int)},
    "articles": {"query": TEXT, "language": Field(str, choices=SUPPORTED_LANGUAGES)},
    "send_article": {**CONVERSATION, "client_id": ID, "source": Field(str, max_chars=200),
                     "article_id": Field(str, max_chars=200), "anchor": Field(str, max_chars=200),
                     "language": Field(str, choices=SUPPORTED_LANGUAGES)},
    "board": {},
    "watch": CONVERSATION,
    "unwatch": CONVERSATION,
    "whisper": {**CONVERSATION, "client_id": ID, "text": TEXT},
    "take_over": CONVERSATION,
    "reassign": {**CONVERSATION, "agent": ID},
    "review": {"language": LANGUAGE},
    "review_transcript": CONVERSATION,
    "review_act": {"client_id": ID, "language": LANGUAGE, "group_id": Field(str, max_chars=40),
                   "action": Field(str, choices=("add", "new", "dismiss")),
                   "topic": Field(str, required=False, max_chars=64)},
    "content_publish": {"client_id": ID},
    "content_rollback": {"client_id": ID},
    "file_links": CONVERSATION,
    "sign_out": {},
    "ping": {},
}


@dataclass(frozen=True)
class Frame:
    type: str
    fields: Dict[str, Any]

    def get(self, name: str, default: Any = None) -> Any:
        return self.fields.get(name, default)

    def __getitem__(self, name: str) -> Any:
        return self.fields[name]


def parse(raw: Union[str, bytes], frames: Mapping[str, Mapping[str, Field]],
          max_bytes: int, max_text_chars: int) -> Frame:
    """The checked frame in `raw`; raises ProtocolError with the first thing wrong."""
    size = len(raw.encode("utf-8")) if isinstance(raw, str) else len(raw)
    if size > max_bytes:
        raise ProtocolError("frame_too_large", f"frames are limited to {max_bytes} bytes")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ProtocolError("malformed_json", "the frame is not valid JSON") from None
    except RecursionError:  # thousands of nested brackets: deeper than any real frame
        raise ProtocolError("malformed_json", "the frame is nested too deeply") from None
    if not isinstance(data, dict):
        raise ProtocolError("malformed_frame", "a frame is a JSON object")
    kind = data.get("type")
    if not isinstance(kind, str) or kind not in frames:
        raise ProtocolError("unknown_type", f"unknown frame type {kind!r}", field="type")
    fields: Dict[str, Any] = {}
    try:
        for name, spec in frames[kind].items():
            value = data.get(name)
            if value is None:
                if spec.required:
                    raise ProtocolError("missing_field", f"'{name}' is required", field=name)
                continue
            fields[name] = _checked(name, value, spec, max_text_chars)
    except ProtocolError as error:
        if "client_id" in frames[kind]:  # so that the sender knows which message was refused
            error.ref = _usable_client_id(data.get("client_id"), frames[kind]["client_id"])
        raise
    return Frame(kind, fields)


def _usable_client_id(value: Any, spec: Field) -> Optional[str]:
    try:
        return _checked("client_id", value, spec, 0)
    except ProtocolError:
        return None


def _checked(name: str, value: Any, spec: Field, max_text_chars: int) -> Any:
    if spec.kind is int and (isinstance(value, bool) or not isinstance(value, int)
                             or not 0 <= value <= MAX_INTEGER):
        raise ProtocolError("invalid_field", f"'{name}' must be a whole number from 0 to "
                            f"{MAX_INTEGER}", field=name)
    if spec.kind is not int and not isinstance(value, spec.kind):
        raise ProtocolError("invalid_field", f"'{name}' must be a {spec.kind.__name__}", field=name)
    if spec.kind is str:
        flaw = unstorable(value)
        if flaw:
            raise ProtocolError("invalid_field", f"'{name}' holds {flaw}", field=name)
        limit = max_text_chars if spec.max_chars is None else spec.max_chars
        if spec.max_chars is None and not value.strip():
            raise ProtocolError("invalid_field", f"'{name}' is empty", field=name)
        if len(value) > limit:
            code = "text_too_long" if spec.max_chars is None else "invalid_field"
            raise ProtocolError(code, f"'{name}' is limited to {limit} characters", field=name)
    if spec.choices is not None and value not in spec.choices:
        raise ProtocolError("invalid_field", f"'{name}' must be one of {', '.join(spec.choices)}",
                            field=name)
    return value


def unstorable(text: str) -> Optional[str]:
    """What in the text no store can keep as it is, or None. Both come from JSON's escapes
    (`"\\u0000"`, `"\\ud800"`); refused as the frame is read, they are refused the same way on
    every store, instead of failing in the database."""
    if "\x00" in text:
        return "a NUL character (\\u0000), which PostgreSQL's text cannot hold"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "a lone surrogate (an unpaired \\ud800-\\udfff escape), which is not Unicode text"
    return None


def encode(frame: Mapping[str, Any]) -> str:
    if type(frame) is SharedFrame:
        return frame.text()
    return dumps(frame)


class SharedFrame(dict):
    """A frame sent to several sockets (the sender's and the other side's, an observer's): its
    JSON is made once, on the first send, and the same text goes to every socket. Nothing may
    change it once published."""

    __slots__ = ("_text",)

    def text(self) -> str:
        try:
            return self._text
        except AttributeError:
            self._text: str = dumps(self)
            return self._text

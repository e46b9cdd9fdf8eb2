"""Frames parsed and checked: every kind of bad input gets its own error code."""
import json

import pytest

from handoff.wire.protocol import AGENT_FRAMES, CHAT_FRAMES, ProtocolError, encode, parse


def parsed(frame, frames=CHAT_FRAMES):
    raw = frame if isinstance(frame, (str, bytes)) else json.dumps(frame)
    return parse(raw, frames, max_bytes=1024, max_text_chars=20)


def code_of(frame, frames=CHAT_FRAMES):
    with pytest.raises(ProtocolError) as refused:
        parsed(frame, frames)
    return refused.value.code, refused.value.field


def test_a_good_frame_becomes_a_typed_frame():
    frame = parsed({"type": "message", "client_id": "c1", "text": "Hallo", "extra": 1})
    assert frame.type == "message" and frame.fields == {"client_id": "c1", "text": "Hallo"}


@pytest.mark.parametrize("raw,expected", [
    ("x" * 2000, ("frame_too_large", None)),
    ("{not json", ("malformed_json", None)),
    (b"\xff\xfe", ("malformed_json", None)),
    ("[1, 2]", ("malformed_frame", None)),
    ({"type": "launch"}, ("unknown_type", "type")),
    ({"text": "no type"}, ("unknown_type", "type")),
    ({"type": "message", "text": "hi"}, ("missing_field", "client_id")),
    ({"type": "message", "client_id": 7, "text": "hi"}, ("invalid_field", "client_id")),
    ({"type": "message", "client_id": "c", "text": "x" * 21}, ("text_too_long", "text")),
    ({"type": "message", "client_id": "c", "text": "   "}, ("invalid_field", "text")),
    ({"type": "typing", "typing": "yes"}, ("invalid_field", "typing")),
    ({"type": "resume", "last_seq": -1}, ("invalid_field", "last_seq")),
    ({"type": "resume", "last_seq": True}, ("invalid_field", "last_seq")),
    ('{"type": "message", "client_id": "c", "text": "half \\ud800"}', ("invalid_field", "text")),
    ('{"type": "message", "client_id": "c", "text": "\\udfff half"}', ("invalid_field", "text")),
    ('{"type": "hello", "locale": "de\\udc00"}', ("invalid_field", "locale")),
    ('{"type": "message", "client_id": "c", "text": "nul \\u0000"}', ("invalid_field", "text")),
])
def test_bad_frames_are_refused_with_a_code(raw, expected):
    assert code_of(raw) == expected


def test_agent_frames_check_their_choices():
    assert code_of({"type": "status", "status": "asleep"}, AGENT_FRAMES) == ("invalid_field", "status")
    assert code_of({"type": "transfer", "conversation_id": "c", "to": "language",
                    "language": "fr"}, AGENT_FRAMES) == ("invalid_field", "language")
    assert parsed({"type": "transfer", "conversation_id": "c", "to": "queue"},
                  AGENT_FRAMES).fields == {"conversation_id": "c", "to": "queue"}


def test_error_frames_name_the_code_and_field():
    error = ProtocolError("missing_field", "'text' is required", field="text")
    assert error.frame(ref="c1") == {"type": "error", "code": "missing_field",
                                     "message": "'text' is required", "field": "text", "ref": "c1"}
    assert json.loads(encode({"text": "ドイツ"})) == {"text": "ドイツ"}


def test_a_surrogate_pair_escaped_in_json_is_one_character():
    assert parsed('{"type": "message", "client_id": "c", "text": "\\ud83d\\ude00"}')["text"] == "😀"


@pytest.mark.parametrize("frame,frames,ref", [
    ({"type": "message", "client_id": "m-17", "text": "x" * 21}, CHAT_FRAMES, "m-17"),
    ({"type": "message", "client_id": "m-18"}, CHAT_FRAMES, "m-18"),
    ({"type": "message", "client_id": 19, "text": "hi"}, CHAT_FRAMES, None),
    ({"type": "message", "client_id": "x" * 200, "text": "hi"}, CHAT_FRAMES, None),
    ({"type": "typing", "typing": "yes", "client_id": "m-19"}, CHAT_FRAMES, None),  # has no id
    # Refused for its conversation_id, which is checked before its client_id.
    ({"type": "message", "client_id": "m-20", "text": "hi"}, AGENT_FRAMES, "m-20"),
])
def test_a_refused_message_names_its_client_id_when_it_has_a_usable_one(frame, frames, ref):
    with pytest.raises(ProtocolError) as refused:
        parsed(frame, frames)
    assert refused.value.frame().get("ref") == ref

"""The parser's limits that the fuzz test found: deep nesting and numbers no column holds."""
import json

import pytest

from handoff.wire.protocol import AGENT_FRAMES, CHAT_FRAMES, MAX_INTEGER, ProtocolError, parse


def refusal(raw: str, frames=CHAT_FRAMES) -> ProtocolError:
    with pytest.raises(ProtocolError) as refused:
        parse(raw, frames, 16384, 4000)
    return refused.value


def test_json_nested_deeper_than_the_parser_goes_is_malformed_json():
    assert refusal("[" * 5000 + "]" * 5000).code == "malformed_json"
    assert refusal('{"a":' * 2500 + "1" + "}" * 2500).code == "malformed_json"


def test_numbers_beyond_a_64_bit_column_are_invalid_fields():
    assert parse(json.dumps({"type": "resume", "last_seq": MAX_INTEGER}), CHAT_FRAMES,
                 16384, 4000)["last_seq"] == MAX_INTEGER
    error = refusal(json.dumps({"type": "resume", "last_seq": MAX_INTEGER + 1}))
    assert (error.code, error.field) == ("invalid_field", "last_seq")
    error = refusal(json.dumps({"type": "history", "conversation_id": "c", "after_seq": 10 ** 40}),
                    AGENT_FRAMES)
    assert (error.code, error.field) == ("invalid_field", "after_seq")

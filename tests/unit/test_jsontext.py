"""bolt/core/jsontext.py: ujson's text, read back to the same values json reads; json for the rest."""
import json
import math
import random

import pytest

from bolt.core.jsontext import dumps

STANDARD = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def test_values_are_read_back_as_they_were():
    conversation = {"sender_id": "u/1", "latest_message": {"text": "日本語で / お願いします",
                    "intent": {"confidence": 0.123456789012345, "name": "faq"}},
                    "events": [{"timestamp": 1764590000.123456, "n": 2 ** 70, "none": None,
                                "small": 1e-7, "flags": [True, False]}]}
    assert json.loads(dumps(conversation)) == conversation
    assert math.isnan(json.loads(dumps({"x": float("nan")}))["x"])
    with pytest.raises(TypeError):  # what ujson refuses, json decides, as before
        dumps({"x": object()})


def test_text_is_the_very_text_the_standard_encoder_makes():
    """The hub's frames: any characters (controls, quotes, slashes, U+2028, astral), ints."""
    rng = random.Random(8)
    ranges = [(0, 0x7F), (0x80, 0x7FF), (0x800, 0xD7FF), (0xE000, 0x10FFFF)]
    for _ in range(5000):
        text = "".join(chr(rng.randint(*rng.choice(ranges))) for _ in range(rng.randint(0, 24)))
        frame = {"type": "event", "seq": rng.randint(0, 2 ** 63 - 1), "text": text,
                 "internal": rng.random() < 0.5, "name": None, "options": [text[:3]]}
        assert dumps(frame) == STANDARD(frame), repr(text)

"""Rasa's content fingerprints, the same hex strings computed with less work per value.

Rasa 3.6 fingerprints a training's inputs and every node's output to decide what its cache can
reuse (`rasa.shared.utils.io.deep_container_fingerprint`): it walks each container down to
every key and value, hashes each one with MD5 on its own and serialises every level with
`json.dumps`. Over Bolt's 11,000 training examples, with their tokens and features, that is
about 14 million hashes and 4.5 million `json.dumps` calls a training, mostly of the same few
strings ("text", "intent", common words): about a third of the CPU of a fine-tuning after one
added example (cProfile, docs/performance.md). `install()` replaces the three functions with
ones (and `Token.fingerprint` with one that skips the generic walk) that return exactly what
Rasa's return for the same object (tests/unit compare them on
Bolt's real training data, tokenised and featurised): each distinct value's text is hashed once
(a bounded table; containers, nearly all distinct, are hashed as before), and a level whose parts are all hex digests is written the way
`json.dumps` would write it, by joining; anything else goes through `json.dumps` as before.
"""
from __future__ import annotations

import json
from hashlib import md5
from typing import Any, Callable, Dict, List

import rasa.shared.utils.io as rasa_io
from rasa.nlu.tokenizers.tokenizer import Token

TESTED_ON = {"rasa": "3.6.21"}

_ORIGINAL: Callable[..., str] = rasa_io.deep_container_fingerprint
_ORIGINAL_DICTIONARY: Callable[..., str] = rasa_io.get_dictionary_fingerprint
_ORIGINAL_LIST: Callable[..., str] = rasa_io.get_list_fingerprint
_ORIGINAL_TOKEN: Callable[[Token], str] = Token.fingerprint
_UTF8 = rasa_io.DEFAULT_ENCODING
# Texts seen, with their MD5: Bolt's trainings have a few hundred thousand distinct ones; the
# table starts again when it is full, so a long-lived server never holds more than this.
MOST_TEXTS = 500_000
_hashes: Dict[str, str] = {}


def text_hash(text: str, encoding: str = _UTF8) -> str:
    if encoding != _UTF8:
        return md5(text.encode(encoding)).hexdigest()  # nosec: a fingerprint, as Rasa's
    known = _hashes.get(text)
    if known is None:
        if len(_hashes) >= MOST_TEXTS:
            _hashes.clear()
        known = _hashes[text] = md5(text.encode(_UTF8)).hexdigest()  # nosec
    return known


def _plain(part: str) -> bool:
    """Whether json.dumps writes `part` as itself between quotes (hex digests are)."""
    return part.isascii() and part.isalnum()


def deep_container_fingerprint(obj: Any, encoding: str = _UTF8) -> str:
    if isinstance(obj, dict):
        return get_dictionary_fingerprint(obj, encoding)
    if isinstance(obj, list):
        return get_list_fingerprint(obj, encoding)
    if hasattr(obj, "fingerprint") and callable(obj.fingerprint):
        return obj.fingerprint()
    return text_hash(str(obj), encoding)


def get_dictionary_fingerprint(dictionary: Dict[Any, Any], encoding: str = _UTF8) -> str:
    # A dict of the parts' fingerprints, as Rasa builds it: two keys with one fingerprint are
    # one entry, holding the last value.
    parts = {deep_container_fingerprint(key, encoding): deep_container_fingerprint(value, encoding)
             for key, value in dictionary.items()}
    if all(_plain(key) and _plain(value) for key, value in parts.items()):
        stringified = "{" + ", ".join(f'"{key}": "{parts[key]}"' for key in sorted(parts)) + "}"
    else:
        stringified = json.dumps(parts, sort_keys=True)
    return md5(stringified.encode(encoding)).hexdigest()  # nosec: once per container


def get_list_fingerprint(elements: List[Any], encoding: str = _UTF8) -> str:
    parts = [deep_container_fingerprint(element, encoding) for element in elements]
    if all(_plain(part) for part in parts):
        stringified = "[" + ", ".join(f'"{part}"' for part in parts) + "]"
    else:
        stringified = json.dumps(parts)
    return md5(stringified.encode(encoding)).hexdigest()  # nosec


def token_fingerprint(token: Token) -> str:
    """`Token.fingerprint`: Rasa's list fingerprint of [text, start, end, lemma, data], with
    the usual types' parts taken straight from the table (a training has millions of tokens)."""
    parts = [_part(token.text), _part(token.start), _part(token.end), _part(token.lemma),
             _EMPTY_DICT if type(token.data) is dict and not token.data
             else deep_container_fingerprint(token.data)]
    if all(_plain(part) for part in parts):
        stringified = "[" + ", ".join(f'"{part}"' for part in parts) + "]"
    else:
        stringified = json.dumps(parts)
    return md5(stringified.encode(_UTF8)).hexdigest()  # nosec


def _part(value: Any) -> str:
    kind = type(value)
    if kind is str:
        return text_hash(value)
    if kind is int:
        return text_hash(str(value))
    return deep_container_fingerprint(value)


_EMPTY_DICT = md5(b"{}").hexdigest()  # nosec: what Rasa makes of an empty dict


def install() -> None:
    """Makes Rasa's callers (they look the functions up on the module) use these."""
    rasa_io.deep_container_fingerprint = deep_container_fingerprint
    rasa_io.get_dictionary_fingerprint = get_dictionary_fingerprint
    rasa_io.get_list_fingerprint = get_list_fingerprint
    Token.fingerprint = token_fingerprint  # type: ignore[method-assign]


def uninstall() -> None:
    rasa_io.deep_container_fingerprint = _ORIGINAL
    rasa_io.get_dictionary_fingerprint = _ORIGINAL_DICTIONARY
    rasa_io.get_list_fingerprint = _ORIGINAL_LIST
    Token.fingerprint = _ORIGINAL_TOKEN  # type: ignore[method-assign]
    _hashes.clear()

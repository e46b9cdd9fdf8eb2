"""`jsonschema.validate` without re-checking the same schema on every call.

`jsonschema.validate(instance, schema)` first validates the schema itself against its
meta-schema, every time. Rasa 3.6 calls it on every custom action's response (and on every
`POST /conversations/<id>/tracker/events`); with jsonschema 4.17 and Rasa's action-response
schema that check costs about 56 ms, where validating the response costs 0.7 ms. It was most of
Rasa's CPU per message (bench/bot_bench.py, docs/performance.md). `install()` replaces the
function with one that checks each distinct schema once and reuses its validator: the same
errors, raised the same way, for the same inputs.
"""
from __future__ import annotations

import json
import threading
from typing import Any, Callable, Dict, Optional, Tuple

import jsonschema
from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for

# jsonschema: `validate` is its function, replaced with one raising the same errors.
TESTED_ON = {"rasa": "3.6.21", "jsonschema": "4.17.3"}

_ORIGINAL: Callable[..., None] = jsonschema.validate
_validators: Dict[Tuple[str, Optional[type]], Any] = {}
_lock = threading.Lock()


def validate(instance: Any, schema: Any, cls: Optional[type] = None, *args: Any,
             **kwargs: Any) -> None:
    """Drop-in for `jsonschema.validate`: raises the same SchemaError / ValidationError."""
    if args or kwargs:  # format checkers and such: not worth a cache key, and rare
        return _ORIGINAL(instance, schema, cls, *args, **kwargs)
    try:
        # Rasa builds its schemas anew on each call: the cache key is the schema's content.
        key = (json.dumps(schema, sort_keys=True), cls)
    except (TypeError, ValueError):
        return _ORIGINAL(instance, schema, cls)
    validator = _validators.get(key)
    if validator is None:
        validator_class = cls if cls is not None else validator_for(schema)
        validator_class.check_schema(schema)  # a bad schema raises, and is not cached
        validator = validator_class(schema)
        with _lock:
            _validators[key] = validator
    error = best_match(validator.iter_errors(instance))
    if error is not None:
        raise error
    return None


def install() -> None:
    """Makes every later `jsonschema.validate(...)` (as Rasa calls it) use the cache."""
    jsonschema.validate = validate


def uninstall() -> None:
    jsonschema.validate = _ORIGINAL
    with _lock:
        _validators.clear()

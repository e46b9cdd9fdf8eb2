"""Rasa's long-lived objects (TensorFlow, the model, the domain) kept out of garbage collection.

A loaded Rasa server holds a few million Python objects that live as long as the process.
CPython's full (generation 2) collection walks all of them, stopping the server's one event
loop for 250-650 ms each time, about every 3 seconds under Bolt's load: every conversation
waiting on Rasa paid it, and it set the bot path's p99 latency (docs/performance.md).
`gc.freeze()` after a model is loaded moves everything alive then into a generation the
collector skips; per-message objects are collected as before. A newly loaded model (PUT /model,
`bolt content publish`) first unfreezes and collects, so the old model's cycles are freed.
"""
from __future__ import annotations

import functools
import gc
from typing import Any, Callable

from rasa.core.agent import Agent

TESTED_ON = {"rasa": "3.6.21"}

_ORIGINAL: Callable[..., Any] = Agent.load_model


def refreeze() -> None:
    gc.unfreeze()
    gc.collect()
    gc.freeze()


@functools.wraps(_ORIGINAL)
def load_model(self: Agent, *args: Any, **kwargs: Any) -> Any:
    result = _ORIGINAL(self, *args, **kwargs)
    refreeze()
    return result


def install() -> None:
    Agent.load_model = load_model  # type: ignore[assignment]


def uninstall() -> None:
    Agent.load_model = _ORIGINAL  # type: ignore[assignment]
    gc.unfreeze()

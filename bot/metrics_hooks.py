"""Where in Rasa its metrics (bot/metrics.py) are counted: around `Agent.handle_message` (a
message and its latency), `Agent.load_model` (the model in use) and
`MessageProcessor.parse_message` (the NLU's decision, also remembered for the REST channel to
send with the replies: bot/turn_decisions.py). Each wrapper calls what was there before
it (Bolt's speed-ups may have replaced it too) and changes nothing of what it returns.

`install()` is called by bot/rasa_server.py for `rasa run`; `uninstall()` puts the originals back.
"""
from __future__ import annotations

import functools
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Tuple

from bolt.core.hub_intents import is_hub_message
from bot import metrics, turn_decisions

_INSTALLED: List[Tuple[type, str, Callable[..., Any]]] = []


def install() -> None:
    from rasa.core.agent import Agent
    from rasa.core.processor import MessageProcessor

    if _INSTALLED:
        return
    _wrap(Agent, "handle_message", _handle_message)
    _wrap(Agent, "load_model", _load_model)
    _wrap(MessageProcessor, "parse_message", _parse_message)


def uninstall() -> None:
    while _INSTALLED:
        owner, name, original = _INSTALLED.pop()
        setattr(owner, name, original)


def _wrap(owner: type, name: str, make: Callable[[Callable[..., Any]], Callable[..., Any]]) -> None:
    original = getattr(owner, name)
    setattr(owner, name, functools.wraps(original)(make(original)))
    _INSTALLED.append((owner, name, original))


def _handle_message(original: Callable[..., Any]) -> Callable[..., Any]:
    async def handle_message(self: Any, message: Any) -> Any:
        started = time.perf_counter()
        try:
            return await original(self, message)
        finally:
            if not is_hub_message(message.text):
                metrics.count_message(message.metadata, time.perf_counter() - started)
    return handle_message


def _load_model(original: Callable[..., Any]) -> Callable[..., Any]:
    def load_model(self: Any, *args: Any, **kwargs: Any) -> Any:
        result = original(self, *args, **kwargs)
        metrics.model_loaded(Path(str(self.processor.model_filename)).name)
        return result
    return load_model


def _parse_message(original: Callable[..., Any]) -> Callable[..., Any]:
    async def parse_message(self: Any, message: Any, *args: Any, **kwargs: Any
                            ) -> Dict[str, Any]:
        parse_data = await original(self, message, *args, **kwargs)
        metrics.count_decision(parse_data, self.domain.intents, message.metadata)
        turn_decisions.remember(message, parse_data)
        return parse_data
    return parse_message

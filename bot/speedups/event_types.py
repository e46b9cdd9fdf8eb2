"""Rasa's event classes found by name once, not once per stored event.

To turn a stored event back into an object, Rasa 3.6 walks every subclass of `Event`
(`Event.resolve_by_type`) for every event of every tracker it reads from the tracker store and
gets back from the action server: a tenth of its CPU per message on Bolt's load. `install()`
remembers each name's class the first time the original lookup finds it; names it does not
find still go to the original (which falls back to the default or raises, as before).
"""
from __future__ import annotations

from typing import Callable, Dict, Optional, Text, Type

from rasa.shared.core.events import Event

TESTED_ON = {"rasa": "3.6.21"}

_ORIGINAL: Callable[..., Optional[Type[Event]]] = Event.resolve_by_type
_classes: Dict[Text, Type[Event]] = {}


def resolve_by_type(type_name: Text,
                    default: Optional[Type[Event]] = None) -> Optional[Type[Event]]:
    known = _classes.get(type_name)
    if known is not None:
        return known
    found = _ORIGINAL(type_name, default)
    # Only a real match is remembered: a default is the caller's, not the name's.
    if found is not None and getattr(found, "type_name", None) == type_name:
        _classes[type_name] = found
    return found


def install() -> None:
    Event.resolve_by_type = staticmethod(resolve_by_type)  # type: ignore[assignment]


def uninstall() -> None:
    Event.resolve_by_type = staticmethod(_ORIGINAL)  # type: ignore[assignment]
    _classes.clear()

"""What Rasa posts to the action server for the slot mapping that runs on every message.

Rasa 3.6 posts the whole conversation with every custom action call (`RemoteAction`,
`tracker.current_state(EventVerbosity.ALL)`), and `action_read_message_context`, the custom slot
mapping of every user message, is called on each one: the cost of a message grew with the
length of the conversation (about 4 KB a turn; 140 KB after 35 turns, encoded and decoded on
every message). That action reads only the latest message and the slots
(actions/message_context.py), so its call carries the events of the latest turn only, from the
user's message on; every other field of the call is Rasa's own. Every other custom action still
gets the whole conversation.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Text

from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

TESTED_ON = {"rasa": "3.6.21"}

# Custom actions that read only `latest_message`, the slots and the sender: nothing earlier.
LATEST_TURN_ACTIONS = frozenset({"action_read_message_context"})

_ORIGINAL: Callable[..., Dict[Text, Any]] = RemoteAction._action_call_format


def latest_turn(tracker: DialogueStateTracker) -> List[Event]:
    """The events from the latest user message on (all of them if there is none)."""
    events = list(tracker.events)
    for index in range(len(events) - 1, -1, -1):
        if isinstance(events[index], UserUttered):
            return events[index:]
    return events


class _LatestTurnView:
    """The tracker as Rasa's call format reads it, with only the latest turn's events."""

    def __init__(self, tracker: DialogueStateTracker) -> None:
        self._tracker = tracker

    def __getattr__(self, name: str) -> Any:
        return getattr(self._tracker, name)

    def current_state(self, event_verbosity: EventVerbosity = EventVerbosity.NONE
                      ) -> Dict[Text, Any]:
        state = self._tracker.current_state(EventVerbosity.NONE)
        state["events"] = [event.as_dict() for event in latest_turn(self._tracker)]
        return state


def _action_call_format(self: RemoteAction, tracker: DialogueStateTracker,
                        domain: Domain) -> Dict[Text, Any]:
    if self.name() in LATEST_TURN_ACTIONS:
        return _ORIGINAL(self, _LatestTurnView(tracker), domain)
    return _ORIGINAL(self, tracker, domain)


def install() -> None:
    RemoteAction._action_call_format = _action_call_format  # type: ignore[assignment]


def uninstall() -> None:
    RemoteAction._action_call_format = _ORIGINAL  # type: ignore[assignment]

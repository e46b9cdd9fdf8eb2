"""Starts a session in the language of the page the sidebar is on."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bolt.core.languages import language_of_locale

# Metadata keys a client may use for the page locale.
LOCALE_KEYS = ("locale", "language", "lang")


def locale_language(metadata: Any) -> str | None:
    if not isinstance(metadata, dict):
        return None
    for key in LOCALE_KEYS:
        language = language_of_locale(metadata.get(key))
        if language:
            return language
    return None


class ActionSessionStart(Action):
    def name(self) -> Text:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        events: List[EventType] = [SessionStarted()]
        # Rasa leaves carrying slots over to a custom session start (domain: carry_over_slots).
        for name, value in tracker.current_slot_values().items():
            if value is not None and name != "session_started_metadata":
                events.append(SlotSet(name, value))
        language = locale_language(tracker.get_slot("session_started_metadata"))
        if language:
            events.append(SlotSet("language", language))
        events.append(ActionExecuted("action_listen"))
        return events

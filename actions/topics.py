"""When Bolt is unsure, it says so and offers the closest FAQ topics as buttons."""
from __future__ import annotations

from typing import Any, Dict, List, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.handoff import ActionRequestHandoff
from actions.messages import answers, render
from bolt.core.languages import DEFAULT_LANGUAGE

MAX_SUGGESTIONS = 3
FALLBACK_INTENT = "nlu_fallback"


def closest_topics(parse_data: Dict[Text, Any], limit: int = MAX_SUGGESTIONS) -> List[Text]:
    """FAQ keys ranked by P(faq) x P(key | faq) from the message's NLU ranking."""
    faq_confidence = 0.0
    for ranked in parse_data.get("intent_ranking") or []:
        if ranked.get("name") == "faq":
            faq_confidence = float(ranked.get("confidence") or 0.0)
    selector = (parse_data.get("response_selector") or {}).get("faq") or {}
    scored: List[Tuple[float, Text]] = []
    for ranked in selector.get("ranking") or []:
        full_key = ranked.get("intent_response_key") or ""
        if full_key.startswith("faq/"):
            weight = max(faq_confidence, 0.05)
            scored.append((weight * float(ranked.get("confidence") or 0.0), full_key[4:]))
    scored.sort(key=lambda pair: -pair[0])
    return [key for _, key in scored[:limit]]


def failed_twice_in_a_row(tracker: Tracker) -> bool:
    """Is this the second (fourth, ...) message in a row that Bolt did not understand?"""
    misunderstood = 0
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            if (event.get("parse_data") or {}).get("intent", {}).get("name") != FALLBACK_INTENT:
                break
            misunderstood += 1
    return misunderstood > 0 and misunderstood % 2 == 0


class ActionSuggestTopics(Action):
    def name(self) -> Text:
        return "action_suggest_topics"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        language = tracker.get_slot("language") or DEFAULT_LANGUAGE
        if failed_twice_in_a_row(tracker):
            # The handoff decides: a person for eligible users, else what else there is. It runs
            # inside this action so that the dialogue rules stay one per kind of message.
            dispatcher.utter_message(text=render("fallback_again", language))
            return await ActionRequestHandoff().run(dispatcher, tracker, domain)
        titles = answers().topic_titles(language)
        buttons = [
            {"title": titles[key], "payload": f"/faq/{key}"}
            for key in closest_topics(tracker.latest_message)
            if key in titles
        ]
        dispatcher.utter_message(text=render("fallback", language), buttons=buttons)
        return []

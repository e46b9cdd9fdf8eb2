"""What Bolt offers when the user says one of its topic answers did not help.

The hub asks for it with the internal message `/not_helpful` (intent `not_helpful`), in the
conversation's turn, carrying in the message metadata (`not_helpful`) the next best topics after
the rated answer and the question that answer was given to (docs/protocol.md). Bolt then offers,
in the user's language: the next best topics as buttons when there are any, up to three of the
help center's articles on the question, and a person where the account has live chat, else a web
ticket where it has one; an anonymous visitor, or an account with neither, gets no person and no
ticket. When there is nothing to offer at all, Bolt asks the user to ask again in other words.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Sequence, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.alternatives import topic_buttons
from actions.articles import article_message, suggestions_for
from actions.honest_answer import MAX_SUGGESTIONS, way_on
from actions.messages import render
from actions.services import services
from bolt.core import logs
from bolt.core.languages import DEFAULT_LANGUAGE

log = logs.get_logger(__name__)

METADATA_KEY = "not_helpful"
# The hub sends the question as the user wrote it; a longer one is cut to this for the search.
MAX_QUESTION_CHARS = 1000


@dataclass(frozen=True)
class RatedAnswer:
    """What the hub says about the answer that did not help."""

    next_topics: List[str]
    question: str


def rated_answer(metadata: Any) -> RatedAnswer:
    """The next best topics and the question from the message metadata; nothing that is not
    well-formed is used."""
    sent = metadata.get(METADATA_KEY) if isinstance(metadata, Mapping) else None
    if not isinstance(sent, Mapping):
        return RatedAnswer([], "")
    topics = sent.get("next_topics")
    question = sent.get("question")
    return RatedAnswer(
        [key for key in topics if isinstance(key, str)][:MAX_SUGGESTIONS]
        if isinstance(topics, Sequence) and not isinstance(topics, str) else [],
        question[:MAX_QUESTION_CHARS] if isinstance(question, str) else "")


class ActionNotHelpful(Action):
    def name(self) -> Text:
        return "action_not_helpful"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        language = tracker.get_slot("language") or DEFAULT_LANGUAGE
        rated = rated_answer((tracker.latest_message or {}).get("metadata"))
        buttons = topic_buttons(rated.next_topics, language)
        suggested = await suggestions_for(rated.question, language, None, tracker.sender_id,
                                          tracker.get_slot("user_id"))
        offers = way_on(await services().check(tracker), language)
        log.info("answer.not_helpful", language=language, topics_offered=len(buttons),
                 articles_offered=len(suggested), person_or_ticket=bool(offers))
        if buttons:
            dispatcher.utter_message(text=render("abstain_close", language), buttons=buttons)
        if suggested:
            dispatcher.utter_message(**article_message(render("not_helpful_articles", language),
                                                       suggested, []))
        for message in offers:
            dispatcher.utter_message(**message)
        if not (buttons or suggested or offers):
            dispatcher.utter_message(text=render("articles_not_helpful", language))
        return []

"""The honest answer when Bolt abstains: it has no answer, and says what the user can do instead.

Bolt abstains when the message is out of scope (not ours, or a product question no FAQ topic
answers) or when no topic is probable enough (bot/nlu/abstention.py). It then says so in the
user's language, offers the FAQ topics that really are close (each at least `CLOSE_SHARE` of the
bar Bolt answers at probable: its threshold, or its in-scope gate where that is higher), and
offers a person where the account has live chat, else a web ticket where it has one. It never
answers a topic it was not sure of, and never hands over by itself: the user chooses.

When the help center's articles may answer the question (actions/articles.py), Bolt says so and
shows up to three of them instead; the person or the web ticket then comes with the articles, for
when the user finds them not helpful.
"""
from __future__ import annotations

from typing import Any, Dict, List, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.accounts.check import AccountCheck
from actions.alternatives import topic_buttons
from actions.articles import article_message, suggestions_for
from actions.messages import render
from actions.services import services
from bolt.core import logs
from bolt.core.languages import DEFAULT_LANGUAGE

log = logs.get_logger(__name__)

MAX_SUGGESTIONS = 3
# A topic is offered when its probability is at least this share of the answering bar.
CLOSE_SHARE = 0.5
NOT_OURS = "out_of_scope"
PERSON_PAYLOAD = "/request_human"


def faq_probabilities(parse_data: Dict[Text, Any]) -> List[Tuple[float, Text]]:
    """(P(faq/key), key) for every ranked FAQ key, most probable first."""
    faq_confidence = 0.0
    for ranked in parse_data.get("intent_ranking") or []:
        if ranked.get("name") == "faq":
            faq_confidence = float(ranked.get("confidence") or 0.0)
    selector = (parse_data.get("response_selector") or {}).get("faq") or {}
    scored = []
    for ranked in selector.get("ranking") or []:
        full_key = ranked.get("intent_response_key") or ""
        if full_key.startswith("faq/"):
            scored.append((faq_confidence * float(ranked.get("confidence") or 0.0), full_key[4:]))
    scored.sort(key=lambda pair: -pair[0])
    return scored


def close_topics(parse_data: Dict[Text, Any], limit: int = MAX_SUGGESTIONS) -> List[Text]:
    """The FAQ keys that are really close to the message, most probable first (maybe none)."""
    decision = parse_data.get("abstention") or {}
    bar = max(float(decision.get("threshold") or 0.0), float(decision.get("gate") or 0.0))
    floor = CLOSE_SHARE * bar
    return [key for p, key in faq_probabilities(parse_data) if p > 0 and p >= floor][:limit]


def way_on(check: AccountCheck, language: str) -> List[Dict[Text, Any]]:
    """A person where the account has live chat, else a web ticket where it has one."""
    if check.has("live_chat"):
        return [{"text": render("abstain_person", language),
                 "buttons": [{"title": render("abstain_person_button", language),
                              "payload": PERSON_PAYLOAD}]}]
    if check.has("web_ticket"):
        return [{"text": render("abstain_ticket", language),
                 "buttons": topic_buttons(["web_ticket"], language)}]
    return []


class ActionAbstain(Action):
    def name(self) -> Text:
        return "action_abstain"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        language = tracker.get_slot("language") or DEFAULT_LANGUAGE
        parse_data = tracker.latest_message or {}
        intent = (parse_data.get("intent") or {}).get("name")
        not_ours = intent == NOT_OURS
        suggested = await suggestions_for(parse_data.get("text") or "", language, intent,
                                          tracker.sender_id, tracker.get_slot("user_id"))
        offers = way_on(await services().check(tracker), language)
        if suggested:
            not_helpful = offers or [{"text": render("articles_not_helpful", language)}]
            dispatcher.utter_message(**article_message(render("abstain_articles", language),
                                                       suggested, not_helpful))
        else:
            dispatcher.utter_message(text=render("abstain_not_ours" if not_ours else "abstain",
                                                 language))
        topics = [] if not_ours else close_topics(parse_data)
        decision = parse_data.get("abstention") or {}
        log.info("answer.abstained", language=language, not_ours=not_ours,
                 label=decision.get("label"), confidence=decision.get("confidence"),
                 threshold=decision.get("threshold"), gate=decision.get("gate"),
                 in_scope=decision.get("in_scope"), topics_offered=len(topics),
                 articles_offered=len(suggested))
        if topics:
            dispatcher.utter_message(text=render("abstain_close", language),
                                     buttons=topic_buttons(topics, language))
        if not suggested:
            for message in offers:
                dispatcher.utter_message(**message)
        return []

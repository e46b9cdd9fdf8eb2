"""The NLU's decision for a user message, as it travels with Bolt's replies to the hub.

bot/metrics_hooks.py sees every parse in Rasa's process and remembers its decision for the
message being handled; the REST channel (bot/channels.py) puts it on each reply of that message
as `metadata.nlu`: the intent Bolt acted on, the FAQ key it answered with (None when it did not
answer a topic), the confidence of the best label, whether it abstained, and the articles its
replies suggested. The hub stores it with the bot's messages for agents and editors, never for
the user. With an answered topic go the next best topics (`metadata.next_topics`), which the
hub offers when the user says the answer did not help.
"""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Sequence
from weakref import WeakKeyDictionary

from bot.nlu.linear_classifier import ABSTENTION

RETRIEVAL_INTENT = "faq"
# The next best topics after an answer that did not help: at most this many, each at least this
# probable (P(faq/key), as the classifier ranks them); below it a topic is a guess.
NEXT_TOPICS = 3
NEXT_TOPIC_FLOOR = 0.05
_DECISIONS: "WeakKeyDictionary[Any, Dict[str, Any]]" = WeakKeyDictionary()


def decision_of(parse_data: Mapping[str, Any]) -> Dict[str, Any]:
    """The decision of one parse (articles are added once the replies are known)."""
    intent = parse_data.get("intent") or {}
    name = intent.get("name") if isinstance(intent.get("name"), str) else ""
    record = parse_data.get(ABSTENTION)
    abstained = isinstance(record, Mapping) and bool(record.get("abstained"))
    confidence = (record.get("confidence") if isinstance(record, Mapping)
                  else intent.get("confidence"))
    faq = None
    if name.startswith(RETRIEVAL_INTENT + "/"):  # a topic's button: `/faq/<key>`
        name, faq = RETRIEVAL_INTENT, name.split("/", 1)[1]
    elif name == RETRIEVAL_INTENT and not abstained:
        selected = ((parse_data.get("response_selector") or {}).get(RETRIEVAL_INTENT) or {})
        key = (selected.get("response") or {}).get("intent_response_key")
        if isinstance(key, str) and key.startswith(RETRIEVAL_INTENT + "/"):
            faq = key.split("/", 1)[1]
    return {"intent": name, "faq": faq, "confidence": round(float(confidence or 0.0), 4),
            "abstained": abstained, "articles": []}


def next_topics(parse_data: Mapping[str, Any], answered: Optional[str]) -> List[str]:
    """The FAQ keys ranked after the answered one, most probable first."""
    faq = 0.0
    for ranked in parse_data.get("intent_ranking") or []:
        if isinstance(ranked, Mapping) and ranked.get("name") == RETRIEVAL_INTENT:
            faq = float(ranked.get("confidence") or 0.0)
    selector = (parse_data.get("response_selector") or {}).get(RETRIEVAL_INTENT) or {}
    found = []
    for ranked in selector.get("ranking") or []:
        key = str(ranked.get("intent_response_key") or "")
        if (key.startswith(RETRIEVAL_INTENT + "/") and key[4:] != answered
                and faq * float(ranked.get("confidence") or 0.0) >= NEXT_TOPIC_FLOOR):
            found.append(key[len(RETRIEVAL_INTENT) + 1:])
    return found[:NEXT_TOPICS]


def remember(message: Any, parse_data: Mapping[str, Any]) -> None:
    """Keeps the decision for the message being handled (the last parse of it wins)."""
    try:
        decision = decision_of(parse_data)
        if decision["faq"]:
            decision["next_topics"] = next_topics(parse_data, decision["faq"])
        _DECISIONS[message] = decision
    except TypeError:  # a message that cannot be weakly referenced is not one of the channel's
        pass


def taken(message: Any) -> Optional[Dict[str, Any]]:
    """The decision remembered for the message, forgotten once taken."""
    return _DECISIONS.pop(message, None)


def articles_of(replies: Sequence[Mapping[str, Any]]) -> List[str]:
    """The article ids the replies suggested, in their order, once each."""
    found: List[str] = []
    for reply in replies:
        custom = reply.get("custom")
        for article in (custom.get("articles") or []) if isinstance(custom, Mapping) else []:
            article_id = article.get("article_id") if isinstance(article, Mapping) else None
            if article_id and str(article_id) not in found:
                found.append(str(article_id))
    return found


def attach(decision: Optional[Dict[str, Any]], replies: List[Dict[str, Any]]) -> None:
    """Puts the decision, with the replies' articles, on every reply as `metadata.nlu` (and the
    next best topics after an answered one as `metadata.next_topics`)."""
    if decision is None or not replies:
        return
    decision = dict(decision)
    following = decision.pop("next_topics", None)
    decision["articles"] = articles_of(replies)
    for reply in replies:
        metadata = reply.get("metadata")
        reply["metadata"] = {**(metadata if isinstance(metadata, dict) else {}),
                             "nlu": decision}
        if following is not None:
            reply["metadata"]["next_topics"] = following

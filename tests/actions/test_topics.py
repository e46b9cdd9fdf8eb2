import asyncio

from actions.topics import ActionSuggestTopics, closest_topics
from support.trackers import make_tracker

PARSE = {
    "intent_ranking": [{"name": "nlu_fallback", "confidence": 0.45},
                       {"name": "faq", "confidence": 0.4},
                       {"name": "request_human", "confidence": 0.3}],
    "response_selector": {
        "all_retrieval_intents": ["faq"],
        "faq": {"ranking": [
            {"intent_response_key": "faq/web_ticket", "confidence": 0.5},
            {"intent_response_key": "faq/contact_options", "confidence": 0.3},
            {"intent_response_key": "faq/phone_support", "confidence": 0.15},
            {"intent_response_key": "faq/billing", "confidence": 0.05},
        ]},
    },
}


def test_closest_topics_follow_the_selector_ranking():
    assert closest_topics(PARSE) == ["web_ticket", "contact_options", "phone_support"]
    assert closest_topics({}) == []


def test_offers_buttons_titled_in_the_users_language(dispatcher):
    tracker = make_tracker("hmm ticket?", slots={"language": "de"}, **PARSE)
    asyncio.run(ActionSuggestTopics().run(dispatcher, tracker, {}))
    message = dispatcher.messages[0]
    assert message["text"].strip()
    assert [b["payload"] for b in message["buttons"]] == [
        "/faq/web_ticket", "/faq/contact_options", "/faq/phone_support"
    ]
    english = make_tracker("hmm ticket?", slots={"language": "en"}, **PARSE)
    other = type(dispatcher)()
    asyncio.run(ActionSuggestTopics().run(other, english, {}))
    assert message["text"] != other.messages[0]["text"]
    assert [b["title"] for b in message["buttons"]] != [b["title"] for b in other.messages[0]["buttons"]]

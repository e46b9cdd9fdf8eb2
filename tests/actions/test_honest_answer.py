"""Bolt's honest answer when it abstains, with the real SQLite directory of demo accounts."""
import asyncio

import pytest

from actions.honest_answer import ActionAbstain, close_topics
from actions.messages import render
from bolt.core.languages import SUPPORTED_LANGUAGES
from support.trackers import make_tracker
from tests.actions.conftest import demo_user

PREMIER_ADMIN = demo_user("business", "premier", "admin", True)
FREE_OWNER = demo_user("basic", "access", "owner", True)
UNLICENSED_OWNER = demo_user("pro", "access", "owner", False)
UNLICENSED = demo_user("pro", "access", "member", False)
THRESHOLD = 0.4
UNSURE = {
    "intent_ranking": [{"name": "faq", "confidence": 0.6}, {"name": "greet", "confidence": 0.3}],
    "response_selector": {"all_retrieval_intents": ["faq"], "faq": {"ranking": [
        {"intent_response_key": "faq/web_ticket", "confidence": 0.5},       # 0.30: close
        {"intent_response_key": "faq/contact_options", "confidence": 0.35},  # 0.21: close
        {"intent_response_key": "faq/phone_support", "confidence": 0.1},    # 0.06: not close
        {"intent_response_key": "faq/billing", "confidence": 0.05},
    ]}},
    "abstention": {"abstained": True, "label": "faq/web_ticket", "confidence": 0.3,
                   "threshold": THRESHOLD},
}


@pytest.fixture(autouse=True)
def _accounts(account_env):
    return account_env


def abstain(tracker, dispatcher):
    assert asyncio.run(ActionAbstain().run(dispatcher, tracker, {})) == []
    return dispatcher.messages


def payloads(messages):
    return [b["payload"] for m in messages for b in m.get("buttons") or []]


def test_only_topics_at_least_half_as_probable_as_the_threshold_are_close():
    assert close_topics(UNSURE) == ["web_ticket", "contact_options"]
    far = {**UNSURE, "abstention": {**UNSURE["abstention"], "threshold": 0.9}}
    assert close_topics(far) == []
    assert close_topics({}) == []


def test_a_gate_above_the_threshold_is_the_bar_topics_are_close_to():
    gated = {**UNSURE, "abstention": {**UNSURE["abstention"], "threshold": 0.0, "gate": 0.5}}
    assert close_topics(gated) == ["web_ticket"]


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_a_paid_licensed_user_is_told_plainly_and_offered_a_person(dispatcher, language):
    tracker = make_tracker("how do I blur my background", intent="product_question",
                           metadata=PREMIER_ADMIN, slots={"language": language})
    messages = abstain(tracker, dispatcher)
    assert [m["text"] for m in messages] == [render("abstain", language),
                                            render("abstain_person", language)]
    assert messages[1]["buttons"] == [{"title": render("abstain_person_button", language),
                                       "payload": "/request_human"}]


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_an_anonymous_visitor_is_told_plainly_and_offered_no_person(dispatcher, language):
    tracker = make_tracker("wake me up at 6:30", intent="out_of_scope",
                           slots={"language": language})
    messages = abstain(tracker, dispatcher)
    assert [m["text"] for m in messages] == [render("abstain_not_ours", language)]
    assert payloads(messages) == []


def test_a_user_with_tickets_but_no_live_chat_is_offered_a_web_ticket(dispatcher):
    tracker = make_tracker("change my display name", intent="product_question",
                           metadata=UNLICENSED_OWNER)
    messages = abstain(tracker, dispatcher)
    assert [m["text"] for m in messages] == [render("abstain", "en"), render("abstain_ticket", "en")]
    assert payloads(messages) == ["/faq/web_ticket"]


def test_a_free_account_is_offered_neither_a_person_nor_a_ticket(dispatcher):
    tracker = make_tracker("change my display name", intent="product_question",
                           metadata=FREE_OWNER)
    assert payloads(abstain(tracker, dispatcher)) == []


def test_an_unsure_guess_offers_the_close_topics_then_the_person(dispatcher):
    tracker = make_tracker("ticket thing?", intent="nlu_fallback", metadata=PREMIER_ADMIN,
                           slots={"language": "de"}, **UNSURE)
    messages = abstain(tracker, dispatcher)
    assert [m["text"] for m in messages] == [render("abstain", "de"),
                                            render("abstain_close", "de"),
                                            render("abstain_person", "de")]
    assert payloads(messages) == ["/faq/web_ticket", "/faq/contact_options", "/request_human"]
    titles = [b["title"] for b in messages[1]["buttons"]]
    english = make_tracker("ticket thing?", intent="nlu_fallback", **UNSURE)
    other = abstain(english, type(dispatcher)())
    assert titles != [b["title"] for b in other[1]["buttons"]]


def test_what_is_not_ours_is_never_offered_topics(dispatcher):
    tracker = make_tracker("refund my flight", intent="out_of_scope", metadata=UNLICENSED,
                           **UNSURE)
    messages = abstain(tracker, dispatcher)
    assert [m["text"] for m in messages] == [render("abstain_not_ours", "en")]
    assert payloads(messages) == []

"""What Bolt offers after "Not helpful" on a topic answer (actions/not_helpful.py), with the real
SQLite directory of demo accounts and the test help center in a real article store: the next
best topics, the articles on the question, and a person or a web ticket by the account."""
import asyncio

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.messages import render
from actions.not_helpful import ActionNotHelpful, rated_answer
from bolt.articles import store
from bolt.articles.importing import import_source
from bolt.articles.settings import articles_url
from bolt.core.languages import SUPPORTED_LANGUAGES
from support.articles_eval import EXPORT
from support.trackers import make_tracker
from tests.actions.conftest import demo_user
from tests.actions.test_article_answer import found_at_the_floor

PREMIER_ADMIN = demo_user("business", "premier", "admin", True)
FREE_OWNER = demo_user("basic", "access", "owner", True)
UNLICENSED_OWNER = demo_user("pro", "access", "owner", False)
NEXT = ["contact_options", "phone_support"]
NOTHING_FOUND = "qwxz frobnicate the zebulon"


@pytest.fixture
def help_center(account_env):
    engine = store.open_engine(articles_url())
    import_source(engine, EXPORT, "tasklane")
    yield engine
    engine.dispose()


def not_helpful(dispatcher, language, question, topics=NEXT, who=None, user_id=None):
    metadata = {**(who or {}), "not_helpful": {"next_topics": topics, "question": question}}
    tracker = make_tracker("/not_helpful", intent="not_helpful", metadata=metadata,
                           slots={"language": language, "user_id": user_id})
    assert asyncio.run(ActionNotHelpful().run(dispatcher, tracker, {})) == []
    return dispatcher.messages


def payloads(messages):
    return [b["payload"] for m in messages for b in m.get("buttons") or []]


PERSON = "/request_human"


@pytest.mark.parametrize("language", ["en", "de", "ja"])
def test_a_paid_licensed_user_gets_the_topics_the_articles_and_a_person(
        help_center, dispatcher, language):
    asked = found_at_the_floor(help_center, language)
    messages = not_helpful(dispatcher, language, asked.text, who=PREMIER_ADMIN,
                           user_id="business-premier-admin-licensed")
    topics, articles, person = messages
    assert topics["text"] == render("abstain_close", language)
    titles = [b["title"] for b in topics["buttons"]]
    assert payloads([topics]) == ["/faq/contact_options", "/faq/phone_support"]
    assert len(set(titles)) == 2 and all(titles)
    custom = articles["custom"]
    assert custom["intro"] == render("not_helpful_articles", language)
    assert 1 <= len(custom["articles"]) <= 3
    assert {card["language"] for card in custom["articles"]} == {language}
    assert any(f"{c['article_id']}#{c['anchor']}" in asked.sections for c in custom["articles"])
    assert articles["text"].split("\n")[0] == custom["intro"]
    assert person["text"] == render("abstain_person", language)
    assert person["buttons"] == [{"title": render("abstain_person_button", language),
                                  "payload": PERSON}]


def test_a_free_account_gets_no_person_and_a_ticket_only_where_it_has_one(help_center):
    asked = found_at_the_floor(help_center, "en")
    free = not_helpful(CollectingDispatcher(), "en", asked.text, who=FREE_OWNER)
    assert PERSON not in payloads(free) and "/faq/web_ticket" not in payloads(free)
    assert [m["text"] for m in free][0] == render("abstain_close", "en")
    assert "articles" in free[1]["custom"] and len(free) == 2
    with_tickets = not_helpful(CollectingDispatcher(), "en", asked.text, topics=[],
                               who=UNLICENSED_OWNER)
    assert [m.get("custom", {}).get("intro") or m["text"] for m in with_tickets] == [
        render("not_helpful_articles", "en"), render("abstain_ticket", "en")]
    assert payloads(with_tickets) == ["/faq/web_ticket"]


@pytest.mark.parametrize("language", ["en", "it"])
def test_an_anonymous_visitor_gets_no_person_and_no_ticket(help_center, dispatcher, language):
    forged = {"claims": "not-the-hub's-claims"}
    for who in (None, forged):
        messages = not_helpful(CollectingDispatcher(), language, NOTHING_FOUND, who=who)
        assert [m["text"] for m in messages] == [render("abstain_close", language)]
        assert payloads(messages) == ["/faq/contact_options", "/faq/phone_support"]


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_with_nothing_to_offer_bolt_asks_again_in_other_words(help_center, dispatcher, language):
    messages = not_helpful(dispatcher, language, NOTHING_FOUND, topics=[], who=FREE_OWNER)
    assert [m["text"] for m in messages] == [render("articles_not_helpful", language)]
    assert payloads(messages) == []


def test_what_the_hub_sends_is_used_only_when_well_formed(help_center, dispatcher):
    assert rated_answer(None) == rated_answer({"not_helpful": "x"}) == rated_answer({})
    assert rated_answer({}).next_topics == [] and rated_answer({}).question == ""
    odd = rated_answer({"not_helpful": {"next_topics": "web_ticket", "question": 7}})
    assert (odd.next_topics, odd.question) == ([], "")
    mixed = rated_answer({"not_helpful": {"next_topics": ["billing", 3, "community", "a", "b"],
                                          "question": "x" * 5000}})
    assert mixed.next_topics == ["billing", "community", "a"] and len(mixed.question) == 1000
    # A key that is no topic gets no button.
    messages = not_helpful(dispatcher, "en", NOTHING_FOUND, topics=["no_such_topic"])
    assert [m["text"] for m in messages] == [render("articles_not_helpful", "en")]


def test_the_articles_text_is_a_real_translation_in_every_language():
    texts = {language: render("not_helpful_articles", language)
             for language in SUPPORTED_LANGUAGES}
    assert len(set(texts.values())) == len(SUPPORTED_LANGUAGES)

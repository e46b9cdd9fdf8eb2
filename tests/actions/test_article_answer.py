"""The honest answer with the help center's articles: the test help center imported into the
action server's article store (a real SQLite store, the calibrated floor), the real directory of
demo accounts."""
import asyncio

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.honest_answer import ActionAbstain
from actions.messages import render
from bolt.articles import store
from bolt.articles.floor import load_floor
from bolt.articles.search import ArticleSearch
from bolt.articles.settings import articles_url
from bolt.core.languages import SUPPORTED_LANGUAGES
from support.articles_eval import questions
from support.trackers import SENDER_ID, make_tracker
from tests.actions.conftest import demo_user

PREMIER_ADMIN = demo_user("business", "premier", "admin", True)
UNLICENSED_OWNER = demo_user("pro", "access", "owner", False)
FREE_OWNER = demo_user("basic", "access", "owner", True)
# The held-out questions of each language, with the sections that answer it.
HELD_OUT = {language: [q for q in questions("held_out") if q.language == language]
            for language in SUPPORTED_LANGUAGES}


def found_at_the_floor(engine, language):
    """The first held-out question whose right section the search suggests: this file tests
    the answer Bolt gives with articles; how often they are the right ones is
    tests/articles/test_relevance.py's."""
    search = ArticleSearch(engine, load_floor().floors)
    for question in HELD_OUT[language]:
        suggested = search.search(question.text, language, 3)
        if any(f"{s.external_id}#{s.anchor}" in question.sections for s in suggested):
            return question
    raise AssertionError(f"no held-out {language} question finds its section")


ASKED = {language: questions_[0] for language, questions_ in HELD_OUT.items()}


def abstain(tracker, dispatcher):
    assert asyncio.run(ActionAbstain().run(dispatcher, tracker, {})) == []
    return dispatcher.messages


def logged(engine):
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(
            store.suggestions.select().order_by(store.suggestions.c.id))]


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_a_question_no_faq_answers_gets_articles_as_cards_and_as_text(
        help_center, dispatcher, language):
    asked = found_at_the_floor(help_center, language)
    tracker = make_tracker(asked.text, intent="product_question", metadata=PREMIER_ADMIN,
                           slots={"language": language,
                                  "user_id": "business-premier-admin-licensed"})
    [message] = abstain(tracker, dispatcher)
    custom = message["custom"]
    intro = render("abstain_articles", language)
    assert custom["intro"] == intro
    cards = custom["articles"]
    assert 1 <= len(cards) <= 3
    assert {card["language"] for card in cards} == {language}
    assert any(f"{c['article_id']}#{c['anchor']}" in asked.sections for c in cards), cards
    for card in cards:
        assert card["url"].startswith("https://help.tasklane.example/")
        assert card["url"].endswith("#" + card["anchor"])
        assert card["title"] and card["snippet"]
    # The same articles as plain text, one line each, for a channel without cards.
    lines = message["text"].split("\n")
    assert lines[0] == intro and len(lines) == 1 + len(cards)
    for line, card in zip(lines[1:], cards):
        assert card["title"] in line and card["url"] in line and card["snippet"] in line
    # The person comes with the cards, for when they do not help.
    assert custom["not_helpful"] == [{
        "text": render("abstain_person", language),
        "buttons": [{"title": render("abstain_person_button", language),
                     "payload": "/request_human"}]}]
    rows = logged(help_center)
    assert [(r["question"], r["language"], r["conversation_id"], r["user_id"], r["rank"])
            for r in rows] == [(asked.text, language, SENDER_ID,
                                "business-premier-admin-licensed", rank)
                               for rank in range(1, len(cards) + 1)]
    assert [f"{r['external_id']}#{r['anchor']}" for r in rows] == [
        f"{c['article_id']}#{c['anchor']}" for c in cards]


def test_not_helpful_offers_a_web_ticket_or_asking_again_by_the_account(help_center):
    asked = ASKED["en"]
    with_tickets = CollectingDispatcher()
    [message] = abstain(make_tracker(asked.text, intent="product_question",
                                     metadata=UNLICENSED_OWNER), with_tickets)
    assert [m["text"] for m in message["custom"]["not_helpful"]] == [
        render("abstain_ticket", "en")]
    assert message["custom"]["not_helpful"][0]["buttons"][0]["payload"] == "/faq/web_ticket"
    neither = CollectingDispatcher()
    [message] = abstain(make_tracker(asked.text, intent="product_question",
                                     metadata=FREE_OWNER), neither)
    assert message["custom"]["not_helpful"] == [{"text": render("articles_not_helpful", "en")}]


def test_a_question_nothing_answers_is_logged_and_answered_as_before(help_center, dispatcher):
    tracker = make_tracker("qwxz frobnicate the zebulon", intent="product_question",
                           metadata=PREMIER_ADMIN)
    messages = abstain(tracker, dispatcher)
    assert [m["text"] for m in messages] == [render("abstain", "en"),
                                            render("abstain_person", "en")]
    assert "custom" not in messages[0] or not messages[0]["custom"]
    [row] = logged(help_center)
    assert (row["question"], row["external_id"], row["conversation_id"]) == (
        "qwxz frobnicate the zebulon", None, SENDER_ID)


def test_a_not_ours_message_gets_no_article_and_is_not_logged(help_center, dispatcher):
    asked = ASKED["en"]
    tracker = make_tracker(asked.text, intent="out_of_scope", metadata=PREMIER_ADMIN)
    messages = abstain(tracker, dispatcher)
    assert messages[0]["text"] == render("abstain_not_ours", "en")
    assert all(not m.get("custom") for m in messages)
    assert logged(help_center) == []


def test_without_an_article_store_the_honest_answer_creates_none(account_env, dispatcher):
    tracker = make_tracker(ASKED["en"].text, intent="product_question", metadata=PREMIER_ADMIN)
    messages = abstain(tracker, dispatcher)
    assert messages[0]["text"] == render("abstain", "en")
    assert store.existing_store(articles_url()) is None


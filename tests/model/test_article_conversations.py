"""A question outside the FAQ gets the right article, in each language: the trained model, real
Rasa and action servers over the REST channel, the test help center (tests/data/help_center/)
imported into the action server's article store. Rasa's REST channel gives the message's text
(the articles as plain text) and its custom payload (the cards) as two replies."""
from typing import Any, Dict, List

import pytest

from actions.messages import render
from bolt.articles import store
from bolt.articles.importing import import_source
from bolt.processes import bolt_services
from support.articles_eval import EXPORT
from support.live_bolt import Chat, serving, settings_on_free_ports

pytestmark = [pytest.mark.model, pytest.mark.server]

# A question per language that no FAQ topic answers (from the relevance set's held-out part),
# and the section that answers it ("<article id>#<anchor>"). The test help center is about
# another product than Bolt's, so many of its questions are rightly "not ours" to Bolt: these
# are product how-to questions Bolt abstains on without calling them not ours.
ASKED = {
    "en": ("sync deadlines with google calendar", "3600001013#google"),
    "de": ("fristen im google kalender anzeigen", "3600001013#google"),
    "ja": ("タスクをエクセルに出力したい", "3600001008#csv"),
    "ru": ("ссылка приглашения устарела", "3600001003#expired"),
    "id": ("link undangan udah kedaluwarsa", "3600001003#expired"),
    "it": ("progetto visibile solo a certe persone", "3600001015#private"),
}


@pytest.fixture(scope="module")
def rasa_url(trained_model, repository, tmp_path_factory):
    state = tmp_path_factory.mktemp("state")
    engine = store.open_engine(f"sqlite:///{state / 'articles.sqlite3'}")
    import_source(engine, EXPORT, "tasklane")
    engine.dispose()
    settings = settings_on_free_ports(repository, BOLT_STATE_DIR=str(state))
    actions, rasa, _hub = bolt_services(settings, trained_model)
    with serving([actions, rasa], repository, timeout=240):
        yield settings.rasa_url, state


def cards_of(replies: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    return [article for reply in replies for article in (reply.get("custom") or {}).get(
        "articles", [])]


@pytest.mark.parametrize("language", sorted(ASKED))
def test_a_question_outside_the_faq_gets_the_right_article(rasa_url, language):
    url, state = rasa_url
    question, wanted = ASKED[language]
    chat = Chat(url, locale=language)
    replies = chat.replies(question)
    intro = render("abstain_articles", language)
    assert replies[0]["text"].split("\n")[0] == intro, replies
    cards = cards_of(replies)
    assert 1 <= len(cards) <= 3 and {c["language"] for c in cards} == {language}
    assert wanted in [f"{c['article_id']}#{c['anchor']}" for c in cards], cards
    for card in cards:
        assert card["url"] in replies[0]["text"]  # the plain text lists the same articles
    engine = store.open_engine(f"sqlite:///{state / 'articles.sqlite3'}")
    logged = [r for r in store.suggestions_of(engine, "nobody", [chat.sender])]
    engine.dispose()
    assert [(r["question"], r["language"]) for r in logged] == [(question, language)] * len(cards)

"""Article cards through the hub: Bolt's message with its cards as one event, the user's
"helpful / not helpful" as one stored record, what "not helpful" offers, the help center's link
origins, and agents searching the article store (the test help center, imported) and sending a
section to a user."""
import time
from typing import Any, Dict, List

import pytest

from bolt.articles import store
from bolt.articles.importing import import_source
from handoff.config import help_center_origins, origin_of
from support.articles_eval import EXPORT
from support.tokens import user_token

INTRO = "I have no answer of my own to that, but these articles of the help center may help:"
CARD = {"title": "Reset your password", "heading": "Forgot your password",
        "snippet": "Click Forgot password? on the sign-in page.",
        "url": "https://help.example.com/hc/en-us/articles/3600001001#forgot",
        "source": "tasklane", "article_id": "3600001001", "anchor": "forgot", "language": "en"}
PERSON = {"text": "A person from Zoom support can help you with it.",
          "buttons": [{"title": "Talk to a person", "payload": "/request_human"}]}


def articles_reply(body: Dict[str, Any]) -> List[Dict[str, Any]]:
    """What Rasa's REST channel answers for the articles message: its text, then its custom
    payload, as two replies; then the close topics."""
    sender = body["sender"]
    if body["message"] != "forgot my pw":
        return [{"recipient_id": sender, "text": f"bot: {body['message']}"}]
    return [{"recipient_id": sender, "text": f"{INTRO}\n- Reset your password: {CARD['url']}"},
            {"recipient_id": sender, "custom": {"intro": INTRO, "articles": [CARD],
                                                "not_helpful": [PERSON]}},
            {"recipient_id": sender, "text": "Is your question about one of these?",
             "buttons": [{"title": "Web tickets", "payload": "/faq/web_ticket"}]}]


async def asked(hub, rasa, **hello):
    rasa.reply = articles_reply
    user = await hub.user(locale="en-US", **hello)
    await user.send(type="message", client_id="m1", text="forgot my pw")
    await user.expect("ack", client_id="m1")
    await user.event(speaker="user")
    cards = await user.event(speaker="bot")
    topics = await user.event(speaker="bot")
    return user, cards, topics


async def test_the_articles_text_and_cards_are_one_message_and_the_welcome_names_the_origins(
        bolt):
    async with bolt() as (hub, rasa):
        user, cards, topics = await asked(hub, rasa)
        assert user.welcome["link_origins"] == ["https://help.example.com"]
        assert cards["text"].startswith(INTRO) and cards["custom"]["articles"] == [CARD]
        assert topics["text"] == "Is your question about one of these?" and "custom" not in topics
        await user.close()


async def test_feedback_is_the_latest_answer_per_message_and_helpful_offers_nothing(bolt):
    async with bolt() as (hub, rasa):
        user, cards, _ = await asked(hub, rasa, token=user_token())
        await user.send(type="feedback", seq=cards["seq"], helpful=True)
        record = await user.event("feedback")
        assert (record["speaker"], record["about_seq"], record["rating"]) == (
            "user", cards["seq"], "helpful")
        # The same answer again stores nothing new; a changed answer is one more record.
        await user.send(type="feedback", seq=cards["seq"], helpful=True)
        assert await user.quiet(0.5) == []
        await user.send(type="feedback", seq=cards["seq"], helpful=False)
        changed = await user.event("feedback")
        assert (changed["about_seq"], changed["rating"]) == (cards["seq"], "not_helpful")
        await user.send(type="feedback", seq=cards["seq"], helpful=True)
        assert (await user.event("feedback"))["rating"] == "helpful"
        stored = [e for e in hub.core.repository.events_after(
            user.welcome["conversation_id"], 0, internal=False) if e.kind == "feedback"]
        assert [(e.speaker, e.data) for e in stored] == [
            ("user", {"rating": "helpful", "about_seq": cards["seq"]}),
            ("user", {"rating": "not_helpful", "about_seq": cards["seq"]}),
            ("user", {"rating": "helpful", "about_seq": cards["seq"]})]
        # A changed answer offers what "not helpful" offers, once only.
        offers = [e for e in await user.quiet(0.5) if e.get("speaker") == "bot"]
        assert [o["text"] for o in offers] == [PERSON["text"]]
        assert len(rasa.messages) == 1  # feedback is the hub's record: Rasa is not asked
        await user.close()


async def test_not_helpful_offers_what_the_cards_carry_and_the_agent_sees_the_record(
        bolt, agents):
    agents("erika", ["en"])
    async with bolt() as (hub, rasa):
        user, cards, _ = await asked(hub, rasa, token=user_token())
        await user.send(type="feedback", seq=cards["seq"], helpful=False)
        record = await user.event("feedback")
        assert record["rating"] == "not_helpful" and record["about_seq"] == cards["seq"]
        offer = await user.event(speaker="bot")
        assert (offer["text"], offer["buttons"]) == (PERSON["text"], PERSON["buttons"])
        assert offer["seq"] > record["seq"]

        conversation_id = user.welcome["conversation_id"]
        erika = await hub.agent("erika")
        await hub.hand_off(conversation_id, language="en")
        await erika.expect("offer")
        await erika.send(type="accept", conversation_id=conversation_id)
        assigned = await erika.expect("assigned")
        by_kind = {e["kind"]: e for e in assigned["events"]}
        assert by_kind["feedback"]["about_seq"] == cards["seq"]
        assert [e["custom"]["articles"] for e in assigned["events"] if e.get("custom")] == [
            [CARD]]
        await user.close()
        await erika.close()


async def test_feedback_is_only_for_bolts_messages_of_the_conversation(bolt):
    async with bolt() as (hub, rasa):
        user, cards, _ = await asked(hub, rasa)
        for seq in (1, cards["seq"] + 50):  # the user's own message; none
            await user.send(type="feedback", seq=seq, helpful=False)
            refused = await user.expect("error")
            assert (refused["code"], refused["field"]) == ("not_found", "seq")
        other, other_cards, _ = await asked(hub, rasa)
        await other.send(type="feedback", seq=cards["seq"] + 3, helpful=True)
        assert (await other.expect("error"))["code"] == "not_found"
        await user.send(type="feedback", seq=cards["seq"], helpful="no")
        assert (await user.expect("error"))["code"] == "invalid_field"
        await user.close()
        await other.close()


async def test_the_help_center_origins_can_be_set_apart_from_the_socket_origins(bolt):
    async with bolt(BOLT_HELP_CENTER_ORIGINS="https://Docs.Example.com:443/hc, http://kb.example.org:8080"
                    ) as (hub, rasa):
        user = await hub.user(locale="en-US")
        assert user.welcome["link_origins"] == ["https://docs.example.com",
                                                "http://kb.example.org:8080"]
        await user.close()


@pytest.mark.parametrize("configured,allowed,origins", [
    ("", ("https://help.example.com", "*"), ("https://help.example.com",)),
    ("", ("*",), ()),
    ("https://help.example.com/hc/en, HTTPS://HELP.example.com", (),
     ("https://help.example.com",)),
    ("javascript:alert(1),ftp://files.example.com,https://help.example.com:8443", (),
     ("https://help.example.com:8443",)),
])
def test_help_center_origins_are_the_setting_else_the_socket_origins(configured, allowed,
                                                                     origins):
    assert help_center_origins(configured, allowed) == origins


def test_an_origin_is_a_browsers_origin():
    assert origin_of("https://help.example.com:443/hc/de#x") == "https://help.example.com"
    assert origin_of("http://127.0.0.1:5080/help/ja") == "http://127.0.0.1:5080"
    assert origin_of("HTTP://[::1]:80/") == "http://[::1]"
    for bad in ("javascript:alert(1)", "data:text/html,x", "//help.example.com/x", "https://",
                "https://help.example.com:99999/"):
        assert origin_of(bad) is None, bad


@pytest.fixture
def help_center(hub_env, tmp_path):
    url = f"sqlite:///{tmp_path / 'articles.sqlite3'}"
    engine = store.open_engine(url)
    import_source(engine, EXPORT, "tasklane")
    engine.dispose()
    return url


async def test_any_agent_searches_the_articles_and_sends_one_to_a_chat_they_hold(
        bolt, agents, help_center):
    agents("erika", ["de"])
    agents("ben", ["de"])
    async with bolt(BOLT_ARTICLES_URL=help_center) as (hub, rasa):
        ben = await hub.agent("ben", status="offline")  # holds nothing, is not online
        await ben.send(type="articles", query="Passwort vergessen", language="de")
        found = await ben.expect("articles", timeout=30)
        assert found["query"] == "Passwort vergessen" and found["language"] == "de"
        first = found["articles"][0]
        assert first["article_id"] == "3600001001" and first["language"] == "de"
        assert first["under_floor"] is False and first["url"].endswith("#" + first["anchor"])
        assert [a["score"] for a in found["articles"]] == sorted(
            (a["score"] for a in found["articles"]), reverse=True)

        user = await hub.user(token=user_token(), locale="de-DE")
        conversation_id = user.welcome["conversation_id"]
        erika = await hub.agent("erika")
        await hub.hand_off(conversation_id, language="de")
        await erika.expect("offer")
        await erika.send(type="accept", conversation_id=conversation_id)
        await erika.expect("assigned")
        article = {k: first[k] for k in ("source", "article_id", "anchor", "language")}
        await ben.send(type="send_article", conversation_id=conversation_id, client_id="b1",
                       **article)
        assert (await ben.expect("error"))["code"] == "not_yours"
        await erika.send(type="send_article", conversation_id=conversation_id, client_id="a1",
                         **article)
        ack = await erika.expect("ack", client_id="a1")
        sent = await user.event(speaker="agent")
        assert sent["seq"] == ack["seq"] and sent["name"] == "Erika"
        [card] = sent["custom"]["articles"]
        assert {k: card[k] for k in ("title", "url", "article_id", "anchor")} == {
            k: first[k] for k in ("title", "url", "article_id", "anchor")}
        assert first["url"] in sent["text"]
        await erika.send(type="send_article", conversation_id=conversation_id, client_id="a2",
                         **{**article, "anchor": "no-such-anchor"})
        refused = await erika.expect("error")
        assert (refused["code"], refused["ref"]) == ("not_found", "a2")
        for client in (user, erika, ben):
            await client.close()


async def test_without_an_article_store_a_search_finds_nothing_and_creates_none(
        bolt, agents, tmp_path):
    agents("erika", ["en"])
    url = f"sqlite:///{tmp_path / 'none' / 'articles.sqlite3'}"
    async with bolt(BOLT_ARTICLES_URL=url) as (hub, rasa):
        erika = await hub.agent("erika")
        await erika.send(type="articles", query="password", language="en")
        assert (await erika.expect("articles"))["articles"] == []
        assert not (tmp_path / "none").exists()
        await erika.close()


async def test_each_hubs_retention_job_deletes_the_logged_questions_past_retention(
        bolt, help_center):
    engine = store.open_engine(help_center)
    now = time.time()
    for question, days in (("recent", 1), ("old", 91)):
        store.record_suggestions(engine, question, "en", [], at=now - days * 86400,
                                 conversation_id="c-1")
    async with bolt(BOLT_ARTICLES_URL=help_center) as (hub, rasa):
        assert hub.core.articles.forget_questions(90) == 1
        assert hub.core.articles.forget_questions(90) == 0
    assert [row["question"] for row in store.suggestions_of(engine, "nobody", ["c-1"])] == [
        "recent"]
    engine.dispose()

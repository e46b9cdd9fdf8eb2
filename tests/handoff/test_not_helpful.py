""""Not helpful" on one of Bolt's topic answers: the hub asks Rasa (the stand-in here) in the
conversation's turn with the internal `/not_helpful`, the next best topics and the question in
the metadata; Rasa's replies are the offer, marked so, never rated or counted as answers; the
internal message is never stored or shown; kept and asked again while Rasa is down."""
import asyncio
from datetime import datetime, timedelta
from typing import Any, Dict, List

from bolt.core.identity import verify_claims
from handoff.rules.report_facts import facts_of
from handoff.services.missed_questions import missed_in
from handoff.services.review import Review
from handoff.store import report_reads
from support.tokens import CLAIMS_SECRET, user_token

QUESTION = "Wie reiche ich ein Webticket ein?"
ANSWER = {"intent": "faq", "faq": "web_ticket", "confidence": 0.97, "abstained": False,
          "articles": []}
UNSURE = {"intent": "nlu_fallback", "faq": None, "confidence": 0.3, "abstained": True,
          "articles": []}
OFFER_DECISION = {"intent": "not_helpful", "faq": None, "confidence": 1.0, "abstained": False,
                  "articles": ["3600001001"]}
CARDS = {"intro": "Diese Artikel im Hilfe-Center könnten Ihnen helfen:",
         "articles": [{"title": "Webtickets", "url": "https://help.example.com/a/3600001001",
                       "article_id": "3600001001"}],
         "not_helpful": []}
LATER = "Und per Telefon?"
PERSON = {"title": "Mit einer Person sprechen", "payload": "/request_human"}


def bolt_like(body: Dict[str, Any]) -> List[Dict[str, Any]]:
    """Replies shaped as Rasa's REST channel sends Bolt's: a topic answer with its next best
    topics, and for `/not_helpful` the offer actions/not_helpful.py makes."""
    sender = body["sender"]
    if body["message"] == "/not_helpful":
        meta = {"nlu": OFFER_DECISION}
        return [{"recipient_id": sender, "text": "Geht es bei Ihrer Frage um eines dieser Themen?",
                 "buttons": [{"title": "Kontaktmöglichkeiten",
                              "payload": "/faq/contact_options"}], "metadata": meta},
                {"recipient_id": sender, "text": CARDS["intro"] + "\n- Webtickets", "metadata": meta},
                {"recipient_id": sender, "custom": CARDS, "metadata": meta},
                {"recipient_id": sender, "text": "Eine Person vom Zoom-Support kann Ihnen helfen.",
                 "buttons": [PERSON], "metadata": meta}]
    if body["message"] == "Hallo":
        return [{"recipient_id": sender, "text": "Hallo! Wie kann ich helfen?"}]
    if body["message"] == LATER:
        return [{"recipient_id": sender, "text": "Darauf habe ich leider keine Antwort.",
                 "metadata": {"nlu": UNSURE}}]
    return [{"recipient_id": sender, "text": f"Antwort auf {body['message']}",
             "metadata": {"nlu": ANSWER, "next_topics": ["contact_options", "phone_support"]}}]


async def rated_not_helpful(user, text: str = QUESTION) -> Dict[str, Any]:
    await user.send(type="message", client_id=f"m-{abs(hash(text))}", text=text)
    answer = await user.event(speaker="bot")
    await user.send(type="feedback", seq=answer["seq"], helpful=False)
    await user.event("feedback")
    return answer


def offer_events(hub, conversation_id: str):
    return [e for e in hub.core.repository.events_after(conversation_id, 0, internal=True)
            if e.speaker == "bot" and (e.data or {}).get("offer")]


def report_facts(hub, conversation_id: str):
    today = datetime.utcnow().date()
    with hub.core.repository.engine.connect() as connection:
        rows = report_reads.conversation_rows(connection, today - timedelta(days=1),
                                              today + timedelta(days=1))
    [row] = [r for r in rows if r.conversation_id == conversation_id]
    return facts_of(row, datetime.utcnow())


async def test_not_helpful_asks_rasa_with_the_topics_and_the_question_and_marks_the_offer(bolt):
    async with bolt() as (hub, rasa):
        rasa.reply = bolt_like
        user = await hub.user(token=user_token(), locale="de-DE")
        conversation_id = user.welcome["conversation_id"]
        answer = await rated_not_helpful(user)
        offers = [await user.event(speaker="bot") for _ in range(3)]

        asked = rasa.messages[-1]
        assert asked["message"] == "/not_helpful" and asked["sender"] == conversation_id
        metadata = asked["metadata"]
        assert metadata["not_helpful"] == {"next_topics": ["contact_options", "phone_support"],
                                           "question": QUESTION}
        assert metadata["locale"] == "de-DE"
        # The account check is the action server's: it gets who the user is, as with a message.
        assert verify_claims(metadata["claims"], CLAIMS_SECRET, conversation_id).user_id == "u-42"

        # Rasa's replies, in order, each marked as the offer; the text and its cards are one.
        assert [o.get("offer") for o in offers] == ["not_helpful"] * 3
        assert [b["payload"] for b in offers[0]["buttons"]] == ["/faq/contact_options"]
        assert offers[1]["custom"]["articles"][0]["article_id"] == "3600001001"
        assert offers[2]["buttons"] == [PERSON]
        assert all("nlu" not in o for o in offers)
        assert [o["seq"] for o in offers] == sorted(o["seq"] for o in offers)
        assert offers[0]["seq"] > answer["seq"]

        # The internal message is never stored as the user's, nor shown to anybody.
        stored = hub.core.repository.events_after(conversation_id, 0, internal=True)
        assert [(e.speaker, e.kind) for e in stored] == [
            ("user", "message"), ("bot", "message"), ("user", "feedback"),
            ("bot", "message"), ("bot", "message"), ("bot", "message")]
        assert all("/not_helpful" not in (e.text or "") for e in stored)
        assert all("/not_helpful" not in str(frame) for frame in user.received)
        assert [e.data["nlu"] for e in offer_events(hub, conversation_id)] == [OFFER_DECISION] * 3

        # Reports and the review inbox count one answer, rated not helpful; the offer is none.
        facts = report_facts(hub, conversation_id)
        assert (facts.counts["bot_answers"], facts.counts["abstained"], facts.missed,
                facts.topic) == (1, 0, [], "web_ticket")
        # A rating sent on an offer anyway (the sidebar shows no control there) is not counted.
        await user.send(type="feedback", seq=offers[2]["seq"], helpful=False)
        await user.event("feedback", about_seq=offers[2]["seq"])
        facts = report_facts(hub, conversation_id)
        assert (facts.counts["rated_answers"], facts.counts["not_helpful"]) == (1, 1)
        events = [{"seq": e.seq, "kind": e.kind, "speaker": e.speaker, "text": e.text,
                   "data": e.data, "created_at": e.created_at}
                  for e in hub.core.repository.events_after(conversation_id, 0, internal=True)]
        [missed] = missed_in(conversation_id, "de", None, events)
        assert (missed.text, missed.reasons) == (QUESTION, {"not_helpful"})
        [group] = Review(hub.core.repository).inbox("de")["groups"]
        assert group["reasons"] == {"not_helpful": 1}

        # "Not helpful" again after changing to helpful: the offer is not made twice.
        asked_before = len(rasa.messages)
        await user.send(type="feedback", seq=answer["seq"], helpful=True)
        await user.event("feedback", rating="helpful")
        await user.send(type="feedback", seq=answer["seq"], helpful=False)
        await user.event("feedback", rating="not_helpful", about_seq=answer["seq"])
        assert [e for e in await user.quiet(0.5) if e.get("speaker") == "bot"] == []
        assert len(rasa.messages) == asked_before
        await user.close()


async def test_an_anonymous_visitor_sends_no_claims_and_an_answer_without_a_topic_asks_nothing(
        bolt):
    async with bolt() as (hub, rasa):
        rasa.reply = bolt_like
        user = await hub.user(locale="de-DE")
        await rated_not_helpful(user)
        for _ in range(3):
            await user.event(speaker="bot", offer="not_helpful")
        [asked] = [m for m in rasa.messages if m["message"] == "/not_helpful"]
        assert "claims" not in asked["metadata"]
        assert asked["metadata"]["not_helpful"]["question"] == QUESTION
        # A greeting is no topic answer: "Not helpful" on it asks Rasa nothing.
        await user.send(type="message", client_id="hi", text="Hallo")
        greeting = await user.event(speaker="bot")
        await user.send(type="feedback", seq=greeting["seq"], helpful=False)
        await user.event("feedback", about_seq=greeting["seq"])
        assert [e for e in await user.quiet(0.5) if e.get("speaker") == "bot"] == []
        assert [m["message"] for m in rasa.messages].count("/not_helpful") == 1
        await user.close()


async def test_while_rasa_is_down_the_offer_waits_its_turn_before_the_next_message(bolt):
    async with bolt() as (hub, rasa):
        rasa.reply = bolt_like
        user = await hub.user(token=user_token(), locale="de-DE")
        conversation_id = user.welcome["conversation_id"]
        await user.send(type="message", client_id="m1", text=QUESTION)
        answer = await user.event(speaker="bot")
        rasa.down = True
        await user.send(type="feedback", seq=answer["seq"], helpful=False)
        await user.event("feedback")
        told = await user.event("bot_unavailable")
        assert told["options"] == ["agent", "ticket"]
        await user.send(type="message", client_id="m2", text=LATER)
        await user.expect("ack", client_id="m2")
        await asyncio.sleep(1.5)  # asked again at least once, still down
        assert [m["message"] for m in rasa.messages].count("/not_helpful") >= 2
        assert LATER not in [m["message"] for m in rasa.messages]
        rasa.down = False
        after = [await user.event(speaker="bot") for _ in range(4)]
        assert [a.get("offer") for a in after] == ["not_helpful"] * 3 + [None]
        assert after[3]["text"] == "Darauf habe ich leider keine Antwort."
        stored = hub.core.repository.events_after(conversation_id, 0, internal=False)
        assert [e.text for e in stored if e.speaker == "user" and e.kind == "message"] == [
            QUESTION, LATER]
        # The answer after the offer is the one that counts for the second question.
        facts = report_facts(hub, conversation_id)
        assert (facts.counts["bot_answers"], facts.counts["abstained"], facts.missed) == (
            2, 1, [LATER])
        await user.close()

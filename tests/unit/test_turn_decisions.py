"""The NLU's decision sent with Bolt's replies (bot/turn_decisions.py): read from a parse as the
hook sees it, remembered for the message being handled, and put on each reply by Bolt's REST
channel (bot/channels.py) as `metadata.nlu`."""
import asyncio

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from bot import turn_decisions
from bot.channels import handled

ANSWERED = {
    "intent": {"name": "faq", "confidence": 0.97},
    "abstention": {"abstained": False, "label": "faq/web_ticket", "confidence": 0.88,
                   "threshold": 0.4},
    "response_selector": {"faq": {"response": {"intent_response_key": "faq/web_ticket",
                                               "confidence": 0.88}}},
}
ABSTAINED = {
    "intent": {"name": "nlu_fallback", "confidence": 0.21},
    "abstention": {"abstained": True, "label": "faq/sso", "confidence": 0.21, "threshold": 0.4},
    "response_selector": {"faq": {"response": {"intent_response_key": "faq/sso"}}},
}


def test_a_decision_names_the_topic_only_when_bolt_answered_it():
    assert turn_decisions.decision_of(ANSWERED) == {
        "intent": "faq", "faq": "web_ticket", "confidence": 0.88, "abstained": False,
        "articles": []}
    assert turn_decisions.decision_of(ABSTAINED) == {
        "intent": "nlu_fallback", "faq": None, "confidence": 0.21, "abstained": True,
        "articles": []}
    # A dialogue intent, with no abstention record; a topic's button.
    assert turn_decisions.decision_of({"intent": {"name": "greet", "confidence": 0.9}}) == {
        "intent": "greet", "faq": None, "confidence": 0.9, "abstained": False, "articles": []}
    assert turn_decisions.decision_of({"intent": {"name": "faq/sso", "confidence": 1.0}})[
        "faq"] == "sso"
    assert turn_decisions.decision_of({"intent": None})["intent"] == ""


def test_the_channel_puts_the_decision_and_the_suggested_articles_on_every_reply():
    output = CollectingOutputChannel()
    message = UserMessage("sso?", output, "c-1", metadata={"locale": "en"})

    async def rasa_handles(received: UserMessage) -> None:
        turn_decisions.remember(received, ABSTAINED)
        await output.send_text_message("c-1", "I am not sure.")
        await output.send_custom_json("c-1", {"articles": [{"article_id": "42"},
                                                           {"article_id": "42"},
                                                           {"article_id": "7"}]})

    asyncio.run(handled(rasa_handles, message))
    decision = {**turn_decisions.decision_of(ABSTAINED), "articles": ["42", "7"]}
    assert [reply["metadata"]["nlu"] for reply in output.messages] == [decision, decision]
    assert turn_decisions.taken(message) is None  # forgotten once sent
    assert message.metadata == {"locale": "en"}  # the tracker's copy is left alone


def test_an_answered_topic_carries_the_next_best_topics():
    parse = {**ANSWERED, "intent_ranking": [{"name": "faq", "confidence": 0.9}],
             "response_selector": {"faq": {
                 "response": {"intent_response_key": "faq/web_ticket"},
                 "ranking": [{"intent_response_key": "faq/web_ticket", "confidence": 0.8},
                             {"intent_response_key": "faq/support_plans", "confidence": 0.1},
                             {"intent_response_key": "faq/billing", "confidence": 0.06},
                             {"intent_response_key": "faq/community", "confidence": 0.01}]}}}
    output = CollectingOutputChannel()
    message = UserMessage("ticket?", output, "c-3")

    async def rasa_handles(received: UserMessage) -> None:
        turn_decisions.remember(received, parse)
        await output.send_text_message("c-3", "Submit a web ticket.")

    asyncio.run(handled(rasa_handles, message))
    metadata = output.messages[0]["metadata"]
    # 0.9 x 0.1 and 0.9 x 0.06 reach the floor; 0.9 x 0.01 does not; the answer is not offered.
    assert metadata["next_topics"] == ["support_plans", "billing"]
    assert "next_topics" not in metadata["nlu"] and metadata["nlu"]["faq"] == "web_ticket"
    # An abstention offers its own close topics (actions/honest_answer.py): none here.
    output = CollectingOutputChannel()
    message = UserMessage("sso?", output, "c-4")

    async def abstains(received: UserMessage) -> None:
        turn_decisions.remember(received, ABSTAINED)
        await output.send_text_message("c-4", "I am not sure.")

    asyncio.run(handled(abstains, message))
    assert "next_topics" not in output.messages[0]["metadata"]


def test_a_message_with_no_parse_gets_no_decision():
    output = CollectingOutputChannel()
    message = UserMessage("hi", output, "c-2")

    async def rasa_handles(received: UserMessage) -> None:
        await output.send_text_message("c-2", "Hello")

    asyncio.run(handled(rasa_handles, message))
    assert "metadata" not in output.messages[0]

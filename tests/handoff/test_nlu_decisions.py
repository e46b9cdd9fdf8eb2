"""The NLU's decision of each bot turn, as Rasa's REST channel sends it with the replies
(`metadata.nlu`): stored on the bot's message events for agents and editors, never sent to the
user's socket, live or replayed."""
from typing import Any, Dict, List

DECISION = {"intent": "faq", "faq": "web_ticket", "confidence": 0.91, "abstained": False,
            "articles": ["3600001001"]}


def replies_with_decision(body: Dict[str, Any]) -> List[Dict[str, Any]]:
    sender, meta = body["sender"], {"nlu": DECISION}
    return [{"recipient_id": sender, "text": "Open a web ticket from the help center.",
             "metadata": meta},
            {"recipient_id": sender, "custom": {"intro": "See also", "articles": []},
             "metadata": meta},
            {"recipient_id": sender, "text": "Anything else?", "metadata": meta}]


def no_secret_in(frames: List[Dict[str, Any]]) -> None:
    for frame in frames:
        assert "nlu" not in frame, frame
        assert "0.91" not in str(frame)


async def test_the_decision_is_stored_with_each_bot_message_and_never_reaches_the_user(
        bolt, agents):
    agents("erika", ["en"])
    async with bolt() as (hub, rasa):
        rasa.reply = replies_with_decision
        user = await hub.user(locale="en-US")
        await user.send(type="message", client_id="m1", text="how do I file a ticket")
        first = await user.event(speaker="bot")
        second = await user.event(speaker="bot")
        assert first["custom"]["intro"] == "See also" and second["text"] == "Anything else?"
        no_secret_in(user.received)

        conversation_id = user.welcome["conversation_id"]
        stored = [e for e in hub.core.repository.events_after(conversation_id, 0, internal=True)
                  if e.speaker == "bot"]
        assert [e.data["nlu"] for e in stored] == [DECISION, DECISION]

        # A resumed socket replays the conversation: without the decision too.
        again = await hub.user(locale="en-US", conversation_id=conversation_id,
                               resume_key=user.welcome["resume_key"], last_seq=0)
        replayed = [await again.event(speaker="bot"), await again.event(speaker="bot")]
        assert [r["seq"] for r in replayed] == [first["seq"], second["seq"]]
        no_secret_in(again.received)

        # Agents see it in the transcript.
        erika = await hub.agent("erika")
        await hub.hand_off(conversation_id, language="en")
        await erika.expect("offer")
        await erika.send(type="accept", conversation_id=conversation_id)
        assigned = await erika.expect("assigned")
        assert [e["nlu"] for e in assigned["events"] if e.get("speaker") == "bot"] == [
            DECISION, DECISION]
        for client in (user, again, erika):
            await client.close()


async def test_replies_without_a_decision_store_none(bolt):
    async with bolt() as (hub, rasa):
        user = await hub.user(locale="en-US")
        await user.send(type="message", client_id="m1", text="hello")
        reply = await user.event(speaker="bot")
        stored = hub.core.repository.event(user.welcome["conversation_id"], reply["seq"])
        assert "nlu" not in (stored.data or {})
        await user.close()

"""A user message the hub stored and acknowledged, but whose bot turn its hub never finished, is
asked again by the hub the visitor opens the conversation on, in order and once
(handoff/services/bot_turns.py, handoff/rules/bot_backlog.py); on a real SQLite file."""
import asyncio

from support.tokens import user_token


async def asked(rasa, count: int, timeout: float = 5.0) -> None:
    for _ in range(int(timeout / 0.05)):
        if len(rasa.messages) >= count:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"Rasa was asked {len(rasa.messages)} times, not {count}")


def stored(hub, conversation_id):
    return [(e.seq, e.speaker, e.kind, e.text) for e in hub.core.repository.events_after(
        conversation_id, 0, internal=False)]


async def test_messages_acknowledged_by_a_hub_stopped_mid_ask_are_answered_by_the_next(bolt):
    async with bolt(BOLT_HUB_RASA_TIMEOUT="10") as (hub, rasa):
        rasa.delay = 2.0  # still asking when the hub stops
        user = await hub.user(token=user_token(), locale="de-DE")
        conversation_id = user.welcome["conversation_id"]
        for n in (1, 2):
            await user.send(type="message", client_id=f"m{n}", text=f"Frage {n}")
            await user.expect("ack", client_id=f"m{n}")
        await asked(rasa, 1)
        await user.close()
    async with bolt() as (hub, rasa):
        user = await hub.user(token=user_token(), conversation_id=conversation_id, last_seq=2)
        first = await user.event(speaker="bot")
        second = await user.event(speaker="bot")
        assert (first["seq"], first["text"]) == (3, "bot: Frage 1")
        assert (second["seq"], second["text"]) == (4, "bot: Frage 2")
        assert [e for e in await user.quiet(1.0) if e.get("type") == "event"] == []
        assert [m["message"] for m in rasa.messages] == ["Frage 1", "Frage 2"]
        assert stored(hub, conversation_id) == [
            (1, "user", "message", "Frage 1"), (2, "user", "message", "Frage 2"),
            (3, "bot", "message", "bot: Frage 1"), (4, "bot", "message", "bot: Frage 2")]
        conversation = hub.core.repository.conversation(conversation_id)
        assert conversation.bot_turn_seq == 2 and conversation.bot_turn_by is None
        assert len(hub.core.conversations.bot_turns) == 0
        await user.close()


async def test_a_visitor_back_on_the_hub_still_asking_is_answered_once(bolt):
    async with bolt(BOLT_HUB_RASA_TIMEOUT="10") as (hub, rasa):
        rasa.delay = 1.0
        user = await hub.user(token=user_token(), locale="de-DE")
        conversation_id = user.welcome["conversation_id"]
        await user.send(type="message", client_id="m1", text="Hallo?")
        await user.expect("ack", client_id="m1")
        await asked(rasa, 1)
        await user.close()
        back = await hub.user(token=user_token(), conversation_id=conversation_id, last_seq=1)
        answer = await back.event(speaker="bot")
        assert answer["text"] == "bot: Hallo?"
        await back.quiet(1.5)
        assert len(rasa.messages) == 1
        assert [s for _, s, _, _ in stored(hub, conversation_id)] == ["user", "bot"]
        await back.close()


async def test_what_was_answered_or_said_to_an_agent_is_not_asked_again(bolt, agents):
    agents("anna", ["de"])
    async with bolt() as (hub, rasa):
        user = await hub.user(token=user_token(), locale="de-DE")
        conversation_id = user.welcome["conversation_id"]
        await user.send(type="message", client_id="m1", text="Hallo?")
        await user.event(speaker="bot")
        anna = await hub.agent("anna")
        assert (await hub.hand_off(conversation_id, priority="P3"))[0] == 201
        await anna.expect("offer")
        await anna.send(type="accept", conversation_id=conversation_id)
        await anna.expect("assigned")
        await user.send(type="message", client_id="m2", text="Für Anna")
        await user.expect("ack", client_id="m2")
        await anna.send(type="resolve", conversation_id=conversation_id)
        await user.event("resolved")
        last_seq = hub.core.repository.conversation(conversation_id).last_seq
        await user.close()
        await anna.close()
    async with bolt() as (hub, rasa):
        back = await hub.user(token=user_token(), conversation_id=conversation_id,
                              last_seq=last_seq)
        await back.quiet(1.0)
        assert rasa.messages == [] and len(hub.core.conversations.bot_turns) == 0
        await back.close()

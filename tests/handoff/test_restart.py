"""A hub that restarts loses nothing: conversations, queue, places and owners come back."""
from support.client import Client
from support.tokens import user_token


async def test_the_hub_restarts_mid_chat_and_everyone_carries_on(bolt, agents):
    agents("anna", ["de"], capacity=1)
    async with bolt(BOLT_HUB_AGENT_GRACE_SECONDS="30") as (hub, rasa):
        anna = await hub.agent("anna")
        session = anna.welcome["session"]
        chatting = await hub.user(token=user_token("u-1", "acme"))
        chat_id = chatting.welcome["conversation_id"]
        assert (await hub.hand_off(chat_id, priority="P3"))[0] == 201
        await anna.expect("offer")
        await anna.send(type="accept", conversation_id=chat_id)
        await anna.expect("assigned")
        await chatting.send(type="message", client_id="m1", text="Noch da?")
        await chatting.expect("ack", client_id="m1")
        waiting = await hub.user(token=user_token("u-2", "acme"))
        waiting_id = waiting.welcome["conversation_id"]
        assert (await hub.hand_off(waiting_id, priority="P1"))[0] == 201
        place = await waiting.expect("queue")
        assert place["position"] == 1
        last_seen = max(f["seq"] for f in chatting.received if f["type"] == "event")

    async with bolt(BOLT_HUB_AGENT_GRACE_SECONDS="30") as (hub, rasa):
        anna = await Client.connect(hub.ws_url + "/ws/agent")
        await anna.send(type="login", session=session)
        welcome = await anna.expect("welcome")
        assert [c["conversation_id"] for c in welcome["chats"]] == [chat_id]
        queue = await anna.expect("queue")
        assert [e["conversation_id"] for e in queue["entries"]] == [waiting_id]

        back = await hub.user(token=user_token("u-1", "acme"), conversation_id=chat_id,
                              last_seq=last_seen)
        assert back.welcome["owner"] == "agent" and back.welcome["last_seq"] == last_seen
        await anna.send(type="message", conversation_id=chat_id, client_id="a1", text="Ja!")
        reply = await back.event(speaker="agent")
        assert reply["seq"] == last_seen + 1
        assert len(rasa.messages) == 0  # still the agent's, so still not the bot's

        still = await hub.user(token=user_token("u-2", "acme"), conversation_id=waiting_id,
                               last_seq=100)
        assert (await still.expect("queue"))["position"] == 1
        for client in (anna, back, still):
            await client.close()

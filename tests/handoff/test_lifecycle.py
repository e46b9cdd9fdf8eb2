"""A user and an agent through the whole life of a chat, over real sockets."""
import asyncio
import json

from bolt.core.identity import verify_claims
from support.tokens import CLAIMS_SECRET, user_token


async def test_a_chat_from_the_bot_to_an_agent_and_back(bolt, agents):
    agents("erika", ["de", "en"])
    async with bolt() as (hub, rasa):
        token = user_token()
        user = await hub.user(token=token, locale="de-DE")
        conversation_id = user.welcome["conversation_id"]
        assert user.welcome["owner"] == "bot" and user.welcome["identity"]["anonymous"] is False

        await user.send(type="message", client_id="m1", text="Hallo")
        ack = await user.expect("ack", client_id="m1")
        assert ack["seq"] == 1 and ack["duplicate"] is False
        assert (await user.event(speaker="bot"))["text"] == "bot: Hallo"
        sent = rasa.messages[-1]
        assert sent["sender"] == conversation_id and sent["metadata"]["locale"] == "de-DE"
        # The help center's token stays in the hub: Rasa gets the claims the hub verified, signed
        # with the hub's own secret for this conversation.
        assert token not in json.dumps(sent) and "auth_token" not in sent["metadata"]
        passed_on = verify_claims(sent["metadata"]["claims"], CLAIMS_SECRET, conversation_id)
        assert (passed_on.user_id, passed_on.account_id, passed_on.name) == (
            "u-42", "acme", "Erika Muster")

        agent = await hub.agent("erika")
        status, body = await hub.hand_off(conversation_id, priority="P2")
        assert status == 201 and body["status"] == "queued" and body["position"] == 1
        await user.event("queued")
        queue = await user.expect("queue")
        assert queue["position"] == 1 and queue["agents_online"] is True

        offer = await agent.expect("offer")
        assert offer["conversation"]["conversation_id"] == conversation_id
        await agent.send(type="accept", conversation_id=conversation_id)
        assigned = await agent.expect("assigned")
        texts = [e.get("text") for e in assigned["events"]]
        assert "Hallo" in texts and "bot: Hallo" in texts  # the whole transcript, bot turns too
        joined = await user.event("agent_joined")
        assert joined["text"] == "Erika ist dem Chat beigetreten."

        await user.send(type="message", client_id="m2", text="Meine Meetings brechen ab")
        await user.expect("ack", client_id="m2")
        assert (await agent.event(speaker="user"))["text"] == "Meine Meetings brechen ab"
        assert len(rasa.messages) == 1  # nothing reaches Rasa while an agent holds it

        await agent.send(type="typing", conversation_id=conversation_id, typing=True)
        typing = await user.expect("typing")
        assert typing["speaker"] == "agent" and typing["name"] == "Erika"
        await user.send(type="typing", typing=True)
        assert (await agent.expect("typing"))["speaker"] == "user"

        await agent.send(type="note", conversation_id=conversation_id, client_id="n1",
                         text="Kunde hat Premier")
        note = await agent.event("note")
        assert note["internal"] is True
        await agent.send(type="message", conversation_id=conversation_id, client_id="a1",
                         text="Ich schaue mir das an.")
        reply = await user.event(speaker="agent")
        assert reply["text"] == "Ich schaue mir das an." and reply["name"] == "Erika"
        assert note["seq"] not in [f.get("seq") for f in user.received]  # notes stay internal

        await agent.send(type="resolve", conversation_id=conversation_id)
        await agent.expect("released", reason="resolved")
        resolved = await user.event("resolved")
        assert "Bolt" in resolved["text"]
        for _ in range(50):
            if rasa.tracker_events:
                break
            await asyncio.sleep(0.05)
        assert rasa.tracker_events == [(conversation_id, [
            {"event": "resume"}, {"event": "action", "name": "action_listen"}])]

        await user.send(type="message", client_id="m3", text="Danke")
        assert (await user.event(speaker="bot"))["text"] == "bot: Danke"
        seqs = [f["seq"] for f in user.received if f["type"] == "event"]
        assert seqs == sorted(seqs) and len(seqs) == len(set(seqs))
        await user.close()
        await agent.close()

"""Two hubs and two stand-in Rasa servers on one machine, sharing PostgreSQL and Redis."""
from __future__ import annotations

import asyncio

from handoff.services.agents import add_agent, open_repository
from support.fake_rasa import FakeRasa
from support.tokens import PASSWORD, user_token


def seqs(frames):
    return [f["seq"] for f in frames if f.get("type") == "event"]


async def test_user_on_one_hub_agent_on_another_and_the_users_hub_dies(
        hub_processes, shared_database):
    add_agent(open_repository(shared_database), "anna", ["de"], 2, PASSWORD, display_name="Anna")
    rasa_a, rasa_b = FakeRasa(), FakeRasa()
    await rasa_a.start()
    await rasa_b.start()
    try:
        hub_a = await hub_processes(rasa_a.url)
        hub_b = await hub_processes(rasa_b.url)
        anna = await hub_b.agent("anna")
        user = await hub_a.user(token=user_token())
        conversation_id = user.welcome["conversation_id"]

        await user.send(type="message", client_id="m1", text="Hallo")
        assert (await user.event(speaker="bot"))["text"] == "bot: Hallo"
        assert [m["sender"] for m in rasa_a.messages] == [conversation_id]

        # The handoff lands on hub B (the load balancer's choice); the user on A is told, the
        # agent on B is offered the chat.
        status, body = await hub_b.hand_off(conversation_id)
        assert status == 201, body
        await user.event("queued")
        offer = await anna.expect("offer", timeout=10)
        assert offer["conversation"]["conversation_id"] == conversation_id
        await anna.send(type="accept", conversation_id=conversation_id)
        await user.event("agent_joined")

        await user.send(type="message", client_id="m2", text="Meine Meetings brechen ab")
        assert (await anna.event(speaker="user", conversation_id=conversation_id))["text"] == (
            "Meine Meetings brechen ab")
        await anna.send(type="message", conversation_id=conversation_id, client_id="a1",
                        text="Seit wann?")
        assert (await user.event(speaker="agent"))["text"] == "Seit wann?"
        seen = max(seqs(user.received))

        # Hub A dies mid-chat; Anna keeps writing; the user comes back on hub B.
        hub_a.kill()
        await anna.send(type="message", conversation_id=conversation_id, client_id="a2",
                        text="Sind Sie noch da?")
        await anna.expect("ack", client_id="a2")
        again = await hub_b.user(token=user_token(), conversation_id=conversation_id,
                                 last_seq=seen)
        assert again.welcome["owner"] == "agent"
        missed = await again.event(speaker="agent")
        assert missed["text"] == "Sind Sie noch da?" and missed["seq"] == seen + 1
        await again.send(type="message", client_id="m3", text="Ja, seit gestern")
        assert (await anna.event(speaker="user", text="Ja, seit gestern"))["seq"] == seen + 2

        # Nothing lost and nothing twice: the whole conversation, numbered 1..n, on hub B.
        await again.send(type="resume", last_seq=0)
        await asyncio.sleep(0.5)
        await again.quiet(0.3)
        numbers = sorted(set(seqs(again.received)))
        assert numbers == list(range(1, seen + 3))
        texts = [f.get("text") for f in again.received if f.get("type") == "event"]
        for text in ("Hallo", "bot: Hallo", "Meine Meetings brechen ab", "Seit wann?",
                     "Sind Sie noch da?", "Ja, seit gestern"):
            assert text in texts
        # While an agent held it no user message went to either Rasa.
        assert [m["message"] for m in rasa_a.messages + rasa_b.messages] == ["Hallo"]
        await again.close()
        await anna.close()
    finally:
        await rasa_a.stop()
        await rasa_b.stop()

"""A supervisor on one hub, the chat's user and agent on another, sharing PostgreSQL and Redis:
the board, watching silently, whispering and taking over reach across hubs."""
from __future__ import annotations

from handoff.services.agents import add_agent, open_repository
from support.fake_rasa import FakeRasa
from support.tokens import PASSWORD, user_token


async def test_a_supervisor_on_another_hub_watches_whispers_and_takes_over(
        hub_processes, shared_database):
    repository = open_repository(shared_database)
    add_agent(repository, "anna", ["de"], 2, PASSWORD, display_name="Anna")
    add_agent(repository, "sue", ["en"], 2, PASSWORD, display_name="Sue", supervisor=True)
    rasa = FakeRasa()
    await rasa.start()
    try:
        hub_a = await hub_processes(rasa.url)
        hub_b = await hub_processes(rasa.url)
        anna = await hub_a.agent("anna")
        user = await hub_a.user(token=user_token())
        conversation_id = user.welcome["conversation_id"]
        status, body = await hub_a.hand_off(conversation_id)
        assert status == 201, body
        await anna.expect("offer", timeout=10)
        await anna.send(type="accept", conversation_id=conversation_id)
        await user.event("agent_joined")

        sue = await hub_b.agent("sue", status="away")
        await sue.send(type="board")
        board = await sue.expect("board")
        assert [(c["conversation_id"], c["agent"]) for c in board["chats"]] == [
            (conversation_id, "anna")]
        assert {a["name"]: a["connected"] for a in board["agents"]}["anna"] is True

        await sue.send(type="watch", conversation_id=conversation_id)
        await sue.expect("watching")
        await user.send(type="message", client_id="m1", text="Hallo?")
        assert (await sue.expect("event", kind="message", speaker="user", timeout=10))["text"] == (
            "Hallo?")
        await sue.send(type="whisper", conversation_id=conversation_id, client_id="w1",
                       text="Frag nach der Kontonummer")
        await sue.expect("ack", client_id="w1")
        assert (await anna.event(kind="whisper"))["text"] == "Frag nach der Kontonummer"

        await sue.send(type="take_over", conversation_id=conversation_id)
        await sue.expect("assigned", timeout=10)
        assert (await anna.expect("released", timeout=10))["reason"] == "taken_over"
        assert (await user.event("transferred"))["name"] == "Sue"
        assert not [f for f in user.received if f.get("kind") == "whisper"]
        for client in (anna, sue, user):
            await client.close()
    finally:
        await rasa.stop()
        repository.close()

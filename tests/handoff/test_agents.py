"""Agents: offers and claims, capacity, transfers, drops and the grace period, notes, tickets."""
import asyncio
import io

import pytest
import websockets

from bolt.cli.main import main as bolt_command
from handoff.config import HubSettings
from handoff.services.agents import open_repository
from support.client import Client
from support.tokens import PASSWORD, user_token


async def queued_user(hub, user_id="u-1", **handoff):
    user = await hub.user(token=user_token(user_id, "acme"))
    status, body = await hub.hand_off(user.welcome["conversation_id"], **handoff)
    assert status == 201, body
    return user, user.welcome["conversation_id"]


async def taken(agent, conversation_id):
    await agent.expect("offer")
    await agent.send(type="accept", conversation_id=conversation_id)
    return await agent.expect("assigned")


async def test_offers_go_to_the_least_loaded_agent_who_speaks_the_language(bolt, agents):
    agents("anna", ["de"], capacity=2)
    agents("ben", ["de", "en"], capacity=2)
    agents("carl", ["en"], capacity=2)
    async with bolt() as (hub, rasa):
        anna, ben, carl = [await hub.agent(n) for n in ("anna", "ben", "carl")]
        _, first = await queued_user(hub, "u-1")
        offer = await anna.expect("offer")  # equal loads: the lower id
        await anna.send(type="accept", conversation_id=first)
        await anna.expect("assigned")
        _, second = await queued_user(hub, "u-2")
        offer = await ben.expect("offer")
        assert offer["conversation"]["conversation_id"] == second
        assert [f for f in carl.received if f["type"] == "offer"] == []

        await ben.send(type="decline", conversation_id=second)
        await ben.expect("offer_withdrawn", reason="declined")
        again = await anna.expect("offer")  # the next one with room
        assert again["conversation"]["conversation_id"] == second
        await anna.send(type="accept", conversation_id=first)  # not offered any more
        assert (await anna.expect("error"))["code"] == "not_waiting"
        for client in (anna, ben, carl):
            await client.close()


async def test_claims_respect_capacity_and_an_offer_cannot_be_taken_by_another(bolt, agents):
    agents("anna", ["de"], capacity=1)
    agents("ben", ["en", "de"], capacity=1)
    agents("sam", ["en"], supervisor=True)
    async with bolt() as (hub, rasa):
        anna = await hub.agent("anna")
        ben = await hub.agent("ben", status="away")  # so that the offer goes to anna
        _, first = await queued_user(hub, "u-1")
        await anna.expect("offer")
        await ben.send(type="accept", conversation_id=first)
        assert (await ben.expect("error"))["code"] == "no_offer"
        await ben.send(type="claim", conversation_id=first)  # any agent of its language may
        await ben.expect("assigned")
        await anna.expect("offer_withdrawn", reason="taken")
        _, second = await queued_user(hub, "u-2")
        await ben.send(type="claim", conversation_id=second)
        assert (await ben.expect("error"))["code"] == "at_capacity"
        await ben.send(type="message", conversation_id=second, client_id="x", text="hi")
        assert (await ben.expect("error"))["code"] == "not_yours"
        await ben.send(type="history", conversation_id=second)
        assert (await ben.expect("history"))["conversation"]["owner"] == "queue"
        await anna.send(type="history", conversation_id=first)  # ben's chat: not anna's to read
        assert (await anna.expect("error"))["code"] == "forbidden"
        await anna.send(type="typing", conversation_id=first, typing=True)
        assert (await anna.expect("error"))["code"] == "not_yours"
        sam = await hub.agent("sam", status="away")  # supervisors may read any conversation
        await sam.send(type="history", conversation_id=first)
        assert (await sam.expect("history"))["conversation"]["agent"] == "ben"
        await sam.close()
        await anna.close()
        await ben.close()


async def test_an_agent_who_drops_keeps_chats_for_the_grace_period_then_they_requeue(bolt, agents):
    agents("anna", ["de"], capacity=3)
    agents("ben", ["de"], capacity=3)
    async with bolt(BOLT_HUB_AGENT_GRACE_SECONDS="0.8") as (hub, rasa):
        anna = await hub.agent("anna")
        user, conversation_id = await queued_user(hub, "u-1", priority="P3")
        await taken(anna, conversation_id)
        session = anna.welcome["session"]

        await anna.close()
        await asyncio.sleep(0.3)
        back = await Client.connect(hub.ws_url + "/ws/agent")
        await back.send(type="login", session=session)  # within the grace period
        welcome = await back.expect("welcome")
        assert [c["conversation_id"] for c in welcome["chats"]] == [conversation_id]
        await asyncio.sleep(0.8)
        assert hub.core.repository.conversation(conversation_id).owner == "agent"

        # A later chat with an earlier place (P1) is queued while the first waits again.
        _, urgent = await queued_user(hub, "u-2", priority="P1")
        await back.close()
        await asyncio.sleep(1.2)
        requeued = await user.event("requeued")
        assert requeued["reason"] == "agent_dropped"
        conversation = hub.core.repository.conversation(conversation_id)
        assert conversation.owner == "queue" and conversation.agent_id is None
        ben = await hub.agent("ben")
        queue = await ben.expect("queue")
        assert [e["conversation_id"] for e in queue["entries"]] == [urgent, conversation_id]
        await user.close()
        await ben.close()


async def test_transfers_to_an_agent_to_a_language_and_back_to_the_queue(bolt, agents):
    agents("anna", ["de"], capacity=2)
    agents("ben", ["de", "ja"], capacity=2)
    async with bolt() as (hub, rasa):
        anna = await hub.agent("anna")
        ben = await hub.agent("ben", status="away")
        user, conversation_id = await queued_user(hub)
        await taken(anna, conversation_id)

        await anna.send(type="transfer", conversation_id=conversation_id, to="agent", agent="ben")
        assert (await anna.expect("error"))["code"] == "agent_unavailable"  # ben is away
        await ben.send(type="status", status="online")
        await anna.send(type="transfer", conversation_id=conversation_id, to="agent", agent="ben")
        await anna.expect("released", reason="transferred")
        assigned = await ben.expect("assigned")
        assert assigned["conversation"]["agent"] == "ben"
        assert (await user.event("transferred"))["text"] == "Ben übernimmt diesen Chat."

        await ben.send(type="transfer", conversation_id=conversation_id, to="language",
                       language="ja")
        await ben.expect("released", reason="transferred")
        conversation = hub.core.repository.conversation(conversation_id)
        assert (conversation.owner, conversation.language) == ("queue", "ja")
        await ben.expect("offer")  # the only one who speaks Japanese
        await ben.send(type="accept", conversation_id=conversation_id)
        await ben.expect("assigned")
        await ben.send(type="transfer", conversation_id=conversation_id, to="queue")
        await ben.expect("released")
        assert hub.core.repository.conversation(conversation_id).owner == "queue"
        for client in (anna, ben, user):
            await client.close()


async def test_agents_see_notes_and_tickets_users_do_not(bolt, agents):
    agents("anna", ["de"], capacity=2)
    async with bolt() as (hub, rasa):
        anna = await hub.agent("anna")
        user, conversation_id = await queued_user(hub)
        await taken(anna, conversation_id)
        await anna.send(type="note", conversation_id=conversation_id, client_id="n1",
                        text="only for agents")
        note = await anna.expect("ack", client_id="n1")
        await user.close()
        again = await hub.user(token=user_token("u-1", "acme"), conversation_id=conversation_id)
        await again.quiet(0.3)
        assert note["seq"] not in [f.get("seq") for f in again.received]
        await anna.send(type="history", conversation_id=conversation_id)
        history = await anna.expect("history")
        assert any(e.get("internal") for e in history["events"])

        status, body = await hub.post("/api/tickets", {
            "conversation_id": conversation_id, "language": "de", "reason": "no_agents"})
        assert status == 201
        await anna.expect("ticket")
        await anna.send(type="tickets")
        listed = await anna.expect("tickets")
        assert [t["ticket_id"] for t in listed["tickets"]] == [body["ticket_id"]]
        await anna.send(type="ticket", ticket_id=body["ticket_id"])
        ticket = (await anna.expect("ticket", timeout=3))["ticket"]
        assert ticket.get("transcript") and not any(e.get("internal") for e in ticket["transcript"])
        await anna.close()
        await again.close()


async def test_sign_in_needs_the_right_password_or_session(bolt, agents):
    agents("anna", ["de"])
    async with bolt() as (hub, rasa):
        for login in ({"name": "anna", "password": PASSWORD + "!"},
                      {"name": "nobody", "password": PASSWORD}, {"session": "made-up"}, {}):
            client = await Client.connect(hub.ws_url + "/ws/agent")
            await client.send(type="login", **login)
            assert (await client.expect("error"))["code"] == "login_failed"
            await client.send(type="tickets")
            assert (await client.expect("error"))["code"] == "login_first"
            await client.close()


async def test_removing_an_agent_with_history_disables_them_and_closes_their_socket(
        bolt, agents, hub_env, monkeypatch, capsys):
    agents("anna", ["de"])
    agents("ben", ["de"])
    async with bolt() as (hub, rasa):
        anna = await hub.agent("anna")
        user, conversation_id = await queued_user(hub)
        await taken(anna, conversation_id)
        for name, value in hub_env.items():
            monkeypatch.setenv(name, value)
        assert bolt_command(["agents", "remove", "anna"]) == 0  # as from another machine
        assert "Disabled agent anna" in capsys.readouterr().out  # kept: she held a chat
        repository = open_repository(HubSettings.from_env(hub_env).database_url)
        with pytest.raises(websockets.ConnectionClosed) as closed:
            while True:
                await asyncio.wait_for(anna.ws.recv(), 5)
        assert closed.value.code == 1008
        for login in ({"name": "anna", "password": PASSWORD},
                      {"session": anna.welcome["session"]}):
            client = await Client.connect(hub.ws_url + "/ws/agent")
            await client.send(type="login", **login)
            assert (await client.expect("error"))["code"] == "login_failed"
            await client.close()
        # Her chat goes back to the queue after the grace period and to an agent who may work.
        ben = await hub.agent("ben")
        offer = await ben.expect("offer")
        assert offer["conversation"]["conversation_id"] == conversation_id
        stored = repository.agent_by_name("anna")
        assert stored.disabled and stored.status == "offline"
        assert any(e.agent_name == "Anna" for e in repository.events_after(
            conversation_id, 0, internal=True))
        assert not any(slot.available for slot in hub.core.dispatcher.slots()
                       if slot.agent_id == stored.id)
        await ben.close()
        await user.close()


async def closed_code(client, seconds: float = 5) -> int:
    with pytest.raises(websockets.ConnectionClosed) as closed:
        while True:
            await asyncio.wait_for(client.ws.recv(), seconds)
    return closed.value.code


async def test_a_password_change_or_removal_by_the_command_line_closes_the_agents_sockets(
        bolt, agents, hub_env, monkeypatch, capsys):
    agents("anna", ["de"])
    agents("ben", ["de"])
    agents("carl", ["de"])
    async with bolt() as (hub, rasa):
        first, second = await hub.agent("anna"), await hub.agent("anna")
        ben, carl = await hub.agent("ben"), await hub.agent("carl")
        for name, value in hub_env.items():
            monkeypatch.setenv(name, value)
        monkeypatch.setattr("sys.stdin", io.StringIO("a new passphrase\n"))
        assert bolt_command(["agents", "passwd", "anna", "--password-stdin"]) == 0
        assert [await closed_code(first), await closed_code(second)] == [1008, 1008]
        assert bolt_command(["agents", "remove", "carl"]) == 0  # never held a chat: deleted
        assert await closed_code(carl) == 1008
        assert "Removed agent carl" in capsys.readouterr().out
        # Nobody else's socket is touched.
        await ben.send(type="tickets")
        await ben.expect("tickets")
        await ben.close()


async def test_an_unanswered_offer_expires_and_comes_round_again(bolt, agents):
    agents("anna", ["de"])
    async with bolt(BOLT_HUB_OFFER_SECONDS="0.4") as (hub, rasa):
        anna = await hub.agent("anna")
        _, conversation_id = await queued_user(hub)
        await anna.expect("offer")
        await anna.expect("offer_withdrawn", reason="expired")
        # Nobody else speaks German: once the refusal is old, the chat is offered to her again.
        again = await anna.expect("offer", timeout=3)
        assert again["conversation"]["conversation_id"] == conversation_id
        await anna.close()


async def test_an_agent_chats_with_several_users_at_once(bolt, agents):
    agents("anna", ["de"], capacity=2)
    async with bolt() as (hub, rasa):
        anna = await hub.agent("anna")
        first, first_id = await queued_user(hub, "u-1")
        await taken(anna, first_id)
        second, second_id = await queued_user(hub, "u-2")
        await taken(anna, second_id)
        await first.send(type="message", client_id="f1", text="Ich bin eins")
        await second.send(type="message", client_id="s1", text="Ich bin zwei")
        heard = [await anna.event(speaker="user"), await anna.event(speaker="user")]
        assert {(e["conversation_id"], e["text"]) for e in heard} == {
            (first_id, "Ich bin eins"), (second_id, "Ich bin zwei")}
        await anna.send(type="message", conversation_id=second_id, client_id="a1", text="Hallo zwei")
        assert (await second.event(speaker="agent"))["text"] == "Hallo zwei"
        assert [f for f in await first.quiet(0.3) if f.get("speaker") == "agent"] == []
        for client in (anna, first, second):
            await client.close()

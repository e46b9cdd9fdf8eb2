"""Agent rights (docs/protocol.md, "Agent rights"), frame by frame: a non-supervisor sees and
claims the chats waiting in their languages, and reads the history and the tickets of chats they
hold or that wait in their languages; a supervisor sees all."""
from support.tokens import user_token
from tests.handoff.test_agents import queued_user


async def refused(agent, **frame) -> dict:
    await agent.send(**frame)
    return await agent.expect("error")


async def queued_ids(agent) -> set:
    """Every chat the agent was shown in `queue` frames (its welcome's and those since)."""
    frames = agent.received + await agent.quiet(0.6)
    return {entry["conversation_id"] for frame in frames if frame["type"] == "queue"
            for entry in frame["entries"]}


async def test_the_queue_and_the_claims_of_a_non_supervisor_are_their_languages(bolt, agents):
    agents("anna", ["de"])
    agents("jo", ["ja"])
    agents("sue", ["en"], supervisor=True)
    async with bolt() as (hub, rasa):
        anna = await hub.agent("anna")  # online, so that the chat may be handed off
        jo, sue = [await hub.agent(name, status="away") for name in ("jo", "sue")]
        user, conversation_id = await queued_user(hub, language="de")
        seen = {name: await queued_ids(client)
                for name, client in (("anna", anna), ("jo", jo), ("sue", sue))}
        assert conversation_id in seen["anna"] and conversation_id in seen["sue"]
        assert conversation_id not in seen["jo"]

        assert (await refused(jo, type="claim", conversation_id=conversation_id))["code"] \
            == "forbidden"
        assert (await refused(jo, type="history", conversation_id=conversation_id))["code"] \
            == "forbidden"
        await anna.send(type="history", conversation_id=conversation_id)
        assert (await anna.expect("history"))["conversation"]["conversation_id"] == conversation_id
        await sue.send(type="history", conversation_id=conversation_id)
        await sue.expect("history")

        await anna.send(type="claim", conversation_id=conversation_id)
        await anna.expect("assigned")
        for client in (anna, jo, sue):
            await client.close()
        await user.close()


async def test_a_held_chat_is_read_by_its_agent_and_supervisors_only(bolt, agents):
    agents("anna", ["de"])
    agents("ben", ["de"])
    agents("sue", ["en"], supervisor=True)
    async with bolt() as (hub, rasa):
        anna = await hub.agent("anna")
        user, conversation_id = await queued_user(hub, language="de")
        await anna.expect("offer")
        await anna.send(type="accept", conversation_id=conversation_id)
        await anna.expect("assigned")
        ben = await hub.agent("ben", status="away")
        sue = await hub.agent("sue", status="away")
        assert (await refused(ben, type="history", conversation_id=conversation_id))["code"] \
            == "forbidden"
        await anna.send(type="history", conversation_id=conversation_id)
        await anna.expect("history")
        await sue.send(type="history", conversation_id=conversation_id)
        await sue.expect("history")
        for client in (anna, ben, sue):
            await client.close()
        await user.close()


async def test_tickets_are_read_in_the_agents_languages_and_by_supervisors(bolt, agents):
    agents("anna", ["de"])
    agents("jo", ["ja"])
    agents("sue", ["en"], supervisor=True)
    async with bolt() as (hub, rasa):
        anna, jo, sue = [await hub.agent(name, status="away") for name in ("anna", "jo", "sue")]
        user = await hub.user(token=user_token("u-1", "acme"))
        conversation_id = user.welcome["conversation_id"]
        status, body = await hub.post("/api/tickets", {
            "conversation_id": conversation_id, "language": "de", "reason": "no_agents"})
        assert status == 201
        ticket_id = body["ticket_id"]
        assert (await anna.expect("ticket"))["ticket"]["ticket_id"] == ticket_id
        assert (await sue.expect("ticket"))["ticket"]["ticket_id"] == ticket_id
        assert not [f for f in await jo.quiet(0.5) if f["type"] == "ticket"]
        for client, listed in ((anna, [ticket_id]), (sue, [ticket_id]), (jo, [])):
            await client.send(type="tickets")
            assert [t["ticket_id"] for t in (await client.expect("tickets"))["tickets"]] == listed
        assert (await refused(jo, type="ticket", ticket_id=ticket_id))["code"] == "not_found"
        for client in (anna, sue):
            await client.send(type="ticket", ticket_id=ticket_id)
            assert (await client.expect("ticket"))["ticket"]["transcript"] is not None
        for client in (anna, jo, sue):
            await client.close()
        await user.close()


async def test_a_whisper_reaches_the_chats_agent_and_the_supervisors_watching_only(bolt, agents):
    """docs/protocol.md's rows for `whisper` events and `locale`: the agent holding the chat and
    the supervisors watching it receive a whisper; another agent of the language, a supervisor
    not watching and the user do not; an agent's `locale` goes to their own tabs alone."""
    agents("anna", ["de"])
    agents("ben", ["de"])
    agents("sue", ["en"], supervisor=True)
    agents("tom", ["de"], supervisor=True)
    async with bolt() as (hub, rasa):
        anna = await hub.agent("anna")
        user, conversation_id = await queued_user(hub, language="de")
        await anna.expect("offer")
        await anna.send(type="accept", conversation_id=conversation_id)
        await anna.expect("assigned")
        ben, sue, tom = [await hub.agent(name, status="away") for name in ("ben", "sue", "tom")]
        await sue.send(type="watch", conversation_id=conversation_id)
        await sue.expect("watching")
        await tom.send(type="whisper", conversation_id=conversation_id, client_id="w1",
                       text="nur für Anna")
        await tom.expect("ack", client_id="w1")
        assert (await anna.event(kind="whisper"))["text"] == "nur für Anna"
        assert (await sue.event(kind="whisper"))["internal"] is True
        for client in (ben, user):
            assert not [f for f in await client.quiet(0.5) if f.get("kind") == "whisper"]
        assert not [f for f in await sue.quiet(0.2) if f.get("type") == "locale"]
        await ben.send(type="locale", locale="it")
        await ben.expect("locale")
        for client in (anna, sue, tom):
            assert not [f for f in await client.quiet(0.3) if f.get("type") == "locale"]
        for client in (anna, ben, sue, tom):
            await client.close()
        await user.close()


async def test_a_tickets_answers_and_assignments_follow_the_same_rights(bolt, agents):
    agents("anna", ["de"])
    agents("jo", ["ja"])
    agents("sue", ["en"], supervisor=True)
    async with bolt() as (hub, rasa):
        anna, jo, sue = [await hub.agent(name, status="away") for name in ("anna", "jo", "sue")]
        user = await hub.user(token=user_token("u-1", "acme"))
        status, body = await hub.post("/api/tickets", {
            "conversation_id": user.welcome["conversation_id"], "language": "de",
            "reason": "no_agents"})
        ticket_id = body["ticket_id"]
        for frame in ({"type": "ticket_reply", "client_id": "j1", "text": "?"},
                      {"type": "ticket_status", "status": "solved"}):
            assert (await refused(jo, ticket_id=ticket_id, **frame))["code"] == "not_found"
        await anna.send(type="ticket_assign", ticket_id=ticket_id, agent="anna")
        assert (await anna.expect("error"))["code"] == "forbidden"
        await anna.send(type="ticket_reply", ticket_id=ticket_id, client_id="a1", text="Hallo")
        news = [f for f in await sue.quiet(0.5) if f["type"] == "ticket"]
        assert news and news[-1]["ticket"]["thread"][0]["text"] == "Hallo"
        assert not [f for f in await jo.quiet(0.3) if f["type"] == "ticket"]
        # Assigned to jo, the German ticket is his to see and answer.
        await sue.send(type="ticket_assign", ticket_id=ticket_id, agent="jo")
        assigned = [f for f in await jo.quiet(0.5) if f["type"] == "ticket"]
        assert assigned and assigned[-1]["ticket"]["assignee"] == "jo"
        await jo.send(type="ticket_reply", ticket_id=ticket_id, client_id="j2", text="はい")
        answered = [f for f in await jo.quiet(0.5) if f["type"] == "ticket"]
        assert [m["text"] for m in answered[-1]["ticket"]["thread"]] == ["Hallo", "はい"]
        for client in (anna, jo, sue, user):
            await client.close()

"""The queue as users and agents see it move: places, waits, escalation of Premier+ chats."""
from support.tokens import METRICS_TOKEN, user_token
from tests.handoff.test_group_commit import counting_selects


async def test_places_and_waits_update_as_the_queue_moves(bolt, agents):
    agents("anna", ["de"], capacity=1)
    async with bolt() as (hub, rasa):
        anna = await hub.agent("anna")
        users = [await hub.user(token=user_token(f"u-{n}", "acme")) for n in range(3)]
        ids = [u.welcome["conversation_id"] for u in users]
        assert (await hub.hand_off(ids[0], priority="P3"))[0] == 201
        await anna.expect("offer")
        await anna.send(type="accept", conversation_id=ids[0])
        await anna.expect("assigned")
        await hub.hand_off(ids[1], priority="P3")
        await users[1].expect("queue", position=1)
        await hub.hand_off(ids[2], priority="P1")
        # The P1 chat, queued last, goes first; no chat was finished yet: no basis for a wait.
        assert (await users[2].expect("queue"))["position"] == 1
        assert (await users[1].expect("queue", position=2))["estimated_wait_seconds"] is None

        await anna.send(type="resolve", conversation_id=ids[0])
        offer = await anna.expect("offer")
        assert offer["conversation"]["conversation_id"] == ids[2]
        await anna.send(type="accept", conversation_id=ids[2])
        moved = await users[1].expect("queue", position=1)
        assert isinstance(moved["estimated_wait_seconds"], int) and moved["agents_online"]
        for client in users + [anna]:
            await client.close()


async def test_premier_plus_chats_past_their_deadline_escalate(bolt, agents):
    agents("anna", ["de"], capacity=1)
    agents("sam", ["en"], supervisor=True)
    async with bolt() as (hub, rasa):
        anna = await hub.agent("anna")
        sam = await hub.agent("sam")
        first = await hub.user(token=user_token("u-1", "acme"))
        entitled = await hub.user(token=user_token("u-2", "acme"))
        plain = await hub.user(token=user_token("u-3", "acme"))
        first_id, entitled_id, plain_id = (u.welcome["conversation_id"]
                                           for u in (first, entitled, plain))
        await hub.hand_off(first_id, priority="P1")  # offered to anna, who does not answer
        await hub.hand_off(plain_id, priority="P2", hours=0.0001)
        await hub.hand_off(entitled_id, priority="P4", hours=0.0002,
                           rights=["live_chat", "automatic_escalation"])
        escalation = await sam.expect("escalation", timeout=5)
        assert escalation["conversation"]["conversation_id"] == entitled_id
        assert escalation["conversation"]["escalated"] is True
        queue = await sam.expect("queue", timeout=3)
        while not queue["entries"] or queue["entries"][0]["conversation_id"] != entitled_id:
            queue = await sam.expect("queue", timeout=3)
        assert [e["conversation_id"] for e in queue["entries"]] == [entitled_id, first_id, plain_id]
        assert [f for f in anna.received if f["type"] == "escalation"] == []
        conversation = hub.core.repository.conversation(plain_id)
        assert conversation.breached and not conversation.escalated
        status, metrics = await hub.get("/metrics", token=METRICS_TOKEN)
        assert 'bolt_hub_sla_breaches_total{language="de",priority="P2"} 1' in metrics
        assert 'bolt_hub_sla_breaches_total{language="de",priority="P4"} 1' in metrics
        await entitled.expect("queue", position=1)
        for client in (anna, sam, first, entitled, plain):
            await client.close()


async def test_a_tick_with_nobody_waiting_reads_neither_agents_nor_their_loads(bolt, agents):
    agents("anna", ["de"], capacity=2)
    async with bolt() as (hub, rasa):
        anna = await hub.agent("anna")
        user = await hub.user(token=user_token("u-1", "acme"))
        conversation_id = user.welcome["conversation_id"]
        await hub.hand_off(conversation_id, priority="P3")
        await anna.expect("offer")
        await anna.send(type="accept", conversation_id=conversation_id)
        await anna.expect("assigned")
        core = hub.core
        selects = counting_selects(core.repository)
        core.repository.moment.clear()
        core.dispatcher.tick()
        core.dispatcher._broadcast()
        read = " ".join(selects)
        assert "FROM conversations" in read  # who waits is still read
        assert "FROM agents" not in read and "GROUP BY conversations.agent_id" not in read

        # Someone waits: the offer needs both, and is made.
        second = await hub.user(token=user_token("u-2", "acme"))
        await hub.hand_off(second.welcome["conversation_id"], priority="P3")
        offer = await anna.expect("offer")
        assert offer["conversation"]["conversation_id"] == second.welcome["conversation_id"]
        read = " ".join(selects)
        assert "FROM agents" in read and "GROUP BY conversations.agent_id" in read
        for client in (user, second, anna):
            await client.close()

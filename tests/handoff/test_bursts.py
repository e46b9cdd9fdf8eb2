"""Bursts over real sockets: hand-offs reach agents and users as a few coalesced queue frames
(the last the whole latest state); an agent's burst of messages is stored, numbered, answered
and delivered in the order sent."""
import asyncio

from support.tokens import user_token


async def test_a_burst_of_hand_offs_reaches_agents_as_few_frames_ending_in_the_latest_state(
        bolt, agents):
    agents("anna", ["de"], capacity=1)
    agents("sam", ["de"], supervisor=True)
    async with bolt() as (hub, rasa):
        anna = await hub.agent("anna")
        sam = await hub.agent("sam", status="offline")  # signed in, watching the queue
        await sam.expect("queue")  # the queue as it was at sign-in
        users = [await hub.user(token=user_token(f"u-{n}", "acme")) for n in range(12)]
        ids = [u.welcome["conversation_id"] for u in users]
        answers = await asyncio.gather(*(hub.hand_off(cid) for cid in ids))
        assert [status for status, _ in answers] == [201] * 12
        frames = [f for f in await sam.quiet(1.0) if f["type"] == "queue"]
        # Without coalescing every hand-off (and the offer to anna) would send its own frame.
        assert 1 <= len(frames) < 12
        latest = frames[-1]["entries"]
        assert sorted(e["conversation_id"] for e in latest) == sorted(ids)
        assert [e["position"] for e in latest] == list(range(1, 13))
        assert sum(e["offered"] for e in latest) == 1  # anna has room for one
        # Each waiting user's last queue frame is their place now.
        for user, conversation_id in zip(users, ids):
            mine = [f for f in await user.quiet(0.05) if f["type"] == "queue"]
            place = next(e["position"] for e in latest if e["conversation_id"] == conversation_id)
            assert mine and mine[-1]["position"] == place
        for client in users + [anna, sam]:
            await client.close()


async def test_an_agent_typing_in_two_chats_at_once_has_every_message_stored_in_the_order_sent(
        bolt, agents):
    """The socket goes on reading while messages are being stored: sent in a burst, they are
    acknowledged, numbered and delivered in the order sent, a resend stored once, and a message
    to a chat the agent does not hold refused alone."""
    agents("anna", ["de"], capacity=2)
    async with bolt(BOLT_HUB_RATE_PER_SECOND="100", BOLT_HUB_RATE_BURST="100") as (hub, rasa):
        anna = await hub.agent("anna")
        users = [await hub.user(token=user_token(f"u-{n}", "acme")) for n in range(2)]
        ids = [u.welcome["conversation_id"] for u in users]
        for conversation_id in ids:
            await hub.hand_off(conversation_id)
            await anna.send(type="claim", conversation_id=conversation_id)
            await anna.expect("assigned")
        for number in range(20):
            await anna.send(type="message", conversation_id=ids[number % 2],
                            client_id=f"a{number}", text=f"answer {number}")
        await anna.send(type="message", conversation_id=ids[0], client_id="a0", text="answer 0")
        await anna.send(type="message", conversation_id="c-not-hers", client_id="x", text="no")
        acks = [await anna.expect("ack", client_id=f"a{number}") for number in range(20)]
        resent = await anna.expect("ack", client_id="a0")
        refused = await anna.expect("error", code="not_yours")
        assert resent["duplicate"] is True and resent["seq"] == acks[0]["seq"]
        assert refused["ref"] == "x"
        for index, (user, conversation_id) in enumerate(zip(users, ids)):
            mine = [ack["seq"] for ack in acks if ack["conversation_id"] == conversation_id]
            assert mine == sorted(mine) and len(set(mine)) == 10
            texts = [(await user.event(speaker="agent"))["text"] for _ in range(10)]
            assert texts == [f"answer {n}" for n in range(index, 20, 2)]
            stored = [e.text for e in hub.core.repository.events_after(conversation_id, 0, True)
                      if e.speaker == "agent"]
            assert stored == texts
        for client in users + [anna]:
            await client.close()


async def test_a_user_who_joins_the_queue_sees_their_place_at_once_while_updates_wait(
        bolt, agents):
    agents("anna", ["de"], capacity=1)
    async with bolt() as (hub, rasa):
        anna = await hub.agent("anna")
        first, second = [await hub.user(token=user_token(f"u-{n}", "acme")) for n in range(2)]
        assert (await hub.hand_off(first.welcome["conversation_id"]))[0] == 201
        await first.expect("queue")
        # Coalesced updates now wait half a minute: the next hand-off must not.
        hub.core.dispatcher.throttle.interval = 30
        status, body = await hub.hand_off(second.welcome["conversation_id"])
        assert status == 201
        place = await second.expect("queue", timeout=2)
        assert place["position"] == 2 == body["position"]
        for client in (first, second, anna):
            await client.close()

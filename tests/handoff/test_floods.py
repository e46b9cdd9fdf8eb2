"""Floods from one client address: open sockets, new anonymous conversations and frames are
limited per address (the address from X-Forwarded-For only behind a trusted proxy), each with
an error frame; a login flood is slowed while other users are still answered; the hub's
per-conversation tables do not outlive their conversations."""
import asyncio

import pytest
import websockets

from support.client import Client
from support.tokens import PASSWORD, user_token


async def chat_from(hub, forwarded_for=None) -> Client:
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return await Client.connect(hub.ws_url + "/ws/chat", extra_headers=headers)


async def closed_with(client: Client) -> tuple:
    with pytest.raises(websockets.ConnectionClosed) as closed:
        while True:
            await asyncio.wait_for(client.ws.recv(), 5)
    return closed.value.code


async def test_one_address_may_open_only_so_many_sockets(bolt):
    async with bolt(BOLT_HUB_SOCKETS_PER_ADDRESS="3") as (hub, rasa):
        users = [await hub.user() for _ in range(3)]
        refused = await Client.connect(hub.ws_url + "/ws/agent")
        assert (await refused.expect("error"))["code"] == "too_many_connections"
        assert await closed_with(refused) == 1013
        await users.pop().close()
        await asyncio.sleep(0.2)
        users.append(await hub.user())  # a socket closed, so one more may open
        for user in users:
            await user.close()


async def test_one_address_opens_only_so_many_anonymous_conversations(bolt):
    async with bolt(BOLT_HUB_ANONYMOUS_CONVERSATIONS_PER_HOUR="2") as (hub, rasa):
        first = await hub.user()
        await hub.user()
        third = await Client.connect(hub.ws_url + "/ws/chat")
        await third.send(type="hello", locale="de-DE")
        assert (await third.expect("error"))["code"] == "too_many_conversations"
        # A signed-in user, and a visitor resuming their own conversation, are not new ones.
        await hub.user(token=user_token("u-1", "acme"))
        await hub.user(conversation_id=first.welcome["conversation_id"],
                       resume_key=first.welcome["resume_key"])


async def test_the_frames_of_all_sockets_of_one_address_are_limited_together(bolt):
    async with bolt(BOLT_HUB_ADDRESS_RATE_PER_SECOND="0.1",
                    BOLT_HUB_ADDRESS_RATE_BURST="6") as (hub, rasa):
        one, two = await hub.user(), await hub.user()  # each hello is one of the six
        for number in range(4):  # each socket alone is far within its own rate
            await (one if number % 2 else two).send(type="typing", typing=True)
        await one.send(type="typing", typing=False)
        assert (await one.expect("error"))["code"] == "rate_limited"


async def test_x_forwarded_for_counts_only_behind_a_trusted_proxy(bolt):
    async with bolt(BOLT_HUB_SOCKETS_PER_ADDRESS="1") as (hub, rasa):
        first = await chat_from(hub, "203.0.113.5")
        second = await chat_from(hub, "203.0.113.6")  # the header is anyone's to write
        assert (await second.expect("error"))["code"] == "too_many_connections"
        await first.ws.close()
    async with bolt(BOLT_HUB_SOCKETS_PER_ADDRESS="1",
                    BOLT_HUB_TRUSTED_PROXIES="10.9.0.0/16, 127.0.0.1") as (hub, rasa):
        first = await chat_from(hub, "203.0.113.5")
        # The proxy appends the address it saw; what the client wrote before it is not believed.
        other = await chat_from(hub, "203.0.113.5, 203.0.113.6")
        again = await chat_from(hub, "198.51.100.1, 203.0.113.5, 10.9.1.1")
        assert (await again.expect("error"))["code"] == "too_many_connections"
        for client in (first, other):
            await client.send(type="hello", locale="de-DE")
            await client.expect("welcome")
            await client.close()


async def test_a_login_flood_is_slowed_while_users_are_still_answered(bolt, agents):
    agents("anna", ["de"])
    async with bolt(BOLT_HUB_TRUSTED_PROXIES="127.0.0.1") as (hub, rasa):
        # A minute's wait from the first delay on: the check after the flood is not a race.
        hub.core.desk.sign_in.addresses.limits.base_delay = 60.0

        async def flood() -> list:
            answers = []
            for number in range(40):
                client = await Client.connect(hub.ws_url + "/ws/agent",
                                              extra_headers={"X-Forwarded-For": "192.0.2.66"})
                await client.send(type="login", name=f"guess-{number}", password="no")
                answers.append((await client.expect("error", timeout=30))["code"])
                await client.close()
            return answers

        async def talk() -> None:
            user = await hub.user()
            for number in range(10):
                await user.send(type="message", client_id=f"m{number}", text=f"hello {number}")
                await user.expect("ack", client_id=f"m{number}", timeout=30)
                await user.expect("event", kind="message", speaker="bot", timeout=30)
            await user.close()

        flooded, _ = await asyncio.gather(flood(), talk())
        assert "login_delayed" in flooded
        # Right after, the flooding address waits even with the right password; the agent at
        # her own address signs in.
        for address, answer in (("192.0.2.66", "error"), ("198.51.100.7", "welcome")):
            anna = await Client.connect(hub.ws_url + "/ws/agent",
                                        extra_headers={"X-Forwarded-For": address})
            await anna.send(type="login", name="anna", password=PASSWORD)
            frame = await anna.expect(answer, timeout=30)
            assert frame.get("code") in (None, "login_delayed")
            await anna.close()


async def test_the_hub_keeps_no_bot_turn_of_a_conversation_after_it_was_answered(bolt):
    async with bolt() as (hub, rasa):
        users = [await hub.user() for _ in range(5)]
        for number, user in enumerate(users):
            await user.send(type="message", client_id="m", text=f"hello {number}")
            await user.expect("ack", client_id="m")
        for user in users:
            await user.expect("event", kind="message", speaker="bot", timeout=10)
        await asyncio.sleep(0.1)
        assert hub.core.conversations.bot_turns == {}


async def test_the_queue_keeps_nothing_of_a_chat_another_hub_took(bolt, agents):
    agents("anna", ["de"])
    async with bolt() as (hub, rasa):
        anna = await hub.agent("anna")
        user = await hub.user(token=user_token("u-1", "acme"))
        conversation_id = user.welcome["conversation_id"]
        status, _ = await hub.hand_off(conversation_id)
        assert status == 201
        await anna.expect("offer")
        await anna.send(type="decline", conversation_id=conversation_id)
        await anna.expect("offer_withdrawn")
        dispatcher = hub.core.dispatcher
        assert conversation_id in dispatcher.declined
        # As another hub's claim leaves it: in the shared database only.
        hub.core.repository.update(conversation_id, owner="agent", agent_id=None)
        dispatcher.run()
        assert conversation_id not in {*dispatcher.offers, *dispatcher.declined,
                                       *dispatcher.sent_positions}
        await anna.close()
        await user.close()

"""Reconnect and resume: everything after the last seen number, nothing twice."""
import asyncio

from support.client import Client
from support.tokens import user_token


def event_seqs(client):
    return [f["seq"] for f in client.received if f["type"] == "event"]


async def test_a_user_who_drops_gets_what_they_missed_and_nothing_twice(bolt):
    async with bolt() as (hub, rasa):
        rasa.delay = 0.3
        user = await hub.user(locale="it-IT")
        welcome = user.welcome
        assert welcome["identity"]["anonymous"] and welcome["resume_key"]
        await user.send(type="message", client_id="m1", text="ciao")
        await user.expect("ack", client_id="m1")
        await user.close()  # before the bot has answered

        await asyncio.sleep(0.5)
        again = await hub.user(locale="it-IT", conversation_id=welcome["conversation_id"],
                               resume_key=welcome["resume_key"], last_seq=1)
        assert again.welcome["last_seq"] == 2 and "resume_key" not in again.welcome
        missed = await again.event(speaker="bot")
        assert missed["seq"] == 2 and missed["text"] == "bot: ciao"
        assert event_seqs(again) == [2]

        # A resend of m1 after the drop is acknowledged with its number, not stored again.
        await again.send(type="message", client_id="m1", text="ciao")
        ack = await again.expect("ack", client_id="m1")
        assert ack == {"type": "ack", "client_id": "m1", "seq": 1, "duplicate": True}
        assert await again.quiet(0.3) == []
        assert len(rasa.messages) == 1

        await again.send(type="resume", last_seq=0)
        await again.event(seq=1)
        await again.event(seq=2)
        await again.close()


async def test_an_identified_user_resumes_with_a_fresh_token_and_no_key(bolt):
    async with bolt() as (hub, rasa):
        user = await hub.user(token=user_token("u-1", "acme"))
        conversation_id = user.welcome["conversation_id"]
        await user.send(type="message", client_id="m1", text="Hallo")
        await user.event(speaker="bot")
        await user.close()
        again = await hub.user(token=user_token("u-1", "acme"), conversation_id=conversation_id,
                               last_seq=0)
        assert [e["text"] for e in [await again.event(seq=1), await again.event(seq=2)]] == [
            "Hallo", "bot: Hallo"]
        await again.close()


async def test_nobody_opens_a_conversation_that_is_not_theirs(bolt):
    async with bolt() as (hub, rasa):
        owner = await hub.user(token=user_token("u-1", "acme"))
        theirs = owner.welcome["conversation_id"]
        key = owner.welcome["resume_key"]
        anonymous = await hub.user()
        anonymous_id = anonymous.welcome["conversation_id"]

        attempts = [
            {"token": user_token("u-2", "acme"), "conversation_id": theirs},
            {"token": user_token("u-1", "other-account"), "conversation_id": theirs},
            {"conversation_id": theirs, "resume_key": key},  # the key alone is not the user
            {"conversation_id": anonymous_id, "resume_key": "guessed"},
            {"conversation_id": anonymous_id},
            {"conversation_id": "c-does-not-exist", "resume_key": key},
        ]
        for hello in attempts:
            client = await Client.connect(hub.ws_url + "/ws/chat")
            await client.send(type="hello", **hello)
            error = await client.expect("error")
            assert error["code"] == "forbidden", hello
            await client.send(type="message", client_id="x", text="let me in")
            assert (await client.expect("error"))["code"] == "hello_first"
            await client.close()
        assert hub.core.repository.conversation(theirs).last_seq == 0
        await owner.close()
        await anonymous.close()

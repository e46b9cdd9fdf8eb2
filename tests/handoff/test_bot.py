"""Rasa unreachable or slow: the user is told in their language, keeps a way to a person."""
import asyncio

from support.tokens import user_token


async def test_rasa_down_the_message_is_kept_and_the_user_can_reach_a_person(bolt, agents):
    agents("anna", ["ja"])
    async with bolt() as (hub, rasa):
        rasa.down = True
        user = await hub.user(token=user_token(), locale="ja-JP")
        await user.send(type="message", client_id="m1", text="助けてください")
        assert (await user.expect("ack", client_id="m1"))["seq"] == 1
        told = await user.event("bot_unavailable")
        assert told["text"].startswith("申し訳ありません") and told["options"] == ["agent", "ticket"]

        await user.send(type="request_agent")
        offered = await user.event("no_agents")  # nobody speaks Japanese yet
        assert offered["options"] == ["ticket"]
        anna = await hub.agent("anna")
        await user.send(type="request_agent")
        await user.event("queued")
        offer = await anna.expect("offer")
        assert offer["conversation"]["reason"] == "bot_unavailable"
        assert offer["conversation"]["account"]["checked"] is False
        assert "助けてください" in offer["conversation"]["summary"]
        await user.close()
        await anna.close()


async def test_a_slow_bot_times_out_and_an_anonymous_visitor_is_told_to_retry(bolt):
    async with bolt(BOLT_HUB_RASA_TIMEOUT="0.3") as (hub, rasa):
        rasa.delay = 1.0
        user = await hub.user(locale="ru-RU")
        await user.send(type="message", client_id="m1", text="Здравствуйте")
        told = await user.event("bot_unavailable")
        assert told["text"].startswith("Извините") and told["options"] == []
        await user.send(type="request_agent")
        assert (await user.expect("error"))["code"] == "sign_in_required"
        await user.send(type="ticket")
        assert (await user.expect("error"))["code"] == "sign_in_required"
        rasa.delay = 0
        await user.send(type="message", client_id="m2", text="Вы здесь?")
        # The kept message is answered first, once Rasa answers in time again.
        assert (await user.event(speaker="bot"))["text"] == "bot: Здравствуйте"
        assert (await user.event(speaker="bot"))["text"] == "bot: Вы здесь?"
        assert [e.text for e in hub.core.repository.events_after(
            user.welcome["conversation_id"], 0, internal=False) if e.speaker == "user"] == [
            "Здравствуйте", "Вы здесь?"]
        await user.close()


async def test_a_message_sent_while_rasa_is_down_is_answered_once_it_is_back(bolt):
    async with bolt() as (hub, rasa):
        rasa.down = True
        user = await hub.user(token=user_token(), locale="de-DE")
        await user.send(type="message", client_id="m1", text="Hallo?")
        told = await user.event("bot_unavailable")
        assert told["options"] == ["agent", "ticket"]
        await asyncio.sleep(1.5)  # asked again at least once, still down
        assert len([m for m in rasa.messages if m["message"] == "Hallo?"]) >= 2
        rasa.down = False
        answer = await user.event(speaker="bot")
        assert answer["text"] == "bot: Hallo?" and answer["seq"] == told["seq"] + 1
        conversation_id = user.welcome["conversation_id"]
        assert not hub.core.repository.conversation(conversation_id).bot_failed
        # Told once, answered once: the stored conversation holds each thing once.
        kinds = [(e.speaker, e.kind) for e in hub.core.repository.events_after(
            conversation_id, 0, internal=False)]
        assert kinds == [("user", "message"), ("system", "bot_unavailable"), ("bot", "message")]
        await user.send(type="message", client_id="m2", text="Danke")
        assert (await user.event(speaker="bot"))["text"] == "bot: Danke"
        assert len(hub.core.conversations.bot_turns) == 0  # nothing kept for a quiet chat
        await user.close()


async def test_while_rasa_is_down_ten_messages_wait_in_order_and_more_are_not_kept(bolt):
    async with bolt() as (hub, rasa):
        rasa.down = True
        user = await hub.user(token=user_token(), locale="de-DE")
        for n in range(1, 13):
            await user.send(type="message", client_id=f"m{n}", text=f"Frage {n}")
            await user.expect("ack", client_id=f"m{n}")
        # Told once for the first; the 11th and 12th are not kept, and each is told so.
        told = [await user.event("bot_unavailable") for _ in range(3)]
        assert [t["seq"] for t in told] == sorted(t["seq"] for t in told)
        rasa.down = False
        answers = [(await user.event(speaker="bot"))["text"] for _ in range(10)]
        assert answers == [f"bot: Frage {n}" for n in range(1, 11)]
        assert [e for e in await user.quiet(1.5) if e.get("speaker") == "bot"] == []
        assert len(hub.core.conversations.bot_turns) == 0
        await user.close()


async def test_a_kept_message_is_not_sent_to_rasa_once_a_person_has_the_chat(bolt, agents):
    agents("anna", ["de"])
    async with bolt() as (hub, rasa):
        anna = await hub.agent("anna", status="online")
        rasa.down = True
        user = await hub.user(token=user_token(), locale="de-DE")
        await user.send(type="message", client_id="m1", text="Hilfe")
        await user.event("bot_unavailable")
        await user.send(type="request_agent")
        await user.event("queued")
        asked = len(rasa.messages)
        rasa.down = False
        turns = hub.core.conversations.bot_turns
        for _ in range(100):  # the kept turn ends at its next ask, at most 5 s on
            if not len(turns):
                break
            await asyncio.sleep(0.1)
        assert len(turns) == 0 and len(rasa.messages) == asked
        await user.close()
        await anna.close()


async def test_the_user_can_take_a_ticket_instead_of_waiting(bolt, agents):
    agents("anna", ["it"])
    async with bolt() as (hub, rasa):
        anna = await hub.agent("anna", status="online")
        user = await hub.user(token=user_token(), locale="it-IT")
        await user.send(type="ticket")  # Bolt answers: its account check decides on tickets
        assert (await user.expect("error"))["code"] == "not_allowed"
        await hub.hand_off(user.welcome["conversation_id"], language="it")
        await user.expect("queue")
        await user.send(type="ticket")
        opened = await user.event("ticket_opened")
        assert opened["text"].startswith("Il tuo ticket web T-")
        assert hub.core.repository.conversation(user.welcome["conversation_id"]).owner == "bot"
        await anna.expect("offer_withdrawn", reason="taken")
        await user.close()
        await anna.close()


async def test_leaving_the_queue_resumes_rasa_and_a_failed_resume_is_retried(bolt, agents):
    agents("anna", ["de"])
    async with bolt() as (hub, rasa):
        anna = await hub.agent("anna")
        user = await hub.user(token=user_token())
        conversation_id = user.welcome["conversation_id"]
        await hub.hand_off(conversation_id)
        await user.expect("queue")
        rasa.down = True
        await user.send(type="leave_queue")
        assert "Bolt" in (await user.event("left_queue"))["text"]
        await asyncio.sleep(0.2)
        assert hub.core.repository.conversation(conversation_id).rasa_resume_pending is True
        rasa.down = False
        await user.send(type="message", client_id="m1", text="Hallo wieder")
        assert (await user.event(speaker="bot"))["text"] == "bot: Hallo wieder"
        assert rasa.tracker_events == [(conversation_id, [
            {"event": "resume"}, {"event": "action", "name": "action_listen"}])]
        assert hub.core.repository.conversation(conversation_id).rasa_resume_pending is False
        await user.close()
        await anna.close()


async def test_a_handoff_during_the_bot_turn_keeps_the_bot_reply(bolt, agents):
    """What Bolt's handoff action does: it calls the hub while Rasa is answering."""
    agents("anna", ["de"])
    async with bolt() as (hub, rasa):
        anna = await hub.agent("anna")
        user = await hub.user(token=user_token())

        async def hand_off(body):
            assert (await hub.hand_off(body["sender"]))[0] == 201
        rasa.before_reply = hand_off
        rasa.reply = lambda body: [{"text": "Ich verbinde Sie (P2, Antwort in 4 Stunden)."}]
        rasa.delay = 0.3
        await user.send(type="message", client_id="m1", text="Ich will einen Menschen")
        # Sent while Bolt still answers m1: it waits for that turn, then the queue holds the chat.
        await user.send(type="message", client_id="m2", text="Hallo?")
        await user.expect("ack", client_id="m2")
        await user.event("queued")
        assert (await user.event(speaker="bot"))["text"].startswith("Ich verbinde Sie")
        await user.send(type="message", client_id="m3", text="Hallo??")
        await user.expect("ack", client_id="m3")
        await asyncio.sleep(0.3)
        assert [m["message"] for m in rasa.messages] == ["Ich will einen Menschen"]
        await user.close()
        await anna.close()

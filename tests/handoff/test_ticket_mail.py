"""Tickets mailed through a real SMTP server on 127.0.0.1 (aiosmtpd, STARTTLS on a certificate
of its own CA, a login): the confirmation with its number and the transcript in the user's
language, without what only agents saw; an agent's reply; SMTP down and back, each mail sent
once; without an address, no mail and a ticket that says so."""
from __future__ import annotations

import asyncio
import time

import pytest
from sqlalchemy import select

from handoff.services.mail import transcript_text
from handoff.services.texts import MAIL_FILE, Texts
from handoff.store.schema import OutgoingMail
from support import REPOSITORY
from support.ports import free_port
from support.smtp_server import SmtpServer
from support.tokens import user_token

ADDRESS = "erika@acme.example"


@pytest.fixture
def smtp(tmp_path):
    server = SmtpServer(tmp_path, free_port())
    server.start()
    yield server
    server.stop()


async def wait_for_mails(server: SmtpServer, count: int):
    return await asyncio.to_thread(server.inbox.wait_for, count)


async def test_the_confirmation_in_japanese_with_its_transcript_without_notes(bolt, agents, smtp):
    agents("kenji", ["ja"])
    async with bolt(**smtp.hub_environment()) as (hub, rasa):
        user = await hub.user(token=user_token(name="山田 花子", email=ADDRESS), locale="ja-JP")
        conversation_id = user.welcome["conversation_id"]
        await user.send(type="message", client_id="m1", text="会議で音声が出ません")
        await user.event(speaker="bot")
        kenji = await hub.agent("kenji")
        assert (await hub.hand_off(conversation_id, language="ja"))[0] == 201
        await kenji.expect("offer")
        await kenji.send(type="accept", conversation_id=conversation_id)
        await kenji.expect("assigned")
        await kenji.send(type="note", conversation_id=conversation_id, client_id="n1",
                         text="社内メモ: Tier 2 に確認中")
        await kenji.send(type="message", conversation_id=conversation_id, client_id="a1",
                         text="確認いたします。")
        await user.event(speaker="agent")
        await kenji.send(type="transfer", conversation_id=conversation_id, to="queue")
        await user.event("transferred")
        await user.send(type="ticket")
        opened = await user.event("ticket_opened")
        ticket_id = opened["ticket_id"]
        assert opened["email"] is True and "メール" in opened["text"]

        [mail] = await wait_for_mails(smtp, 1)
        assert smtp.inbox.recipients == [[ADDRESS]]
        assert mail["To"] == ADDRESS and mail["From"] == "Bolt <support@help.example.com>"
        assert mail["Subject"] == f"Webチケット{ticket_id}を受け付けました"
        assert mail["Content-Language"] == "ja"
        body = mail.get_content()
        assert body.startswith("山田 花子様")
        assert "お客様: 会議で音声が出ません" in body
        assert "Kenji(サポート): 確認いたします。" in body
        assert "社内メモ" not in body and "Tier 2" not in body

        # An agent's answer reaches the user's mailbox, in the same thread.
        await kenji.send(type="ticket_reply", ticket_id=ticket_id, client_id="r1",
                         text="アプリを最新版に更新してください。")
        await kenji.expect("ticket", timeout=5)
        first, reply = await wait_for_mails(smtp, 2)
        assert reply["Subject"] == f"Webチケット{ticket_id}に回答がありました"
        assert "アプリを最新版に更新してください。" in reply.get_content()
        assert "Kenji" in reply.get_content()
        assert reply["In-Reply-To"] == first["References"] == reply["References"]
        await asyncio.sleep(0.5)
        assert len(smtp.inbox.mails) == 2  # sent once each
        for client in (user, kenji):
            await client.close()


async def test_smtp_down_and_back_each_mail_sent_once(bolt, agents, smtp):
    agents("anna", ["de"])
    smtp.stop()
    async with bolt(**smtp.hub_environment()) as (hub, rasa):
        user = await hub.user(token=user_token())
        await user.send(type="message", client_id="m1", text="Kein Ton")
        await user.event(speaker="bot")
        # No e-mail claim: the account directory's address comes with the action server's call.
        status, ticket = await hub.post("/api/tickets", {
            "conversation_id": user.welcome["conversation_id"], "language": "de",
            "reason": "no_agents", "email": "erika.muster@acme.example"})
        assert status == 201
        engine = hub.core.repository.engine

        def outbox():
            with engine.connect() as connection:
                return connection.execute(select(OutgoingMail.__table__)).mappings().all()

        deadline = time.monotonic() + 10
        while (await asyncio.to_thread(outbox))[0]["attempts"] < 2:
            assert time.monotonic() < deadline, "the hub did not try again"
            await asyncio.sleep(0.1)
        [waiting] = await asyncio.to_thread(outbox)
        assert waiting["sent_at"] is None and waiting["last_error"]
        smtp.start()
        [mail] = await wait_for_mails(smtp, 1)
        assert smtp.inbox.recipients == [["erika.muster@acme.example"]]
        assert ticket["ticket_id"] in mail["Subject"]
        await asyncio.sleep(1.0)
        assert len(smtp.inbox.mails) == 1
        [done] = await asyncio.to_thread(outbox)
        assert done["sent_at"] is not None and done["claimed_until"] is None
        counted = await hub.metrics('bolt_hub_mails_total{kind="confirmation",outcome="sent"} 1.0')
        failed = [line for line in counted.splitlines()
                  if line.startswith('bolt_hub_mails_total{kind="confirmation",outcome="failed"}')]
        assert float(failed[0].rsplit(" ", 1)[1]) >= 2
        await user.close()


async def test_without_an_address_the_ticket_says_sidebar_only_and_nothing_is_mailed(
        bolt, smtp):
    async with bolt(**smtp.hub_environment()) as (hub, rasa):
        user = await hub.user(token=user_token(), locale="it-IT")
        await user.send(type="message", client_id="m1", text="Non sento l'audio")
        await user.event(speaker="bot")
        status, _ = await hub.post("/api/tickets", {
            "conversation_id": user.welcome["conversation_id"], "language": "it",
            "reason": "no_agents"})
        assert status == 201
        opened = await user.event("ticket_opened")
        assert opened["email"] is False and "barra laterale" in opened["text"]
        await asyncio.sleep(0.5)
        assert smtp.inbox.mails == []
        await user.close()


async def test_with_mail_off_a_token_address_is_not_promised_mail(bolt):
    async with bolt() as (hub, rasa):
        user = await hub.user(token=user_token(email=ADDRESS))
        await user.send(type="message", client_id="m1", text="Kein Ton")
        await user.event(speaker="bot")
        await hub.post("/api/tickets", {"conversation_id": user.welcome["conversation_id"],
                                        "language": "de", "reason": "no_agents"})
        opened = await user.event("ticket_opened")
        assert opened["email"] is False and "nur hier in der Seitenleiste" in opened["text"]
        await user.close()


@pytest.mark.parametrize("language", ["en", "ja", "ru", "id", "it", "de"])
def test_a_transcript_leaves_out_what_only_agents_saw(language):
    texts = Texts.load(REPOSITORY / "data", MAIL_FILE)
    events = [
        {"kind": "message", "speaker": "user", "text": "first words"},
        {"kind": "note", "speaker": "agent", "name": "Anna", "text": "a note", "internal": True},
        {"kind": "whisper", "speaker": "agent", "text": "a whisper", "internal": True},
        {"kind": "message", "speaker": "agent", "name": "Anna", "text": "an answer"},
        {"kind": "message", "speaker": "agent", "name": "Anna", "text": "hidden",
         "internal": True},
        {"kind": "message", "speaker": "bot", "text": "Bolt's answer"},
    ]
    shown = transcript_text(texts, language, events)
    assert "first words" in shown and "an answer" in shown and "Bolt's answer" in shown
    assert "note" not in shown and "whisper" not in shown and "hidden" not in shown
    assert texts.render("mail_speaker_user", language) + ": first words" in shown


async def test_a_user_back_with_an_address_gets_the_ticket_mailed_there(bolt, smtp):
    async with bolt(**smtp.hub_environment()) as (hub, rasa):
        user = await hub.user(token=user_token())
        conversation_id = user.welcome["conversation_id"]
        await user.send(type="message", client_id="m1", text="Kein Ton")
        await user.event(speaker="bot")
        await user.close()
        # Resumed with a token that now carries the address.
        back = await hub.user(token=user_token(email=ADDRESS), conversation_id=conversation_id)
        await hub.post("/api/tickets", {"conversation_id": conversation_id, "language": "de",
                                        "reason": "no_agents"})
        assert (await back.event("ticket_opened"))["email"] is True
        await wait_for_mails(smtp, 1)
        assert smtp.inbox.recipients == [[ADDRESS]]
        await back.close()

"""A hub SIGKILLed after it acknowledged a user's message and while Rasa was still answering:
the hub started again on the same SQLite file asks the message once the dead hub's lease has
lapsed, when the visitor is back, and the answer is stored once."""
from __future__ import annotations

import asyncio
import sqlite3
from datetime import datetime, timezone
from typing import List

from support.tokens import user_token
from tests.reliability.checks import assert_acknowledged_kept


def lease(database) -> tuple:
    with sqlite3.connect(database) as db:
        return db.execute("SELECT bot_turn_by, bot_turn_until, bot_turn_seq FROM conversations"
                          ).fetchone()


async def test_a_message_acknowledged_before_the_hub_was_killed_is_answered_once(hub_process):
    async with hub_process() as (hub, rasa):
        asked_at: List[datetime] = []
        default_reply = rasa.reply

        def reply(body):
            asked_at.append(datetime.now(timezone.utc).replace(tzinfo=None))
            return default_reply(body)
        rasa.reply = reply
        rasa.delay = 1.5  # within the hub's Rasa timeout (2 s): the hub is still waiting
        user = await hub.user(token=user_token("u-kill", "acme"), locale="de-DE")
        conversation_id = user.welcome["conversation_id"]
        await user.send(type="message", client_id="m1", text="Ist da jemand?")
        ack = await user.expect("ack", client_id="m1")
        for _ in range(100):
            if rasa.messages:
                break
            await asyncio.sleep(0.02)
        holder, until, _ = lease(hub.database)
        assert holder is not None
        hub.kill()
        await user.close()
        await asyncio.sleep(rasa.delay)  # the dead hub's ask is answered, to nobody

        await hub.start()
        back = await hub.user(token=user_token("u-kill", "acme"), conversation_id=conversation_id,
                              last_seq=ack["seq"])
        answer = await back.event(speaker="bot", timeout=30)
        assert answer["text"] == "bot: Ist da jemand?" and answer["seq"] == ack["seq"] + 1
        assert [e for e in await back.quiet(2.0) if e.get("speaker") == "bot"] == []
        # Asked by the dead hub, then once more by the new one, after the lease had lapsed.
        assert [m["message"] for m in rasa.messages] == ["Ist da jemand?"] * 2
        assert asked_at[1] >= datetime.fromisoformat(str(until))
        stored = hub.stored(conversation_id)
        assert_acknowledged_kept(stored, {"m1": ack["seq"]})
        assert [(speaker, kind) for _, speaker, kind, _ in stored] == [
            ("user", "message"), ("bot", "message")]
        assert lease(hub.database)[0] is None and lease(hub.database)[2] == ack["seq"]
        await back.close()

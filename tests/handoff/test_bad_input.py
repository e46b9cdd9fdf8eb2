"""Bad input: an error frame with a code, the socket still usable, nothing stored half-way."""
import asyncio
import json
import time

import pytest
import websockets

from bolt.core.identity import issue_token
from support.client import Client
from support.tokens import TOKEN_SECRET, user_token


async def test_each_bad_frame_gets_its_code_and_the_socket_stays_usable(bolt):
    async with bolt(BOLT_HUB_MAX_FRAME_BYTES="2048", BOLT_HUB_MAX_TEXT_CHARS="100") as (hub, rasa):
        user = await hub.user()
        conversation_id = user.welcome["conversation_id"]
        bad = [
            ("x" * 3000, "frame_too_large"),
            ("{oops", "malformed_json"),
            ("42", "malformed_frame"),
            (json.dumps({"type": "dance"}), "unknown_type"),
            (json.dumps({"type": "message", "text": "no id"}), "missing_field"),
            (json.dumps({"type": "message", "client_id": "c", "text": "y" * 101}), "text_too_long"),
            (json.dumps({"type": "leave_queue"}), "not_in_queue"),
            (json.dumps({"type": "hello"}), "already_open"),
            (json.dumps({"type": "request_agent"}), "sign_in_required"),
        ]
        for raw, code in bad:
            await user.send_raw(raw)
            assert (await user.expect("error"))["code"] == code, raw
        assert hub.core.repository.conversation(conversation_id).last_seq == 0
        assert rasa.messages == []
        await user.send(type="message", client_id="ok", text="still here")
        assert (await user.expect("ack", client_id="ok"))["seq"] == 1
        await user.close()


async def test_a_frame_far_over_the_limit_closes_the_socket(bolt):
    async with bolt(BOLT_HUB_MAX_FRAME_BYTES="1024") as (hub, rasa):
        user = await hub.user()
        await user.send_raw("z" * 10000)
        with pytest.raises(websockets.ConnectionClosed) as closed:
            for _ in range(3):
                await asyncio.wait_for(user.ws.recv(), 3)
        assert closed.value.code == 1009


async def test_floods_are_limited_per_connection_and_per_token(bolt):
    async with bolt(BOLT_HUB_RATE_PER_SECOND="1", BOLT_HUB_RATE_BURST="5") as (hub, rasa):
        user = await hub.user()
        for _ in range(8):
            await user.send(type="ping")
        frames = await user.quiet(0.3)
        # The hello took one token: four pongs, then refusals.
        assert [f["type"] for f in frames].count("pong") == 4
        assert [f.get("code") for f in frames if f["type"] == "error"] == ["rate_limited"] * 4

        token = user_token("u-9", "acme")
        first = await hub.user(token=token)
        second = await hub.user(token=token)
        for client in (first, second):
            for _ in range(3):
                await client.send(type="ping")
        got = await first.quiet(0.2) + await second.quiet(0.2)
        # Each socket could send six more, but the user's bucket holds five for both together.
        assert [f["type"] for f in got].count("pong") == 5
        assert [f.get("code") for f in got if f["type"] == "error"] == ["rate_limited"]
        for client in (user, first, second):
            await client.close()


async def test_a_forged_or_expired_token_is_only_an_anonymous_visitor(bolt):
    async with bolt() as (hub, rasa):
        forged = issue_token("f" * 40, "u-42", "acme")
        expired = user_token(ttl=-3600)
        for token in (forged, expired, "not-a-jwt"):
            user = await hub.user(token=token)
            identity = user.welcome["identity"]
            assert identity["anonymous"] is True and identity["token_error"]
            await user.send(type="message", client_id="m", text="who am I")
            await user.event(speaker="bot")
            assert not {"auth_token", "claims"} & set(rasa.messages[-1]["metadata"])
            await user.close()


async def test_sockets_from_foreign_origins_are_refused(bolt):
    async with bolt() as (hub, rasa):
        with pytest.raises(websockets.InvalidStatusCode) as refused:
            await websockets.connect(hub.ws_url + "/ws/chat", origin="https://evil.example")
        assert refused.value.status_code == 403
        with pytest.raises(websockets.InvalidStatusCode):
            await websockets.connect(hub.ws_url + "/ws/agent", origin="https://evil.example")
        allowed = await Client.connect(hub.ws_url + "/ws/chat", origin="https://help.example.com")
        await allowed.send(type="ping")
        await allowed.expect("pong")
        await allowed.close()


async def test_a_token_that_expires_while_the_socket_is_open_stops_counting(bolt):
    async with bolt() as (hub, rasa):
        rasa.down = True
        user = await hub.user(token=user_token("u-7", "acme", ttl=60))
        assert user.welcome["identity"]["anonymous"] is False
        conversations = hub.core.conversations
        conversations.wall_clock = lambda: time.time() + 120  # the socket outlived its token
        await user.send(type="message", client_id="m", text="still me?")
        await user.event("bot_unavailable")
        assert not {"auth_token", "claims"} & set(rasa.messages[-1]["metadata"])
        await user.send(type="request_agent")
        assert (await user.expect("error"))["code"] == "sign_in_required"
        await user.close()


@pytest.mark.parametrize("escaped", ["half \\ud800", "nul \\u0000"])
async def test_text_no_store_can_keep_is_refused_and_the_messages_beside_it_are_stored(bolt, escaped):
    """JSON can escape half of a surrogate pair, which no database or socket can carry, and a
    NUL, which PostgreSQL cannot. Refused as the frame is read, on every store alike, it must
    not cost anyone else's message stored at that moment."""
    async with bolt() as (hub, rasa):
        sender, neighbour = await hub.user(), await hub.user()
        await sender.send_raw(f'{{"type": "message", "client_id": "s1", "text": "{escaped}"}}')
        await neighbour.send(type="message", client_id="n1", text="fine")
        refused = await sender.expect("error")
        assert (refused["code"], refused["field"], refused["ref"]) == ("invalid_field", "text", "s1")
        assert (await neighbour.expect("ack", client_id="n1"))["seq"] == 1
        await sender.send(type="message", client_id="s2", text="a whole 😀")
        assert (await sender.expect("ack", client_id="s2"))["seq"] == 1
        stored = hub.core.repository.events_after(sender.welcome["conversation_id"], 0, internal=True)
        assert [event.text for event in stored if event.speaker == "user"] == ["a whole 😀"]
        await sender.close()
        await neighbour.close()


def refuse_in_the_database(engine, table: str, condition: str) -> None:
    """A trigger that makes the hub's own database refuse a write: a failure not of the
    client's making, on SQLite or PostgreSQL."""
    if engine.dialect.name == "sqlite":
        statements = [
            f"CREATE TRIGGER refuse BEFORE {'INSERT' if table == 'events' else 'UPDATE'} ON "
            f"{table} WHEN {condition} BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"]
    else:
        statements = [
            "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF {condition} THEN RAISE EXCEPTION 'refused by the test' "
            "USING ERRCODE = 'check_violation'; END IF; RETURN NEW; END $$",
            f"CREATE TRIGGER refuse BEFORE {'INSERT' if table == 'events' else 'UPDATE'} ON "
            f"{table} FOR EACH ROW EXECUTE FUNCTION refuse()"]
    with engine.begin() as connection:
        for statement in statements:
            connection.exec_driver_sql(statement)


async def test_a_message_the_database_refuses_is_answered_and_the_others_are_stored(bolt):
    """A store failing for a reason of the hub's own (here a trigger refusing one text) tells
    the sender; the messages sent beside it are stored (within one group: test_group_commit)."""
    async with bolt() as (hub, rasa):
        refuse_in_the_database(hub.core.repository.engine, "events", "NEW.text = 'poison'")
        users = [await hub.user() for _ in range(4)]
        for n, user in enumerate(users):
            await user.send(type="message", client_id=f"m{n}", text="poison" if n == 1 else "ok")
        refused = await users[1].expect("error")
        assert (refused["code"], refused["ref"]) == ("internal_error", "m1")
        for n in (0, 2, 3):
            assert (await users[n].expect("ack", client_id=f"m{n}"))["seq"] == 1
        await users[1].send(type="message", client_id="again", text="not poison")
        assert (await users[1].expect("ack", client_id="again"))["seq"] == 1
        for user in users:
            await user.close()


async def test_a_frame_that_fails_in_the_hub_is_answered_and_the_socket_goes_on(bolt, agents):
    agents("anna", ["de"])
    async with bolt() as (hub, rasa):
        anna = await hub.agent("anna")
        refuse_in_the_database(hub.core.repository.engine, "agents", "NEW.status = 'away'")
        await anna.send(type="status", status="away")
        assert (await anna.expect("error"))["code"] == "internal_error"
        await anna.send(type="ping")
        await anna.expect("pong")
        await anna.send(type="status", status="offline")
        await anna.expect("status", status="offline")
        await anna.close()


async def test_the_hub_takes_help_center_tokens_by_key_id_audience_issuer_and_lifetime(bolt):
    previous = "p" * 40
    rules = dict(BOLT_TOKEN_KID="k2", BOLT_TOKEN_SECRET_PREVIOUS=previous,
                 BOLT_TOKEN_KID_PREVIOUS="k1", BOLT_TOKEN_AUDIENCE="bolt",
                 BOLT_TOKEN_ISSUER="help.example.com", BOLT_TOKEN_MAX_LIFETIME_SECONDS="7200")
    claims = dict(issuer="help.example.com", audience="bolt")
    async with bolt(**rules) as (hub, rasa):
        accepted = [issue_token(TOKEN_SECRET, "u-42", "acme", kid="k2", **claims),
                    issue_token(previous, "u-42", "acme", kid="k1", **claims)]  # during the change
        refused = [
            issue_token(TOKEN_SECRET, "u-42", "acme", kid="k3", **claims),        # unknown key id
            issue_token(previous, "u-42", "acme", kid="k2", **claims),            # the other's kid
            issue_token(TOKEN_SECRET, "u-42", "acme", kid="k2", issuer="help.example.com"),
            issue_token(TOKEN_SECRET, "u-42", "acme", kid="k2", audience="bolt"),
            issue_token(TOKEN_SECRET, "u-42", "acme", kid="k2", ttl_seconds=7201, **claims),
        ]
        for token in accepted:
            user = await hub.user(token=token)
            assert user.welcome["identity"]["anonymous"] is False
            await user.close()
        for token in refused:
            user = await hub.user(token=token)
            identity = user.welcome["identity"]
            assert identity["anonymous"] is True and identity["token_error"]
            await user.close()

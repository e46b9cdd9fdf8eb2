"""Security against a real hub process: forged, expired and replayed tokens, someone else's
conversation, an agent without credentials, demo sign-ins (off unless asked for), a foreign
Origin, a flood. Each gets the refusal of docs/protocol.md and nothing of anyone else's
conversation comes back."""
from __future__ import annotations

import asyncio
import base64
import json

import aiohttp
import pytest
import websockets

from bolt.core.identity import LEEWAY_SECONDS, issue_token
from handoff.config import HubSettings
from handoff.services.passwords import STRONG
from support.client import Client
from support.hub import TEST_RELAXATIONS
from support.hub_process import HubProcess
from support.tokens import TOKEN_SECRET, user_token

SECRET_TEXT = "my IBAN is DE89 3704 0044 0532 0130 00"


@pytest.fixture
def hub_process(hub_process):
    """The suite's hub process with the hub's own defaults wherever the tests' environment is
    weaker (password cost, /metrics, per-address limits); demo mode off, as by default."""
    def running(**overrides: str):
        return hub_process(**{**TEST_RELAXATIONS, **overrides})
    return running


def unsigned(token: str, **claims: object) -> str:
    """The same token with claims changed and `alg: none`: what a forger would try."""
    _header, payload, _signature = token.split(".")
    body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    body.update(claims)

    def encode(part: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()
    return f"{encode({'alg': 'none', 'typ': 'JWT'})}.{encode(body)}."


async def a_conversation_with_a_secret(hub: HubProcess, token: str) -> str:
    owner = await hub.user(token=token)
    await owner.send(type="message", client_id="s", text=SECRET_TEXT)
    await owner.expect("ack", client_id="s")
    await owner.close()
    return owner.welcome["conversation_id"]


async def refused_hello(hub: HubProcess, **hello: object) -> dict:
    client = await Client.connect(hub.ws_url + "/ws/chat")
    await client.send(type="hello", locale="de-DE", **hello)
    error = await client.expect("error")
    leaked = [f for f in await client.quiet(0.3) if SECRET_TEXT in json.dumps(f)]
    assert leaked == [] and SECRET_TEXT not in json.dumps(error)
    await client.close()
    return error


async def test_forged_and_tampered_tokens_make_an_anonymous_visitor(hub_process):
    async with hub_process() as (hub, rasa):
        good = user_token("u-1", "acme")
        for token in (issue_token("f" * 40, "u-1", "acme"), unsigned(good),
                      unsigned(good, sub="u-admin"), good[:-2] + "xx", "not-a-jwt"):
            user = await hub.user(token=token)
            assert user.welcome["identity"]["anonymous"] is True
            assert user.welcome["identity"]["token_error"]
            await user.send(type="request_agent")
            assert (await user.expect("error"))["code"] == "sign_in_required"
            await user.close()


async def test_replayed_tokens_open_nothing_they_should_not(hub_process):
    """A token is its user's bearer credential until it expires, for any of that user's
    conversations; after expiry it is no one's, and it never opens another user's."""
    async with hub_process() as (hub, rasa):
        mine = await a_conversation_with_a_secret(hub, user_token("u-1", "acme"))
        again = await hub.user(token=user_token("u-1", "acme"), conversation_id=mine)
        assert again.welcome["conversation_id"] == mine  # the same user, a new tab: allowed
        await again.close()

        # Past its expiry and the clock leeway of bolt/core/identity.py.
        expired = issue_token(TOKEN_SECRET, "u-1", "acme", ttl_seconds=-(LEEWAY_SECONDS + 5))
        error = await refused_hello(hub, token=expired, conversation_id=mine)
        assert error["code"] == "forbidden"
        other_user = await refused_hello(hub, token=user_token("u-2", "acme"),
                                         conversation_id=mine)
        other_account = await refused_hello(hub, token=user_token("u-1", "globex"),
                                            conversation_id=mine)
        nobody = await refused_hello(hub, conversation_id=mine)
        no_such = await refused_hello(hub, token=user_token("u-2", "acme"),
                                      conversation_id="c-" + "0" * 32)
        # The same answer whether the conversation exists or not: nothing to probe with.
        assert other_user == other_account == nobody == no_such
        assert no_such["code"] == "forbidden"


async def test_an_anonymous_conversation_opens_only_with_its_resume_key(hub_process):
    async with hub_process() as (hub, rasa):
        owner = await hub.user()
        conversation_id, key = owner.welcome["conversation_id"], owner.welcome["resume_key"]
        await owner.send(type="message", client_id="s", text=SECRET_TEXT)
        await owner.expect("ack", client_id="s")
        assert (await refused_hello(hub, conversation_id=conversation_id,
                                    resume_key="x" * 40))["code"] == "forbidden"
        assert (await refused_hello(hub, conversation_id=conversation_id,
                                    token=user_token("u-3", "acme")))["code"] == "forbidden"
        back = await hub.user(conversation_id=conversation_id, resume_key=key)
        assert (await back.event(speaker="user"))["text"] == SECRET_TEXT
        for client in (owner, back):
            await client.close()


async def test_an_agent_socket_without_credentials_gets_nothing(hub_process):
    async with hub_process() as (hub, rasa):
        hub.add_agent("anna", ["de"])
        conversation_id = await a_conversation_with_a_secret(hub, user_token("u-1", "acme"))
        status, _ = await hub.hand_off(conversation_id)
        assert status == 409  # nobody online: stays with the bot
        stranger = await Client.connect(hub.ws_url + "/ws/agent")
        for frame in ({"type": "tickets"}, {"type": "history", "conversation_id": conversation_id},
                      {"type": "claim", "conversation_id": conversation_id},
                      {"type": "status", "status": "online"}):
            await stranger.send(**frame)
            assert (await stranger.expect("error"))["code"] == "login_first"
        for login in ({"name": "anna", "password": "wrong"}, {"name": "anna"},
                      {"session": "forged-session"}, {"name": "nobody", "password": "x"}, {}):
            await stranger.send(type="login", **login)
            assert (await stranger.expect("error"))["code"] == "login_failed", login
        received = await stranger.quiet(0.3)
        assert [f for f in stranger.received if f["type"] != "error"] == [] and received == []
        assert SECRET_TEXT not in json.dumps(stranger.received)
        await stranger.close()


async def test_a_hub_with_the_production_defaults_has_no_demo_sign_in_nor_demo_agent(
        hub_process):
    async with hub_process() as (hub, rasa):
        async with aiohttp.ClientSession() as session:
            async with session.post(hub.url + "/api/demo/token", json={
                    "user_id": "enterprise-premier-plus-owner-licensed"}) as response:
                assert response.status == 404
                assert "token" not in await response.text()
        stranger = await Client.connect(hub.ws_url + "/ws/agent")
        await stranger.send(type="login", name="demo", password="demo-agent")
        assert (await stranger.expect("error"))["code"] == "login_failed"
        await stranger.close()


async def test_the_service_api_needs_the_service_token(hub_process):
    async with hub_process() as (hub, rasa):
        conversation_id = (await hub.user()).welcome["conversation_id"]
        async with aiohttp.ClientSession() as session:
            for headers in ({}, {"Authorization": "Bearer wrong"},
                            {"Authorization": "Basic " + "x" * 20}):
                for path in ("/api/handoffs", "/api/tickets"):
                    async with session.post(hub.url + path, json={
                            "conversation_id": conversation_id}, headers=headers) as response:
                        assert response.status == 401, (path, headers)
        assert hub.stored(conversation_id) == []


async def test_a_foreign_origin_is_refused_on_both_sockets(hub_process):
    async with hub_process() as (hub, rasa):
        for path in ("/ws/chat", "/ws/agent"):
            with pytest.raises(websockets.InvalidStatusCode) as refused:
                await websockets.connect(hub.ws_url + path, origin="https://evil.example")
            assert refused.value.status_code == 403
        allowed = await Client.connect(hub.ws_url + "/ws/chat", origin="https://help.example.com")
        await allowed.send(type="ping")
        await allowed.expect("pong")
        await allowed.close()


async def test_a_flood_from_one_connection_is_limited_and_others_are_not_slowed(hub_process):
    async with hub_process(BOLT_HUB_RATE_PER_SECOND="5", BOLT_HUB_RATE_BURST="20") as (hub, rasa):
        flooder = await hub.user()
        conversation_id = flooder.welcome["conversation_id"]
        bystander = await hub.user()
        for index in range(500):
            await flooder.ws.send(json.dumps({"type": "message", "client_id": f"f{index}",
                                              "text": "spam"}))
        started = asyncio.get_running_loop().time()
        await bystander.send(type="ping")
        await bystander.expect("pong", timeout=5)
        assert asyncio.get_running_loop().time() - started < 2.0
        frames = await flooder.quiet(1.0)
        acks = [f for f in frames if f["type"] == "ack"]
        limited = [f for f in frames if f.get("code") == "rate_limited"]
        assert 15 <= len(acks) <= 30 and len(acks) + len(limited) == 500
        # Stored are exactly the acknowledged messages (and the bot's answers), nothing more.
        users = [row for row in hub.stored(conversation_id) if row[1] == "user"]
        assert sorted(row[0] for row in users) == sorted(a["seq"] for a in acks)
        await flooder.send(type="ping")  # still connected, still limited
        assert (await flooder.expect("error"))["code"] == "rate_limited"
        for client in (flooder, bystander):
            await client.close()


async def test_these_tests_run_against_the_production_defaults(hub_process):
    async with hub_process() as (hub, rasa):
        defaults = HubSettings.from_env({"BOLT_HOME": "/nonexistent", **{
            key: value for key, value in hub.env.items()
            if key in ("BOLT_TOKEN_SECRET", "BOLT_SERVICE_TOKEN", "BOLT_CLAIMS_SECRET",
                       "BOLT_RASA_TOKEN")}})
        settings = hub.settings
        assert "BOLT_DEMO" not in hub.env and not settings.demo
        assert settings.password_cost == STRONG and settings.metrics_token is None
        assert settings.trusted_proxies == ()
        for name in ("sockets_per_address", "anonymous_conversations_per_hour",
                     "address_rate_per_second", "address_rate_burst", "rate_per_second",
                     "rate_burst", "max_frame_bytes", "max_text_chars", "session_hours",
                     "token_max_lifetime_seconds"):
            assert getattr(settings, name) == getattr(defaults, name), name


async def test_a_login_flood_is_slowed_while_another_users_messages_are_answered(hub_process):
    async with hub_process() as (hub, rasa):
        async def flood() -> list:
            codes = []
            for number in range(30):
                client = await Client.connect(hub.ws_url + "/ws/agent")
                await client.send(type="login", name=f"guess-{number}", password="wrong")
                codes.append((await client.expect("error", timeout=60))["code"])
                await client.close()
            return codes

        async def talk() -> int:
            user = await hub.user(token=user_token("u-2", "acme"))
            for number in range(10):
                await user.send(type="message", client_id=f"m{number}", text=f"hello {number}")
                await user.expect("ack", client_id=f"m{number}", timeout=60)
                await user.expect("event", kind="message", speaker="bot", timeout=60)
            await user.close()
            return number + 1

        codes, answered = await asyncio.gather(flood(), talk())
        assert answered == 10
        assert codes[:20] == ["login_failed"] * 20 and "login_delayed" in codes[20:]

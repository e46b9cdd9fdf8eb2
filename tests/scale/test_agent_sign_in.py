"""Agents on two hubs sharing PostgreSQL and Redis: failed sign-ins on one hub slow the same name
on the other, and a password changed or an agent removed by `bolt agents` closes their sockets
on both."""
from __future__ import annotations

import asyncio
import io
import json

import pytest
import websockets

from bolt.cli.main import main as bolt_command
from handoff.services import sign_in
from support.client import Client
from support.fake_rasa import FakeRasa
from support.tokens import PASSWORD


async def first_answer(hub, **login) -> dict:
    client = await Client.connect(hub.ws_url + "/ws/agent")
    await client.send(type="login", **login)
    while True:
        frame = json.loads(await asyncio.wait_for(client.ws.recv(), 10))
        if frame["type"] in ("welcome", "error"):
            await client.close()
            return frame


async def closed_code(client: Client) -> int:
    with pytest.raises(websockets.ConnectionClosed) as closed:
        while True:
            await asyncio.wait_for(client.ws.recv(), 10)
    return closed.value.code


async def test_failures_on_one_hub_slow_the_same_name_on_the_other(hub_processes):
    rasa = FakeRasa()
    await rasa.start()
    try:
        hub_a = await hub_processes(rasa.url)
        hub_b = await hub_processes(rasa.url)
        hub_a.add_agent("anna", ["de"])
        hub_a.add_agent("ben", ["de"])
        for _ in range(sign_in.NAME_FREE_FAILURES + 1):
            assert (await first_answer(hub_a, name="anna", password="wrong"))["code"] \
                == "login_failed"
        answer = await first_answer(hub_b, name="anna", password=PASSWORD)
        assert answer["code"] == "login_delayed"
        assert (await first_answer(hub_b, name="ben", password=PASSWORD))["type"] == "welcome"
    finally:
        await rasa.stop()


async def test_a_password_change_or_removal_closes_the_agents_sockets_on_every_hub(
        hub_processes, monkeypatch):
    rasa = FakeRasa()
    await rasa.start()
    try:
        hub_a = await hub_processes(rasa.url)
        hub_b = await hub_processes(rasa.url)
        for name in ("anna", "ben", "carl"):
            hub_a.add_agent(name, ["de"])
        anna_a, anna_b = await hub_a.agent("anna"), await hub_b.agent("anna")
        carl_a, carl_b = await hub_a.agent("carl"), await hub_b.agent("carl")
        ben_b = await hub_b.agent("ben")
        for name, value in hub_a.env.items():  # `bolt agents` as run on another machine
            monkeypatch.setenv(name, value)
        monkeypatch.setattr("sys.stdin", io.StringIO("a new passphrase\n"))
        assert bolt_command(["agents", "passwd", "anna", "--password-stdin"]) == 0
        assert [await closed_code(anna_a), await closed_code(anna_b)] == [1008, 1008]
        assert bolt_command(["agents", "remove", "carl"]) == 0
        assert [await closed_code(carl_a), await closed_code(carl_b)] == [1008, 1008]
        await ben_b.send(type="tickets")
        await ben_b.expect("tickets")
        await ben_b.close()
    finally:
        await rasa.stop()

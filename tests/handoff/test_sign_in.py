"""Agent sign-in: password cost and upgrades, checks off the loop, unknown names, growing
delays after failures, sign-out and session expiry."""
import asyncio
import base64
import hashlib
import json
import secrets
import threading
import time
from datetime import datetime

import pytest
import websockets

from handoff.config import HubSettings
from handoff.services import sign_in as sign_in_module
from handoff.services.agents import open_repository
from handoff.services.passwords import (
    STRONG, PasswordCost, check_password, hash_password, needs_rehash,
)
from handoff.services.sign_in import CHECKS_AT_ONCE, SignIn
from handoff.wire.protocol import ProtocolError
from support.client import Client
from support.tokens import PASSWORD


def old_format_hash(password: str, log2_n: int = 14) -> str:
    """A hash as the hub stored them before: scrypt N = 2^14, no maxmem."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2 ** log2_n, r=8, p=1)
    b64 = lambda raw: base64.urlsafe_b64encode(raw).decode().rstrip("=")  # noqa: E731
    return f"scrypt${2 ** log2_n}$8$1${b64(salt)}${b64(digest)}"


def test_passwords_are_hashed_at_current_guidance_by_default():
    assert HubSettings.from_env({"BOLT_HOME": "/nonexistent", "BOLT_TOKEN_SECRET": "x" * 32,
                                 "BOLT_SERVICE_TOKEN": "y" * 32, "BOLT_CLAIMS_SECRET": "z" * 32,
                                 "BOLT_RASA_TOKEN": "w" * 32}).password_cost == STRONG
    stored = hash_password("a long passphrase")
    assert stored.startswith("scrypt$131072$8$1$")  # N = 2^17, r = 8, p = 1
    assert check_password("a long passphrase", stored)


def test_old_hashes_verify_and_are_weaker_than_the_setting():
    old = old_format_hash(PASSWORD)
    assert check_password(PASSWORD, old) and not check_password(PASSWORD + "!", old)
    assert needs_rehash(old, STRONG) and needs_rehash(old, PasswordCost(15))
    assert not needs_rehash(old, PasswordCost(14)) and not needs_rehash(old, PasswordCost(10))


class FakeAgent:
    id = 1
    disabled = False
    name = "anna"


class FakeRepository:
    def __init__(self, stored):
        self.stored = stored
        self.sessions = []

    def agent_by_name(self, name):
        if name != "anna":
            return None
        agent = FakeAgent()
        agent.password_hash = self.stored
        return agent

    def add_session(self, agent_id, token_hash, expires_at):
        self.sessions.append(token_hash)

    def upgrade_password(self, agent_id, old, new):
        if self.stored == old:
            self.stored = new


def sign_in_over(repository, cost=PasswordCost(10)):
    return SignIn(repository, cost, 12.0, datetime.utcnow, lambda agent: True)


async def test_password_checks_run_off_the_loop_a_few_at_once(monkeypatch):
    running, most, threads = [0], [0], set()
    lock = threading.Lock()

    def slow_check(password, stored):
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        threads.add(threading.get_ident())
        time.sleep(0.1)
        with lock:
            running[0] -= 1
        return False

    monkeypatch.setattr(sign_in_module, "check_password", slow_check)
    sign_in = sign_in_over(FakeRepository(hash_password(PASSWORD, PasswordCost(10))))
    ticks = 0

    async def ticker():
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    ticking = asyncio.get_running_loop().create_task(ticker())
    results = await asyncio.gather(
        *[sign_in.with_password("anna", "wrong password", f"10.0.0.{i}") for i in range(6)],
        return_exceptions=True)
    ticking.cancel()
    assert all(isinstance(r, ProtocolError) and r.code == "login_failed" for r in results)
    assert most[0] == CHECKS_AT_ONCE
    assert threading.get_ident() not in threads
    assert ticks >= 20  # the loop went on while the six checks took 0.3 s


async def test_an_unknown_name_costs_a_check_at_the_hubs_cost(monkeypatch):
    checked = []
    real_check = check_password

    def recording_check(password, stored):
        checked.append(stored)
        return real_check(password, stored)

    monkeypatch.setattr(sign_in_module, "check_password", recording_check)
    sign_in = sign_in_over(FakeRepository(hash_password(PASSWORD, PasswordCost(12))),
                           cost=PasswordCost(12))
    for name in ("nobody", "anna"):
        with pytest.raises(ProtocolError) as refused:
            await sign_in.with_password(name, "wrong password", "10.0.0.1")
        assert refused.value.code == "login_failed"
    assert len(checked) == 2 and all(s.startswith("scrypt$4096$8$1$") for s in checked)
    assert checked[0] != checked[1]


async def test_an_old_hash_is_upgraded_at_the_next_successful_sign_in():
    repository = FakeRepository(old_format_hash(PASSWORD, 11))
    sign_in = sign_in_over(repository, cost=PasswordCost(12))
    with pytest.raises(ProtocolError):
        await sign_in.with_password("anna", "wrong password", None)
    assert repository.stored.startswith("scrypt$2048$")  # not on a failure
    await sign_in.with_password("anna", PASSWORD, None)
    assert repository.stored.startswith("scrypt$4096$8$1$")
    assert check_password(PASSWORD, repository.stored)
    await sign_in.with_password("anna", PASSWORD, None)  # and still signs in


async def first_answer(client):
    while True:
        frame = json.loads(await asyncio.wait_for(client.ws.recv(), 5))
        if frame["type"] in ("welcome", "error"):
            return frame


async def try_login(hub, **frame):
    client = await Client.connect(hub.ws_url + "/ws/agent")
    await client.send(type="login", **frame)
    answer = await first_answer(client)
    await client.close()
    return answer


async def test_failed_sign_ins_make_the_next_wait_for_that_name(bolt, agents):
    agents("anna", ["de"])
    agents("ben", ["de"])
    async with bolt() as (hub, rasa):
        for _ in range(sign_in_module.NAME_FREE_FAILURES + 1):
            answer = await try_login(hub, name="anna", password="wrong password")
            assert answer["code"] == "login_failed"
        # Even the right password is not checked until the wait is over.
        answer = await try_login(hub, name="anna", password=PASSWORD)
        assert answer["code"] == "login_delayed"
        # Another agent at the same address signs in.
        assert (await try_login(hub, name="ben", password=PASSWORD))["type"] == "welcome"
        await asyncio.sleep(1.1)
        assert (await try_login(hub, name="anna", password=PASSWORD))["type"] == "welcome"


async def test_failed_sign_ins_from_one_address_slow_down_every_name(bolt, agents):
    agents("anna", ["de"])
    async with bolt() as (hub, rasa):
        for number in range(sign_in_module.ADDRESS_FREE_FAILURES + 1):
            answer = await try_login(hub, name=f"guess-{number}", password="wrong password")
            assert answer["code"] == "login_failed"
        answer = await try_login(hub, name="anna", password=PASSWORD)
        assert answer["code"] == "login_delayed"


async def test_an_old_hash_is_upgraded_when_the_agent_signs_in(bolt, agents, hub_env):
    agents("anna", ["de"])
    repository = open_repository(HubSettings.from_env(hub_env).database_url)
    repository.set_password("anna", old_format_hash(PASSWORD, 11))
    async with bolt(BOLT_HUB_PASSWORD_COST="12") as (hub, rasa):
        assert (await try_login(hub, name="anna", password=PASSWORD))["type"] == "welcome"
        stored = repository.agent_by_name("anna").password_hash
        assert stored.startswith("scrypt$4096$8$1$") and check_password(PASSWORD, stored)
        assert (await try_login(hub, name="anna", password=PASSWORD))["type"] == "welcome"


async def test_sign_out_ends_the_session_on_the_server(bolt, agents):
    agents("anna", ["de"])
    async with bolt() as (hub, rasa):
        anna = await hub.agent("anna")
        other = await hub.agent("anna")  # her second window has a session of its own
        session = anna.welcome["session"]
        await anna.send(type="sign_out")
        with pytest.raises(websockets.ConnectionClosed) as closed:
            while True:
                await asyncio.wait_for(anna.ws.recv(), 5)
        assert closed.value.code == 1000
        assert (await try_login(hub, session=session))["code"] == "login_failed"
        again = await try_login(hub, session=other.welcome["session"])
        assert again["type"] == "welcome"
        await other.close()


async def test_sessions_expire(bolt, agents):
    agents("anna", ["de"])
    async with bolt(BOLT_HUB_SESSION_HOURS="0.0003") as (hub, rasa):  # about a second
        anna = await hub.agent("anna")
        session = anna.welcome["session"]
        await anna.close()
        assert (await try_login(hub, session=session))["type"] == "welcome"
        await asyncio.sleep(1.5)
        assert (await try_login(hub, session=session))["code"] == "login_failed"

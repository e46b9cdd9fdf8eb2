"""Two hubs and two real Rasa servers (Bolt's trained model) on one machine, as docs/deploy.md
runs them: the hubs share PostgreSQL and Redis; both Rasa servers keep their trackers in one
PostgreSQL tracker store and take Redis locks; each Rasa has its action server, and both action
servers share the PostgreSQL account directory.

    user -- hub A -- Rasa A -- actions A --> hub A          agent -- hub B -- Rasa B -- actions B

A signed-in user on hub A talks to Bolt in Japanese, asks for a person and is queued; the agent
on hub B takes the chat; hub A is SIGKILLed mid-chat (and Rasa A stopped with it); the user
resumes on hub B with nothing lost; the agent hands back and Rasa B answers the next question in
the same conversation, from the tracker Rasa A wrote.
"""
from __future__ import annotations

import asyncio
import json
import urllib.request
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest

from actions.messages import render
from bolt.processes import Service, bolt_services, start, stop, wait_healthy
from bolt.core.settings import Settings
from handoff.services.agents import add_agent, open_repository
from support import services
from support.client import Client
from support.content import answer
from support.hub import MANY_SENDERS, hub_environment
from support.hub_process import HubProcess
from support.live_bolt import settings_on_free_ports
from support.ports import listens
from support.tokens import (
    CLAIMS_SECRET, PASSWORD, RASA_TOKEN, SERVICE_TOKEN, TOKEN_SECRET, user_token,
)
from tests.handoff.test_with_rasa import bot_text

pytestmark = [pytest.mark.model, pytest.mark.server]

TEST_TIMEOUT = 180  # seconds for the conversation itself; the servers start in the fixture
STARTUP_SECONDS = 240
DEMO_USER = ("business-premier-admin-licensed", "demo-business-premier")
LOCALE = "ja-JP"
# No triage cue in what the user writes before the impact question (a how-to question, as the web
# ticket one, would queue the chat at P4 without asking).
FIRST_QUESTION = "サポートプランって全部で何種類あるの？"
REQUEST_HUMAN = "担当者と話したい"
NEXT_QUESTION = "ウェブチケットの提出方法を教えてください"


@dataclass
class Side:
    """One half of the deployment: a hub, its Rasa server and that server's action server."""

    settings: Settings
    servers: List[Service]  # the action server, then the Rasa server, as `bolt run` starts them
    hub: HubProcess

    @property
    def rasa_url(self) -> str:
        return self.settings.rasa_url

    def check_ports(self) -> None:
        """Each server answers on its own port (support/ports.py says why it might not)."""
        actions, rasa = self.servers
        for name, pid, port in ((actions.name, actions.process.pid, self.settings.actions_port),
                                (rasa.name, rasa.process.pid, self.settings.rasa_port),
                                ("hub", self.hub.process.pid, self.settings.hub_port)):
            if not listens(pid, port):
                raise RuntimeError(f"port {port} of the {name} was taken by another process "
                                   "before the server bound it: run again")


@dataclass
class Deployment:
    a: Side
    b: Side
    hub_database: str


@pytest.fixture(scope="module")
def deployment(trained_model, repository, tmp_path_factory):
    if services.postgres_url() is None or services.redis_url() is None:
        pytest.skip("needs PostgreSQL and Redis: run inside scripts/with-scale-services")
    root = tmp_path_factory.mktemp("two-bolts")
    with ExitStack() as cleanup:
        hub_database, tracker_database, accounts_database = (
            cleanup.enter_context(services.fresh_postgres_database(services.postgres_url()))
            for _ in range(3))
        # The variables docs/deploy.md names, as each process would have them.
        environment = pytest.MonkeyPatch()
        cleanup.callback(environment.undo)
        for name, value in {
            "BOLT_TRACKER_STORE_URL": tracker_database,
            "BOLT_LOCK_STORE_URL": services.redis_url(),
            "BOLT_TOKEN_SECRET": TOKEN_SECRET, "BOLT_SERVICE_TOKEN": SERVICE_TOKEN,
            "BOLT_CLAIMS_SECRET": CLAIMS_SECRET, "BOLT_RASA_TOKEN": RASA_TOKEN,
        }.items():
            environment.setenv(name, value)
        sides = [side(repository, trained_model, root / name, hub_database, accounts_database)
                 for name in ("a", "b")]
        environment.undo()
        try:
            everything = [server for s in sides for server in s.servers]
            for server in everything:  # all four load at once: Rasa takes its time
                start(server, repository)
            for server in everything:
                wait_healthy(server, timeout=STARTUP_SECONDS)
            for s in sides:
                asyncio.run(s.hub.start())
            for s in sides:
                s.check_ports()
            yield Deployment(sides[0], sides[1], hub_database)
        finally:
            for s in sides:
                s.hub.terminate()
            stop(everything)


def side(repository: Path, model: Path, state: Path, hub_database: str,
         accounts_database: str) -> Side:
    settings = settings_on_free_ports(repository, BOLT_STATE_DIR=str(state),
                                      BOLT_DEMO="true")  # the demo accounts
    state.mkdir(parents=True, exist_ok=True)
    actions, rasa, _ = bolt_services(settings, model)  # the hub runs below, on the shared stores
    actions.env["BOLT_ACCOUNTS_DATABASE_URL"] = accounts_database
    hub_env = hub_environment(state, settings.rasa_url, MANY_SENDERS,
                              BOLT_HUB_DATABASE_URL=hub_database,
                              BOLT_HUB_REDIS_URL=services.redis_url() or "",
                              BOLT_HUB_PORT=str(settings.hub_port), BOLT_HUB_RASA_TIMEOUT="60",
                              BOLT_HUB_TICK_SECONDS="0.2", BOLT_HUB_PRESENCE_SECONDS="2")
    return Side(settings, [actions, rasa], HubProcess(hub_env, state / "hub.log"))


def tracker(rasa_url: str, conversation_id: str) -> Dict[str, Any]:
    with urllib.request.urlopen(f"{rasa_url}/conversations/{conversation_id}/tracker"
                                f"?include_events=ALL&token={RASA_TOKEN}", timeout=30) as response:
        return json.loads(response.read())


def events(client: Client) -> Dict[int, Tuple[str, str, Any]]:
    """What a socket was sent, by sequence number: (kind, speaker, text)."""
    return {f["seq"]: (f["kind"], f.get("speaker"), f.get("text"))
            for f in client.received if f.get("type") == "event"}


async def say(client: Client, acknowledged: List[Tuple[int, str]], client_id: str, text: str,
              **frame: Any) -> None:
    """A message, kept with the sequence number the hub acknowledged it under."""
    await client.send(type="message", client_id=client_id, text=text, **frame)
    ack = await client.expect("ack", timeout=10, client_id=client_id)
    assert not ack["duplicate"]
    acknowledged.append((ack["seq"], text))


async def test_a_user_on_hub_a_an_agent_on_hub_b_hub_a_dies_and_rasa_b_carries_on(deployment):
    a, b = deployment.a, deployment.b
    add_agent(open_repository(deployment.hub_database), "kenji", ["ja"], 2, PASSWORD,
              display_name="Kenji")
    agent = await b.hub.agent("kenji")
    token = user_token(*DEMO_USER, name="Demo User")
    user = await a.hub.user(token=token, locale=LOCALE)
    conversation_id = user.welcome["conversation_id"]
    user_said: List[Tuple[int, str]] = []
    agent_said: List[Tuple[int, str]] = []

    # Bolt (Rasa A) answers an FAQ question in the user's language.
    await say(user, user_said, "m1", FIRST_QUESTION)
    assert await bot_text(user) == answer("ja", "support_plans")

    # The account check (action server A) finds an eligible user, asks the impact, and queues
    # the chat through hub A; hub B offers it to Kenji, who is connected there.
    await say(user, user_said, "m2", REQUEST_HUMAN)
    question = await user.event(speaker="bot", timeout=60)
    assert question["text"] == render("impact_question", "ja")
    high = question["buttons"][1]
    await say(user, user_said, "m3", high["title"], payload=high["payload"])
    await user.event("queued", timeout=60)
    assert "P2" in (await user.event(speaker="bot", timeout=60))["text"]
    offer = await agent.expect("offer", timeout=15)
    assert offer["conversation"]["conversation_id"] == conversation_id
    assert (offer["conversation"]["priority"], offer["conversation"]["language"]) == ("P2", "ja")
    await agent.send(type="accept", conversation_id=conversation_id)
    transcript = (await agent.expect("assigned", timeout=10))["events"]
    assert [e["text"] for e in transcript if e["speaker"] == "user"] == [
        FIRST_QUESTION, REQUEST_HUMAN, high["title"]]
    await user.event("agent_joined", timeout=10)

    # They talk across the two hubs.
    await say(user, user_said, "m4", "会議が10分で切れてしまいます")
    assert (await agent.event(speaker="user", conversation_id=conversation_id))["text"] == (
        "会議が10分で切れてしまいます")
    await agent.send(type="message", conversation_id=conversation_id, client_id="a1",
                     text="いつからですか？")
    agent_said.append(((await agent.expect("ack", client_id="a1"))["seq"], "いつからですか？"))
    assert (await user.event(speaker="agent"))["text"] == "いつからですか？"
    seen_on_a = events(user)
    last_seen = max(seen_on_a)

    # Hub A dies (SIGKILL: nothing is flushed, no socket closed cleanly) and Rasa A with it.
    a.hub.kill()
    stop(a.servers)
    await agent.send(type="message", conversation_id=conversation_id, client_id="a2",
                     text="まだいらっしゃいますか？")
    agent_said.append(((await agent.expect("ack", client_id="a2"))["seq"], "まだいらっしゃいますか？"))

    # The user's widget reconnects (through the load balancer, to hub B) from what it saw.
    again = await b.hub.user(token=token, locale=LOCALE, conversation_id=conversation_id,
                             last_seq=last_seen)
    assert again.welcome["owner"] == "agent"
    missed = await again.event(speaker="agent")
    assert (missed["seq"], missed["text"]) == (last_seen + 1, "まだいらっしゃいますか？")
    await say(again, user_said, "m5", "はい、昨日からです")
    assert (await agent.event(speaker="user", text="はい、昨日からです"))["seq"] == last_seen + 2

    # Nothing lost, nothing twice, in order: a second tab on hub B replays the whole conversation.
    tab = await b.hub.user(token=token, locale=LOCALE, conversation_id=conversation_id,
                           last_seq=0)
    while max(events(tab), default=0) < tab.welcome["last_seq"]:
        await tab.expect("event", timeout=10)
    replayed = events(tab)
    assert sorted(replayed) == list(range(1, tab.welcome["last_seq"] + 1))
    assert len([f for f in tab.received if f.get("type") == "event"]) == len(replayed)
    assert {seq: replayed[seq] for seq in seen_on_a} == seen_on_a
    for seq, text in user_said + agent_said:
        assert replayed[seq][2] == text, (seq, text, replayed[seq])
    assert [seq for seq, _ in user_said] == sorted(seq for seq, _ in user_said)
    await tab.close()

    # Kenji hands back; the user writes at once. Hub B resumes the conversation in Rasa B (before
    # the message, whichever comes first), and Rasa B answers from the tracker that Rasa A wrote.
    await agent.send(type="resolve", conversation_id=conversation_id)
    await again.event("resolved", timeout=10)
    await say(again, user_said, "m6", NEXT_QUESTION)
    assert await bot_text(again) == answer("ja", "web_ticket")

    state = tracker(b.rasa_url, conversation_id)
    said_to_rasa = [e["text"] for e in state["events"] if e["event"] == "user"]
    # Rasa A's turns, then Rasa B's; nothing said while Kenji held the chat reached a bot.
    assert said_to_rasa == [FIRST_QUESTION, REQUEST_HUMAN, high["payload"], NEXT_QUESTION]
    kinds = [e["event"] for e in state["events"]]
    assert kinds.index("pause") < kinds.index("resume") < len(kinds) - 1
    assert (state["slots"]["language"], state["slots"]["user_id"]) == ("ja", DEMO_USER[0])
    await again.close()
    await agent.close()

"""One conversation in the logs of the three real processes (the hub, Rasa and the action server,
started as `bolt run` starts them, BOLT_LOG_FORMAT=json): a signed-in user asks for a person,
an agent takes the chat and resolves it, and Bolt, which holds it again, abstains on a question it
cannot answer. Its id
finds its whole path in all three logs, every line is one JSON object, and no line holds what
anyone wrote, a token, a password or an e-mail address."""
from __future__ import annotations

import asyncio
import json
from typing import Any, Dict, List, Set

import pytest

from actions.messages import render
from bolt.core.identity import issue_token
from support.client import Client, online_agent
from support.tokens import PASSWORD

pytestmark = [pytest.mark.model, pytest.mark.server]

PROCESS_OF = {"hub": "hub", "Rasa server": "rasa", "action server": "actions"}
# What the user and the agent write; the e-mail address must not reach any log either.
ASK_FOR_A_PERSON = "Ich möchte mit einem Menschen sprechen"
TO_THE_AGENT = "Hallo Erika, bitte antworten Sie an anna.k@example.com wegen Rechnung 4711"
FROM_THE_AGENT = "Gern, ich kümmere mich um Rechnung 4711 und schreibe Ihnen gleich"
UNANSWERABLE = "Wie kann ich im Meeting meinen Hintergrund unscharf machen?"
E_MAIL = "anna.k@example.com"


async def bot_replies(user: Client) -> List[Dict[str, Any]]:
    """The bot's replies to the user's latest message (a message per paragraph)."""
    replies = [await user.event(speaker="bot", timeout=60)]
    while True:
        try:
            replies.append(await user.expect("event", timeout=1.5, speaker="bot"))
        except AssertionError:
            return replies


async def one_conversation(live_bolt) -> Dict[str, Any]:
    """The conversation, and everything secret or written in it."""
    settings, secrets = live_bolt.settings, live_bolt.secrets
    ws_url = f"ws://127.0.0.1:{settings.hub_port}"
    agent, welcome = await online_agent(ws_url, "erika", PASSWORD)
    session = welcome["session"]

    token = issue_token(secrets.token_secret, "business-premier-admin-licensed",
                        "demo-business-premier", kid=secrets.token_kid)
    user = await Client.connect(ws_url + "/ws/chat")
    await user.send(type="hello", locale="de-DE", token=token)
    welcome = await user.expect("welcome")
    conversation_id = welcome["conversation_id"]
    written = [ASK_FOR_A_PERSON, TO_THE_AGENT, FROM_THE_AGENT, UNANSWERABLE]

    await user.send(type="message", client_id="m1", text=ASK_FOR_A_PERSON)
    question = (await bot_replies(user))[0]
    assert question["text"] == render("impact_question", "de")
    high = question["buttons"][1]
    await user.send(type="message", client_id="m2", text=high["title"], payload=high["payload"])
    await user.event("queued", timeout=30)
    bot_said = [reply["text"] for reply in [question] + await bot_replies(user)]

    await agent.expect("offer", timeout=10)
    await agent.send(type="accept", conversation_id=conversation_id)
    await agent.expect("assigned")
    await user.send(type="message", client_id="m3", text=TO_THE_AGENT)
    assert (await agent.event(speaker="user"))["text"] == TO_THE_AGENT
    await agent.send(type="message", conversation_id=conversation_id, client_id="a1",
                     text=FROM_THE_AGENT)
    await user.event(speaker="agent")
    await agent.send(type="resolve", conversation_id=conversation_id)
    await user.event("resolved")
    await asyncio.sleep(1)  # the hub resumes Rasa meanwhile
    await user.send(type="message", client_id="m4", text=UNANSWERABLE)
    abstained = await bot_replies(user)
    assert abstained[0]["text"] == render("abstain", "de")
    bot_said += [reply["text"] for reply in abstained]
    await user.close()
    await agent.close()
    await asyncio.sleep(0.5)  # the agent's socket closes and says so
    return {"conversation_id": conversation_id,
            "secret": [token, token.split(".")[2], session, welcome["resume_key"], PASSWORD,
                       secrets.token_secret, secrets.service_token, secrets.claims_secret,
                       secrets.rasa_token, E_MAIL],
            "written": written + [text for text in bot_said if text]}


@pytest.fixture(scope="module")
def conversation(live_bolt) -> Dict[str, Any]:
    return asyncio.run(asyncio.wait_for(one_conversation(live_bolt), 240))


def log_lines(live_bolt) -> Dict[str, List[str]]:
    return {PROCESS_OF[name]: path.read_text(encoding="utf-8").splitlines()
            for name, path in live_bolt.logs.items()}


def events(lines: List[Dict[str, Any]], conversation_id: str) -> Set[str]:
    return {line["event"] for line in lines if line.get("conversation_id") == conversation_id}


def test_one_conversation_id_finds_its_path_in_all_three_processes_logs(live_bolt, conversation):
    conversation_id = conversation["conversation_id"]
    lines = {process: [json.loads(line) for line in raw if line.strip()]
             for process, raw in log_lines(live_bolt).items()}
    for process, parsed in lines.items():
        assert all(line["process"] == process for line in parsed), process

    assert {"conversation.started", "conversation.handed_off", "conversation.assigned",
            "conversation.resolved"} <= events(lines["hub"], conversation_id)
    # Rasa: every message the bot was asked (not the one to the agent), each in its context.
    handled = [line for line in lines["rasa"] if line["event"] == "message.handled"
               and line.get("conversation_id") == conversation_id]
    assert [line["outcome"] for line in handled] == ["answered"] * 3
    assert {"answer.abstained", "account.checked", "handoff.impact_asked",
            "handoff.queued"} <= events(lines["actions"], conversation_id)
    queued = [line for line in lines["actions"] if line["event"] == "handoff.queued"
              and line.get("conversation_id") == conversation_id]
    assert [(line["priority"], line["action"]) for line in queued] == [
        ("P2", "action_request_handoff")]
    checked = {line["standing"] for line in lines["actions"]
               if line["event"] == "account.checked"
               and line.get("conversation_id") == conversation_id}
    assert checked == {"member"}
    signed_in = [line for line in lines["hub"] if line["event"] == "agent.signed_in"]
    assert signed_in and signed_in[-1]["agent"] == "erika"
    # The processes' start-up lines come out in the same format (Sanic's, Rasa's, rasa-sdk's).
    assert any(line["logger"].startswith("rasa.") for line in lines["rasa"])
    assert any(line["logger"].startswith("rasa_sdk") for line in lines["actions"])
    assert any(line["logger"].startswith("sanic") for line in lines["hub"])


def test_no_log_line_holds_what_was_written_a_token_a_password_or_an_e_mail(live_bolt,
                                                                          conversation):
    found = []
    for process, raw in log_lines(live_bolt).items():
        for number, line in enumerate(raw, 1):
            for secret in conversation["secret"]:
                if secret in line:
                    found.append(f"{process}:{number} holds a secret ({secret[:4]}...)")
            for text in conversation["written"]:
                if text in line:
                    found.append(f"{process}:{number} holds a text: {text[:30]!r}")
            if "eyJ" in line:  # a JWT's header: the help center's token or the hub's claims
                found.append(f"{process}:{number} holds a token")
    assert found == []
    assert sum(len(raw) for raw in log_lines(live_bolt).values()) > 30  # the scan saw the logs

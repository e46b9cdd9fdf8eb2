"""The hub in front of the real trained Bolt, all three started as `bolt run` starts them: the
account check of the action server queues a signed-in demo user through the hub's API, and the
help center's token is stored nowhere."""
import asyncio
import json
import urllib.request

import pytest

from actions.messages import render
from bolt.core.identity import issue_token
from support.client import Client, online_agent
from support.content import answer
from support.hub import handoff_body
from support.tokens import PASSWORD

pytestmark = [pytest.mark.model, pytest.mark.server]


@pytest.fixture()
def bolt_running(live_bolt):
    return live_bolt.settings, live_bolt.secrets


async def bot_text(user):
    """The bot's reply as one text (Rasa's REST channel sends each paragraph apart)."""
    replies = []
    while True:
        try:
            replies.append(await user.expect("event", timeout=30 if not replies else 1.5,
                                             speaker="bot"))
        except AssertionError:
            if replies:
                return "\n\n".join(r["text"] for r in replies if r.get("text"))
            raise


async def test_a_user_talks_to_bolt_through_the_hub_then_to_an_agent_and_back(bolt_running):
    settings, secrets = bolt_running
    ws_url = f"ws://127.0.0.1:{settings.hub_port}"
    user = await Client.connect(ws_url + "/ws/chat")
    await user.send(type="hello", locale="de-DE")
    conversation_id = (await user.expect("welcome"))["conversation_id"]
    await user.send(type="message", client_id="m1",
                    text="Wie kann ich ein Webticket beim Support einreichen?")
    assert await bot_text(user) == answer("de", "web_ticket")

    agent, _ = await online_agent(ws_url, "erika", PASSWORD)
    request = urllib.request.Request(
        f"{settings.hub_url}/api/handoffs", data=json.dumps(handoff_body(conversation_id)).encode(),
        headers={"Authorization": f"Bearer {secrets.service_token}",
                 "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 201
    # What Bolt's handoff action returns with its answer: ConversationPaused.
    pause = urllib.request.Request(
        f"{settings.rasa_url}/conversations/{conversation_id}/tracker/events"
        f"?token={secrets.rasa_token}",
        data=json.dumps({"event": "pause"}).encode(), headers={"Content-Type": "application/json"})
    urllib.request.urlopen(pause, timeout=10).close()

    await agent.expect("offer", timeout=10)
    await agent.send(type="accept", conversation_id=conversation_id)
    assigned = await agent.expect("assigned")
    assert answer("de", "web_ticket").split("\n")[0] in [
        e.get("text", "").split("\n")[0] for e in assigned["events"]]
    await agent.send(type="resolve", conversation_id=conversation_id)
    await user.event("resolved")
    await asyncio.sleep(1)  # the hub resumes Rasa (resume + action_listen) meanwhile

    await user.send(type="message", client_id="m2", text="Welche Support-Pläne gibt es?")
    assert await bot_text(user) == answer("de", "support_plans")
    await user.close()
    await agent.close()


async def test_bolts_account_check_hands_a_paying_user_to_an_agent_and_takes_them_back(
        bolt_running):
    settings, secrets = bolt_running
    ws_url = f"ws://127.0.0.1:{settings.hub_port}"
    agent, _ = await online_agent(ws_url, "erika", PASSWORD)

    token = issue_token(secrets.token_secret, "business-premier-admin-licensed",
                        "demo-business-premier", kid=secrets.token_kid)
    user = await Client.connect(ws_url + "/ws/chat")
    await user.send(type="hello", locale="de-DE", token=token)
    conversation_id = (await user.expect("welcome"))["conversation_id"]
    await user.send(type="message", client_id="m1", text="Ich möchte mit einem Menschen sprechen")
    question = await user.event(speaker="bot", timeout=30)
    assert question["text"] == render("impact_question", "de")
    high = question["buttons"][1]
    await user.send(type="message", client_id="m2", text=high["title"], payload=high["payload"])
    await user.event("queued", timeout=30)
    assert "P2" in (await user.event(speaker="bot", timeout=30))["text"]

    offer = await agent.expect("offer", timeout=10)
    card = offer["conversation"]
    assert (card["conversation_id"], card["priority"], card["language"]) == (
        conversation_id, "P2", "de")
    assert card["account"]["user_id"] == "business-premier-admin-licensed"
    await agent.send(type="accept", conversation_id=conversation_id)
    transcript = (await agent.expect("assigned"))["events"]
    assert [e["speaker"] for e in transcript[:2]] == ["user", "bot"]
    await user.send(type="message", client_id="m3", text="Hallo Erika")
    assert (await agent.event(speaker="user"))["text"] == "Hallo Erika"
    await agent.send(type="resolve", conversation_id=conversation_id)
    await user.event("resolved")
    await asyncio.sleep(1)

    await user.send(type="message", client_id="m4", text="Welche Support-Pläne gibt es?")
    assert await bot_text(user) == answer("de", "support_plans")
    await user.close()
    await agent.close()

    # The help center's token went no further than the hub: no stored row holds it, neither in
    # Rasa's trackers nor in the hub's database, while the user's verified id is there.
    files = [path for path in settings.state_dir.rglob("*") if path.is_file()]
    assert {"rasa-trackers.db", "hub.sqlite3"} <= {path.name for path in files}
    stored = b"".join(path.read_bytes() for path in files)
    assert b"business-premier-admin-licensed" in stored
    assert token.encode() not in stored
    assert token.split(".")[2].encode() not in stored  # not even its signature
